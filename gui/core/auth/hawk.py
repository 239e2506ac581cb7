"""Hawk: a MAC over the method, URL, time and (by default) the body, made by mohawk.

`mohawk.Sender` computes everything Hawk defines (the normalised string, the MAC, the
payload hash, the header); nothing here signs by hand. This module maps the fields to a
Sender and makes a new one for every request the auth flow signs, so that each request,
a retried or redirected one too, gets its own `ts` and `nonce`.

- Include payload hash (on by default): the body and the media type of the Content-Type
  (lowercased, parameters dropped, as Hawk says) are hashed into the header's `hash`, and
  the MAC covers that hash, so a receiver that checks it detects a changed body. Off, the
  header has no `hash` and only the method, URL, host, port, ts, nonce, ext, app and dlg
  are covered.
- The key is used as its UTF-8 bytes, as the reference Node.js implementation does
  (mohawk, given text, would accept ASCII keys only).
- id, ext, app and dlg travel as quoted strings: Hawk allows printable ASCII except `"`
  and `\\`; anything else is refused before sending. dlg is only covered by the MAC when
  app is set, so dlg without app is refused too rather than sent unprotected.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from .base import AuthContext, AuthError, Field, FieldKind, Scheme, flag

if TYPE_CHECKING:
    import httpx

ALGORITHMS = ("sha256", "sha1")


def _header_text_ok(text: str) -> bool:
    from mohawk.exc import BadHeaderValue
    from mohawk.util import validate_header_attr

    try:
        validate_header_attr(text)
    except BadHeaderValue:
        return False
    return True


@cache
def _auth_class() -> type[httpx.Auth]:
    import httpx

    class HawkAuth(httpx.Auth):
        """Puts a Hawk `Authorization` header, made by mohawk, on each request.

        `now` (seconds since the epoch) and `nonce` fix what mohawk would otherwise draw
        for each request (tests)."""

        requires_request_body = True

        def __init__(self, auth_id: str, key: str, algorithm: str, *, ext: str = "",
                     app: str = "", dlg: str = "", payload_hash: bool = True,
                     now: Callable[[], int] | None = None,
                     nonce: Callable[[], str] | None = None) -> None:
            self.auth_id, self.key, self.algorithm = auth_id, key, algorithm
            self.ext, self.app, self.dlg = ext, app, dlg
            self.payload_hash = payload_hash
            self.now, self.nonce = now, nonce

        def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
            yield self.sign(request)

        def header(self, request: httpx.Request) -> str:
            from mohawk import Sender
            from mohawk.base import EmptyValue
            from mohawk.exc import HawkFail

            # A new dict each time: mohawk writes the cleaned id back into it.
            credentials = {"id": self.auth_id, "key": self.key.encode("utf-8"),
                           "algorithm": self.algorithm}
            try:
                sender = Sender(
                    credentials, str(request.url), request.method,
                    content=request.content if self.payload_hash else EmptyValue,
                    content_type=(request.headers.get("content-type", "")
                                  if self.payload_hash else EmptyValue),
                    always_hash_content=self.payload_hash,
                    ext=self.ext or None, app=self.app or None, dlg=self.dlg or None,
                    nonce=self.nonce() if self.nonce else None,
                    _timestamp=self.now() if self.now else None)
            except HawkFail as exc:
                # check() refuses what mohawk would; this is for a value it missed. The
                # message names a field value, never the key.
                raise AuthError(f"Hawk cannot sign this request: {exc}") from None
            return str(sender.request_header)

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
        problems = super().check(values)
        values = self.values(values)
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
