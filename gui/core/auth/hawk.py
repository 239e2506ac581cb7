"""Hawk: a MAC over the method, request target, host, time and (by default) the body,
made with mohawk.

mohawk computes everything Hawk defines (the normalised string, the MAC, the payload
hash, the header, the `tsm` of a clock-skew challenge); nothing here signs by hand. Its
`Sender` cannot be used whole, though: it reads the URL with `urlparse`, which drops
`;params` and an empty `?`, so those would travel unsigned, and it ignores a Host header.
This module builds mohawk's `Resource` with what the request really carries and has
mohawk's `calculate_mac` and header writer do the rest, for every request the auth flow
signs, so that each one, a retried or redirected one too, gets its own `ts` and `nonce`.

- Resource: the raw request target, path and query exactly as they go on the wire, as the
  Node.js reference receiver signs `req.url`.
- Host and port: those of the Host header (the URL's unless the user set one), parsed as
  the Node.js receiver does (an IPv6 host keeps its brackets); without a port in it, 443
  for https and 80 otherwise.
- Include payload hash (on by default): the body and the media type of the Content-Type
  (lowercased, parameters dropped, as Hawk says) are hashed into the header's `hash`, and
  the MAC covers that hash, so a receiver that checks it detects a changed body. Off, the
  header has no `hash`, only the method, target, host, port, ts, nonce, ext, app and dlg
  are covered, and the body is not read before sending.
- Clock skew: a 401 whose `WWW-Authenticate: Hawk` carries `ts` and `tsm` is answered
  once, signed with the local clock moved to the receiver's `ts`, but only when `tsm` is
  that ts's MAC under our key; otherwise anyone on the path could set our clock.
- The id and key are stripped (a key pasted with its newline would give a silent 401); the
  key is used as its UTF-8 bytes, as the Node.js implementation does (mohawk, given text,
  would accept ASCII keys only), and listed in `secrets` so that the record masks it as
  stripped as well as typed.
- id, ext, app and dlg travel as quoted strings: Hawk allows printable ASCII except `"`
  and `\\`; anything else is refused before sending. dlg is only covered by the MAC when
  app is set, so dlg without app is refused too rather than sent unprotected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme, flag

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory

ALGORITHMS = ("sha256", "sha1")

#: A Host header as the Node.js reference receiver reads it (hawk's utils.parseHost).
_HOST = re.compile(r"^\s*([^:\[\]\s]+|\[[^\]\s]+\])(?::(\d+))?\s*$")


def _header_text_ok(text: str) -> bool:
    try:
        deferred.mohawk_util.validate_header_attr(text)
    except deferred.mohawk_exc.BadHeaderValue:
        return False
    return True


def _host_and_port(request: httpx.Request) -> tuple[str, str]:
    """The host and port a receiver sees: those of the Host header, which httpx fills in
    from the URL unless the user set one."""
    host = request.headers.get("host") or request.url.netloc.decode("ascii")
    match = _HOST.match(host)
    if match is None:
        raise AuthError("Hawk cannot sign this request: the Host header is not a host "
                        "with an optional :port.")
    return match[1], match[2] or ("443" if request.url.scheme == "https" else "80")


@cache
def _auth_class() -> AuthFactory:
    class WireResource(deferred.mohawk_base.Resource):
        """mohawk's Resource for the target, host and port given, not urlparse's."""

        def __init__(self, *, target: str, host: str, port: str, **kw: Any) -> None:
            self.wire = {"resource": target, "hostname": host, "port": port}
            super().__init__(**kw)

        def parse_url(self, url: str) -> dict[str, str]:
            return self.wire

    class HawkAuth(deferred.httpx.Auth):
        """Puts a Hawk `Authorization` header, made by mohawk, on each request.

        `now` (seconds since the epoch) and `nonce` fix what mohawk would otherwise draw
        for each request (tests). `offset` is what a verified clock-skew challenge moved
        the local clock by."""

        def __init__(self, auth_id: str, key: str, algorithm: str, *, ext: str = "",
                     app: str = "", dlg: str = "", payload_hash: bool = True,
                     now: Callable[[], int] | None = None,
                     nonce: Callable[[], str] | None = None) -> None:
            self.auth_id, self.key, self.algorithm = auth_id.strip(), key.strip(), algorithm
            self.ext, self.app, self.dlg = ext, app, dlg
            self.payload_hash = payload_hash
            # Only the payload hash reads the body; without it a streamed body streams.
            self.requires_request_body = payload_hash
            self.now, self.nonce = now, nonce
            self.offset = 0
            # The engine masks these too: the fields hold the key as typed, unstripped.
            self.secrets = (self.key,)

        def auth_flow(self, request: httpx.Request):
            response = yield self.sign(request)
            server_time = self.server_time(response)
            if server_time is not None:
                self.offset = server_time - self.local_time()
                yield self.sign(request)

        def credentials(self) -> dict[str, Any]:
            # A new dict each time: mohawk writes the cleaned id back into it.
            return {"id": self.auth_id, "key": self.key.encode("utf-8"),
                    "algorithm": self.algorithm}

        def local_time(self) -> int:
            return int(self.now()) if self.now else deferred.mohawk_util.utc_now()

        def server_time(self, response: httpx.Response) -> int | None:
            """The receiver's clock from a stale-timestamp 401, when its `tsm` proves it
            was made with our key; None for any other response."""
            if response.status_code != 401:
                return None
            for challenge in response.headers.get_list("www-authenticate"):
                if challenge.split(" ", 1)[0].lower() != "hawk":
                    continue
                try:
                    fields = deferred.mohawk_util.parse_authorization_header(challenge)
                except (deferred.mohawk_exc.HawkFail, ValueError):
                    return None
                ts, tsm = fields.get("ts", ""), fields.get("tsm", "")
                if not (ts.isascii() and ts.isdigit() and tsm):
                    return None
                util = deferred.mohawk_util
                expected = util.calculate_ts_mac(ts, self.credentials()).decode("ascii")
                return int(ts) if util.strings_match(expected, tsm) else None
            return None

        def header(self, request: httpx.Request) -> str:
            host, port = _host_and_port(request)
            empty = deferred.mohawk_base.EmptyValue
            try:
                resource = WireResource(
                    target=request.url.raw_path.decode("ascii"), host=host, port=port,
                    url=str(request.url), method=request.method,
                    credentials=self.credentials(),
                    content=request.content if self.payload_hash else empty,
                    content_type=(request.headers.get("content-type", "")
                                  if self.payload_hash else empty),
                    always_hash_content=self.payload_hash,
                    ext=self.ext or None, app=self.app or None, dlg=self.dlg or None,
                    nonce=self.nonce() if self.nonce else None,
                    timestamp=self.local_time() + self.offset)
                mac = deferred.mohawk_util.calculate_mac("header", resource,
                                                         resource.gen_content_hash())
                # mohawk's Sender writes its header with this; Sender itself would
                # re-read the URL with urlparse.
                return str(deferred.mohawk_base.HawkAuthority()._make_header(resource, mac))
            except deferred.mohawk_exc.HawkFail as exc:
                # check() refuses what mohawk would; this is for a value it missed. The
                # message names a field value, never the key.
                raise AuthError(f"Hawk cannot sign this request: {exc}") from None

        def sign(self, request: httpx.Request) -> httpx.Request:
            request.headers["Authorization"] = self.header(request)
            return request

    return HawkAuth


class HawkScheme(Scheme):
    id = "hawk"
    label = "Hawk"
    help = ("Hawk (mohawk): a MAC over the method, URL, a fresh timestamp and nonce and, "
            "unless turned off, the body and its Content-Type, in `Authorization: Hawk …`.")
    fields = (
        Field("auth_id", "Hawk auth ID", required=True,
              help="The id of the credentials the receiver looks up."),
        Field("auth_key", "Hawk auth key", FieldKind.SECRET, required=True),
        Field("algorithm", "Algorithm", FieldKind.CHOICE, default="sha256",
              choices=ALGORITHMS),
        Field("ext", "ext", help="Application data, signed and sent in the header."),
        Field("app", "app", help="Application id (Oz), signed and sent in the header."),
        Field("dlg", "dlg", help="Delegated by (Oz), signed with app; needs app."),
        Field("payload_hash", "Include payload hash", FieldKind.FLAG, default=True,
              help="Hash the body and its Content-Type into the signature."),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        values = self.values(values)
        # Stripped first, as build() strips them: a key of only whitespace is missing.
        for name in ("auth_id", "auth_key"):
            values[name] = str(values[name] or "").strip()
        problems = super().check(values)
        for name in ("auth_id", "ext", "app", "dlg"):
            text = str(values[name] or "")
            if text and not _header_text_ok(text):
                problems.append(f"{self.field(name).label} may only hold printable ASCII "
                                'characters other than " and \\.')
        if str(values["dlg"] or "") and not str(values["app"] or ""):
            problems.append("dlg needs app: Hawk signs dlg only together with app.")
        return problems

    def build(self, values: dict[str, Any], context: AuthContext | None = None, *,
              now: Callable[[], int] | None = None,
              nonce: Callable[[], str] | None = None) -> httpx.Auth:
        """The auth for these values; `now` and `nonce` fix the time and nonce (tests)."""
        problems = self.check(values)
        if problems:
            raise AuthError(f"{self.label}: " + " ".join(problems))
        values = self.values(values)
        return _auth_class()(
            str(values["auth_id"]), str(values["auth_key"]), str(values["algorithm"]),
            ext=str(values["ext"] or ""), app=str(values["app"] or ""),
            dlg=str(values["dlg"] or ""), payload_hash=flag(values["payload_hash"]),
            now=now, nonce=nonce)
