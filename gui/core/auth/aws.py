"""AWS Signature Version 4 (header signing), with hmac/hashlib from the standard library.

Why not `httpx_auth.AWS4Auth`: it always adds and signs `x-amz-content-sha256` (so AWS's
published `get-vanilla` vector, which signs only `host;x-amz-date`, cannot be reproduced),
takes the time from the clock with no way to inject it, and encodes the path once for
every service where AWS's spec asks for twice outside S3. The algorithm below follows
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html and is
checked against AWS's Signature Version 4 test suite (tests/test_auth_vectors.py):

- Canonical URI: the path as it goes on the wire. Outside S3 it is normalised (dot
  segments and empty segments removed) and URI-encoded once more, so each segment ends
  up encoded twice, as the spec says; for `s3` it is decoded and encoded exactly once,
  without normalisation (object keys may contain `//` or `.`).
- Canonical query: parameters decoded (`+` as a space, as httpx encodes params and as
  requests-aws4auth reads them), re-encoded with only `A-Za-z0-9-_.~` left bare, sorted
  by name then value.
- Signed headers: `host`, `content-type`, `content-md5` and every `x-amz-*` header the
  request carries (the set requests-aws4auth and httpx-auth sign). User-Agent, Accept,
  Content-Length… stay unsigned, so proxies and httpx may touch them.
- The body is always signed: its SHA-256 is the last line of the canonical request. For
  the `s3` service, which requires it, that hash is also sent as `x-amz-content-sha256`
  (signed); other services do not need the header, so it is not added. A request that
  already carries `x-amz-content-sha256: UNSIGNED-PAYLOAD` (or a `STREAMING-…` value)
  keeps it, and that value is what is signed, as S3 expects.
- A session token is sent as `x-amz-security-token` and signed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote

from .. import deferred
from .base import AuthContext, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory

ALGORITHM = "AWS4-HMAC-SHA256"
#: Headers signed besides every x-amz-* one.
SIGNED = frozenset({"host", "content-type", "content-md5"})
#: x-amz-content-sha256 values that stand for the body instead of its hash.
_SPECIAL_PAYLOADS = ("UNSIGNED-PAYLOAD", "STREAMING-")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(f"AWS4{secret_key}".encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def _normalize_path(path: str) -> str:
    """RFC 3986 dot-segment removal, with empty segments dropped too (AWS's rule)."""
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
        else:
            segments.append(segment)
    trailing = "/" if path.endswith("/") and segments else ""
    return "/" + "/".join(segments) + trailing


def canonical_uri(raw_path: str, service: str) -> str:
    """`raw_path` is the path as sent (percent-encoded, no query)."""
    if service == "s3":
        # latin-1 both ways: every byte round-trips, UTF-8 or not.
        return quote(unquote(raw_path or "/", encoding="latin-1"), safe="/~",
                     encoding="latin-1")
    return quote(_normalize_path(raw_path), safe="/~")


def canonical_query(query: str) -> str:
    pairs = sorted((quote(k, safe="~", encoding="latin-1"), quote(v, safe="~", encoding="latin-1"))
                   for k, v in parse_qsl(query, keep_blank_values=True, encoding="latin-1"))
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_request(request: httpx.Request, service: str,
                      payload_hash: str) -> tuple[str, str]:
    """(the canonical request, the signed header names joined by `;`)."""
    names = sorted({n for n in (k.lower() for k in request.headers)
                    if n in SIGNED or n.startswith("x-amz-")})
    lines = [f"{n}:{','.join(' '.join(v.split()) for v in request.headers.get_list(n))}"
             for n in names]
    signed = ";".join(names)
    raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    text = "\n".join([
        request.method.upper(),
        canonical_uri(raw_path, service),
        canonical_query(request.url.query.decode("ascii")),
        "".join(f"{line}\n" for line in lines),
        signed,
        payload_hash,
    ])
    return text, signed


@cache
def _auth_class() -> AuthFactory:
    class AWSSigV4Auth(deferred.httpx.Auth):
        """Signs each request with AWS Signature Version 4 in the Authorization header.

        `now` returns the signing time (an aware datetime; tests pass a fixed one)."""

        requires_request_body = True

        def __init__(self, access_key: str, secret_key: str, region: str, service: str,
                     session_token: str = "", *,
                     now: Callable[[], datetime] | None = None) -> None:
            self.access_key, self.secret_key = access_key, secret_key
            self.region, self.service = region, service
            self.session_token = session_token
            self.now = now or (lambda: datetime.now(UTC))

        def auth_flow(self, request: httpx.Request):
            yield self.sign(request)

        def sign(self, request: httpx.Request) -> httpx.Request:
            when = self.now().astimezone(UTC)
            amz_date, date = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
            request.headers.pop("authorization", None)
            request.headers["X-Amz-Date"] = amz_date
            if self.session_token:
                request.headers["X-Amz-Security-Token"] = self.session_token
            given = request.headers.get("x-amz-content-sha256", "")
            if given.startswith(_SPECIAL_PAYLOADS):
                payload_hash = given
            else:
                payload_hash = _sha256(request.content)
                if given or self.service == "s3":
                    request.headers["X-Amz-Content-SHA256"] = payload_hash
            text, signed = canonical_request(request, self.service, payload_hash)
            scope = f"{date}/{self.region}/{self.service}/aws4_request"
            to_sign = "\n".join([ALGORITHM, amz_date, scope, _sha256(text.encode("utf-8"))])
            key = signing_key(self.secret_key, date, self.region, self.service)
            signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
            request.headers["Authorization"] = (
                f"{ALGORITHM} Credential={self.access_key}/{scope}, "
                f"SignedHeaders={signed}, Signature={signature}")
            return request

    return AWSSigV4Auth


class AWSSigV4Scheme(Scheme):
    id = "aws-sigv4"
    label = "AWS Signature v4"
    help = ("Signs each request, body included, with AWS Signature Version 4 "
            "(AWS4-HMAC-SHA256) for a region and a service, e.g. execute-api or s3.")
    fields = (
        Field("access_key", "Access key ID", required=True, placeholder="AKIA…"),
        Field("secret_key", "Secret access key", FieldKind.SECRET, required=True),
        Field("session_token", "Session token", FieldKind.SECRET,
              help="Only for temporary credentials (STS)."),
        Field("region", "Region", default="us-east-1", required=True),
        Field("service", "Service", required=True, placeholder="execute-api",
              help="The signing name: execute-api, s3, es, lambda…"),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        problems = super().check(values)
        values = self.values(values)
        for name in ("region", "service"):
            text = str(values[name] or "")
            if text and (text != text.strip() or "/" in text or " " in text):
                problems.append(f"{self.field(name).label} {text!r} may not contain spaces "
                                "or slashes.")
        return problems

    def build(self, values: dict[str, Any], context: AuthContext | None = None, *,
              now: Callable[[], datetime] | None = None) -> httpx.Auth:
        """The auth for these values; `now` fixes the signing time (tests)."""
        values = self.values(values)
        return _auth_class()(
            str(values["access_key"]), str(values["secret_key"]), str(values["region"]),
            str(values["service"]), str(values["session_token"] or ""), now=now)
