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
    "atomic": "gui.core.storage.atomic",
    "body_editor": "gui.widgets.request.body_editor",
    "auth": "gui.core.auth",
    "cancel": "gui.core.http.cancel",
    "captures": "gui.core.runner.captures",
    "certificates_dialog": "gui.widgets.dialogs.certificates",
    "collection_load": "gui.core.collections.load",
    "collection_model": "gui.core.collections.model",
    "collection_secrets": "gui.core.collections.secrets",
    "collection_settings": "gui.widgets.dialogs.collection_settings",
    "collection_store": "gui.core.collections.store",
    "collection_tls": "gui.core.collections.tls",
    "cookies_dialog": "gui.widgets.dialogs.cookies",
    "cookiestore": "gui.core.storage.cookiestore",
    "engine": "gui.core.http.engine",
    "exchange": "gui.core.http.exchange",
    "export_actions": "gui.widgets.export_actions",
    "har_export": "gui.core.exporters.har",
    "history": "gui.core.storage.history",
    "import_actions": "gui.widgets.import_actions",
    "import_collection": "gui.widgets.dialogs.import_collection",
    "import_write": "gui.core.importers.write",
    "importers": "gui.core.importers",
    "inherit": "gui.core.collections.inherit",
    "manage": "gui.core.collections.manage",
    "masking": "gui.core.http.masking",
    "new_collection": "gui.widgets.dialogs.new_collection",
    "owners": "gui.core.collections.owners",
    "postman_export": "gui.core.exporters.postman",
    "present": "gui.core.present",
    "proxies": "gui.core.http.proxies",
    "proxy_dialog": "gui.widgets.dialogs.proxy",
    "python_export": "gui.core.exporters.python",
    "queries": "gui.core.runner.queries",
    "quick_switcher": "gui.widgets.dialogs.quick_switcher",
    "response_view": "gui.widgets.response.view",
    "run_variables": "gui.widgets.run_variables",
    "runner_run": "gui.core.runner.run",
    "runner_view": "gui.widgets.runner.view",
    "save_request_dialog": "gui.widgets.dialogs.save_request",
    "scratch": "gui.core.storage.scratch",
    "sent_requests": "gui.widgets.sidebar.sent_requests",
    "serialize": "gui.core.serialize",
    "tls_config": "gui.core.tls.config",
    "variables": "gui.core.variables",
    "workspace": "gui.core.workspace",
}

if TYPE_CHECKING:
    # The real modules, for type checkers (`as` the same name is a re-export).
    from gui.core import auth as auth
    from gui.core import importers as importers
    from gui.core import present as present
    from gui.core import serialize as serialize
    from gui.core import variables as variables
    from gui.core import workspace as workspace
    from gui.core.collections import inherit as inherit
    from gui.core.collections import load as collection_load  # noqa: F401
    from gui.core.collections import manage as manage
    from gui.core.collections import model as collection_model  # noqa: F401
    from gui.core.collections import owners as owners
    from gui.core.collections import secrets as collection_secrets  # noqa: F401
    from gui.core.collections import store as collection_store  # noqa: F401
    from gui.core.collections import tls as collection_tls  # noqa: F401
    from gui.core.exporters import har as har_export  # noqa: F401
    from gui.core.exporters import postman as postman_export  # noqa: F401
    from gui.core.exporters import python as python_export  # noqa: F401
    from gui.core.http import cancel as cancel
    from gui.core.http import engine as engine
    from gui.core.http import exchange as exchange
    from gui.core.http import masking as masking
    from gui.core.http import proxies as proxies
    from gui.core.importers import write as import_write  # noqa: F401
    from gui.core.runner import captures as captures
    from gui.core.runner import queries as queries
    from gui.core.runner import run as runner_run  # noqa: F401
    from gui.core.storage import atomic as atomic
    from gui.core.storage import cookiestore as cookiestore
    from gui.core.storage import history as history
    from gui.core.storage import scratch as scratch
    from gui.core.tls import config as tls_config  # noqa: F401
    from gui.widgets import export_actions as export_actions
    from gui.widgets import import_actions as import_actions
    from gui.widgets import run_variables as run_variables
    from gui.widgets.dialogs import certificates as certificates_dialog  # noqa: F401
    from gui.widgets.dialogs import collection_settings as collection_settings
    from gui.widgets.dialogs import cookies as cookies_dialog  # noqa: F401
    from gui.widgets.dialogs import import_collection as import_collection
    from gui.widgets.dialogs import new_collection as new_collection
    from gui.widgets.dialogs import proxy as proxy_dialog  # noqa: F401
    from gui.widgets.dialogs import quick_switcher as quick_switcher
    from gui.widgets.dialogs import save_request as save_request_dialog  # noqa: F401
    from gui.widgets.request import added_headers as added_headers
    from gui.widgets.request import body_editor as body_editor
    from gui.widgets.response import view as response_view  # noqa: F401
    from gui.widgets.runner import view as runner_view  # noqa: F401
    from gui.widgets.sidebar import sent_requests as sent_requests


def __getattr__(name: str) -> ModuleType:
    try:
        path = _MODULES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = import_module(path)
    globals()[name] = module
    return module
