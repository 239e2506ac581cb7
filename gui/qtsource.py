"""Keep PySide6 from caching the source of every module imported after it.

PySide6's `__feature__` support asks, for each module imported once PySide6 is loaded,
whether its source mentions "PySide6" (shibokensupport.feature._mod_uses_pyside), using
`inspect.getsource`. That reads the whole file into `linecache` as a list of lines and
keeps it: about 3 MiB of strings for the window's imports, which stay resident (the
arenas they share with live objects are never given back). Clearing linecache later
frees nothing, so the check is replaced by one that answers the same question from
the file's bytes and keeps nothing.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _uses_pyside(module: ModuleType) -> bool:
    # inspect.getsource fails (-> False) for modules without a .py source.
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as fh:
            return b"PySide6" in fh.read()
    except OSError:
        return False


def install() -> bool:
    """Replace the check; False (and nothing changed) when this PySide6 has none."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True
