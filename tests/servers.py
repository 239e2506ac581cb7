"""Real servers on 127.0.0.1 for the tests: httpbin (threaded) and a silent listener."""

from __future__ import annotations

import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from werkzeug.serving import make_server


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a daemon a fixture started (politely, then not), and close its pipes."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def serving(server: socketserver.BaseServer, scheme: str = "http") -> Iterator[str]:
    """Runs a socketserver-style server in a thread for as long as the block runs, and
    yields its URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"{scheme}://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def handler_server(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1",
                   ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """A threaded http.server with `handler`, on a free port of `host` (the receivers
    of the auth scheme tests), over TLS when an `ssl_context` is given."""
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    with serving(server, "https" if ssl_context else "http") as url:
        yield url


@contextmanager
def httpbin_server(ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """httpbin's real WSGI app behind werkzeug's threaded server: a slow endpoint
    (/delay/N) never holds up the requests of another test."""
    from httpbin import app

    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
    with serving(server, "https" if ssl_context else "http") as url:
        yield url


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: for timeouts and cancelling."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def free_port() -> int:
    """A port with nothing listening on it (closed right after it was bound)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oddities_app(environ, start_response):
    """Responses httpbin does not make: zstd, an odd charset, broken bodies, big JSON."""
    import gzip
    import json as _json
    import time
    from urllib.parse import parse_qs

    path = environ["PATH_INFO"]
    query = parse_qs(environ.get("QUERY_STRING", ""))

    def reply(body, ctype, extra=()):
        start_response("200 OK", [("Content-Type", ctype),
                                  ("Content-Length", str(len(body))), *extra])
        return [body]

    if path == "/zstd":
        import zstandard

        return reply(zstandard.ZstdCompressor().compress(b'{"zstd": true}'),
                     "application/json", [("Content-Encoding", "zstd")])
    if path == "/latin1":
        return reply("café crème".encode("latin-1"), "text/plain; charset=iso-8859-1")
    if path == "/badjson":
        return reply(b'{"a": 1, oops', "application/json")
    if path == "/truncated-gzip":
        data = gzip.compress(b'{"long": "' + b"x" * 5000 + b'"}')
        return reply(data[: len(data) // 2], "application/json",
                     [("Content-Encoding", "gzip")])
    if path == "/badimage":
        return reply(b"\x89PNG\r\n\x1a\nnot really", "image/png")
    if path == "/big":
        megabytes = int(query.get("mb", ["1"])[0])
        row = _json.dumps({"id": 1, "name": "x" * 80, "tags": ["a", "b"]}).encode() + b","
        rows = (megabytes * 1024 * 1024) // len(row)
        length = 1 + rows * len(row) - 1 + 1

        def generate():
            yield b"["
            chunk = row * 1000
            for i in range(0, rows, 1000):
                n = min(1000, rows - i)
                piece = chunk[: n * len(row)]
                yield piece[:-1] if i + n >= rows else piece
            yield b"]"

        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(length))])
        return generate()
    if path == "/needle":
        # N MB of plain text with "NEEDLE" once, at the very end: for find in big bodies.
        megabytes = int(query.get("mb", ["1"])[0])
        line = b"lorem ipsum dolor sit amet, consectetur adipiscing elit\n"
        body = line * ((megabytes * 1024 * 1024) // len(line)) + b"the NEEDLE is here\n"
        return reply(body, "text/plain; charset=utf-8")
    if path == "/sse":
        count_ = int(query.get("n", ["3"])[0])
        delay = float(query.get("delay", ["0.05"])[0])

        def events():
            for i in range(count_):
                yield f"event: tick\ndata: {i}\n\n".encode()
                time.sleep(delay)

        start_response("200 OK", [("Content-Type", "text/event-stream")])
        return events()
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no such oddity"]


@contextmanager
def oddities_server() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, oddities_app, threaded=True)
    with serving(server) as url:
        yield url
