"""Cancelling a request from another thread (see netio for how the socket is woken).

Kept apart from netio so that the window can make a token without importing httpcore.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Cancelled(Exception):
    """The user cancelled the request."""


class CancelToken:
    """Cancels the request it is handed to, from any thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            sock = self._sock
        if sock is not None:
            try:
                # The base class's shutdown: SSLSocket.shutdown would tear down its SSL
                # object under the thread that is reading from it.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()

    @contextmanager
    def watching(self, sock: socket.socket | None) -> Iterator[None]:
        with self._lock:
            self._sock = sock
        try:
            self.raise_if_cancelled()
            yield
        finally:
            with self._lock:
                self._sock = None
