"""The modules the core keeps off its callers' start-up paths, in one place.

The core is loaded by the window before its first frame and by `gatepost run` before
its first request; neither should pay for cryptography, the keychain or a parser it may
never use. Those modules are listed here and imported the first time one of their names
is used: gui/deferred.py is the same for the widgets, and the core has its own because
that one lists widget modules, which a type checker run over gui/core would follow into
Qt.

At a module's top::

    from .. import deferred

and at the point of use::

    deferred.x509.load_pem_x509_certificate(data)

The first access imports the module and keeps it in this module's globals, so every
later access is a plain attribute lookup. Keep the `deferred.` in front: importing a
name from here would import its module at once.

A module belongs here if a module that uses it is loaded (by the window before its first
frame or at idle, or by `gatepost run` / `gatepost send --help`) where it is not;
otherwise it is imported at the top of the module that uses it. Optional extras (NTLM,
Kerberos, requests plug-ins) are listed here too: a missing one raises ImportError at
its first use, and `optional()` asks whether it is installed without importing it.
"""

from __future__ import annotations

import importlib.util
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

_MODULES: dict[str, str] = {
}

if TYPE_CHECKING:
    # The real modules, for type checkers (`as` the same name is a re-export).
    pass


def optional(name: str) -> bool:
    """Whether the optional extra `name` is installed, without importing it."""
    return importlib.util.find_spec(name) is not None


def __getattr__(name: str) -> ModuleType:
    try:
        path = _MODULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = import_module(path)
    globals()[name] = module
    return module
