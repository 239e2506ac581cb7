"""Collect garbage on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold
is crossed: a worker thread, or a test server's thread. If the garbage holds Qt
objects, they are then destroyed off the GUI thread, which crashes Qt. So automatic
collection is switched off and a timer on the GUI thread collects instead, the way
long-lived PyQt/PySide applications do. The same timer gives the C heap's free pages
back to the system when a burst of work is over (`give_back_memory`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500
#: Fewer new tracked objects than this between two ticks counts as idle.
IDLE_ALLOCATIONS = 200


def _malloc_trim() -> object:
    """glibc's malloc_trim, or None where the C library has none (macOS, Windows, musl)."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or None), "malloc_trim", None)
    except OSError:
        return None


_TRIM = _malloc_trim()


def give_back_memory() -> None:
    """Hand the C heap's free pages back to the system. glibc keeps what a burst of work
    (a collection read, a large response) freed for the process to reuse, and the
    desktop counts it as the app's memory until then: about 1.3 MiB after a session
    with a collection is restored."""
    if callable(_TRIM):
        _TRIM(0)


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._last = gc.get_count()[0]
        self._trimmed = False
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
        # Once the work is over (a tick with next to no new objects), and only once
        # per burst of work: trimming walks the heap.
        allocated = counts[0] - self._last if counts[0] >= self._last else counts[0]
        self._last = gc.get_count()[0]
        if allocated > IDLE_ALLOCATIONS:
            self._trimmed = False
        elif not self._trimmed:
            self._trimmed = True
            give_back_memory()
