"""The modules kept off the start-up path, in one place.

A window that paints at once and sits idle in little memory (issue 17;
docs/benchmarks.md lists what each piece costs) cannot import everything it may one day
show: the engine and httpx, TLS, the history database, the dialogs, the response views.
Those modules are listed here and imported the first time one of their names is used.

At a module's top::

    from gui import deferred          # or: from .. import deferred

and at the point of use::

    deferred.proxy_dialog.ProxyDialog(...)

The first access imports the module and keeps it in this module's globals, so every
later access is a plain attribute lookup. `from gui.deferred import proxy_dialog` would
import the module at once, which is what this module is for avoiding: keep the
`deferred.` in front.

A module belongs here if it is not loaded by an idle window (with or without a
collection and tabs) or, for the command line, by `gatepost run --help`; a module that is
loaded anyway is imported at the top of the module that uses it. Names are the module's
own, with its parent's in front where two would share one (tls_config, proxy_dialog).
This is not importlib.util.LazyLoader: that one is not thread-safe on Python 3.11, and
it puts a module in sys.modules before it loads, which the idle checks
(tests/test_gui_thread_io.py) read as loaded.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

_MODULES = {
    "added_headers": "gui.widgets.request.added_headers",
    "auth": "gui.core.auth",
    "cancel": "gui.core.http.cancel",
    "cookiestore": "gui.core.storage.cookiestore",
    "engine": "gui.core.http.engine",
    "exchange": "gui.core.http.exchange",
    "export_actions": "gui.widgets.export_actions",
    "history": "gui.core.storage.history",
    "masking": "gui.core.http.masking",
    "present": "gui.core.present",
    "proxies": "gui.core.http.proxies",
    "proxy_dialog": "gui.widgets.dialogs.proxy",
    "quick_switcher": "gui.widgets.dialogs.quick_switcher",
    "response_view": "gui.widgets.response.view",
    "scratch": "gui.core.storage.scratch",
    "sent_requests": "gui.widgets.sidebar.sent_requests",
    "serialize": "gui.core.serialize",
    "tls_config": "gui.core.tls.config",
}

if TYPE_CHECKING:
    # The real modules, for type checkers (`as` the same name is a re-export).
    from gui.core import auth as auth
    from gui.core import present as present
    from gui.core import serialize as serialize
    from gui.core.http import cancel as cancel
    from gui.core.http import engine as engine
    from gui.core.http import exchange as exchange
    from gui.core.http import masking as masking
    from gui.core.http import proxies as proxies
    from gui.core.storage import cookiestore as cookiestore
    from gui.core.storage import history as history
    from gui.core.storage import scratch as scratch
    from gui.core.tls import config as tls_config  # noqa: F401
    from gui.widgets import export_actions as export_actions
    from gui.widgets.dialogs import proxy as proxy_dialog  # noqa: F401
    from gui.widgets.dialogs import quick_switcher as quick_switcher
    from gui.widgets.request import added_headers as added_headers
    from gui.widgets.response import view as response_view  # noqa: F401
    from gui.widgets.sidebar import sent_requests as sent_requests


def __getattr__(name: str) -> ModuleType:
    try:
        path = _MODULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = import_module(path)
    globals()[name] = module
    return module
