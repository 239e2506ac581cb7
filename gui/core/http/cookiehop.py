"""The engine's cookie step around each hop: the jar's cookies onto the request, the
response's Set-Cookie headers into the jar, both recorded on the hop.

httpx has a jar of its own per client, with http.cookiejar's policy; the engine's
clients get one that refuses everything (`inert_jar`), so that every cookie sent or kept
goes through gui/core/http/cookiejar.py's rules, hop by hop, redirects and challenges included.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from http.cookiejar import CookieJar as _StdJar
from http.cookiejar import DefaultCookiePolicy

import httpx

from .cookiejar import CookieJar
from .cookies import parse_set_cookie
from .exchange import HopCookie

#: On a request: (the Cookie header before the jar's cookies were added, the header
#: the jar produced). A redirect copies the extensions but not the header (httpx drops
#: it), and an auth flow may add a cookie of its own: both are told apart by this.
MARK = "gatepost.cookie"


class _Refuse(DefaultCookiePolicy):
    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


def inert_jar() -> _StdJar:
    """For httpx.Client(cookies=...): keeps nothing, sends nothing."""
    return _StdJar(policy=_Refuse())


class _NoCookies(httpx.Cookies):
    """An inert jar that httpx does not even offer cookies to: at every response it
    would build an email Message of the headers and a urllib Request of the URL for
    the jar to refuse (about 10 µs a hop)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        pass

    def set_cookie_header(self, request: httpx.Request) -> None:
        pass

    def __bool__(self) -> bool:
        return False


def make_inert(client: httpx.Client) -> httpx.Client:
    """The client, its own cookie handling off (the engine's goes through the jar)."""
    # Private: httpx's cookies setter copies what it is given into a plain Cookies.
    client._cookies = _NoCookies(inert_jar())
    return client


def shown_expiry(expires: float | None) -> str:
    return "session" if expires is None else formatdate(expires, usegmt=True)


def attach(jar: CookieJar, request: httpx.Request, cross_site: bool,
           url: str | None = None) -> list[HopCookie]:
    """Put the jar's cookies for this request in its Cookie header, after those the
    user typed (or an auth scheme added), which win over a jar cookie of the same name.
    `url`: the request's URL as text, when the caller has it already."""
    # Looked for in the raw headers first: a lookup by name makes httpx scan every
    # header for its encoding, and get() raises and catches a KeyError when there is
    # none, the usual case, at every hop.
    present = b"cookie" in [name.lower() for name, _ in request.headers.raw]
    current = request.headers.get("cookie") if present else None
    mark = request.extensions.get(MARK)
    base = mark[0] if mark is not None and current == mark[1] else current
    cookies = jar.select(url or str(request.url), request.method, cross_site)
    if cookies:
        typed = {part.partition("=")[0].strip() for part in (base or "").split(";")}
        cookies = [c for c in cookies if c.name not in typed]
    header = "; ".join([*([base] if base else []), *(f"{c.name}={c.value}" for c in cookies)])
    if header:
        request.headers["Cookie"] = header
    elif current is not None:
        del request.headers["Cookie"]
    request.extensions[MARK] = (base, header or None)
    return [HopCookie(c.name, c.value, c.domain, c.path, shown_expiry(c.expires), c.secure,
                      c.http_only, c.same_site, "jar") for c in cookies]


def receive(jar: CookieJar, request: httpx.Request, response: httpx.Response,
            url: str | None = None) -> list[HopCookie]:
    """Every Set-Cookie of the response into the jar, in order, and what became of it."""
    headers = response.headers.get_list("set-cookie")
    if not headers:
        # httpx's own `response.cookies` would be empty too: no jar to make for it.
        return []
    url, now = url or str(request.url), time.time()
    # httpx's Digest answers a challenge with the 401's cookies (`response.cookies`,
    # under http.cookiejar's rules): left empty, so that the jar's rules apply to them
    # too and the retry's hop says they came from the jar.
    response._cookies = httpx.Cookies()
    found = []
    for header in headers:
        outcome = jar.receive(url, header, now)
        said = parse_set_cookie(header)
        if said is None:
            row = HopCookie(outcome.name, "", source="rejected", note=outcome.reason)
        else:
            expires = said.expires or (f"max-age {said.max_age}" if said.max_age
                                       else "session")
            row = HopCookie(said.name, said.value, said.domain, said.path, expires,
                            said.secure, said.http_only, said.same_site, outcome.action,
                            outcome.reason)
        found.append(row)
    return found
