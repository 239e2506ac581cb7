"""Start-up probe for benchmarks/startup.py (enabled by GATEPOST_BENCH_STARTUP).

Prints `painted <seconds>` once the window's first frame has painted, then, for the
`idle` mode, lets the app settle for 1.5 s and prints `rss <KiB>`.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class _FirstPaint(QObject):
    def __init__(self, app: QApplication, start: float) -> None:
        super().__init__(app)
        self._app, self._start, self._done = app, start, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            self._done = True
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        print(f"painted {time.perf_counter() - self._start:.4f}", flush=True)
        if os.environ.get("GATEPOST_BENCH_STARTUP") == "idle":
            QTimer.singleShot(1500, self._idle)
        else:
            self._app.quit()

    def _idle(self) -> None:
        print(f"rss {rss_kib()}", flush=True)
        self._app.quit()


def report_first_paint(app: QApplication, window: QWidget, start: float) -> None:
    window.installEventFilter(_FirstPaint(app, start))
