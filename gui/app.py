"""Start the window. Only what the first paint needs is imported before it."""

from __future__ import annotations

import ctypes.util
import os
import sys
import time

_START = time.perf_counter()

#: Libraries Qt's xcb platform plugin loads that a minimal Debian lacks.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-image": "libxcb-image0",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


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
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if not ctypes.util.find_library(lib)]
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
    window = MainWindow()
    window.show()
    if os.environ.get("GATEPOST_BENCH_STARTUP"):
        # benchmarks/startup.py: report when the first frame has painted, then leave.
        from ._bench import report_first_paint

        report_first_paint(app, window, _START)
    return app.exec()
