"""The loopback redirect listener of RFC 8252 (7.3): `http://127.0.0.1:<port>/callback`.

It listens on 127.0.0.1 only, takes the first redirect that carries parameters, answers
the browser with a short page ("you can close this tab"), and is always closed by its
`with` block, on success, error and cancel alike, so the port is released.

For the implicit grant the parameters arrive in the URL fragment, which browsers do not
send: the callback then answers a tiny page whose script sends the fragment back as a
query (`/callback?access_token=…`).
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from ..base import AuthError

HOST = "127.0.0.1"
PATH = "/callback"
#: How long the browser step may take before the wait gives up.
BROWSER_TIMEOUT = 300.0

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title} – Gatepost</title>
<style>body{{font-family:sans-serif;max-width:32em;margin:4em auto;line-height:1.5}}</style>
</head><body><h1>{title}</h1><p>{text}</p></body></html>"""

_RELAY = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Signing in – Gatepost</title></head><body>
<p id="m">Handing the answer to Gatepost…</p>
<script>
if (location.hash.length > 1) {
  location.replace(location.pathname + "?" + location.hash.substring(1));
} else {
  document.getElementById("m").textContent = "Nothing arrived from the sign-in.";
}
</script></body></html>"""


def page(title: str, text: str) -> bytes:
    return _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    listener: Listener


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a browser's idle pre-connection must not hold a thread for ever

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != PATH:
            self._send(404, page("Not found", "This is Gatepost's sign-in listener."))
            return
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        listener = self.server.listener
        if not params and listener.fragment:
            self._send(200, _RELAY.encode())
            return
        title, text = listener.deliver(params)
        self._send(200, page(title, text))

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # never print the redirect: it carries the code or token


class Listener:
    """`with Listener(port, state) as listener:` … `listener.wait(cancelled)`."""

    def __init__(self, port: int | None, state: str, *, fragment: bool = False) -> None:
        self.port = port or 0
        self.state = state
        self.fragment = fragment
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._params: dict[str, str] | None = None
        self._lock = threading.Lock()

    @property
    def redirect_uri(self) -> str:
        return f"http://{HOST}:{self.port}{PATH}"

    def __enter__(self) -> Listener:
        try:
            server = _Server((HOST, self.port), _Handler)
        except OSError as exc:
            raise AuthError(f"The redirect listener could not listen on {HOST}:{self.port} "
                            f"({exc.strerror or exc}); choose another redirect port or leave "
                            "it empty for a free one.") from None
        server.listener = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                                        name="oauth2-redirect-listener", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def deliver(self, params: dict[str, str]) -> tuple[str, str]:
        """Take the first redirect; the page's title and text for the browser."""
        with self._lock:
            if self._params is not None:
                return "Already finished", "This sign-in is already finished; you can " \
                       "close this tab."
            self._params = params
            self._done.set()
        if params.get("error"):
            return "Sign-in failed", (f"The provider answered {params['error']}"
                                      + (f": {params['error_description']}"
                                         if params.get("error_description") else "")
                                      + ". You can close this tab and go back to Gatepost.")
        if not secrets.compare_digest(params.get("state", ""), self.state):
            return "Sign-in refused", ("The answer did not carry the state Gatepost sent, so "
                                       "it was refused. You can close this tab.")
        return "Signed in", "Gatepost has the answer. You can close this tab."

    def wait(self, cancelled: Callable[[], bool] = lambda: False,
             timeout: float = BROWSER_TIMEOUT) -> dict[str, str]:
        """The redirect's parameters; AuthError when cancelled or after `timeout`."""
        deadline = time.monotonic() + timeout
        while not self._done.wait(0.1):
            if cancelled():
                raise AuthError("Sign-in in the browser was cancelled.")
            if time.monotonic() >= deadline:
                raise AuthError(f"Sign-in in the browser failed: no answer reached "
                                f"{self.redirect_uri} within {timeout:.0f} s.")
        assert self._params is not None
        return self._params
