"""A cookie jar that behaves as a browser's (RFC 6265bis), for the engine to send from.

Why not http.cookiejar: its policy says yes or no without saying why, accepts a cookie
for a public suffix, sends Secure cookies to nothing but https, and knows neither
SameSite nor the size limits browsers apply. A person reading the Cookies tab needs to
know *why* a Set-Cookie was refused, so the rules are written out here, each with its
sentence.

What a browser does, and so does this jar:
- Domain: a cookie without one is host-only; one with a Domain that does not cover the
  host, or that is a public suffix (the Public Suffix List, from `publicsuffixlist`'s
  copy, offline) other than the host itself, is refused; an IP address is host-only.
- Path: the attribute if it starts with "/", else the directory of the request's path.
- Expiry: Max-Age wins over Expires; at most 400 days; a date in the past deletes.
- Secure: set and sent only over https, or to this machine (localhost, *.localhost, a
  loopback address) as browsers treat it; a non-secure cookie cannot shadow a secure one
  from plain http. __Secure- and __Host- prefixes are enforced.
- SameSite: recorded; the request the person sends is a top-level navigation, so every
  cookie goes with it; a later hop to another site (a redirect, a token endpoint) is
  cross-site: Strict cookies stay back, and Lax ones (and those without SameSite, as
  Chrome treats them) go only with safe methods. SameSite=None needs Secure.
- Sizes: name and value together at most 4096 bytes; an attribute value over 1024 is
  ignored; at most 180 cookies a domain and 3000 in a jar (least recently used go).

One difference from a browser, on purpose: a session cookie (no Expires, no Max-Age)
is kept until it is deleted, across restarts, as API clients do, since there is no
"browser session" for it to end with.

The rules for one cookie, and the parsing of Set-Cookie, are in cookierules.py; here,
which cookies go with a request and how the jar keeps them.

No Qt and no httpx here: URLs come in as text.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from .cookierules import (
    Cookie,
    ascii_host,
    default_path,
    domain_match,
    is_ip,
    is_loopback,
    is_public_suffix,
    parse_set_cookie,
    path_match,
)

PER_DOMAIN = 180
TOTAL = 3000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class Outcome:
    """What became of one Set-Cookie: `action` is "set", "deleted" or "rejected";
    `reason` says why it was refused (or that it replaced or deleted one)."""

    cookie: Cookie | None
    action: str
    reason: str = ""
    #: The cookie's name as the header gave it, also when it was refused.
    name: str = ""


class CookieJar:
    """Cookies by (domain, host-only, path, name). Thread-safe: sends of two tabs of
    one collection share it. `version` goes up with every change (for saving);
    `note` says where it is kept when that is not the disk (no keychain)."""

    def __init__(self, namespace: str = "", enabled: bool = True) -> None:
        self.namespace = namespace
        #: False: the cookie engine is off (gatepost send --no-cookies): nothing is
        #: stored and nothing sent.
        self.enabled = enabled
        self.note = ""
        self.version = 0
        self._cookies: dict[tuple[str, bool, str, str], Cookie] = {}
        self._lock = threading.RLock()

    @classmethod
    def off(cls) -> CookieJar:
        return cls(enabled=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._cookies)

    # -- the engine's side ------------------------------------------------------------

    def select(self, url: str, method: str = "GET", cross_site: bool = False,
               now: float | None = None) -> list[Cookie]:
        """The cookies to send to `url`, in the order a browser sends them."""
        # An empty jar (each exchange without the shared one starts with one) has
        # nothing to send: no URL to parse at every hop.
        if not self.enabled or not self._cookies:
            return []
        now = time.time() if now is None else now
        parts = urlsplit(url)
        host = ascii_host(parts.hostname or "") or ""
        path = parts.path or "/"
        secure_channel = parts.scheme.lower() in ("https", "wss") or is_loopback(host)
        chosen = []
        with self._lock:
            self._drop_expired(now)
            for cookie in self._cookies.values():
                if cookie.host_only and host != cookie.domain:
                    continue
                if not cookie.host_only and not domain_match(host, cookie.domain):
                    continue
                if not path_match(path, cookie.path):
                    continue
                if cookie.secure and not secure_channel:
                    continue
                if cross_site and (cookie.same_site == "Strict" or (
                        cookie.same_site != "None" and method.upper() not in SAFE_METHODS)):
                    continue
                cookie.last_access = now
                chosen.append(replace(cookie))
        chosen.sort(key=lambda c: (-len(c.path), c.created))
        return chosen

    def receive(self, url: str, header: str, now: float | None = None) -> Outcome:
        """Take one Set-Cookie header that came from `url`."""
        now = time.time() if now is None else now
        found, name, why = parse_set_cookie(header, now)
        if not self.enabled:
            return Outcome(None, "rejected", "cookies are off (--no-cookies)", name)
        if found is None:
            return Outcome(None, "rejected", f"Set-Cookie refused: {why}", name)
        parts = urlsplit(url)
        host = ascii_host(parts.hostname or "") or ""
        secure_origin = parts.scheme.lower() in ("https", "wss") or is_loopback(host)
        cookie = Cookie(name=name, value=found["value"], domain=host,
                        path=found.get("path") or default_path(parts.path or "/"),
                        secure=found.get("secure", False),
                        http_only=found.get("http_only", False),
                        same_site=found.get("same_site", ""),
                        expires=found.get("expires"), created=now, last_access=now)
        refused = self._domain(cookie, host, found.get("domain")) or \
            self._security(cookie, secure_origin)
        if refused:
            return Outcome(None, "rejected", refused, name)
        return self._store(cookie, secure_origin, now)

    @staticmethod
    def _domain(cookie: Cookie, host: str, attribute: str | None) -> str | None:
        if attribute is None:
            return None
        domain = ascii_host(attribute.lstrip("."))
        if not domain:
            return f"Domain={attribute} is not a host name"
        if is_ip(host):
            if domain != host:
                return f"Domain={attribute} was set by the address {host}, which only " \
                       "sets cookies for itself"
            return None
        if is_public_suffix(domain):
            if domain == host:
                return None  # host-only, as RFC 6265 says
            return f"Domain={attribute} is a public suffix: a cookie for all of it " \
                   "would reach other owners' sites"
        if not domain_match(host, domain):
            return f"Domain={attribute} does not cover the host {host} that set it"
        cookie.domain, cookie.host_only = domain, False
        return None

    @staticmethod
    def _security(cookie: Cookie, secure_origin: bool) -> str | None:
        if cookie.secure and not secure_origin:
            return "it is Secure but came over plain http"
        lowered = cookie.name.lower()
        if lowered.startswith("__secure-") and not cookie.secure:
            return "a __Secure- cookie must be Secure"
        if lowered.startswith("__host-") and not (
                cookie.secure and cookie.host_only and cookie.path == "/"):
            return "a __Host- cookie must be Secure, with no Domain and Path=/"
        if cookie.same_site == "None" and not cookie.secure:
            return "SameSite=None needs Secure"
        return None

    def _store(self, cookie: Cookie, secure_origin: bool, now: float) -> Outcome:
        with self._lock:
            if not cookie.secure and not secure_origin and any(
                    old.secure and old.name == cookie.name and (
                        domain_match(cookie.domain, old.domain)
                        or domain_match(old.domain, cookie.domain))
                    and path_match(cookie.path, old.path)
                    for old in self._cookies.values()):
                return Outcome(None, "rejected", "it would shadow a Secure cookie of the "
                               "same name, from plain http", cookie.name)
            old = self._cookies.pop(cookie.key, None)
            if cookie.expired(now):
                if old is None:
                    return Outcome(cookie, "rejected", "it had already expired",
                                   cookie.name)
                self.version += 1
                return Outcome(cookie, "deleted", "expired: the stored one was removed",
                               cookie.name)
            if old is not None:
                cookie.created = old.created
            self._cookies[cookie.key] = cookie
            self.version += 1
            self._evict(cookie.domain)
        return Outcome(replace(cookie), "set", "replaced the stored one" if old else "",
                       cookie.name)

    def _evict(self, domain: str) -> None:
        same = [c for c in self._cookies.values() if c.domain == domain]
        for group, limit in ((same, PER_DOMAIN), (list(self._cookies.values()), TOTAL)):
            if len(group) > limit:
                group.sort(key=lambda c: c.last_access)
                for cookie in group[:len(group) - limit]:
                    self._cookies.pop(cookie.key, None)

    def _drop_expired(self, now: float) -> None:
        gone = [k for k, c in self._cookies.items() if c.expired(now)]
        for key in gone:
            del self._cookies[key]
        if gone:
            self.version += 1

    # -- the cookie manager's side ----------------------------------------------------

    def all(self, now: float | None = None) -> list[Cookie]:
        """Copies of every live cookie, by domain, path and name."""
        with self._lock:
            self._drop_expired(time.time() if now is None else now)
            found = [replace(c) for c in self._cookies.values()]
        return sorted(found, key=lambda c: (c.domain, c.path, c.name))

    def put(self, cookie: Cookie, replacing: Cookie | None = None) -> None:
        """Add or edit by hand (checked with `problem` first); `replacing` is the
        cookie as it was, when the edit changed its domain, path or name."""
        cookie = replace(cookie, domain=ascii_host(cookie.domain.lstrip(".")) or "")
        now = time.time()
        with self._lock:
            if replacing is not None:
                old = self._cookies.pop(replacing.key, None)
                cookie.created = old.created if old is not None else now
            cookie.created = cookie.created or now
            cookie.last_access = now
            self._cookies[cookie.key] = cookie
            self.version += 1

    def delete(self, cookie: Cookie) -> None:
        with self._lock:
            if self._cookies.pop(cookie.key, None) is not None:
                self.version += 1

    def clear(self, domain: str | None = None) -> None:
        """Every cookie, or those of one domain (and its subdomains)."""
        with self._lock:
            keys = [k for k, c in self._cookies.items()
                    if domain is None or domain_match(c.domain, domain)]
            for key in keys:
                del self._cookies[key]
            if keys:
                self.version += 1

    def load(self, cookies: list[Cookie]) -> None:
        """Replace the contents (from the disk): no version change."""
        with self._lock:
            self._cookies = {c.key: c for c in cookies}
