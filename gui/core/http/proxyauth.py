"""Answers a proxy's `407 Proxy Authentication Required`, for one exchange.

A proxy's challenge is answered once: a second 407 after the answer means the proxy
refused the credentials (or a Digest nonce that is `stale`, answered once more), and the
exchange stops there instead of sending them again and again. Once a challenge was
answered, later requests of the exchange through the same proxy carry the answer from
the start (Basic as it is, Digest with the next nonce count).
NTLM and Negotiate authenticate a connection, in legs (NTLM: negotiate, challenge,
authenticate; Negotiate: a Kerberos ticket, of the person's session, via pyspnego and
GSSAPI): a 407 that carries the proxy's token is the next leg, not a refusal, and a bare
407 after the last leg is the refusal. Each leg is a hop; they must share a connection
(`connection_bound`: the transport gives such an exchange a pool of its own).
The credentials go into `Proxy-Authorization` only, which a proxy consumes: the origin
never sees them (the engine adds the header only on hops sent through this proxy).
"""

from __future__ import annotations

import base64
import binascii
from types import SimpleNamespace
from typing import Any

from .. import deferred
from ..auth import get
from .challenge import Challenge, MalformedChallenge, parse
from .proxies import Route

#: Schemes answered with a user name and password, strongest first (for `any`);
#: Negotiate (no password: the session's ticket) only when asked for by name.
ANSWERED = ("digest", "ntlm", "basic")
#: Schemes that authenticate the connection, in legs.
CONNECTION_SCHEMES = ("ntlm", "negotiate")
_TITLES = {"ntlm": "NTLM", "negotiate": "Negotiate"}


class ProxyAuthError(Exception):
    """The proxy's challenge cannot be answered; the message says why, with no secret."""


class ProxyAuthenticator:
    def __init__(self, route: Route) -> None:
        self.route = route
        self._scheme: str | None = None
        self._digest: Any = None
        self._challenge: Any = None
        self._stale_used = False
        #: The NTLM or Negotiate security context of the handshake under way.
        self._context: Any = None
        #: A leg's token for the next forwarded request (header() hands it out once).
        self._pending: str | None = None
        #: The last answer continues a handshake: it is only good on the same connection.
        self._continues = False

    @property
    def has_credentials(self) -> bool:
        if self.route.auth == "negotiate":
            return True  # the Kerberos ticket of the session
        return bool(self.route.username) and self.route.auth != "none"

    @property
    def connection_bound(self) -> bool:
        """Whether the answers authenticate a connection (NTLM, Negotiate), whose legs
        must then stay on it: asked for by name, or what `any` found the proxy wants (the
        handshake then starts on a connection of the exchange's own; until then, the
        shared pool keeps Basic and Digest connections reused across sends)."""
        return self.has_credentials and (self.route.auth in CONNECTION_SCHEMES
                                         or self._scheme in CONNECTION_SCHEMES)

    @property
    def mid_handshake(self) -> bool:
        """The answer to send continues a handshake begun on this connection."""
        return self._continues

    def header(self, method: str, uri: str) -> str | None:
        """The Proxy-Authorization value for a request, once a challenge is known."""
        if self._scheme in CONNECTION_SCHEMES:
            value, self._pending = self._pending, None
            return value
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
        wanted: tuple[str, ...] = ANSWERED if self.route.auth == "any" else \
            (self.route.auth,)
        if self.route.auth == "any" and not _spnego_available():
            wanted = tuple(s for s in wanted if s != "ntlm")
        scheme = next((s for s in wanted if s in offered), None)
        if scheme is None:
            names = ", ".join(c.scheme for c in challenges) or "none"
            raise ProxyAuthError(
                f"The proxy asks for {names} authentication; Gatepost answers "
                f"{' or '.join(_TITLES.get(s, s.title()) for s in wanted)} here.")
        if scheme in CONNECTION_SCHEMES:
            answer = self._leg(scheme, offered[scheme], sent)
            if answer is not None and method != "CONNECT":
                self._pending = answer
            return answer
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

    def _leg(self, scheme: str, challenge: Challenge, sent: bool) -> str | None:
        """The next NTLM or Negotiate token; None when the proxy refused the last one."""
        title = _TITLES[scheme]
        try:
            token = base64.b64decode(challenge.token or "", validate=True)
        except (binascii.Error, ValueError):
            raise ProxyAuthError(f"The proxy's {title} challenge is not base64; the raw "
                                 "header is in the History tab.") from None
        if not _spnego_available():
            raise ProxyAuthError(f"{title} to a proxy needs pyspnego: pip install "
                                 "'gatepost[ntlm]'.")
        try:
            self._continues = bool(token)
            if not token:
                if sent and self._context is not None:
                    return None  # the last leg was refused: a bare challenge again
                self._scheme, self._context = scheme, self._new_context(scheme)
                out = self._context.step()
            elif self._context is None or self._scheme != scheme or self._context.complete:
                raise ProxyAuthError(f"The proxy sent a {title} token that answers nothing "
                                     "Gatepost sent; the raw header is in the History tab.")
            else:
                out = self._context.step(token)
        except deferred.spnego_exceptions.SpnegoError as exc:
            self._context = None
            raise ProxyAuthError(_spnego_message(scheme, exc, self.route)) from None
        if out is None:
            return None  # the proxy's last token finished the handshake: nothing to send
        return f"{title} {base64.b64encode(out).decode('ascii')}"

    def _new_context(self, scheme: str) -> Any:
        route = self.route
        if scheme == "negotiate":
            # The ticket of the session: no password; a user name picks the principal.
            return deferred.spnego.client(route.username or None, None, hostname=route.host,
                                          service="HTTP", protocol="negotiate")
        return deferred.spnego.client(route.username, route.password or None,
                                      hostname=route.host, service="HTTP", protocol="ntlm")

    def _start_digest(self, values: list[str]) -> None:
        self._digest = get("digest").build({"username": self.route.username,
                                            "password": self.route.password})
        header = next(v for v in values if v.strip().lower().startswith("digest"))
        try:
            self._challenge = self._digest._parse_challenge(None, None, header.strip())
        except Exception as exc:  # noqa: BLE001 - a malformed challenge is a sentence
            raise ProxyAuthError(f"The proxy's Digest challenge could not be read: {exc}") \
                from None


def _spnego_available() -> bool:
    return deferred.optional("spnego")


def _spnego_message(scheme: str, exc: Exception, route: Route) -> str:
    """A pyspnego failure in a sentence: for Negotiate, usually no Kerberos ticket."""
    said = str(getattr(exc, "message", "") or exc).strip() or type(exc).__name__
    if scheme == "negotiate":
        return (f"Negotiate to the proxy {route} failed: no Kerberos ticket for "
                f"HTTP@{route.host} could be had (run kinit, or check the proxy's name). "
                f"Kerberos said: {said}")
    return f"NTLM to the proxy {route} failed: {said}"
