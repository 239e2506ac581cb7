"""Run something once a window has painted its first frame.

Restoring the last session (opening its collections, reading their files, building the
tabs) takes longer than building the window itself; run before the first paint, it
held the window back from the screen. Afterwards, the window is there at once and the
session fills it in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: If no paint comes (a minimised start, a platform that does not paint), go on anyway.
FALLBACK_MS = 1000


class AfterFirstFrame(QObject):
    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window, self._then = window, then
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            # After the event loop has flushed the frame to the screen.
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._window.removeEventFilter(self)
        self._then()


def after_first_frame(window: QWidget, then: Callable[[], None]) -> AfterFirstFrame:
    return AfterFirstFrame(window, then)
