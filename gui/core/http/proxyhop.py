"""The engine's side of proxies, hop by hop: which proxy a hop goes through, the
Proxy-Authorization of a forwarded plain-HTTP request, a 407 to it answered once, and the
CONNECTs of a tunnel turned into hops of their own (gui/core/http/proxytunnel.py does the wire).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from .bodydata import BodyData
from .exchange import Hop, HopKind, ReceivedResponse, SentRequest, Timings
from .proxies import Resolver
from .proxyauth import ProxyAuthenticator
from .proxynet import PROXY_EXTENSION
from .proxytunnel import ConnectRecord, ProxyHop

_PORTS = {"http": 80, "https": 443}


class ProxyState:
    """One exchange's proxies: an authenticator per proxy, and the Proxy-Authorization
    values added, so that a hop that goes elsewhere (a redirect past the bypass list)
    never carries one."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._auths: dict[tuple, ProxyAuthenticator] = {}
        self._added: set[str] = set()

    def prepare(self, request: httpx.Request) -> ProxyHop | None:
        """Route the request (ProxySettingsError when the settings are unusable)."""
        if self._added:  # else there is none of ours to take off (a header lookup less)
            value = request.headers.get("proxy-authorization")
            if value is not None and value in self._added:
                del request.headers["proxy-authorization"]
        url = request.url
        route = self.resolver.route(url.scheme, url.host, url.port or _PORTS.get(url.scheme, 0))
        if route is None:
            request.extensions.pop(PROXY_EXTENSION, None)
            return None
        auth = self._auths.get(route.key)
        if auth is None:
            auth = self._auths[route.key] = ProxyAuthenticator(route)
        hop = ProxyHop(route, auth)
        request.extensions[PROXY_EXTENSION] = hop
        if self._forwarded(request, hop):
            self._set(request, auth.header(request.method, str(url)))
        return hop

    @staticmethod
    def _forwarded(request: httpx.Request, hop: ProxyHop | None) -> bool:
        return hop is not None and request.url.scheme == "http" and not hop.route.is_socks

    def _set(self, request: httpx.Request, value: str | None) -> None:
        if value:
            self._added.add(value)
            request.headers["Proxy-Authorization"] = value

    def answer(self, hop: ProxyHop | None, request: httpx.Request,
               response: httpx.Response) -> bool:
        """Whether to send a forwarded request again after the proxy's 407, with the
        answer now in its headers (ProxyAuthError for a challenge that cannot be read)."""
        if response.status_code != 407 or hop is None or not self._forwarded(request, hop):
            return False
        sent = request.headers.get("proxy-authorization") in self._added
        answer = hop.auth.answer(response.headers.get_list("proxy-authenticate"),
                                 request.method, str(request.url), sent)
        if answer is None:
            return False
        self._set(request, answer)
        return True


def finish(proxy: ProxyHop | None, hop: Hop, started: float,
           mask: Callable[[str, str], str]) -> list[Hop]:
    """Mark `hop` as sent through the proxy and return the CONNECT hops that came before
    it (each header masked by `mask(name, value)`). The hop's connect and DNS time was
    the CONNECT's: it moves there, and the hop starts where the tunnel was open."""
    if proxy is None:
        return []
    hop.proxy = proxy.route.url
    t = hop.timings
    if proxy.handshake is not None:
        t.proxy = proxy.handshake
        if t.connect is not None:
            t.connect = max(t.connect - proxy.handshake, 0.0)
    if not proxy.connects:
        return []
    end = t.start + t.total
    tunnel_open = proxy.connects[-1].ended - started
    t.start, t.total = tunnel_open, max(end - tunnel_open, 0.0)
    t.dns = t.connect = None
    return [_connect_hop(record, proxy, started, mask) for record in proxy.connects]


def _connect_hop(record: ConnectRecord, proxy: ProxyHop, started: float,
                 mask: Callable[[str, str], str]) -> Hop:
    headers = [(n, mask(n, v)) for n, v in record.headers]
    first = f"CONNECT {record.target} HTTP/1.1"
    sent = SentRequest("CONNECT", record.target, headers, 0, _head_size(first, headers))
    timings = Timings(start=record.began - started, dns=record.dns, connect=record.connect,
                      send=record.send, wait=record.wait, receive=record.receive,
                      total=max(record.ended - record.began, 0.0))
    hop = Hop(HopKind.CONNECT, sent, timings=timings, remote_address=record.remote_address,
              proxy=proxy.route.url)
    if record.status is not None:
        received = [(n, mask(n, v)) for n, v in record.response_headers]
        hop.response = ReceivedResponse(
            status=record.status, reason=record.reason, http_version=record.http_version,
            headers=received, data=BodyData.of(record.body),
            body_wire_size=len(record.body),
            head_size=_head_size(f"{record.http_version} {record.status} {record.reason}",
                                 received))
        if record.status == 407:
            scheme = next((v.split(" ")[0] for n, v in record.response_headers
                           if n.lower() == "proxy-authenticate"), "")
            hop.next_reason = f"proxy challenge: {scheme}" if scheme else "proxy challenge"
        elif 200 <= record.status < 300:
            hop.next_reason = "tunnel open: the request follows"
    return hop


def _head_size(first_line: str, headers: list[tuple[str, str]]) -> int:
    return len(first_line) + 2 + sum(len(n) + len(v) + 4 for n, v in headers) + 2
