"""Answers a proxy's `407 Proxy Authentication Required`, for one exchange.

A proxy's challenge is answered once: a second 407 after the answer means the proxy
refused the credentials (or a Digest nonce that is `stale`, answered once more), and the
exchange stops there instead of sending them again and again. Once a challenge was
answered, later requests of the exchange through the same proxy carry the answer from
the start (Basic as it is, Digest with the next nonce count).
The credentials go into `Proxy-Authorization` only, which a proxy consumes: the origin
never sees them (the engine adds the header only on hops sent through this proxy).
"""

from __future__ import annotations

import base64
from types import SimpleNamespace
from typing import Any

from .challenge import Challenge, MalformedChallenge, parse
from .proxies import Route

#: Schemes answered, strongest first (for `any`).
ANSWERED = ("digest", "basic")


class ProxyAuthError(Exception):
    """The proxy's challenge cannot be answered; the message says why, with no secret."""


class ProxyAuthenticator:
    def __init__(self, route: Route) -> None:
        self.route = route
        self._scheme: str | None = None
        self._digest: Any = None
        self._challenge: Any = None
        self._stale_used = False

    @property
    def has_credentials(self) -> bool:
        return bool(self.route.username) and self.route.auth != "none"

    def header(self, method: str, uri: str) -> str | None:
        """The Proxy-Authorization value for a request, once a challenge is known."""
        if self._scheme == "basic":
            pair = f"{self.route.username}:{self.route.password}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        if self._scheme == "digest":
            request = SimpleNamespace(method=method, url=SimpleNamespace(
                raw_path=uri.encode("ascii", "replace")))
            try:
                return self._digest._build_auth_header(request, self._challenge)
            except Exception as exc:  # noqa: BLE001 - AuthError, ProtocolError: a sentence
                raise ProxyAuthError(f"The proxy's Digest challenge cannot be answered: "
                                     f"{exc}") from None
        return None

    def answer(self, values: list[str], method: str, uri: str, sent: bool) -> str | None:
        """The answer to a 407 whose Proxy-Authenticate headers are `values`; None when
        it must not be answered (no credentials, or these were just refused). `sent`
        says whether the request that got the 407 carried our credentials."""
        if not self.has_credentials:
            return None
        challenges: list[Challenge] = []
        for value in values:
            try:
                challenges += parse(value)
            except MalformedChallenge as exc:
                raise ProxyAuthError(f"The proxy's Proxy-Authenticate header could not be "
                                     f"read ({exc}); the raw header is in the History "
                                     "tab.") from None
        offered = {c.scheme.lower(): c for c in challenges}
        wanted = ANSWERED if self.route.auth == "any" else (self.route.auth,)
        scheme = next((s for s in wanted if s in offered), None)
        if scheme is None:
            names = ", ".join(c.scheme for c in challenges) or "none"
            raise ProxyAuthError(
                f"The proxy asks for {names} authentication; Gatepost answers "
                f"{' or '.join(s.title() for s in wanted)} here.")
        if sent:
            stale = scheme == "digest" and offered[scheme].params.get("stale", "").lower() \
                == "true"
            if not stale or self._stale_used:
                return None  # refused: stop, the 407 is the answer
            self._stale_used = True
        self._scheme = scheme
        if scheme == "digest":
            self._start_digest(values)
        return self.header(method, uri)

    def _start_digest(self, values: list[str]) -> None:
        from .auth import get

        self._digest = get("digest").build({"username": self.route.username,
                                            "password": self.route.password})
        header = next(v for v in values if v.strip().lower().startswith("digest"))
        try:
            self._challenge = self._digest._parse_challenge(None, None, header.strip())
        except Exception as exc:  # noqa: BLE001 - a malformed challenge is a sentence
            raise ProxyAuthError(f"The proxy's Digest challenge could not be read: {exc}") \
                from None
