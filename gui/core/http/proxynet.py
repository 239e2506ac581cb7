"""The engine's transports through a proxy, at httpcore's network layer.

`ProxyRouter` sends each request directly or through the proxy the engine chose for it
(the request's `gatepost.proxy` extension), with one pool per proxy. Through an HTTP
proxy a plain-HTTP request is forwarded (httpcore's ForwardHTTPConnection: the request
line holds the absolute URL); an HTTPS one goes through a CONNECT tunnel, and a SOCKS5
proxy through its handshake, both opened by the pool's network backend
(proxytunnel.py), which keeps each CONNECT and its answer in the hop's `ProxyHop` for
the engine to record as a hop of its own.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
from httpcore._sync.http_proxy import ForwardHTTPConnection

from .proxies import Route
from .proxyauth import ProxyAuthenticator
from .proxytunnel import ProxyBackend, carrying

PROXY_EXTENSION = "gatepost.proxy"


class ProxyRouter(httpx.BaseTransport):
    """`direct` serves requests without a proxy; one pool per proxy is made on first
    use with the same TLS context (the routes of many collections: at most `limit`)."""

    def __init__(self, direct: httpx.HTTPTransport, ssl_context: Any, http2: bool,
                 backend: Callable[[], httpcore.NetworkBackend], limit: int = 8) -> None:
        self._direct = direct
        self._ssl_context, self._http2, self._backend = ssl_context, http2, backend
        self._limit = limit
        self._proxied: dict[tuple, httpx.HTTPTransport] = {}
        self._bound: dict[int, httpx.HTTPTransport] = {}
        self._lock = threading.Lock()

    @property
    def _pool(self) -> httpcore.ConnectionPool:
        # The direct connections, where code that knows an httpx.HTTPTransport looks.
        return self._direct._pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hop = request.extensions.get(PROXY_EXTENSION)
        if hop is None:
            return self._direct.handle_request(request)
        transport = self._private(hop.auth) if hop.auth.connection_bound else \
            self._transport(hop.route)
        with carrying(hop):
            return transport.handle_request(request)

    def _transport(self, route: Route) -> httpx.HTTPTransport:
        with self._lock:
            transport = self._proxied.get(route.key)
            if transport is not None:
                return transport
            transport = self._make(route)
            if len(self._proxied) >= self._limit:
                # Left to close with the router: a send may be using it right now.
                self._old = [*getattr(self, "_old", []), self._proxied.pop(
                    next(iter(self._proxied)))]
            self._proxied[route.key] = transport
            return transport

    def _private(self, auth: ProxyAuthenticator) -> httpx.HTTPTransport:
        """A pool of the exchange's own for a proxy that authenticates connections
        (NTLM, Negotiate): no other send takes a connection between two legs, and no
        other idle connection is picked for one. Closed when the exchange lets go of
        its authenticator."""
        with self._lock:
            transport = self._bound.get(id(auth))
            if transport is None:
                transport = self._bound[id(auth)] = self._make(auth.route)
                weakref.finalize(auth, self._drop, id(auth))
            return transport

    def _drop(self, key: int) -> None:
        with self._lock:
            transport = self._bound.pop(key, None)
        if transport is not None:
            transport.close()

    def _make(self, route: Route) -> httpx.HTTPTransport:
        transport = httpx.HTTPTransport(verify=self._ssl_context, http2=self._http2)
        transport._pool = ProxyPool(
            route, ssl_context=self._ssl_context, http2=self._http2,
            network_backend=self._backend())
        return transport

    def close(self) -> None:
        with self._lock:
            transports = [self._direct, *self._proxied.values(), *getattr(self, "_old", []),
                          *self._bound.values()]
            self._proxied, self._bound = {}, {}
        for transport in transports:
            transport.close()


class ProxyPool(httpcore.ConnectionPool):
    """A connection pool whose connections go through `route`."""

    def __init__(self, route: Route, *, ssl_context: Any, http2: bool,
                 network_backend: httpcore.NetworkBackend) -> None:
        super().__init__(ssl_context=ssl_context, http2=http2, max_connections=100,
                         max_keepalive_connections=20, keepalive_expiry=5.0,
                         network_backend=network_backend)
        self.route = route
        self._proxy_ssl_context = ssl_context if route.scheme == "https" else None

    def create_connection(self, origin: httpcore.Origin) -> httpcore.ConnectionInterface:
        route = self.route
        backend = ProxyBackend(self._network_backend, route, self._proxy_ssl_context)
        if origin.scheme == b"http" and not route.is_socks:
            # TLS to an https:// proxy is started by the backend (so that a failure names
            # the proxy), hence the plain http origin here.
            return ForwardHTTPConnection(
                proxy_origin=httpcore.Origin(b"http", route.host.encode(), route.port),
                remote_origin=origin, keepalive_expiry=self._keepalive_expiry,
                network_backend=backend.forwarding())
        return httpcore.HTTPConnection(
            origin=origin, ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry, http1=self._http1, http2=self._http2,
            network_backend=backend)


