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

from PySide6 import QtWidgets
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from . import deferred
from ._bench import report_first_paint
from .firstframe import after_first_frame
from .frame import Frame, read_session
from .gcguard import GarbageCollector

#: The exit status of a window that could not be built (gui/cli: internal error).
EXIT_INTERNAL = 70


def session_beside() -> Callable[[], dict]:
    """Start reading the last session's file in a thread, and return the call that waits
    for it: the frame's size and colours need it before the first frame, the disk read
    stays off the GUI thread (house rule), and it overlaps QApplication's construction."""
    found: list[dict] = []
    reader = threading.Thread(target=lambda: found.append(read_session()),
                              name="session-read", daemon=True)
    reader.start()

    def wait() -> dict:
        reader.join()
        return found[0] if found else {}

    return wait


def start(started: float) -> int:
    """Show the frame, build the main window into it after the frame's first paint
    (gui/frame.py) and restore the session (`build`), and run until the window
    closes; `started` is when the process began, for the start-up probe."""
    session_read = session_beside()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Gatepost")
    app.setOrganizationName("Gatepost")
    app.setDesktopFileName("gatepost")
    session = session_read()
    frame = Frame(session)
    frame.show()
    after_first_frame(frame, lambda: build(app, frame, session, started))
    return app.exec()


#: The longest the frame waits for the session's tabs before it shows the main window
#: anyway (a large collection or a slow disk), in ms.
RESTORE_WAIT_MS = 800


def build(app: QApplication, frame: Frame, session: dict, started: float) -> None:
    """The theme and the main window; then the session. One whose tab in front is a
    request is restored before the main window is shown (the frame's outline stays
    until then, RESTORE_WAIT_MS at most): the window appears as it was left, without
    Scratch first, and Scratch's editor is built only if it is looked at. A window that
    cannot be built is said in a message box, and the app ends (exit status 70)."""
    try:
        _build(app, frame, session, started)
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        message = f"The window could not be built ({type(exc).__name__}): {exc}"
        print(f"gatepost: internal error: {message}", file=sys.stderr)
        QtWidgets.QMessageBox.critical(frame, "Gatepost cannot start", message)
        app.exit(EXIT_INTERNAL)


def _build(app: QApplication, frame: Frame, session: dict, started: float) -> None:
    deferred.theme.apply(app, session.get("appearance") or deferred.theme.SYSTEM)
    app.setWindowIcon(deferred.icons.app_icon())
    GarbageCollector(app)
    main_window = deferred.main_window.MainWindow
    behind = main_window.request_in_front(session)
    window = main_window(deferred.persistence.Persistence(), scratch_behind=behind)
    frame.adopt(window)  # hidden until shown below: dialogs meanwhile are the frame's
    window.restore_layout(session)

    def show() -> None:
        if frame.revealed or frame.isHidden():
            return  # shown already, or closed while the session was read
        typed = frame.reveal()
        window.editor.url.setFocus()
        window.editor.url.insert(typed)
        if os.environ.get("GATEPOST_BENCH_STARTUP"):
            # benchmarks/startup.py: report when the built window has painted, then leave.
            report_first_paint(app, window, started)

    # The session as read before the first frame: not read from disk a second time.
    if behind:
        window.session_restored.connect(show)
        QTimer.singleShot(RESTORE_WAIT_MS, frame, show)
        window.restore(session)
    else:
        show()
        after_first_frame(window, lambda: window.restore(session))
