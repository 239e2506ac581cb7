"""Build the window and hand it to Qt's event loop: what `gatepost` does once gui/app.py
has checked that a window can open here.

Imported only after `qtsource.install()` (gui/app.py): every module imported from here
on is one PySide6 would otherwise keep the source of (about 3 MiB).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication

from ._bench import report_first_paint
from .firstframe import after_first_frame
from .gcguard import GarbageCollector
from .persistence import Persistence
from .widgets import theme
from .widgets.icons import app_icon
from .widgets.main_window import MainWindow
from .widgets.window_session import read_session


def start(started: float) -> int:
    """Show the window (its session restored after the first frame) and run until it
    closes; `started` is when the process began, for the start-up probe."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Gatepost")
    app.setOrganizationName("Gatepost")
    app.setDesktopFileName("gatepost")
    session = read_session()
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
