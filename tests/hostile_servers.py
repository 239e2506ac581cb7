"""A raw-socket server on 127.0.0.1 that misbehaves on purpose, one way per path.

http.server and werkzeug cannot send a broken status line, a 10 MB header or a body
that never ends, so this one writes bytes to the socket itself. Every connection runs
in a daemon thread that stops when the server does (the write fails or the flag is
set), so a test never waits on a misbehaving handler.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, unquote, urlsplit

#: Seconds between the bytes of the drip paths.
DRIP = 0.05
CHUNK = b"x" * 65536


class _Conn:
    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock, self.stop = sock, stop

    def send(self, data: bytes) -> None:
        if self.stop.is_set():
            raise ConnectionAbortedError
        self.sock.sendall(data)

    def head(self, status: str, *headers: str) -> None:
        self.send((f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in headers)
                   + "\r\n").encode("latin-1"))

    def drip(self, data: bytes) -> None:
        for i in range(len(data)):
            self.send(data[i:i + 1])
            self.stop.wait(DRIP)


def _endless(c: _Conn, q: dict) -> None:
    c.head("200 OK", "Content-Type: application/octet-stream")
    while True:
        c.send(CHUNK)


def _endless_chunks(c: _Conn, q: dict) -> None:
    c.head("200 OK", "Content-Type: application/octet-stream", "Transfer-Encoding: chunked")
    piece = b"%x\r\n" % len(CHUNK) + CHUNK + b"\r\n"
    while True:
        c.send(piece)


def _drip_headers(c: _Conn, q: dict) -> None:
    c.drip(b"HTTP/1.1 200 OK\r\nX-Drip: ")
    while True:
        c.drip(b"a" * 100)


def _drip_body(c: _Conn, q: dict) -> None:
    c.head("200 OK", "Content-Type: text/plain", "Content-Length: 100000000")
    while True:
        c.drip(b"a" * 100)


def _truncated_chunk(c: _Conn, q: dict) -> None:
    c.head("200 OK", "Content-Type: text/plain", "Transfer-Encoding: chunked")
    c.send(b"5\r\nhello\r\n64\r\nonly ten b")


def _garbage_status(c: _Conn, q: dict) -> None:
    c.send(b"HELLO THERE, THIS IS NOT HTTP\r\n\r\n")


def _huge_header(c: _Conn, q: dict) -> None:
    c.send(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * (10 * 1024 * 1024) + b"\r\n"
           b"Content-Length: 2\r\n\r\nok")


def _gzip_bomb(c: _Conn, q: dict) -> None:
    megabytes = int(q.get("mb", ["64"])[0])
    body = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
    c.head("200 OK", "Content-Type: application/octet-stream", "Content-Encoding: gzip",
           f"Content-Length: {len(body)}")
    c.send(body)


def _challenge(c: _Conn, q: dict) -> None:
    value = q.get("value", [""])[0]
    c.head("401 Unauthorized", f"WWW-Authenticate: {value}", "Content-Length: 0")


def _unauthorized_loop(c: _Conn, q: dict) -> None:
    """Always 401, always a fresh well-formed Digest challenge."""
    c.head("401 Unauthorized", f'WWW-Authenticate: Digest realm="loop", qop="auth", '
           f'nonce="{uuid.uuid4().hex}", algorithm=MD5', "Content-Length: 0")


ROUTES: dict[str, Callable[[_Conn, dict], None]] = {
    "/endless": _endless,
    "/endless-chunks": _endless_chunks,
    "/drip-headers": _drip_headers,
    "/drip-body": _drip_body,
    "/truncated-chunk": _truncated_chunk,
    "/garbage-status": _garbage_status,
    "/huge-header": _huge_header,
    "/gzip-bomb": _gzip_bomb,
    "/challenge": _challenge,
    "/401-loop": _unauthorized_loop,
}


def _read_head(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return None
        data += piece
    return data


def _serve(sock: socket.socket, stop: threading.Event) -> None:
    conn = _Conn(sock, stop)
    try:
        sock.settimeout(30)
        # Keep-alive where a route leaves the connection open (the 401 loop).
        while not stop.is_set():
            head = _read_head(sock)
            if head is None:
                return
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
            parts = urlsplit(target)
            route = ROUTES.get(unquote(parts.path))
            if route is None:
                conn.head("404 Not Found", "Content-Length: 0")
                continue
            route(conn, parse_qs(parts.query))
            if route not in (_challenge, _unauthorized_loop):
                return
    except (OSError, ConnectionError):
        pass
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


@contextmanager
def hostile_server() -> Iterator[str]:
    """Yields the server's base URL; the paths are ROUTES' keys."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    socks: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                sock, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            socks.append(sock)
            thread = threading.Thread(target=_serve, args=(sock, stop), daemon=True)
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for sock in socks:
            # Wakes a handler blocked in sendall towards a client that stopped reading.
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0.1))
