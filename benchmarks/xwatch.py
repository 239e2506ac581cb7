"""Watch an X server from outside: when a top-level window is mapped, and when something
is first drawn on the screen after that (the window's first frame).

Plain Xlib and XDamage through ctypes, so the benchmark needs no Python X binding. A
damage object on the root window reports drawing in every window on the screen (the way
VNC servers watch a desktop); Qt's windows have no server-drawn background, so the
first damage after the map is the first frame the application drew.
"""

from __future__ import annotations

import ctypes
import select
import time
from ctypes import POINTER, byref, c_char_p, c_int, c_long, c_ulong, c_void_p

MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
DAMAGE_REPORT_RAW_RECTANGLES = 0


class XError(RuntimeError):
    pass


class ScreenWatch:
    """Open before the application starts; `wait_visible` then returns the times (from
    perf_counter) of the first map and the first frame after it."""

    def __init__(self, display: str) -> None:
        try:
            self._x = ctypes.CDLL("libX11.so.6")
            self._xd = ctypes.CDLL("libXdamage.so.1")
        except OSError as exc:
            raise XError(f"libX11/libXdamage are not installed ({exc})") from None
        x, xd = self._x, self._xd
        x.XOpenDisplay.restype = c_void_p
        x.XOpenDisplay.argtypes = [c_char_p]
        x.XDefaultRootWindow.restype = c_ulong
        x.XDefaultRootWindow.argtypes = [c_void_p]
        x.XSelectInput.argtypes = [c_void_p, c_ulong, c_long]
        x.XConnectionNumber.argtypes = [c_void_p]
        x.XPending.argtypes = [c_void_p]
        x.XNextEvent.argtypes = [c_void_p, c_void_p]
        x.XSync.argtypes = [c_void_p, c_int]
        x.XCloseDisplay.argtypes = [c_void_p]
        xd.XDamageQueryExtension.argtypes = [c_void_p, POINTER(c_int), POINTER(c_int)]
        xd.XDamageCreate.restype = c_ulong
        xd.XDamageCreate.argtypes = [c_void_p, c_ulong, c_int]
        xd.XDamageDestroy.argtypes = [c_void_p, c_ulong]
        self._dpy = x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise XError(f"cannot open display {display}")
        base, error = c_int(), c_int()
        if not xd.XDamageQueryExtension(self._dpy, byref(base), byref(error)):
            x.XCloseDisplay(self._dpy)
            raise XError("the X server has no DAMAGE extension")
        self._damage_notify = base.value  # XDamageNotify is the extension's event 0
        root = x.XDefaultRootWindow(self._dpy)
        x.XSelectInput(self._dpy, root, SUBSTRUCTURE_NOTIFY_MASK)
        self._damage = xd.XDamageCreate(self._dpy, root, DAMAGE_REPORT_RAW_RECTANGLES)
        x.XSync(self._dpy, 0)
        self._fd = x.XConnectionNumber(self._dpy)

    def wait_visible(self, timeout: float, alive) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        """(mapped, first frame) as perf_counter times; XError past `timeout` or when
        `alive()` turns false."""
        event = (c_long * 24)()  # XEvent is a union of 24 longs
        deadline = time.perf_counter() + timeout
        mapped = None
        while True:
            while self._x.XPending(self._dpy):
                self._x.XNextEvent(self._dpy, event)
                now = time.perf_counter()
                kind = event[0] & 0xFFFFFFFF
                # XMapEvent: ... window at long 5, override_redirect at long 6.
                if kind == MAP_NOTIFY and mapped is None and not event[6] & 0xFFFFFFFF:
                    mapped = now
                elif kind == self._damage_notify and mapped is not None:
                    return mapped, now
            if time.perf_counter() > deadline:
                raise XError("no window was mapped and drawn in time")
            if not alive():
                raise XError("the program exited before showing a window")
            select.select([self._fd], [], [], 0.05)

    def close(self) -> None:
        if self._dpy:
            self._xd.XDamageDestroy(self._dpy, self._damage)
            self._x.XCloseDisplay(self._dpy)
            self._dpy = None
