"""OAuth 1.0a request signing (RFC 5849), on oauthlib's `oauthlib.oauth1.Client`.

oauthlib computes the signature base string and the signature (HMAC-SHA1, HMAC-SHA256,
RSA-SHA1 through PyJWT + cryptography, PLAINTEXT); nothing here signs by hand. This module
only loads the RSA key (so that a bad key file or passphrase is reported before sending)
and puts the signed `oauth_*` parameters where the user asked:

- header: the `Authorization: OAuth …` header oauthlib renders (with `realm` if set);
- query / body: the same parameters appended to the query or to the form body, leaving
  the rest of the URL and body exactly as typed (oauthlib's own rendering would re-encode
  them, `%20` becoming `+`). The signature does not depend on where the parameters go
  (RFC 5849 §3.4.1.3.1 collects them from all three places).

Form bodies (`application/x-www-form-urlencoded`) are signed, other bodies are not (the
RFC only signs form parameters), as requests-oauthlib does. `oauth_version="1.0"` is sent,
as most servers expect; the RFC makes it optional.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme
from .keys import load_pem_private_key

if TYPE_CHECKING:
    import httpx
    from oauthlib.oauth1 import Client

    from .base import AuthFactory

METHODS = ("HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT")
LOCATIONS = ("header", "query", "body")
FORM = "application/x-www-form-urlencoded"


def load_rsa_key(path: str, passphrase: str = "") -> str:
    """The private key in `path` as an unencrypted PKCS#8 PEM string (kept in memory only:
    oauthlib takes a PEM string). AuthError, naming the file, when it cannot be used."""
    key = load_pem_private_key(path, passphrase, "RSA key file")
    if not isinstance(key, deferred.rsa.RSAPrivateKey):
        raise AuthError(f"The key in {path} is not an RSA key; RSA-SHA1 needs one.")
    serialization = deferred.serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _media_type(request: httpx.Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@cache
def _auth_class() -> AuthFactory:
    class _Client(deferred.oauthlib_oauth1.Client):
        send_version = True

        def get_oauth_params(self, request):
            params = super().get_oauth_params(request)
            if self.send_version:
                return params
            return [(k, v) for k, v in params if k != "oauth_version"]

    class OAuth1Auth(deferred.httpx.Auth):
        """Signs each request it is given with OAuth 1.0a.

        `nonce` and `timestamp` fix those values (tests; None: fresh ones per request);
        `send_version=False` leaves out the optional `oauth_version` parameter."""

        requires_request_body = True

        def __init__(self, consumer_key: str, consumer_secret: str = "", token: str = "",
                     token_secret: str = "", signature_method: str = "HMAC-SHA1",
                     rsa_key: str | None = None, location: str = "header", realm: str = "",
                     callback: str = "", verifier: str = "", *, nonce: str | None = None,
                     timestamp: str | None = None, send_version: bool = True) -> None:
            self.consumer_key, self.consumer_secret = consumer_key, consumer_secret
            self.token, self.token_secret = token, token_secret
            self.signature_method, self.rsa_key = signature_method, rsa_key
            self.location, self.realm = location, realm
            self.callback, self.verifier = callback, verifier
            self.nonce, self.timestamp, self.send_version = nonce, timestamp, send_version

        def _client(self) -> Client:
            client = _Client(
                self.consumer_key, client_secret=self.consumer_secret,
                resource_owner_key=self.token or None,
                resource_owner_secret=self.token_secret,
                callback_uri=self.callback or None, signature_method=self.signature_method,
                signature_type=deferred.oauthlib_oauth1.SIGNATURE_TYPE_AUTH_HEADER,
                rsa_key=self.rsa_key,
                verifier=self.verifier or None, realm=self.realm or None,
                nonce=self.nonce, timestamp=self.timestamp)
            client.send_version = self.send_version
            return client

        def auth_flow(self, request: httpx.Request):
            yield self.sign(request)

        def sign(self, request: httpx.Request) -> httpx.Request:
            form = _media_type(request) == FORM
            if self.location == "body" and not form:
                kind = request.headers.get("content-type") or "no Content-Type"
                raise AuthError(
                    "OAuth 1.0a parameters can go in the body only when it is a form "
                    f"({FORM}); this request has {kind}. Send them in the header or the "
                    "query instead.")
            body: str | None = None
            if form and (request.content or self.location == "body"):
                try:
                    body = request.content.decode("utf-8")
                except UnicodeDecodeError:
                    raise AuthError("The form body is not UTF-8 text, so OAuth 1.0a cannot "
                                    "sign its parameters.") from None
            headers = {"Content-Type": FORM} if body is not None else {}
            try:
                _, signed, _ = self._client().sign(str(request.url), request.method, body,
                                                   headers)
            except ValueError as exc:
                raise AuthError(f"OAuth 1.0a cannot sign this request: {exc}") from None
            authorization = signed["Authorization"]
            if self.location == "header":
                request.headers["Authorization"] = authorization
                return request
            # The header's values are percent-encoded (RFC 5849 §3.5.1); decoded and
            # encoded again here, the same §3.6 encoding serves the query and the body.
            utils = deferred.oauth1_utils
            params = "&".join(f"{k}={utils.escape(utils.unescape(v))}"
                              for k, v in utils.parse_authorization_header(authorization)
                              if k != "realm").encode("ascii")
            if self.location == "query":
                query = request.url.query
                request.url = request.url.copy_with(
                    query=query + b"&" + params if query else params)
                return request
            content = request.content + b"&" + params if request.content else params
            form_headers = deferred.httpx.Headers(request.headers)
            form_headers.pop("content-length", None)  # httpx sets it for the new body
            return deferred.httpx.Request(request.method, request.url, headers=form_headers,
                                          content=content, extensions=request.extensions)

    return OAuth1Auth


class OAuth1Scheme(Scheme):
    id = "oauth1"
    label = "OAuth 1.0a"
    help = ("Signs each request with OAuth 1.0a (RFC 5849) using oauthlib: consumer and "
            "token credentials, HMAC-SHA1/SHA256, RSA-SHA1 or PLAINTEXT. Form bodies are "
            "signed; other bodies are not.")
    fields = (
        Field("consumer_key", "Consumer key", required=True),
        Field("consumer_secret", "Consumer secret", FieldKind.SECRET),
        Field("token", "Access token"),
        Field("token_secret", "Token secret", FieldKind.SECRET),
        Field("signature_method", "Signature method", FieldKind.CHOICE, default="HMAC-SHA1",
              choices=METHODS),
        Field("rsa_key_file", "RSA private key", FieldKind.FILE,
              help="PEM file with the private key, for RSA-SHA1."),
        Field("rsa_key_passphrase", "Key passphrase", FieldKind.SECRET,
              help="Only if the key file is encrypted."),
        Field("signature_location", "Send parameters in", FieldKind.CHOICE, default="header",
              choices=LOCATIONS,
              help="The body works only for form-encoded (x-www-form-urlencoded) bodies."),
        Field("realm", "Realm", help="Sent in the Authorization header only."),
        Field("callback", "Callback URL", help="oauth_callback, for a request-token call."),
        Field("verifier", "Verifier", help="oauth_verifier, for an access-token call."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        values = self.values(values)
        if values["signature_method"] == "RSA-SHA1":
            path = str(values["rsa_key_file"] or "").strip()
            if not path:
                problems.append("RSA-SHA1 needs an RSA private key file.")
            else:
                try:
                    load_rsa_key(path, str(values["rsa_key_passphrase"] or ""))
                except AuthError as exc:
                    problems.append(str(exc))
        return problems

    def notes(self, values: dict[str, Any]) -> list[str]:
        if self.values(values)["signature_method"] == "PLAINTEXT":
            return ["PLAINTEXT sends the secrets themselves as the signature: use it only "
                    "over HTTPS."]
        return []

    def build(self, values: dict[str, Any], context: AuthContext | None = None, *,
              nonce: str | None = None,
              timestamp: str | None = None, send_version: bool = True) -> httpx.Auth:
        """The auth for these values. `nonce`, `timestamp` and `send_version` are for tests
        that reproduce published examples."""
        values = self.values(values)
        method = str(values["signature_method"])
        if method not in METHODS:
            raise AuthError(f"Unknown OAuth 1.0a signature method {method!r}.")
        location = str(values["signature_location"])
        if location not in LOCATIONS:
            raise AuthError(f"OAuth 1.0a parameters cannot be sent in {location!r}.")
        rsa_key = None
        if method == "RSA-SHA1":
            path = str(values["rsa_key_file"] or "").strip()
            if not path:
                raise AuthError("RSA-SHA1 needs an RSA private key file.")
            rsa_key = load_rsa_key(path, str(values["rsa_key_passphrase"] or ""))
        return _auth_class()(
            str(values["consumer_key"]), str(values["consumer_secret"] or ""),
            str(values["token"] or ""), str(values["token_secret"] or ""), method, rsa_key,
            location, str(values["realm"] or ""), str(values["callback"] or ""),
            str(values["verifier"] or ""), nonce=nonce, timestamp=timestamp,
            send_version=send_version)
