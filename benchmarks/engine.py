"""The engine against raw httpx.Client: 500 sequential GETs to a local server.

The server runs in its own process, so that it does not share the client's GIL. Both
clients keep their connection alive; the rounds alternate so that drift in the
machine's load hits both alike.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import httpx

from benchmarks import verdict
from gui.core.http.engine import Engine
from gui.core.model import RequestSpec

SERVER = r"""
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # one write per response: no Nagle/delayed-ACK stalls
    def do_GET(self):
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
server.serve_forever()
"""
REQUESTS = 500


def _raw(url: str) -> float:
    with httpx.Client() as client:
        client.get(url)
        started = time.perf_counter()
        for _ in range(REQUESTS):
            client.get(url).raise_for_status()
        return time.perf_counter() - started


def _engine(url: str) -> float:
    spec = RequestSpec(url=url)
    with Engine() as engine:
        engine.send(spec)
        started = time.perf_counter()
        for _ in range(REQUESTS):
            assert engine.send(spec).response.status == 200
        return time.perf_counter() - started


def measure(rounds: int = 9) -> tuple[float, float, float]:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/"
        raw, ours = [], []
        for _ in range(rounds):
            raw.append(_raw(url))
            ours.append(_engine(url))
        # Each round pairs the two clients back to back; the median of the paired ratios
        # is robust to the drift of a shared 2-core machine.
        ratios = sorted(o / r for o, r in zip(ours, raw, strict=True))
        return statistics.median(raw), statistics.median(ours), statistics.median(ratios)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    raw, ours, ratio = measure()
    print(f"{REQUESTS} sequential GETs: httpx.Client {raw * 1000:.0f} ms, engine "
          f"{ours * 1000:.0f} ms, ratio {ratio:.2f} (median of paired rounds; "
          "target <= 1.15)")
    verdict.record("engine: 500 GETs against raw httpx.Client", ratio, 1.15)


if __name__ == "__main__":
    main()
