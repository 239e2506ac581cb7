"""What the engine adds under httpx, at httpcore's network layer.

httpx has no way to cancel a blocking request from another thread, and httpcore's
`connect_tcp` trace hides DNS inside the connect. A thin network backend fixes both:
it resolves names itself (timed), and every stream registers the socket it is blocked
on with the caller's CancelToken, so `cancel()` can shut that socket down and the
blocked read returns at once. The connection then fails and is dropped from the pool,
so a cancelled request stops reading and frees its connection.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any

import httpcore

from .cancel import CancelToken


class DNSError(httpcore.ConnectError):
    """The host name did not resolve."""


class HopContext:
    """Per-thread state of the hop being sent: its token and what the backend timed.
    `with ctx:` (hop_context) makes it this thread's hop for the block: its own context
    manager, not a generator-based one, as it is entered at every hop."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.dns: float | None = None
        self.remote_address: str | None = None

    def __enter__(self) -> HopContext:
        _local.hop = self
        return self

    def __exit__(self, *exc: object) -> None:
        _local.hop = None


_local = threading.local()


def current() -> HopContext | None:
    return getattr(_local, "hop", None)


def hop_context(ctx: HopContext) -> HopContext:
    """`with hop_context(ctx):` — the block's network streams belong to `ctx`'s hop."""
    return ctx


#: httpcore's event prefixes, the first preferred where two name the same event.
_PREFIXES = ("http11.", "connection.", "http2.")
#: An event's prefixed names, made once: a record reads eight marks at every hop.
_KEYS: dict[str, tuple[str, ...]] = {}
#: The last event a hop's record reads.
_BODY_IN = frozenset({"http11.receive_response_body.complete",
                      "http2.receive_response_body.complete"})


class Trace:
    """httpcore's trace extension for one hop: the moment each phase started and
    completed (the engine's timings, DNS aside)."""

    __slots__ = ("_extensions", "marks")

    def __init__(self, extensions: dict[str, Any] | None = None) -> None:
        """`extensions`: the request's, which the trace puts itself in."""
        self.marks: dict[str, float] = {}
        self._extensions = extensions
        if extensions is not None:
            extensions["trace"] = self

    def __call__(self, name: str, info: dict[str, Any]) -> None:
        # Called about ten times a hop: keep it to a dict store.
        self.marks[name] = time.perf_counter()
        if name in _BODY_IN and self._extensions is not None and \
                self._extensions.get("trace") is self:
            # Nothing after the body is read: without the extension httpcore skips the
            # two response_closed callbacks that follow.
            del self._extensions["trace"]

    def mark(self, event: str) -> float | None:
        return self.marks_of((event,))[0]

    def marks_of(self, events: tuple[str, ...]) -> list[float | None]:
        """mark() of each event, in one call: a record reads eight at every hop."""
        # "send_request_headers.started" is "http11." or "http2." prefixed; connecting
        # is "connection.".
        get = self.marks.get
        found: list[float | None] = []
        for event in events:
            keys = _KEYS.get(event)
            if keys is None:
                keys = _KEYS[event] = tuple(prefix + event for prefix in _PREFIXES)
            at = None
            for key in keys:
                at = get(key)
                if at is not None:
                    break
            found.append(at)
        return found

    def span(self, phase: str) -> float | None:
        return self.between(phase + ".started", phase + ".complete")

    def between(self, a: str, b: str) -> float | None:
        start, end = self.mark(a), self.mark(b)
        return end - start if start is not None and end is not None else None


class CancellableStream(httpcore.NetworkStream):
    """Arms the current hop's CancelToken with this socket around each blocking call.

    Written out rather than as a context manager: it runs on every read and write.
    """

    __slots__ = ("_inner", "_sock")

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self._sock = inner.get_extra_info("socket")

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        ctx = current()
        if ctx is None:
            return self._inner.read(max_bytes, timeout)
        ctx.token.arm(self._sock)
        try:
            return self._inner.read(max_bytes, timeout)
        finally:
            ctx.token.disarm()

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        ctx = current()
        if ctx is None:
            self._inner.write(buffer, timeout)
            return
        ctx.token.arm(self._sock)
        try:
            self._inner.write(buffer, timeout)
        finally:
            ctx.token.disarm()

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        ctx = current()
        if ctx is not None:
            ctx.token.arm(self._sock)
        try:
            return type(self)(self._inner.start_tls(ssl_context, server_hostname, timeout))
        finally:
            if ctx is not None:
                ctx.token.disarm()

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Backend(httpcore.NetworkBackend):
    #: What each stream is wrapped in (deadline.py's adds its bounds in the same layer).
    stream_type: type[CancellableStream] = CancellableStream

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        ctx = current()
        if ctx is not None:
            ctx.token.raise_if_cancelled()
        addresses = [host]
        if not _is_ip(host):
            started = time.perf_counter()
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise DNSError(f"The host name {host!r} could not be resolved "
                               f"({exc.strerror}).") from exc
            if ctx is not None:
                ctx.dns = time.perf_counter() - started
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(address, port, timeout, local_address,
                                                 socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            if ctx is not None:
                ctx.remote_address = f"{address}:{port}"
            return self.stream_type(stream)
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return self.stream_type(self._inner.connect_unix_socket(path, timeout,
                                                               socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
