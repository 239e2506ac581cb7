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
collection and tabs) or, for the command line, by `gatepost run --help`, or if the
window loads it only after its first frame (the main window and the theme: gui/frame.py);
a module that is loaded anyway is imported at the top of the module that uses it. Names
are the module's own, with its parent's in front where two would share one (tls_config,
proxy_dialog).
This is not importlib.util.LazyLoader: that one is not thread-safe on Python 3.11, and
it puts a module in sys.modules before it loads, which the idle checks
(tests/test_gui_thread_io.py) read as loaded.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from .core.deferred import first_use

_MODULES = {
    "added_headers": "gui.widgets.request.added_headers",
    "addedheaders": "gui.core.addedheaders",
    "app": "gui.app",
    "argparse": "argparse",
    "launch": "gui.launch",
    "atomic": "gui.core.storage.atomic",
    "auth": "gui.core.auth",
    "auth_actions": "gui.auth_actions",
    "auth_base": "gui.core.auth.base",
    "body_editor": "gui.widgets.request.body_editor",
    "cancel": "gui.core.http.cancel",
    "captures": "gui.core.runner.captures",
    "certificates_dialog": "gui.widgets.dialogs.certificates",
    "cli_run": "gui.cli.run",
    "cli_saved": "gui.cli.saved",
    "cli_send": "gui.cli.send",
    "cli_transfer": "gui.cli.transfer",
    "collection_load": "gui.core.collections.load",
    "collection_model": "gui.core.collections.model",
    "collection_secrets": "gui.core.collections.secrets",
    "collection_settings": "gui.widgets.dialogs.collection_settings",
    "collection_store": "gui.core.collections.store",
    "collection_tls": "gui.core.collections.tls",
    "cookiejar": "gui.core.http.cookiejar",
    "cookies": "gui.core.http.cookies",
    "cookies_dialog": "gui.widgets.dialogs.cookies",
    "cookiestore": "gui.core.storage.cookiestore",
    "copy": "copy",
    "curl": "gui.core.http.curl",
    "curl_import": "gui.core.importers.curl",
    "datetime": "datetime",
    "declare": "gui.core.runner.declare",
    "engine": "gui.core.http.engine",
    "exchange": "gui.core.http.exchange",
    "export_actions": "gui.widgets.export_actions",
    "getpass": "getpass",
    "har_export": "gui.core.exporters.har",
    "highlight": "gui.core.highlight",
    "history": "gui.core.storage.history",
    "hop_detail": "gui.widgets.response.hop_detail",
    "hopsections": "gui.core.hopsections",
    "http_build": "gui.core.http.build",
    "import_actions": "gui.widgets.import_actions",
    "import_collection": "gui.widgets.dialogs.import_collection",
    "import_target": "gui.widgets.dialogs.import_target",
    "import_write": "gui.core.importers.write",
    "importers": "gui.core.importers",
    "inherit": "gui.core.collections.inherit",
    "jmespath": "jmespath",
    "jmespath_exceptions": "jmespath.exceptions",
    "json": "json",
    "jsonpretty": "gui.core.jsonpretty",
    "keychain": "gui.core.storage.keychain",
    "lookup": "gui.core.collections.lookup",
    "main_window": "gui.widgets.main_window",
    "manage": "gui.core.collections.manage",
    "masking": "gui.core.http.masking",
    "model": "gui.core.model",
    "new_collection": "gui.widgets.dialogs.new_collection",
    "owned_tasks": "gui.widgets.owned_tasks",
    "persistence": "gui.persistence",
    "owners": "gui.core.collections.owners",
    "planning": "gui.core.planning",
    "postman_export": "gui.core.exporters.postman",
    "present": "gui.core.present",
    "proxies": "gui.core.http.proxies",
    "proxy_dialog": "gui.widgets.dialogs.proxy",
    "python_export": "gui.core.exporters.python",
    "queries": "gui.core.runner.queries",
    "quick_switcher": "gui.widgets.dialogs.quick_switcher",
    "reports": "gui.core.runner.reports",
    "response_view": "gui.widgets.response.view",
    "run_variables": "gui.widgets.run_variables",
    "runner_data": "gui.core.runner.data",
    "runner_run": "gui.core.runner.run",
    "runner_view": "gui.widgets.runner.view",
    "save_request_dialog": "gui.widgets.dialogs.save_request",
    "scratch": "gui.core.storage.scratch",
    "sent_requests": "gui.widgets.sidebar.sent_requests",
    "serialize": "gui.core.serialize",
    "sqlite3": "sqlite3",
    "theme": "gui.widgets.theme",
    "icons": "gui.widgets.icons",
    "tls_config": "gui.core.tls.config",
    "urllib_request": "urllib.request",
    "urls": "gui.core.urls",
    "validate": "gui.core.validate",
    "variables": "gui.core.variables",
    "variables_dialog": "gui.widgets.dialogs.variables",
    "webbrowser": "webbrowser",
    "workspace": "gui.core.workspace",
    "yaml": "yaml",
}

if TYPE_CHECKING:
    # The real modules, for type checkers (`as` the same name is a re-export).
    import argparse as argparse
    import copy as copy
    import datetime as datetime
    import getpass as getpass
    import json as json
    import sqlite3 as sqlite3
    import webbrowser as webbrowser
    from urllib import request as urllib_request  # noqa: F401

    import jmespath as jmespath
    import yaml as yaml
    from jmespath import exceptions as jmespath_exceptions  # noqa: F401

    from gui import app as app
    from gui import auth_actions as auth_actions
    from gui import launch as launch
    from gui import persistence as persistence
    from gui.cli import run as cli_run  # noqa: F401
    from gui.cli import saved as cli_saved  # noqa: F401
    from gui.cli import send as cli_send  # noqa: F401
    from gui.cli import transfer as cli_transfer  # noqa: F401
    from gui.core import addedheaders as addedheaders
    from gui.core import auth as auth
    from gui.core import highlight as highlight
    from gui.core import hopsections as hopsections
    from gui.core import importers as importers
    from gui.core import jsonpretty as jsonpretty
    from gui.core import model as model
    from gui.core import planning as planning
    from gui.core import present as present
    from gui.core import serialize as serialize
    from gui.core import urls as urls
    from gui.core import validate as validate
    from gui.core import variables as variables
    from gui.core import workspace as workspace
    from gui.core.auth import base as auth_base  # noqa: F401
    from gui.core.collections import inherit as inherit
    from gui.core.collections import load as collection_load  # noqa: F401
    from gui.core.collections import lookup as lookup
    from gui.core.collections import manage as manage
    from gui.core.collections import model as collection_model  # noqa: F401
    from gui.core.collections import owners as owners
    from gui.core.collections import secrets as collection_secrets  # noqa: F401
    from gui.core.collections import store as collection_store  # noqa: F401
    from gui.core.collections import tls as collection_tls  # noqa: F401
    from gui.core.exporters import har as har_export  # noqa: F401
    from gui.core.exporters import postman as postman_export  # noqa: F401
    from gui.core.exporters import python as python_export  # noqa: F401
    from gui.core.http import build as http_build  # noqa: F401
    from gui.core.http import cancel as cancel
    from gui.core.http import cookiejar as cookiejar
    from gui.core.http import cookies as cookies
    from gui.core.http import curl as curl
    from gui.core.http import engine as engine
    from gui.core.http import exchange as exchange
    from gui.core.http import masking as masking
    from gui.core.http import proxies as proxies
    from gui.core.importers import curl as curl_import  # noqa: F401
    from gui.core.importers import write as import_write  # noqa: F401
    from gui.core.runner import captures as captures
    from gui.core.runner import data as runner_data  # noqa: F401
    from gui.core.runner import declare as declare
    from gui.core.runner import queries as queries
    from gui.core.runner import reports as reports
    from gui.core.runner import run as runner_run  # noqa: F401
    from gui.core.storage import atomic as atomic
    from gui.core.storage import cookiestore as cookiestore
    from gui.core.storage import history as history
    from gui.core.storage import keychain as keychain
    from gui.core.storage import scratch as scratch
    from gui.core.tls import config as tls_config  # noqa: F401
    from gui.widgets import export_actions as export_actions
    from gui.widgets import icons as icons
    from gui.widgets import import_actions as import_actions
    from gui.widgets import main_window as main_window
    from gui.widgets import owned_tasks as owned_tasks
    from gui.widgets import run_variables as run_variables
    from gui.widgets import theme as theme
    from gui.widgets.dialogs import certificates as certificates_dialog  # noqa: F401
    from gui.widgets.dialogs import collection_settings as collection_settings
    from gui.widgets.dialogs import cookies as cookies_dialog  # noqa: F401
    from gui.widgets.dialogs import import_collection as import_collection
    from gui.widgets.dialogs import import_target as import_target
    from gui.widgets.dialogs import new_collection as new_collection
    from gui.widgets.dialogs import proxy as proxy_dialog  # noqa: F401
    from gui.widgets.dialogs import quick_switcher as quick_switcher
    from gui.widgets.dialogs import save_request as save_request_dialog  # noqa: F401
    from gui.widgets.dialogs import variables as variables_dialog  # noqa: F401
    from gui.widgets.request import added_headers as added_headers
    from gui.widgets.request import body_editor as body_editor
    from gui.widgets.response import hop_detail as hop_detail
    from gui.widgets.response import view as response_view  # noqa: F401
    from gui.widgets.runner import view as runner_view  # noqa: F401
    from gui.widgets.sidebar import sent_requests as sent_requests


_load = first_use(_MODULES, globals())


def __getattr__(name: str) -> ModuleType:
    return _load(name)
