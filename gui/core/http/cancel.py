"""Cancelling a request from another thread (see netio for how the socket is woken).

Kept apart from netio so that the window can make a token without importing httpcore.
"""

from __future__ import annotations

import socket


class Cancelled(Exception):
    """The user cancelled the request."""


class CancelToken:
    """Cancels the request it is handed to, from any thread.

    The sending thread arms the token with the socket it is about to block on and
    disarms it afterwards; `cancel()` shuts that socket down. Arming checks the flag
    after storing the socket and `cancel()` reads the socket after setting the flag, so
    one of the two always sees the other.
    """

    __slots__ = ("_cancelled", "_sock")

    def __init__(self) -> None:
        self._cancelled = False
        self._sock: socket.socket | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True
        sock = self._sock
        if sock is not None:
            try:
                # The base class's shutdown: SSLSocket.shutdown would tear down its SSL
                # object under the thread that is reading from it.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def raise_if_cancelled(self) -> None:
        if self._cancelled:
            raise Cancelled()

    def arm(self, sock: socket.socket | None) -> None:
        self._sock = sock
        if self._cancelled:
            self._sock = None
            raise Cancelled()

    def disarm(self) -> None:
        self._sock = None
