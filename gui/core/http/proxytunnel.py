"""The way through a proxy to an origin, on a stream to the proxy: an HTTP proxy's
CONNECT tunnel, opened here rather than by httpcore (whose tunnel drops the proxy's
answer to a refused CONNECT and answers no challenge), each CONNECT and its answer
kept in the hop's `ProxyHop`; and the SOCKS5 handshake (RFC 1928, user/password
RFC 1929). proxynet.py routes requests to pools whose network backend is
`ProxyBackend`.

The streams are the engine's (netio, deadline): cancelling a hop and the exchange's
time limit work during the CONNECT too.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import h11
import httpcore
from socksio import socks5

from .. import __version__
from .netio import DNSError
from .netio import current as current_hop_context
from .proxies import Route
from .proxyauth import ProxyAuthenticator, ProxyAuthError

#: A CONNECT answer's body kept for the record (an error page); the rest is read past.
KEPT_BODY = 64 * 1024
#: CONNECT attempts on one connection before giving up (NTLM-like handshakes need 3).
MAX_CONNECT_LEGS = 4

_local = threading.local()


class ProxyFailure(httpcore.ProxyError):
    """The proxy could not be used: `kind` is the ErrorInfo kind, the message names the
    proxy (never its credentials)."""

    def __init__(self, message: str, kind: str = "proxy") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class ConnectRecord:
    """One CONNECT sent to the proxy and its answer, with its timings (perf_counter)."""

    target: str
    headers: list[tuple[str, str]]
    began: float
    dns: float | None = None
    connect: float | None = None
    send: float | None = None
    wait: float | None = None
    receive: float | None = None
    ended: float = 0.0
    remote_address: str | None = None
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass
class ProxyHop:
    """What one hop through a proxy needs and leaves: the route, the exchange's
    authenticator for it, the CONNECTs sent and the SOCKS handshake's time."""

    route: Route
    auth: ProxyAuthenticator
    connects: list[ConnectRecord] = field(default_factory=list)
    handshake: float | None = None
    proxy_connect: float | None = None


def current() -> ProxyHop | None:
    return getattr(_local, "hop", None)


@contextmanager
def carrying(hop: ProxyHop) -> Iterator[None]:
    """`hop` is the one `current()` answers in this thread while a request goes
    through its proxy's pool."""
    _local.hop = hop
    try:
        yield
    finally:
        _local.hop = None


class ProxyBackend(httpcore.NetworkBackend):
    """connect_tcp(origin) opens a stream to the origin through the proxy."""

    def __init__(self, inner: httpcore.NetworkBackend, route: Route,
                 proxy_ssl_context: Any, forward: bool = False) -> None:
        self._inner, self._route = inner, route
        self._proxy_ssl_context = proxy_ssl_context
        self._forward = forward

    def forwarding(self) -> ProxyBackend:
        return ProxyBackend(self._inner, self._route, self._proxy_ssl_context, True)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        opened = time.perf_counter()
        stream = self._open(timeout, local_address, socket_options)
        hop = current()
        if hop is not None:
            hop.proxy_connect = time.perf_counter() - opened
        if self._forward:
            return stream
        if self._route.is_socks:
            started = time.perf_counter()
            try:
                _socks5(stream, host, port, self._route)
            except BaseException:
                stream.close()
                raise
            if hop is not None:
                hop.handshake = time.perf_counter() - started
            return stream
        return self._tunnel(stream, host, port, timeout, opened,
                            (timeout, local_address, socket_options))

    def _open(self, timeout: float | None, local_address: str | None,
              socket_options: Any) -> httpcore.NetworkStream:
        route = self._route
        try:
            stream = self._inner.connect_tcp(route.host, route.port, timeout, local_address,
                                             socket_options)
        except DNSError as exc:
            raise DNSError(f"The proxy {route}: {exc}") from exc
        except httpcore.ConnectError as exc:
            why = str(exc) or type(exc).__name__
            if "refused" in why.lower():
                why = "connection refused: nothing is listening there"
            raise ProxyFailure(f"Could not connect to the proxy {route} ({why}).") from exc
        if route.scheme == "https":
            try:
                stream = stream.start_tls(self._proxy_ssl_context, route.host, timeout)
            except httpcore.ConnectError as exc:
                stream.close()
                why = str(exc) or type(exc).__name__
                raise ProxyFailure(f"TLS to the proxy {route} failed: {why}. If you trust "
                                   "this proxy, add its CA certificate under Certificates "
                                   "(or --cacert).") from exc
        return stream

    def _tunnel(self, stream: httpcore.NetworkStream, host: str, port: int,
                timeout: float | None, opened: float, reopen: tuple
                ) -> httpcore.NetworkStream:
        hop = current()
        auth = hop.auth if hop is not None else None
        target = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        answer = None
        fresh = True
        for _leg in range(MAX_CONNECT_LEGS):
            headers = [("Host", target), ("User-Agent", _user_agent()),
                       ("Proxy-Connection", "Keep-Alive")]
            if answer:
                headers.append(("Proxy-Authorization", answer))
            record = ConnectRecord(target, headers, opened if fresh else time.perf_counter())
            ctx = current_hop_context()
            if fresh and ctx is not None:
                record.dns, record.remote_address = ctx.dns, ctx.remote_address
                record.connect = max(time.perf_counter() - opened - (ctx.dns or 0.0), 0.0)
            if hop is not None:
                hop.connects.append(record)
            try:
                conn = _exchange(stream, record, timeout)
            except BaseException:
                stream.close()
                raise
            finally:
                record.ended = time.perf_counter()
            status = record.status or 0
            if 200 <= status < 300:
                return stream
            if status != 407 or auth is None:
                stream.close()
                raise ProxyFailure(f"The proxy {self._route} refused the tunnel to {target}: "
                                   f"{status} {record.reason}.")
            values = [v for n, v in record.response_headers
                      if n.lower() == "proxy-authenticate"]
            try:
                next_answer = auth.answer(values, "CONNECT", target, sent=bool(answer))
            except ProxyAuthError as exc:
                stream.close()
                raise ProxyFailure(str(exc), "proxy_auth") from None
            if next_answer is None:
                stream.close()
                raise ProxyFailure(_refused(self._route, bool(answer), auth), "proxy_auth")
            answer = next_answer
            if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()
                fresh = False
            else:
                stream.close()
                if auth.mid_handshake:
                    raise ProxyFailure(
                        f"The proxy {self._route} closed the connection in the middle of "
                        "the authentication handshake, which must stay on one connection.",
                        "proxy_auth")
                opened = time.perf_counter()
                stream = self._open(*reopen)
                fresh = True
        stream.close()
        raise ProxyFailure(f"The proxy {self._route} kept asking for credentials.",
                           "proxy_auth")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise ProxyFailure("A proxy cannot be used with a Unix socket.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _refused(route: Route, sent: bool, auth: ProxyAuthenticator) -> str:
    if not auth.has_credentials:
        return (f"The proxy {route} requires authentication (407) and no proxy credentials "
                "are set: give them in Proxy… (in the window) or with --proxy-auth and "
                "--proxy-field (gatepost send).")
    return f"The proxy {route} refused the credentials of {auth.route.username!r} (407)."


def _user_agent() -> str:
    return f"Gatepost/{__version__}"


def _exchange(stream: httpcore.NetworkStream, record: ConnectRecord,
              timeout: float | None) -> h11.Connection:
    """Send the CONNECT in `record` and read its answer into it."""
    conn = h11.Connection(h11.CLIENT)
    data = conn.send(h11.Request(method="CONNECT", target=record.target,
                                 headers=record.headers))
    data += conn.send(h11.EndOfMessage())
    sending = time.perf_counter()
    stream.write(data, timeout)
    sent = time.perf_counter()
    record.send = sent - sending
    body = bytearray()
    seen = bytearray()
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise ProxyFailure(f"The proxy answered the CONNECT with something that is not "
                               f"HTTP ({exc}).") from None
        if event is h11.NEED_DATA:
            chunk = stream.read(65536, timeout)
            if not chunk and record.status is None:
                if seen:
                    raise ProxyFailure("The proxy answered the CONNECT with something that "
                                       f"is not HTTP ({bytes(seen[:40])!r}).")
                raise ProxyFailure("The proxy closed the connection without answering the "
                                   f"CONNECT to {record.target}.")
            if record.status is None and len(seen) < 40:
                seen += chunk
            try:
                conn.receive_data(chunk)
            except h11.RemoteProtocolError as exc:
                raise ProxyFailure(f"The proxy's answer to the CONNECT is not HTTP ({exc}).") \
                    from None
            continue
        if isinstance(event, h11.Response):
            record.wait = time.perf_counter() - sent
            record.status, record.http_version = event.status_code, \
                "HTTP/" + event.http_version.decode("ascii", "replace")
            record.reason = event.reason.decode("latin-1")
            record.response_headers = [(n.decode("latin-1"), v.decode("latin-1"))
                                       for n, v in event.headers.raw_items()]
            if 200 <= event.status_code < 300:
                return conn  # the tunnel: what follows is the origin's
            received = time.perf_counter()
        elif isinstance(event, h11.Data):
            if len(body) < KEPT_BODY:
                body += event.data[:KEPT_BODY - len(body)]
        elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)) or \
                event is h11.PAUSED:
            record.body = bytes(body)
            record.receive = time.perf_counter() - received
            return conn
        elif isinstance(event, h11.InformationalResponse):
            continue


def _socks5(stream: httpcore.NetworkStream, host: str, port: int, route: Route) -> None:
    conn = socks5.SOCKS5Connection()
    wanted = socks5.SOCKS5AuthMethod.USERNAME_PASSWORD if route.username else \
        socks5.SOCKS5AuthMethod.NO_AUTH_REQUIRED
    conn.send(socks5.SOCKS5AuthMethodsRequest([wanted]))
    stream.write(conn.data_to_send())
    reply = _socks_reply(conn, stream, route)
    if not isinstance(reply, socks5.SOCKS5AuthReply) or reply.method != wanted:
        raise ProxyFailure(
            f"The SOCKS5 proxy {route} wants another authentication method than the one "
            "offered (" + ("user and password" if route.username else "none") + ").",
            "proxy_auth")
    if route.username:
        conn.send(socks5.SOCKS5UsernamePasswordRequest(route.username.encode(),
                                                       route.password.encode()))
        stream.write(conn.data_to_send())
        reply = _socks_reply(conn, stream, route)
        if not getattr(reply, "success", False):
            raise ProxyFailure(f"The SOCKS5 proxy {route} refused the credentials of "
                               f"{route.username!r}.", "proxy_auth")
    address = host
    if route.scheme == "socks5":
        # socks5:// resolves names here, socks5h:// at the proxy (curl's convention).
        try:
            address = str(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0])
        except socket.gaierror as exc:
            raise DNSError(f"The host name {host!r} could not be resolved "
                           f"({exc.strerror}).") from exc
    conn.send(socks5.SOCKS5CommandRequest.from_address(
        socks5.SOCKS5Command.CONNECT, (address, port)))
    stream.write(conn.data_to_send())
    reply = _socks_reply(conn, stream, route)
    if not isinstance(reply, socks5.SOCKS5Reply) or \
            reply.reply_code != socks5.SOCKS5ReplyCode.SUCCEEDED:
        code = getattr(reply, "reply_code", None)
        why = code.name.replace("_", " ").lower() if code is not None else "no reply"
        raise ProxyFailure(f"The SOCKS5 proxy {route} could not connect to {host}:{port} "
                           f"({why}).")


def _socks_reply(conn: Any, stream: httpcore.NetworkStream, route: Route) -> Any:
    data = stream.read(4096)
    if not data:
        raise ProxyFailure(f"The SOCKS5 proxy {route} closed the connection.")
    try:
        return conn.receive_data(data)
    except Exception as exc:  # noqa: BLE001 - socksio's errors: not a SOCKS5 server
        raise ProxyFailure(f"The proxy {route} does not answer as a SOCKS5 proxy "
                           f"({type(exc).__name__}).") from None
