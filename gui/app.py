"""Start the window. Only what the first paint needs is imported before it."""

from __future__ import annotations

import ctypes
import os
import sys
import time

_START = time.perf_counter()

#: Shared libraries Qt's xcb platform plugin loads, and the Debian packages that hold
#: them: a minimal Debian lacks some, and Qt would abort with a misleading message.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
}


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_problem() -> str | None:
    """Why Qt could not open a window here, said before Qt aborts the process."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform not in ("", "xcb"):
        return None
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not os.environ.get("DISPLAY"):
        return ("No display: DISPLAY is not set. Run Gatepost in a desktop session, or use "
                "`gatepost send` on the command line.")
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if not _loadable(lib)]
    if missing:
        return ("Qt needs system libraries that are not installed. On Debian or Ubuntu: "
                f"sudo apt-get install {' '.join(missing)}")
    return None


def run() -> int:
    problem = display_problem()
    if problem:
        print(f"gatepost: {problem}", file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication

    from .widgets.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Gatepost")
    app.setOrganizationName("Gatepost")
    from .gcguard import GarbageCollector

    GarbageCollector(app)
    from .persistence import Persistence

    window = MainWindow(Persistence())
    window.show()
    window.editor.url.setFocus()
    if os.environ.get("GATEPOST_BENCH_STARTUP"):
        # benchmarks/startup.py: report when the first frame has painted, then leave.
        from ._bench import report_first_paint

        report_first_paint(app, window, _START)
    else:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.restore)
    return app.exec()
