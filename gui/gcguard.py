"""Collect garbage on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold
is crossed: a worker thread, or a test server's thread. If the garbage holds Qt
objects, they are then destroyed off the GUI thread, which crashes Qt. So automatic
collection is switched off and a timer on the GUI thread collects instead, the way
long-lived PyQt/PySide applications do.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self, interval=INTERVAL_MS, timeout=self.check)
        self._timer.start()

    def check(self) -> None:
        # Collect the generations whose thresholds are crossed, as the automatic
        # collector would have, but here on the GUI thread.
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        if counts[2] > thresholds[2]:
            gc.collect(2)
        elif counts[1] > thresholds[1]:
            gc.collect(1)
        elif counts[0] > thresholds[0]:
            gc.collect(0)
