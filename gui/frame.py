"""The window a person sees, on the screen before the rest is built.

Importing the main window's modules and building it take longer than a bare PySide6
window takes to appear, about twice as long (docs/benchmarks.md). So `gatepost` shows
this frame first: the last session's size and place, the appearance's colours, and an
outline of the layout (sidebar, tab strip, URL bar, panes) where the widgets will be.
After its first frame gui/launch.py builds the main window into it, in the same native
window, and the outline gives way to the widgets.

Only what the first frame needs is imported here. Neither the window's modules nor
Qt's `Qt` namespace may be: the first touch of `Qt` creates its 93 enum classes, about
25 ms on Python 3.11.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6 import QtGui
from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .core.storage.paths import session_file
from .core.watch import note
from .widgets.colours import DARK_COLOURS, LIGHT_COLOURS, Colours

#: The window's size the first time, and its sidebar's width (the main window's own).
DEFAULT_SIZE = (1280, 800)
SIDEBAR_WIDTH = 300


def read_session() -> dict:
    """The last session's file, or {} when there is none or it cannot be read."""
    note("session read")
    try:
        data = json.loads(session_file().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def place(window: QWidget, data: dict) -> None:
    """The window's size and place from the session; one from a bigger or absent screen
    is brought back onto this one."""
    geometry = data.get("geometry")
    if isinstance(geometry, str):
        try:
            window.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        except (UnicodeError, ValueError):
            pass
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    frame = window.frameGeometry()
    if room.contains(frame):
        return
    width, height = min(frame.width(), room.width()), min(frame.height(), room.height())
    window.resize(max(width - (frame.width() - window.width()), 640),
                  max(height - (frame.height() - window.height()), 480))
    frame = window.frameGeometry()
    x = min(max(frame.x(), room.x()), room.right() - frame.width() + 1)
    y = min(max(frame.y(), room.y()), room.bottom() - frame.height() + 1)
    window.move(x, y)


def looks_dark(appearance: object) -> bool:
    """The appearance the theme will apply, guessed without loading it: "system" reads
    the platform's own window colour (the theme asks QStyleHints, which needs `Qt`)."""
    if appearance in ("light", "dark"):
        return appearance == "dark"
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def sidebar_width(data: dict) -> int:
    sizes = data.get("sidebar")
    if isinstance(sizes, list) and len(sizes) == 2 and isinstance(sizes[0], int) \
            and 120 <= sizes[0] <= 2000:
        return sizes[0]
    return SIDEBAR_WIDTH


class Frame(QWidget):
    """The top-level window; `adopt` puts the main window in it. Closing the frame
    closes the main window first, which may say no (unsaved changes)."""

    def __init__(self, session: dict) -> None:
        super().__init__()
        self.setObjectName("gatepostFrame")
        self.setWindowTitle("Gatepost")
        self.setAccessibleName("Gatepost")
        self.resize(*DEFAULT_SIZE)
        place(self, session)
        self._colours = DARK_COLOURS if looks_dark(session.get("appearance")) else LIGHT_COLOURS
        self._sidebar = sidebar_width(session)
        self.main: Any = None
        self._main_closed = False
        self._revealed = False
        self._typed = ""

    def adopt(self, main: QWidget) -> None:
        """Make `main` (a MainWindow, with a `closed` signal) this window's content,
        hidden behind the outline until `reveal`: its dialogs (a collection that cannot
        be read, while the session is restored) already belong to this window."""
        self.main = main
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        main.setParent(self)  # a child from now on: its window flags are reset
        main.hide()  # explicitly: a layout shows a child that is merely not shown yet
        layout.addWidget(main)
        self.setWindowTitle(main.windowTitle())
        main.windowTitleChanged.connect(self.setWindowTitle)
        main.closed.connect(self._main_has_closed)

    def reveal(self) -> str:
        """Show the main window in place of the outline; what was typed meanwhile."""
        self._revealed = True
        if self.main is not None:
            self.main.show()
        typed, self._typed = self._typed, ""
        return typed

    @property
    def revealed(self) -> bool:
        return self._revealed

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Before the main window is shown nothing has the focus: Quit still quits, and
        # text is kept for the URL field, where the cursor will be.
        # (QKeySequence through its module: its class is created on first use, after
        # the first frame.)
        keys = QtGui.QKeySequence
        if self._revealed:  # keys the main window's widgets left unused
            super().keyPressEvent(event)
        elif event.matches(keys.StandardKey.Quit) or \
                keys(event.keyCombination()) == keys("Ctrl+Q"):  # as the Quit action
            self.close()
        elif event.text().isprintable() and event.text():
            self._typed += event.text()
        else:
            super().keyPressEvent(event)

    def _main_has_closed(self) -> None:
        # Quit from the menu closes the main window; the frame follows it.
        self._main_closed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.main is not None and not self._main_closed and not self.main.close():
            event.ignore()
            return
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._revealed:
            outline(QPainter(self), self.rect(), self._colours, self._sidebar)


def outline(painter: QPainter, area: QRect, c: Colours, sidebar: int) -> None:
    """The layout's outline, in the places of the main window's parts (menu bar, tool
    row, sidebar, tab strip, URL bar, request and response panes, status bar)."""
    w, h = area.width(), area.height()
    border, base, muted = QColor(c.border), QColor(c.base), QColor(c.hover)
    painter.fillRect(area, QColor(c.window))
    painter.setPen(border)
    left, top, right, bottom = 8, 60, w - 9, h - 24
    painter.setBrush(base)
    painter.drawRect(left, top + 28, sidebar - 14, bottom - top - 29)  # the sidebar
    x = left + sidebar
    painter.drawRect(x, top + 34, right - x - 110, 24)  # the URL bar
    painter.setBrush(QColor(c.accent))
    painter.drawRoundedRect(right - 96, top + 34, 96, 24, 4, 4)  # Send
    painter.setBrush(base)
    split = top + 66 + (bottom - top - 66) // 4
    painter.drawRect(x, top + 66, right - x, split - top - 74)  # the request's pane
    painter.drawRect(x, split + 8, right - x, bottom - split - 8)  # the response's pane
    painter.setPen(border)
    painter.drawLine(x, top + 26, right, top + 26)  # under the tab strip
    for row in range(5):  # the sidebar's first rows, as bars
        painter.fillRect(left + 16, top + 44 + row * 24, 60 + (row * 37) % 90, 10, muted)
    for row in range(3):
        painter.fillRect(x + 16, top + 84 + row * 26, 120 + (row * 53) % 160, 10, muted)
    painter.end()
