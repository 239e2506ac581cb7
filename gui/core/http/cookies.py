"""Set-Cookie headers read for people (RFC 6265 attributes)."""

from __future__ import annotations

from dataclasses import dataclass

from .exchange import Exchange


@dataclass
class SetCookie:
    name: str
    value: str
    domain: str = ""
    path: str = ""
    expires: str = ""
    max_age: str = ""
    secure: bool = False
    http_only: bool = False
    same_site: str = ""
    #: The hop (1-based) whose response set it.
    hop: int = 0


def parse_set_cookie(header: str) -> SetCookie | None:
    """One Set-Cookie header; None when it has no name=value pair."""
    first, *attributes = header.split(";")
    name, eq, value = first.partition("=")
    if not eq or not name.strip():
        return None
    cookie = SetCookie(name.strip(), value.strip().strip('"'))
    for attribute in attributes:
        key, _, val = attribute.strip().partition("=")
        key, val = key.strip().lower(), val.strip()
        if key == "domain":
            cookie.domain = val
        elif key == "path":
            cookie.path = val
        elif key == "expires":
            cookie.expires = val
        elif key == "max-age":
            cookie.max_age = val
        elif key == "secure":
            cookie.secure = True
        elif key == "httponly":
            cookie.http_only = True
        elif key == "samesite":
            cookie.same_site = val
    return cookie


def cookies_set(exchange: Exchange) -> list[SetCookie]:
    """Every cookie any hop's response set, in order."""
    found = []
    for number, hop in enumerate(exchange.hops, 1):
        if hop.response is None:
            continue
        for name, value in hop.response.headers:
            if name.lower() == "set-cookie":
                cookie = parse_set_cookie(value)
                if cookie is not None:
                    cookie.hop = number
                    found.append(cookie)
    return found
