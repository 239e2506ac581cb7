"""Tokens: what a token endpoint answered, its expiry, and its keychain entries.

A token is kept as four keychain entries beside the auth's secret fields, keyed
`secret_key(collection_id, place, "token/<part>")` with part `access`, `refresh`, `id`
(the token values) and `meta` (JSON: token type, expiry, scope, grant, and the provider
and client it was issued for). Nothing is written to a file.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ... import deferred
from ...storage.keychain import secret_key
from .config import GRANT_NAMES

if TYPE_CHECKING:
    from ..base import AuthContext
    from .config import Config

PARTS = ("access", "refresh", "id", "meta")


@dataclass(frozen=True)
class Token:
    access_token: str
    token_type: str = "Bearer"
    refresh_token: str = ""
    id_token: str = ""
    #: Seconds since the epoch; None when the provider gave no `expires_in`.
    expires_at: float | None = None
    obtained_at: float = field(default_factory=time.time)
    scope: str = ""
    grant: str = ""
    #: `Config.provider` and the client id it was issued for.
    provider: str = ""
    client_id: str = ""

    def lifetime(self) -> float | None:
        return None if self.expires_at is None else self.expires_at - self.obtained_at

    def expired(self, now: float | None = None) -> bool:
        """True when the token is known to expire within a small margin: a tenth of its
        lifetime, at most 10 s, so that it does not expire on the way to the server."""
        if self.expires_at is None:
            return False
        now = time.time() if now is None else now
        lifetime = self.lifetime() or 0.0
        margin = min(10.0, max(lifetime, 0.0) / 10)
        return now >= self.expires_at - margin

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.access_token, self.refresh_token, self.id_token) if s)

    def merged(self, newer: Token) -> Token:
        """`newer` (a refresh answer) keeping this token's refresh and ID tokens when the
        provider did not send new ones (RFC 6749 6: the refresh token may stay the same)."""
        return replace(newer, refresh_token=newer.refresh_token or self.refresh_token,
                       id_token=newer.id_token or self.id_token)


def token_from_response(data: dict[str, Any], *, grant: str, provider: str,
                        client_id: str, requested_scope: str = "") -> Token | None:
    """The token in a token endpoint's (or an implicit redirect's) parameters; None when
    there is no access token in them."""
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        return None
    now = time.time()
    expires_at: float | None = None
    try:
        # authlib turns expires_in into expires_at.
        parsed = deferred.rfc6749.OAuth2Token({k: v for k, v in data.items() if k != "expires_at"})
        if parsed.get("expires_at") is not None:
            expires_at = float(parsed["expires_at"])
    except (TypeError, ValueError):
        expires_at = None  # an unreadable expires_in: treat as unknown
    return Token(
        access_token=access,
        token_type=str(data.get("token_type") or "Bearer"),
        refresh_token=str(data.get("refresh_token") or ""),
        id_token=str(data.get("id_token") or ""),
        expires_at=expires_at,
        obtained_at=now,
        scope=str(data.get("scope") or requested_scope or ""),
        grant=grant,
        provider=provider,
        client_id=client_id,
    )


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWS compact token, decoded WITHOUT checking the signature, or None
    when the token is not a JWT (an opaque token). For showing only, never for trust."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


class TokenStore:
    """The token of one auth configuration, in the keychain."""

    def __init__(self, context: AuthContext) -> None:
        self._store = context.store
        self._collection, self._place = context.collection_id, context.place

    def key(self, part: str) -> str:
        return secret_key(self._collection, self._place, f"token/{part}")

    def load(self) -> Token | None:
        meta_text = self._store.get(self.key("meta"))
        access = self._store.get(self.key("access"))
        if not meta_text or not access:
            return None
        try:
            meta = json.loads(meta_text)
        except ValueError:
            return None
        if not isinstance(meta, dict):
            return None
        known = {f for f in Token.__dataclass_fields__ if f not in
                 ("access_token", "refresh_token", "id_token")}
        fields = {k: v for k, v in meta.items() if k in known}
        try:
            return Token(access_token=access,
                         refresh_token=self._store.get(self.key("refresh")) or "",
                         id_token=self._store.get(self.key("id")) or "", **fields)
        except TypeError:
            return None

    def save(self, token: Token) -> None:
        # The meta entry last: a token is only read back once all of it is there.
        self._store.delete(self.key("meta"))
        self._store.set(self.key("access"), token.access_token)
        for part, value in (("refresh", token.refresh_token), ("id", token.id_token)):
            if value:
                self._store.set(self.key(part), value)
            else:
                self._store.delete(self.key(part))
        meta = {k: v for k, v in asdict(token).items()
                if k not in ("access_token", "refresh_token", "id_token")}
        self._store.set(self.key("meta"), json.dumps(meta, sort_keys=True))

    def clear(self) -> None:
        for part in PARTS:
            self._store.delete(self.key(part))

    @staticmethod
    def matches(token: Token, config: Config) -> bool:
        """Whether a saved token was issued for this provider and client."""
        return token.provider == config.provider and token.client_id == config.client_id


def _when(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))


def _span(span: float) -> str:
    seconds = round(abs(span))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def expiry_text(token: Token, now: float | None = None) -> str:
    now = time.time() if now is None else now
    if token.expires_at is None:
        return "The provider did not say when it expires."
    left = token.expires_at - now
    if left > 0:
        return f"Expires in {_span(left)} ({_when(token.expires_at)})."
    return f"Expired {_span(left)} ago ({_when(token.expires_at)})."


def describe(token: Token, now: float | None = None) -> str:
    """The token for the form: type, expiry, refresh token, scope, and the claims of any
    JWT in it, decoded but NOT verified (and labelled so)."""
    grant = GRANT_NAMES.get(token.grant, token.grant or "an unknown")
    lines = [f"{token.token_type} token from the {grant} grant, obtained "
             f"{_when(token.obtained_at)}.",
             expiry_text(token, now),
             "Refresh token: saved." if token.refresh_token else "No refresh token."]
    if token.scope:
        lines.append(f"Scope: {token.scope}")
    for label, value in (("Access token", token.access_token), ("ID token", token.id_token)):
        claims = jwt_claims(value) if value else None
        if claims is not None:
            lines.append(f"{label} claims (not verified):")
            lines.append(json.dumps(claims, indent=2, sort_keys=True, ensure_ascii=False))
    return "\n".join(lines)
