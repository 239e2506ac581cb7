"""NTLM and Kerberos / Negotiate: optional extras, listed even when not installed.

Built on first use, so that neither library is imported before a request needs it.
NTLM is a small auth flow on pyspnego (which does the NTLM messages, and the channel
binding Extended Protection asks for over HTTPS). Kerberos is httpx-gssapi 0.6 in a
thin subclass that turns its failures into an AuthError with a sentence a person can
act on. tests/test_negotiate.py runs both against real peers.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme, flag

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory


class NtlmScheme(Scheme):
    id = "ntlm"
    label = "NTLM"
    help = ("Windows NTLM challenge-response, via pyspnego, with channel binding over "
            "HTTPS (Extended Protection). User name as DOMAIN\\user.")
    install_hint = "pip install 'gatepost[ntlm]'  (installs pyspnego)"
    fields = (
        Field("username", "User name", required=True, placeholder="DOMAIN\\user"),
        Field("password", "Password", FieldKind.SECRET),
    )

    def available(self) -> bool:
        return deferred.optional("spnego")

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        return _ntlm_class()(values["username"], values["password"])


class KerberosScheme(Scheme):
    id = "kerberos"
    label = "Kerberos / Negotiate"
    help = ("SPNEGO (RFC 4559) with the Kerberos ticket of your session (kinit), via "
            "httpx-gssapi.")
    install_hint = "pip install 'gatepost[kerberos]'  (installs httpx-gssapi; needs libkrb5)"
    fields = (
        Field("mutual", "Require mutual authentication", FieldKind.FLAG, default=False),
        Field("delegate", "Delegate credentials", FieldKind.FLAG, default=False),
    )

    def available(self) -> bool:
        return deferred.optional("httpx_gssapi")

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        values = self.values(values)
        # flag(): "false" typed in a file or a variable must not delegate the ticket.
        return _spnego_class()(
            mutual_authentication=deferred.httpx_gssapi.REQUIRED if flag(values["mutual"])
            else deferred.httpx_gssapi.DISABLED,
            delegate=flag(values["delegate"]))


@functools.cache
def _ntlm_class() -> AuthFactory:
    class NtlmAuth(deferred.httpx.Auth):
        """NTLM over HTTP: 401 offering NTLM -> negotiate message -> 401 with the
        challenge -> authenticate message -> the answer, each a hop. Written on pyspnego
        (which does the NTLM itself) rather than httpx-ntlm, which sends no channel
        binding: an HTTPS server with Extended Protection refuses it."""

        #: NTLM authenticates a connection, not a request: the engine gives such a send
        #: a connection pool of its own, so that no other send (another tab) takes the
        #: connection between the legs and no other idle connection is picked for one.
        connection_bound = True

        def __init__(self, username: str, password: str) -> None:
            self.username, self.password = username, password
            self.secrets = (password,) if password else ()

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            response = yield request
            if response.status_code != 401 or _ntlm_token(response) is None:
                return  # no NTLM asked for: the answer is the result
            context = deferred.spnego.client(self.username, self.password or None,
                                             hostname=request.url.host, service="http",
                                             protocol="ntlm",
                                             channel_bindings=_channel_bindings(response))
            try:
                request.headers["Authorization"] = f"NTLM {_b64(context.step())}"
                response = yield request
                challenge = _ntlm_token(response)
                if not challenge:
                    if response.status_code != 401:
                        return  # the server's own answer (403, 500, 200…) is the result
                    raise AuthError(
                        "The server answered NTLM's negotiate message without a challenge. "
                        "NTLM needs its whole handshake on one kept-alive connection; a "
                        "proxy or load balancer in between may be breaking it.")
                request.headers["Authorization"] = f"NTLM {_b64(context.step(challenge))}"
            except (deferred.spnego_exceptions.SpnegoError, ValueError) as exc:
                raise AuthError(f"The server's NTLM challenge could not be used: {exc}") \
                    from exc
            yield request

    def _b64(token: bytes | None) -> str:
        return base64.b64encode(token or b"").decode("ascii")

    return NtlmAuth


def _ntlm_token(response: httpx.Response) -> bytes | None:
    """The NTLM token of a WWW-Authenticate header: b"" when NTLM is offered bare, None
    when it is not offered at all."""
    for value in response.headers.get_list("www-authenticate", split_commas=True):
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() == "ntlm":
            try:
                return base64.b64decode(token.strip(), validate=True) if token.strip() else b""
            except (binascii.Error, ValueError):
                return b""
    return None


def _channel_bindings(response: httpx.Response) -> Any:
    """RFC 5929 tls-server-end-point of the connection the response came over, as
    Extended Protection asks; None over plain HTTP."""
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    # Positional: httpcore hands out the C-level socket object, whose getpeercert
    # takes no keyword arguments.
    der = ssl_object.getpeercert(True) if ssl_object is not None else None
    if not der:
        return None
    algorithm = deferred.x509.load_der_x509_certificate(der).signature_hash_algorithm
    # RFC 5929 4.1: MD5 and SHA-1 signatures are hashed with SHA-256 instead.
    if algorithm is None or algorithm.name in ("md5", "sha1"):
        algorithm = deferred.hashes.SHA256()
    digest = deferred.hashes.Hash(algorithm)
    digest.update(der)
    return deferred.channel_bindings.GssChannelBindings(
        application_data=b"tls-server-end-point:" + digest.finalize())


@functools.cache
def _spnego_class() -> AuthFactory:
    class SpnegoAuth(deferred.httpx_gssapi.HTTPSPNEGOAuth):
        # httpx-gssapi logs a failure to make a token (no ticket, an unknown service
        # principal) and sends the request again without one, twice: the user would see
        # three 401s and no reason.
        def set_auth_header(self, request: httpx.Request,
                            response: httpx.Response | None = None) -> Any:
            try:
                return super().set_auth_header(request, response)
            except deferred.httpx_gssapi_exceptions.SPNEGOExchangeError as exc:
                raise AuthError(_gss_message(exc, request)) from exc

        # Its MutualAuthenticationError only says "Unable to authenticate <Response>".
        def handle_mutual_auth(self, response: httpx.Response, ctx: Any) -> None:
            try:
                super().handle_mutual_auth(response, ctx)
            except deferred.httpx_gssapi_exceptions.MutualAuthenticationError as exc:
                sent = "Negotiate" in response.headers.get("www-authenticate", "")
                why = ("its Negotiate token did not verify" if sent else
                       "it sent no Negotiate token with the response")
                raise AuthError(
                    f"Mutual authentication is required, but the server did not prove it "
                    f"is HTTP@{response.request.url.host}: {why}. The response "
                    f"({response.status_code}) is not trusted.") from exc

    return SpnegoAuth


def _gss_message(exc: Exception, request: httpx.Request) -> str:
    # httpx-gssapi raised its error while handling the GSSError, which says more.
    cause = exc.__context__
    if not isinstance(cause, deferred.gssapi_misc.GSSError):
        return f"Kerberos failed: {exc}"
    said = _gss_said(cause)
    raw = deferred.gssapi_exceptions
    if isinstance(cause, raw.MissingCredentialsError | raw.ExpiredCredentialsError):
        # Through SPNEGO this only says "SPNEGO cannot find mechanisms to negotiate";
        # asking Kerberos itself names the ticket cache it looked in.
        said = _kerberos_credential_problem() or said
        return (f"No valid Kerberos ticket: run kinit (or point KRB5CCNAME at a ticket "
                f"cache), then send again. Kerberos said: {said}.")
    return f"Kerberos could not get a ticket for HTTP@{request.url.host}: {said}."


def _gss_said(error: Any) -> str:
    # The C library's strings can end in a NUL.
    minor = [s.strip(" \x00") for s in error.get_all_statuses(error.min_code, False)] \
        if error.min_code else []
    return "; ".join(s for s in minor if s) or error.gen_message()


def _kerberos_credential_problem() -> str | None:
    kerberos = deferred.gssapi.OID.from_int_seq("1.2.840.113554.1.2.2")
    try:
        deferred.gssapi.Credentials(usage="initiate", mechs=[kerberos]).lifetime  # noqa: B018
    except deferred.gssapi_misc.GSSError as error:
        return _gss_said(error)
    return None
