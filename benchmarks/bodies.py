"""Large bodies in the window: 1, 50 and 200 MB of JSON from a local server.

For each size, in one run: the worst stall of a 100 Hz heartbeat timer on the GUI thread
while the body downloads and is shown; the time from the last byte to the first screen
of the body view; the time to the pretty view against `json.loads` + `json.dumps(indent=2)`
of the same bytes in the same process (where pretty-printing is on: it stops at
gui.core.present.PRETTY_LIMIT, a setting); and the peak resident memory growth against
the body size.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES_MB = [int(s) for s in os.environ.get("GATEPOST_BENCH_SIZES", "1,50,200").split(",")]


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return kib / 1024


class Heartbeat:
    """Notes the gap between beats of a 100 Hz timer on the GUI thread."""

    def __init__(self) -> None:
        self.stalls: list[float] = []
        self._last = time.perf_counter()

    def beat(self) -> None:
        now = time.perf_counter()
        self.stalls.append(now - self._last)
        self._last = now


@contextmanager
def _server_process() -> Iterator[str]:
    """The test suite's odd-responses server, in its own process: a server thread in
    this process would compete with the GUI thread for the GIL and blur the stalls."""
    code = ("from werkzeug.serving import make_server\n"
            "from tests.servers import oddities_app\n"
            "s = make_server('127.0.0.1', 0, oddities_app, threaded=True)\n"
            "print(s.server_port, flush=True)\n"
            "s.serve_forever()\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        yield f"http://127.0.0.1:{proc.stdout.readline().strip()}"
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.core.present import PRETTY_LIMIT, present
    from gui.widgets.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.show()
    with _server_process() as url:
        # Warm up: the first send imports httpx and builds the engine.
        window.editor.url.setText(f"{url}/zstd")
        window.send()
        while window.job is not None:
            app.processEvents()
            time.sleep(0.002)
        for mb in SIZES_MB:
            heart = Heartbeat()
            stalls = heart.stalls
            timer = QTimer(interval=10, timeout=heart.beat)
            base = _rss_mib()
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            window.editor.url.setText(f"{url}/big?mb={mb}")
            timer.start()
            window.send()
            while window.job is not None:
                app.processEvents()
                time.sleep(0.002)
            shown_at = time.perf_counter()
            app.processEvents()
            first_screen = time.perf_counter() - shown_at
            settle = time.perf_counter() + 0.3
            while time.perf_counter() < settle:
                app.processEvents()
                time.sleep(0.005)
            timer.stop()
            peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, peak_before)
            response = window.last_exchange.response
            size = response.body_size
            line = (f"{mb:>4} MB: worst heartbeat stall {max(stalls) * 1000:.0f} ms, "
                    f"first screen {first_screen * 1000:.0f} ms")
            if size <= PRETTY_LIMIT:
                data = response.body
                t0 = time.perf_counter()
                json.dumps(json.loads(data), indent=2)
                reference = time.perf_counter() - t0
                t0 = time.perf_counter()
                present(response)
                ours = time.perf_counter() - t0
                line += (f", pretty {ours * 1000:.0f} ms vs json.loads+dumps "
                         f"{reference * 1000:.0f} ms (ratio {ours / reference:.2f})")
            else:
                line += f", pretty off past {PRETTY_LIMIT // 2**20} MB (raw view paged)"
            growth = max(peak - base, _rss_mib() - base, 0.0)
            line += (f", memory growth {growth:.0f} MiB = {growth / (size / 2**20):.2f}x "
                     "the body (target < 2.5x)")
            print(line, flush=True)
    window.close()


if __name__ == "__main__":
    main()
