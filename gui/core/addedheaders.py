"""The headers Gatepost adds to a request by itself, before it is sent: what httpx's
request building adds (Host, Accept, Accept-Encoding, Connection, User-Agent,
Content-Type, Content-Length), the auth scheme's header, and the cookie jar's. The
Headers tab lists them, so the person sees what will go over the wire.

Builds the request as the engine does (gui/core/http/build.py), so it imports httpx:
call it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import RequestSpec

SOURCES = {
    "host": "from the URL",
    "accept": "Gatepost's default",
    "accept-encoding": "the decoders installed",
    "connection": "Gatepost's default (connections are reused)",
    "user-agent": "Gatepost's default",
    "content-type": "from the Body tab",
    "content-length": "the body's size",
    "transfer-encoding": "the body",
}


@dataclass(frozen=True)
class AddedHeader:
    name: str
    value: str
    source: str


def added_headers(spec: RequestSpec) -> list[AddedHeader]:
    """The headers added to `spec` (resolved: no {{variables}} left) that the person did
    not type; a header typed with the same name replaces the one Gatepost would add."""
    import httpx

    from .http.build import build_request
    from .http.engine import USER_AGENT

    typed = {name.lower() for name, _ in spec.enabled_headers()}
    out: list[AddedHeader] = []
    try:
        with httpx.Client(headers={"User-Agent": USER_AGENT}) as client:
            request = build_request(client, spec)
        pairs = request.headers.multi_items()
    except Exception:  # noqa: BLE001 - an unfinished URL or body: the defaults only
        pairs = [("Accept", "*/*"), ("Accept-Encoding", httpx.Client().headers.get(
            "accept-encoding", "")), ("Connection", "keep-alive"), ("User-Agent", USER_AGENT)]
    if not any(name.lower() == "host" for name, _ in pairs) and "host" not in typed:
        out.append(AddedHeader("Host", "(from the URL, once it is complete)", "from the URL"))
    for name, value in pairs:
        if name.lower() in typed:
            continue
        shown = name if name.lower() != "host" else "Host"
        out.append(AddedHeader(_title(shown), value, SOURCES.get(name.lower(),
                                                                  "added by Gatepost")))
    out += _auth(spec, typed)
    if "cookie" not in typed and spec.options.use_cookie_jar:
        out.append(AddedHeader("Cookie", "(the jar's cookies for this URL, if any)",
                               "the cookie jar"))
    return out


def _title(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _auth(spec: RequestSpec, typed: set[str]) -> list[AddedHeader]:
    from . import auth

    scheme = spec.auth.scheme
    if scheme in ("none", "inherit") or "authorization" in typed:
        return []
    try:
        label = auth.get(scheme).label
    except auth.AuthError:
        label = scheme
    return [AddedHeader("Authorization", "(computed when sent; secrets masked in the "
                        "Timeline)", f"the Auth tab: {label}")]
