"""A deadline for a whole exchange (curl's --max-time), on top of httpx's timeouts.

httpx's timeouts bound each socket operation, so a server that drips a byte a second,
or sends a body that never ends, keeps an exchange going for ever. The engine sets the
exchange's deadline for its thread; every network stream then shortens each read,
write and handshake to the time left, and refuses to start one once none is left. What
runs out is raised as an httpcore timeout (so httpx handles it as one) that also says
it was the deadline and during which operation.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import httpcore

from .chain import first
from .netio import Backend, CancellableStream, current

_local = threading.local()


class DeadlinePassed(Exception):
    """Mixed into the httpcore timeout raised when the exchange's deadline passed.
    `operation` is connect, tls, write or read."""

    operation = ""


class _ConnectPassed(DeadlinePassed, httpcore.ConnectTimeout):
    operation = "connect"


class _TlsPassed(DeadlinePassed, httpcore.ConnectTimeout):
    operation = "tls"


class _WritePassed(DeadlinePassed, httpcore.WriteTimeout):
    operation = "write"


class _ReadPassed(DeadlinePassed, httpcore.ReadTimeout):
    operation = "read"


def remaining() -> float | None:
    """Seconds left for this thread's exchange; None without a deadline."""
    at = getattr(_local, "at", None)
    return None if at is None else at - time.monotonic()


class _Scope:
    # A class rather than @contextmanager: entered at every send.
    __slots__ = ("_previous", "_seconds")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds
        self._previous: float | None = None

    def __enter__(self) -> None:
        self._previous = getattr(_local, "at", None)
        seconds = self._seconds
        _local.at = None if seconds is None or not math.isfinite(seconds) else \
            time.monotonic() + seconds

    def __exit__(self, *exc: object) -> None:
        _local.at = self._previous


def scope(seconds: float | None) -> _Scope:
    """`with scope(seconds):` — this thread's exchange must be over within `seconds`
    (None: no deadline)."""
    return _Scope(seconds)


def lift() -> None:
    """No deadline for the rest of this exchange on this thread: an event stream the
    person watches in the window is meant to run until they press Stop."""
    _local.at = None


def _clamp(timeout: float | None, passed: type[DeadlinePassed]) -> tuple[float | None, bool]:
    """The timeout to use, and whether the deadline is what shortened it."""
    at = getattr(_local, "at", None)  # remaining(), written out: at every read and write
    if at is None:
        return timeout, False
    left = at - time.monotonic()
    if left <= 0:
        raise passed("The exchange's time limit passed.")
    if timeout is None or left < timeout:
        return left, True
    return timeout, False


class _Stream(CancellableStream):
    """netio's stream (the hop's CancelToken armed around each blocking call) with each
    read, write and handshake also bounded by the deadline: one layer, not two, as it
    runs at every read and write. The deadline is looked at before the token, as when
    this stream wrapped netio's."""

    __slots__ = ()

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout, clamped = _clamp(timeout, _ReadPassed)
        ctx = current()
        if ctx is not None:
            ctx.token.arm(self._sock)
        try:
            return self._inner.read(max_bytes, timeout)
        except httpcore.ReadTimeout as exc:
            if clamped:
                raise _ReadPassed("The exchange's time limit passed.") from exc
            raise
        finally:
            if ctx is not None:
                ctx.token.disarm()

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        timeout, clamped = _clamp(timeout, _WritePassed)
        ctx = current()
        if ctx is not None:
            ctx.token.arm(self._sock)
        try:
            self._inner.write(buffer, timeout)
        except httpcore.WriteTimeout as exc:
            if clamped:
                raise _WritePassed("The exchange's time limit passed.") from exc
            raise
        finally:
            if ctx is not None:
                ctx.token.disarm()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        timeout, clamped = _clamp(timeout, _TlsPassed)
        try:
            return super().start_tls(ssl_context, server_hostname, timeout)
        except httpcore.ConnectTimeout as exc:
            if clamped:
                raise _TlsPassed("The exchange's time limit passed.") from exc
            raise


class DeadlineBackend(Backend):
    """netio's backend, with every stream bounded by the thread's deadline."""

    stream_type = _Stream

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None
                    ) -> httpcore.NetworkStream:
        timeout, clamped = _clamp(timeout, _ConnectPassed)
        try:
            stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        except httpcore.ConnectTimeout as exc:
            if clamped:
                raise _ConnectPassed("The exchange's time limit passed.") from exc
            raise
        return stream  # a _Stream (stream_type)


def passed_in(exc: BaseException) -> DeadlinePassed | None:
    """The DeadlinePassed in `exc`'s chain, if the deadline is what ended it."""
    return first(exc, DeadlinePassed)
