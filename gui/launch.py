"""Build the window and hand it to Qt's event loop: what `gatepost` does once gui/app.py
has checked that a window can open here.

Imported only after `qtsource.install()` (gui/app.py): every module imported from here
on is one PySide6 would otherwise keep the source of (about 3 MiB).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from ._bench import report_first_paint
from .firstframe import after_first_frame
from .gcguard import GarbageCollector
from .persistence import Persistence
from .widgets import theme
from .widgets.icons import app_icon
from .widgets.main_window import MainWindow
from .widgets.window_session import read_session


def session_beside() -> Callable[[], dict]:
    """Start reading the last session's file in a thread, and return the call that waits
    for it: the theme and layout need it before the first frame, the disk read stays off
    the GUI thread (house rule), and it overlaps QApplication's construction."""
    found: list[dict] = []
    reader = threading.Thread(target=lambda: found.append(read_session()),
                              name="session-read", daemon=True)
    reader.start()

    def wait() -> dict:
        reader.join()
        return found[0] if found else {}

    return wait


def start(started: float) -> int:
    """Show the window (its session restored after the first frame) and run until it
    closes; `started` is when the process began, for the start-up probe."""
    session_read = session_beside()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Gatepost")
    app.setOrganizationName("Gatepost")
    app.setDesktopFileName("gatepost")
    session = session_read()
    theme.apply(app, session.get("appearance") or theme.SYSTEM)
    app.setWindowIcon(app_icon())
    GarbageCollector(app)
    window = MainWindow(Persistence())
    window.restore_layout(session)
    window.show()
    window.editor.url.setFocus()
    if os.environ.get("GATEPOST_BENCH_STARTUP"):
        # benchmarks/startup.py: report when the first frame has painted, then leave.
        report_first_paint(app, window, started)
    else:
        after_first_frame(window, window.restore)
    return app.exec()
