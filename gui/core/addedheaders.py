"""The headers Gatepost adds to a request by itself, before it is sent: what httpx's
request building adds (Host, Accept, Accept-Encoding, Connection, User-Agent,
Content-Type, Content-Length), the auth scheme's header, and the cookie jar's. The
Headers tab lists them, so the person sees what will go over the wire, and lets them
switch one off (the request's `omit_headers`) where HTTP does not need it.

Builds the request as the engine does (gui/core/http/build.py), so it imports httpx:
call it off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from . import auth
from .http.build import build_request
from .http.engine import USER_AGENT

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


#: Why a header cannot be switched off here (lower-case name -> the reason shown).
FIXED = {
    "host": "HTTP/1.1 needs it: it names the server. It cannot be switched off.",
    "content-length": "HTTP needs it to know where the body ends. It cannot be switched "
                      "off; type a Content-Length above to send another value.",
    "transfer-encoding": "HTTP needs it to know where the body ends. It cannot be switched "
                         "off.",
    "authorization": "Computed by the Auth tab's scheme: choose No auth there to send none.",
    "cookie": "From the cookie jar: switch the jar off in Settings to send none.",
}


@dataclass(frozen=True)
class AddedHeader:
    name: str
    value: str
    source: str
    #: The request says not to send it (`omit_headers`).
    omitted: bool = False

    @property
    def fixed(self) -> str:
        """Why it cannot be switched off; "" when it can."""
        return FIXED.get(self.name.lower(), "")


def added_headers(spec: RequestSpec) -> list[AddedHeader]:
    """The headers added to `spec` (resolved: no {{variables}} left) that the person did
    not type; a header typed with the same name replaces the one Gatepost would add."""
    typed = {name.lower() for name, _ in spec.enabled_headers()}
    omitted = set(spec.omit_headers)
    out: list[AddedHeader] = []
    try:
        with httpx.Client(headers={"User-Agent": USER_AGENT}) as client:
            # Built with nothing left out: the list shows the switched-off ones too.
            request = build_request(client, replace(spec, omit_headers=[]))
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
                                                                  "added by Gatepost"),
                               name.lower() in omitted and name.lower() not in FIXED))
    out += _auth(spec, typed)
    if "cookie" not in typed and spec.options.use_cookie_jar:
        out.append(AddedHeader("Cookie", "(the jar's cookies for this URL, if any)",
                               "the cookie jar"))
    return out


def _title(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _auth(spec: RequestSpec, typed: set[str]) -> list[AddedHeader]:
    scheme = spec.auth.scheme
    if scheme in ("none", "inherit") or "authorization" in typed:
        return []
    try:
        label = auth.get(scheme).label
    except auth.AuthError:
        label = scheme
    return [AddedHeader("Authorization", "(computed when sent; secrets masked in the "
                        "Timeline)", f"the Auth tab: {label}")]
