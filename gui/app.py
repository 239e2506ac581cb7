"""Start the window: first check that one can open here (a display, the system libraries
Qt needs, a sound Qt binding), then build it (gui/launch.py)."""

from __future__ import annotations

import ctypes
import os
import sys
import time

_START = time.perf_counter()

# PySide6 itself and QtCore load without a display; QtGui and QtWidgets are imported by
# gui/launch.py, through `deferred`, once display_problem() has said they can be.
from PySide6 import __version__ as pyside_version  # noqa: E402
from PySide6.QtCore import QObject  # noqa: E402

from . import deferred, qtsource  # noqa: E402

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


def drops_none(void_call, calls: int = 16) -> bool:  # type: ignore[no-untyped-def]
    """Whether a binding's void method hands back None without a reference of its own.

    PySide6 6.12.0's wheels, built for the limited API, treat None (and True/False) as
    immortal, which they are only from Python 3.12 on. On 3.11 every such call takes
    a reference from None; after a few thousand calls (building one request tab makes
    hundreds) None is freed while still in use, and the process aborts, usually at exit
    while garbage-collecting ("Fatal Python error: none_dealloc")."""
    before = sys.getrefcount(None)
    for _ in range(calls):
        void_call()
    # A sound binding leaves the count as it was; allow for the odd unrelated change.
    return sys.getrefcount(None) - before <= -calls // 2


def binding_problem() -> str | None:
    """Why the installed Qt binding cannot run the window to the end, said up front."""
    if sys.version_info >= (3, 12):
        return None  # None is immortal there: a dropped reference does no harm
    probe = QObject()
    if not drops_none(lambda: probe.setObjectName("probe")):
        return None
    return (f"PySide6 {pyside_version} drops references to None on Python "
            f"{sys.version_info.major}.{sys.version_info.minor}, which would crash the "
            "window. Install another version: "
            f"{sys.executable} -m pip install 'PySide6-Essentials>=6.7,!={pyside_version}' "
            "(resources/setup.sh app does this), or use Python 3.12 or later.")


def run() -> int:
    problem = display_problem() or binding_problem()
    if problem:
        print(f"gatepost: {problem}", file=sys.stderr)
        return 1
    qtsource.install()  # before the window's modules are imported: ~3 MiB kept otherwise
    return deferred.launch.start(_START)
