"""The session is restored after the window's first frame, not before it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from gui import firstframe


class PaintSeen(QObject):
    painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def test_runs_once_after_the_first_paint(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    seen = PaintSeen()
    window.installEventFilter(seen)
    calls: list[bool] = []
    firstframe.after_first_frame(window, lambda: calls.append(seen.painted))
    assert calls == []  # not before the event loop has shown anything
    window.show()
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    window.update()
    qtbot.wait(50)
    assert calls == [True]


def test_runs_even_if_the_window_never_paints(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(firstframe, "FALLBACK_MS", 10)
    window = QWidget()  # never shown
    qtbot.addWidget(window)
    calls: list[int] = []
    firstframe.after_first_frame(window, lambda: calls.append(1))
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    qtbot.wait(30)
    assert calls == [1]
