"""One cookie by the rules a browser applies (RFC 6265bis; cookiejar.py lists them): a
Set-Cookie header parsed into its attributes, hosts, domains and paths matched, the
Public Suffix List, the site of a URL, and what is wrong with a cookie, in a sentence.

No Qt and no httpx here: URLs come in as text.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from http import cookiejar
from urllib.parse import urlsplit

from .. import deferred

#: Name and value of a cookie together, at most (bytes, as browsers count).
MAX_PAIR = 4096
#: An attribute value longer than this is ignored.
MAX_ATTRIBUTE = 1024
#: The longest a cookie lives, whatever Expires or Max-Age say: 400 days.
MAX_AGE = 400 * 24 * 3600
SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}
# Control characters other than tab make a browser drop the whole Set-Cookie.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_TOKEN_BAD = re.compile(r"[\x00-\x20\x7f()<>@,;:\\\"/\[\]?={}]")


@dataclass
class Cookie:
    name: str
    value: str
    #: Lower case, without a leading dot; the host itself for a host-only cookie.
    domain: str
    path: str = "/"
    host_only: bool = True
    secure: bool = False
    http_only: bool = False
    #: "Strict", "Lax", "None", or "" when the server did not say.
    same_site: str = ""
    #: Seconds since the epoch; None for a session cookie.
    expires: float | None = None
    created: float = 0.0
    last_access: float = 0.0

    @property
    def key(self) -> tuple[str, bool, str, str]:
        return (self.domain, self.host_only, self.path, self.name)

    def expired(self, now: float) -> bool:
        return self.expires is not None and self.expires <= now


_psl_lock = threading.Lock()
_psl = None


def _suffixes():
    global _psl
    with _psl_lock:
        if _psl is None:
            _psl = deferred.publicsuffixlist.PublicSuffixList()
        return _psl


# Asked about the same few hosts at every hop (the jar, the site of each URL): the
# answers are cached, a parse of an IP address costs a microsecond or two.
@lru_cache(maxsize=1024)
def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def is_loopback(host: str) -> bool:
    """This machine, by name or address: a browser treats it as a secure origin."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_public_suffix(domain: str) -> bool:
    return not is_ip(domain) and bool(_suffixes().is_public(domain))


@lru_cache(maxsize=256)
def site(url: str) -> tuple[str, str]:
    """Schemeful site: http and https of one registrable domain are two sites."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    secure = parts.scheme.lower() in ("https", "wss")
    if not host or is_ip(host):
        return ("https" if secure else "http", host)
    return ("https" if secure else "http", _suffixes().privatesuffix(host) or host)


def domain_match(host: str, domain: str) -> bool:
    return host == domain or (not is_ip(host) and host.endswith("." + domain))


def path_match(path: str, cookie_path: str) -> bool:
    if path == cookie_path:
        return True
    if path.startswith(cookie_path):
        return cookie_path.endswith("/") or path[len(cookie_path)] == "/"
    return False


def default_path(path: str) -> str:
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[:path.rindex("/")]


def ascii_host(host: str) -> str | None:
    """A host or Domain attribute as it is matched: lower case, IDNA-encoded."""
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None


def _parse_date(text: str) -> float | None:
    # Not in http.cookiejar's __all__, but there since Python 2 and lenient as browsers
    # are about the formats servers write.
    return cookiejar.http2time(text)  # type: ignore[attr-defined]


def problem(cookie: Cookie) -> str | None:
    """Why a cookie typed in the cookie manager cannot be kept, or None."""
    if not cookie.name:
        return "A cookie needs a name."
    if _TOKEN_BAD.search(cookie.name):
        return f"The name {cookie.name!r} has a space or one of ()<>@,;:\\\"/[]?={{}}."
    if _CONTROL.search(cookie.value) or ";" in cookie.value:
        return f"The value of {cookie.name} has a ; or a control character."
    if len(cookie.name) + len(cookie.value) > MAX_PAIR:
        return f"{cookie.name}: name and value together exceed {MAX_PAIR} bytes."
    domain = ascii_host(cookie.domain.lstrip("."))
    if not domain or not re.fullmatch(r"[a-z0-9._:\[\]-]+", domain):
        return f"{cookie.domain!r} is not a host name."
    if not cookie.path.startswith("/"):
        return "The path must start with /."
    return None


def parse_set_cookie(header: str, now: float) -> tuple[dict | None, str, str]:
    """(the attributes, or None when refused; the cookie's name; why refused)."""
    if _CONTROL.search(header):
        return None, "", "it contains a control character"
    pair, _, rest = header.partition(";")
    if "=" not in pair:
        return None, "", "it has no name=value pair"
    name, _, value = pair.partition("=")
    name, value = name.strip(" \t"), value.strip(" \t")
    if not name:
        return None, "", "it has no name"
    if len(name.encode()) + len(value.encode()) > MAX_PAIR:
        return None, name, (f"its name and value are {len(name) + len(value)} bytes, more "
                            f"than the {MAX_PAIR} browsers keep")
    found: dict = {"name": name, "value": value}
    max_age = expires = None
    for attribute in rest.split(";"):
        key, _, val = attribute.partition("=")
        key, val = key.strip(" \t").lower(), val.strip(" \t")
        if len(val) > MAX_ATTRIBUTE:
            continue
        if key == "expires":
            expires = _parse_date(val)
        elif key == "max-age" and re.fullmatch(r"-?[0-9]+", val):
            seconds = int(val)
            max_age = now + min(seconds, MAX_AGE) if seconds > 0 else 0.0
        elif key == "domain" and val:
            found["domain"] = val
        elif key == "path":
            found["path"] = val if val.startswith("/") else None
        elif key == "secure":
            found["secure"] = True
        elif key == "httponly":
            found["http_only"] = True
        elif key == "samesite":
            found["same_site"] = SAME_SITE.get(val.lower(), "")
    if max_age is not None:
        found["expires"] = max_age
    elif expires is not None:
        found["expires"] = min(expires, now + MAX_AGE)
    return found, name, ""
