"""Akamai EdgeGrid (EG1-HMAC-SHA256), with hmac/hashlib from the standard library.

Written from Akamai's description of the algorithm
(https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid) and checked byte
for byte against Akamai's own edgegrid-python, run through the requests adapter, and
against the test vectors it ships (tests/test_edgegrid.py):

- `Authorization: EG1-HMAC-SHA256 client_token=…;access_token=…;timestamp=…;nonce=…;`
  then `signature=…`. The timestamp is UTC as `%Y%m%dT%H:%M:%S+0000`, the nonce a UUID4,
  both new for every request the auth flow signs.
- Signing key: base64(HMAC-SHA256(client secret, timestamp)), used as text.
- Signature: base64(HMAC-SHA256(signing key, data)), where the data is, joined by tabs:
  method, scheme, host (the Host header, else the URL's host and port), the path with
  `;params` and `?query` exactly as in the URL, the canonical headers, the content hash,
  and the authorization header so far (ending in `;`).
- Canonical headers: the headers named in Headers to sign, in that order, those the
  request has, as `name:value` with the name lowercased and the value stripped and each
  run of whitespace made one space, joined by tabs.
- Content hash: for POST only, base64(SHA-256) of the body cut at Max body bytes (Akamai
  hashes the start of a longer body rather than refusing it); empty for an empty body
  and for every other method.

The tokens and the secret must be printable ASCII without spaces or `;`, as .edgerc has
them: the tokens go into the header, which httpx encodes as ASCII, and `;` separates its
parts. A value that is not is refused with an AuthError naming the field, never the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory

ALGORITHM = "EG1-HMAC-SHA256"
DEFAULT_MAX_BODY = 131072
# RFC 9110 section 5.6.2: a field name is a token.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_SPACES = re.compile(r"\s+")
# Printable ASCII but space and ";".
_CREDENTIAL = re.compile(r"^[!-:<-~]+$")
_CREDENTIAL_FIELDS = (("client_token", "Client token"), ("client_secret", "Client secret"),
                      ("access_token", "Access token"))


def eg_timestamp() -> str:
    """The signing time as EdgeGrid writes it (tests replace this function)."""
    return time.strftime("%Y%m%dT%H:%M:%S+0000", time.gmtime())


def new_nonce() -> str:
    """A fresh nonce (tests replace this function)."""
    return str(uuid.uuid4())


def _b64_hmac(key: str, text: str) -> str:
    digest = hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signing_key(client_secret: str, timestamp: str) -> str:
    return _b64_hmac(client_secret, timestamp)


def content_hash(method: str, body: bytes, max_body: int) -> str:
    if method != "POST":
        return ""
    head = body[:max_body]
    return base64.b64encode(hashlib.sha256(head).digest()).decode("ascii") if head else ""


def canonical_headers(request: httpx.Request, names: Sequence[str]) -> str:
    """`names` lowercased, in the order the user gave them."""
    return "\t".join(f"{n}:{_SPACES.sub(' ', request.headers[n].strip())}"
                     for n in names if n in request.headers)


def data_to_sign(request: httpx.Request, auth_header: str, names: Sequence[str],
                 max_body: int) -> str:
    # urlparse on the URL as sent, as Akamai's libraries do: the path keeps its
    # encoding, and ;params and ?query are put back only when not empty.
    url = urlparse(str(request.url))
    path = url.path + (f";{url.params}" if url.params else "") + \
        (f"?{url.query}" if url.query else "")
    return "\t".join([
        request.method,
        url.scheme,
        request.headers.get("host") or url.netloc,
        path,
        canonical_headers(request, names),
        # Only a POST's body is hashed; another's may still be a stream, unread.
        content_hash(request.method, request.content if request.method == "POST" else b"",
                     max_body),
        auth_header,
    ])


def parse_headers_to_sign(text: str) -> list[str]:
    """The comma-separated header names, stripped and lowercased, empty ones dropped."""
    return [n.strip().lower() for n in text.split(",") if n.strip()]


def _max_body(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _credential_problem(label: str, text: str) -> str | None:
    """Why `text` (stripped) cannot be used; the message never quotes it: it is a
    secret, or a part of one."""
    if not text:
        return f"{label} is required."
    if not _CREDENTIAL.match(text):
        return (f"{label} may only contain printable ASCII characters other than space "
                "and ;, as EdgeGrid credentials do.")
    return None


def _header_name_problem(name: str) -> str | None:
    return None if _TOKEN.match(name) else \
        f"Headers to sign: {name!r} is not a header name."


@cache
def _auth_class() -> AuthFactory:
    class EdgeGridAuth(deferred.httpx.Auth):
        """Signs each request with EG1-HMAC-SHA256 in the Authorization header.

        `timestamp` and `nonce` replace the module's `eg_timestamp` and `new_nonce`
        (tests). `secrets` is what the engine masks in the record: the values as signed,
        which may differ from the pasted ones it knows."""

        # True would read every body; only a POST's is hashed, so the flows below read
        # that one alone and a PUT of a large file still streams.
        requires_request_body = False

        def __init__(self, client_token: str, client_secret: str, access_token: str,
                     headers_to_sign: Sequence[str] = (), max_body: int = DEFAULT_MAX_BODY,
                     *, timestamp: Callable[[], str] | None = None,
                     nonce: Callable[[], str] | None = None) -> None:
            # Checked again here, not only by the scheme, so that a value that would
            # fail half-way through signing is refused before anything is sent, however
            # the object was made.
            given = (client_token, client_secret, access_token)
            found = [_credential_problem(label, value if isinstance(value, str) else "")
                     for (_, label), value in zip(_CREDENTIAL_FIELDS, given, strict=True)]
            headers_to_sign = [str(n).lower() for n in headers_to_sign]
            found += [_header_name_problem(n) for n in headers_to_sign]
            if not isinstance(max_body, int) or max_body < 0:
                found.append("Max body must be a whole number of bytes, e.g. 131072.")
            problems = [p for p in found if p]
            if problems:
                raise AuthError("Akamai EdgeGrid: " + " ".join(problems))
            self.client_token, self.client_secret = client_token, client_secret
            self.access_token = access_token
            self.secrets = (client_secret, access_token)
            self.headers_to_sign = headers_to_sign
            self.max_body = max_body
            self.timestamp, self.nonce = timestamp, nonce

        def auth_flow(self, request: httpx.Request):
            yield self.sign(request)

        def sync_auth_flow(self, request: httpx.Request):
            if request.method == "POST":
                request.read()
            yield self.sign(request)

        async def async_auth_flow(self, request: httpx.Request):
            if request.method == "POST":
                await request.aread()
            yield self.sign(request)

        def sign(self, request: httpx.Request) -> httpx.Request:
            # Looked up at each call, so that a test can replace the module functions.
            when = (self.timestamp or eg_timestamp)()
            nonce = (self.nonce or new_nonce)()
            unsigned = (f"{ALGORITHM} client_token={self.client_token};"
                        f"access_token={self.access_token};timestamp={when};nonce={nonce};")
            try:
                data = data_to_sign(request, unsigned, self.headers_to_sign, self.max_body)
            except deferred.httpx.RequestNotRead:
                # auth_flow called directly on a streamed POST: the flows above read it.
                raise AuthError("Akamai EdgeGrid: the POST body was not read, so it "
                                "cannot be signed.") from None
            signature = _b64_hmac(signing_key(self.client_secret, when), data)
            request.headers["Authorization"] = f"{unsigned}signature={signature}"
            return request

    return EdgeGridAuth


class EdgeGridScheme(Scheme):
    id = "edgegrid"
    label = "Akamai EdgeGrid"
    help = ("Akamai EdgeGrid (EG1-HMAC-SHA256): signs the method, URL, chosen headers and "
            "the start of a POST body with your API client's credentials (from .edgerc).")
    fields = (
        Field("client_token", "Client token", required=True, placeholder="akab-…"),
        Field("client_secret", "Client secret", FieldKind.SECRET, required=True),
        Field("access_token", "Access token", FieldKind.SECRET, required=True),
        Field("headers_to_sign", "Headers to sign", placeholder="X-Custom-1, X-Custom-2",
              help="Comma-separated header names to sign, in order; only if the API asks."),
        Field("max_body", "Max body", default=str(DEFAULT_MAX_BODY),
              help="How many bytes of a POST body are hashed (the .edgerc max_body)."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        values = self.values(values)
        for name in parse_headers_to_sign(str(values["headers_to_sign"] or "")):
            if problem := _header_name_problem(name):
                problems.append(problem)
        if _max_body(values["max_body"]) is None:
            problems.append("Max body must be a whole number of bytes, e.g. 131072.")
        for name, label in _CREDENTIAL_FIELDS:
            if not values[name]:
                continue  # "is required" already
            problem = _credential_problem(label, str(values[name]).strip())
            if problem:
                problems.append(problem)
        return problems

    def build(self, values: dict[str, Any], context: AuthContext | None = None, *,
              timestamp: Callable[[], str] | None = None,
              nonce: Callable[[], str] | None = None) -> httpx.Auth:
        """The auth for these values; `timestamp` and `nonce` fix them (tests)."""
        problems = self.check(values)
        if problems:
            raise AuthError(f"{self.label}: " + " ".join(problems))
        values = self.values(values)
        max_body = _max_body(values["max_body"])
        assert max_body is not None  # check() said so
        return _auth_class()(
            str(values["client_token"]).strip(), str(values["client_secret"]).strip(),
            str(values["access_token"]).strip(),
            parse_headers_to_sign(str(values["headers_to_sign"] or "")), max_body,
            timestamp=timestamp, nonce=nonce)
