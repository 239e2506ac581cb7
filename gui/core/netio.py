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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore

from .cancel import CancelToken


class DNSError(httpcore.ConnectError):
    """The host name did not resolve."""


class HopContext:
    """Per-thread state of the hop being sent: its token and what the backend timed."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.dns: float | None = None
        self.remote_address: str | None = None


_local = threading.local()


def current() -> HopContext | None:
    return getattr(_local, "hop", None)


@contextmanager
def hop_context(ctx: HopContext) -> Iterator[HopContext]:
    _local.hop = ctx
    try:
        yield ctx
    finally:
        _local.hop = None


@contextmanager
def _watch(stream: httpcore.NetworkStream) -> Iterator[None]:
    ctx = current()
    if ctx is None:
        yield
        return
    with ctx.token.watching(stream.get_extra_info("socket")):
        yield


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _watch(self._inner):
            return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        with _watch(self._inner):
            self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        with _watch(self._inner):
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class Backend(httpcore.NetworkBackend):
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
            return _Stream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
