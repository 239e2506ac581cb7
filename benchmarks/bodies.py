"""Large bodies in the window: 1, 50 and 200 MB of JSON from a local server.

For each size, in one run: the worst stall of a 100 Hz heartbeat timer on the GUI thread
while the body downloads and is shown; the time from the last byte to the first screen
of the body view; the time to the pretty view against `json.loads` + `json.dumps(indent=2)`
of the same bytes in the same process (where pretty-printing is on: it stops at
gui.core.present.PRETTY_LIMIT, a setting); and the peak resident memory growth against
the body size.

Then large JSON past the pretty limit (issue 17): 20 MB with "Pretty-print anyway", the
pretty view coloured and the tree opened (target: memory growth at most 5x the body), and
100 MB with its tree opened; for each, the worst stall and the peak memory growth (the
kernel's high-water mark, reset before each case) from the send to the tree's first
expanded node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks import verdict

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES_MB = [int(s) for s in os.environ.get("GATEPOST_BENCH_SIZES", "1,50,200").split(",")]
#: Bodies pretty-printed anyway, coloured and opened in the tree (none: "").
FORCED_MB = [int(s) for s in os.environ.get("GATEPOST_BENCH_FORCED", "20,100").split(",") if s]


def _rss_mib() -> float:
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return kib / 1024


def _hwm_mib() -> float:
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    return kib / 1024


def _settle() -> float:
    """Frees what the last case left (the C heap gives freed memory back only on a
    trim), resets the high-water mark, and returns the resident size to measure from."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    return _rss_mib()


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
        for mb in FORCED_MB:
            print(_forced(app, window, url, mb), flush=True)
        for mb in SIZES_MB:
            window.response.body_view.clear()
            base = _settle()
            # From here, as in _forced: the gc and trim of _settle are not the window's.
            heart = Heartbeat()
            stalls = heart.stalls
            timer = QTimer(interval=10, timeout=heart.beat)
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
            peak = _hwm_mib()
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
            verdict.record(f"{mb} MB body shown: worst GUI stall", max(stalls) * 1000, 100, "ms")
    window.close()


def _wait(app: Any, until: Callable[[], bool], timeout: float = 300) -> None:
    end = time.perf_counter() + timeout
    while not until():
        if time.perf_counter() > end:
            raise TimeoutError("the window did not get there")
        app.processEvents()
        time.sleep(0.002)


def _forced(app: Any, window: Any, url: str, mb: int) -> str:
    """One large JSON body: sent, pretty-printed anyway, its pretty view shown coloured,
    then its tree opened and the first node expanded."""
    from PySide6.QtCore import QTimer

    view = window.response.body_view
    view.clear()
    base = _settle()
    heart = Heartbeat()
    timer = QTimer(interval=10, timeout=heart.beat)
    timer.start()
    t0 = time.perf_counter()
    window.editor.url.setText(f"{url}/big?mb={mb}")
    window.send()
    _wait(app, lambda: window.job is None)
    received = time.perf_counter()
    view.set_mode("pretty")
    view.pretty_anyway()
    _wait(app, lambda: view._presentation is not None and view._presentation.parsed is not None)
    pretty = time.perf_counter() - received
    coloured = bool(view.highlighter.spans) and view.text.document().blockCount() > 1
    view.set_mode("tree")
    _wait(app, lambda: view.tree.topLevelItemCount() > 0
          and view.tree.topLevelItem(0).text(0) != "Loading…")
    view.tree.topLevelItem(0).setExpanded(True)
    _wait(app, lambda: view.tree.topLevelItem(0).childCount() > 0
          and view.tree.topLevelItem(0).child(0).text(0) != "Loading…")
    tree = time.perf_counter() - received - pretty
    settle = time.perf_counter() + 0.3
    while time.perf_counter() < settle:
        app.processEvents()
        time.sleep(0.005)
    timer.stop()
    size = window.last_exchange.response.body_size
    growth = max(_hwm_mib(), _rss_mib()) - base
    verdict.record(f"{mb} MB JSON pretty+coloured+tree: worst GUI stall", max(heart.stalls) * 1000,
                   100, "ms")
    if mb <= 20:
        verdict.record(f"{mb} MB JSON pretty+coloured+tree: memory growth / body",
                       growth / (size / 2**20), 5)
    return (f"{mb:>4} MB pretty anyway + {'coloured' if coloured else 'NOT coloured'} + tree: "
            f"worst heartbeat stall {max(heart.stalls) * 1000:.0f} ms, send to tree "
            f"{time.perf_counter() - t0:.1f} s (pretty {pretty:.1f} s, tree {tree:.2f} s), "
            f"peak memory growth {growth:.0f} MiB = {growth / (size / 2**20):.2f}x the body "
            f"(target <= 5x), {top_rows(view)} rows at the top")


def top_rows(view: Any) -> int:
    return view.tree.topLevelItemCount()


if __name__ == "__main__":
    main()
