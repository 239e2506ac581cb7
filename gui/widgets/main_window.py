"""The main window: collections on the left, open requests as tabs, a toolbar for the
environment, and the send/cancel cycle of the current tab.

The window holds the layout and the wiring; what it does lives in mixins beside it:
window_collections (open, make, save), window_scope (variables, environments),
window_session (Scratch and the session), window_dialogs (variables, cookies,
certificates), window_menus (the menu bar and its shortcuts), window_tabs (opening,
titling and closing the request tabs, and the window with them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import deferred, worker
from ..worker import Dispatcher
from .icons import BADGE_SIZE, app_icon, icon
from .request.tab import RequestTab
from .sidebar.collections import CollectionsSidebar
from .window_collections import CollectionsMixin
from .window_dialogs import DialogsMixin
from .window_io import BackgroundMixin
from .window_menus import MenusMixin
from .window_runs import RunsMixin
from .window_scope import NO_ENVIRONMENT, ScopeMixin
from .window_session import SessionMixin
from .window_tabs import TabsMixin

if TYPE_CHECKING:
    from PySide6.QtCore import QFileSystemWatcher

    from ..core.collections.model import RequestItem
    from ..core.http.exchange import Exchange
    from ..core.storage.cookiestore import JarStore
    from ..core.storage.history import SentRequests
    from ..core.storage.keychain import SecretStore
    from ..core.workspace import Workspace
    from ..persistence import Persistence
    from ..worker import SendJob
    from .dialogs.proxy import ProxyDialog
    from .request.editor import RequestEditor
    from .response.view import ResponseView
    from .sidebar.sent_requests import SentRequestsPanel

__all__ = ["NO_ENVIRONMENT", "MainWindow"]


class MainWindow(TabsMixin, CollectionsMixin, ScopeMixin, SessionMixin, DialogsMixin, MenusMixin,
                 RunsMixin, BackgroundMixin, QMainWindow):
    #: The window has closed (Quit, or its close button): the frame it sits in
    #: (gui/frame.py) closes too.
    closed = Signal()
    #: The last session's collections and tabs are back (or could not be brought back).
    session_restored = Signal()

    def __init__(self, persistence: Persistence | None = None,
                 store: SecretStore | None = None, history: SentRequests | None = None,
                 scratch_behind: bool = False) -> None:
        """`persistence` keeps the scratch request and the session across restarts;
        None keeps nothing. `store` holds collection secrets (default: the keychain);
        `history` the sent requests (default: the data folder's database).
        `scratch_behind`: Scratch will not be the tab in front (a session is restored
        before the window is shown), so its editor is built when first shown."""
        super().__init__()

        self.persistence = persistence
        # One keychain for everything: the scratch request's and the collections'.
        self._store = store if store is not None or persistence is None else \
            persistence.store()
        self._workspace: Workspace | None = None
        self._environments: dict[str, str] = {}  # collection id -> environment name
        #: Where Ctrl+S on Scratch saved last: the save dialog starts there.
        self._last_save_folder: Any = None
        #: What the Scratch tab held when it was last sent, saved or opened from Sent
        #: requests (spec dicts): anything else in it is work kept nowhere else.
        self._scratch_kept: list[dict] = []
        self.setObjectName("mainWindow")
        self.setWindowTitle("Gatepost")
        self.setAccessibleName("Gatepost")
        self.resize(1280, 800)

        self.setWindowIcon(app_icon())
        self.dispatcher: Dispatcher = Dispatcher(self)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addStretch(1)
        top.addWidget(QLabel("Environment", objectName="environmentLabel"))
        self.environment = QComboBox(objectName="environmentCombo",
                                     accessibleName="Environment")
        self.environment.setMinimumWidth(180)
        self.environment.activated.connect(self._environment_chosen)
        top.addWidget(self.environment)
        self.variables_button = QPushButton("Variables…", objectName="variablesButton",
                                            accessibleName="Edit variables and environments")
        self.variables_button.clicked.connect(self.edit_variables)
        top.addWidget(self.variables_button)
        self.certificates_button = QPushButton(
            "Certificates…", objectName="certificatesButton",
            accessibleName="Client certificates, CA certificates and trust")
        self.certificates_button.clicked.connect(self.edit_certificates)
        top.addWidget(self.certificates_button)
        self.proxy_button = QPushButton("Proxy…", objectName="proxyButton",
                                        accessibleName="Proxy: the system's, none, or one "
                                        "with its credentials")
        self.proxy_button.clicked.connect(self.edit_proxy)
        top.addWidget(self.proxy_button)
        self.cookies_button = QPushButton("Cookies…", objectName="cookiesButton",
                                          accessibleName="Cookie jars: list, edit and delete "
                                          "cookies")
        self.cookies_button.clicked.connect(self.edit_cookies)
        top.addWidget(self.cookies_button)
        for button, name in ((self.variables_button, "braces"),
                             (self.certificates_button, "shield-check"),
                             (self.proxy_button, "globe"),
                             (self.cookies_button, "cookie")):
            button.setIcon(icon(name))
            button.setFlat(True)
        layout.addLayout(top)

        # The engine reads a client certificate's passphrase from the keychain when that
        # certificate is first used, in the worker that sends.
        worker.set_secret_lookup(lambda key: self.store().get(key))
        # The cookie jars are read and written in the workers that send.
        self._cookie_jars: JarStore | None = None
        worker.set_cookie_jars(self.cookie_jars)

        self.split = QSplitter(Qt.Orientation.Horizontal, objectName="windowSplitter")
        self.sidebar = CollectionsSidebar()
        self.sidebar.store = self.store
        self.left = QTabWidget(objectName="leftPanes", accessibleName="Collections and "
                               "sent requests")
        self.left.addTab(self.sidebar, icon("layers"), "Collections")
        # Built when first shown or first needed: not part of the first paint.
        self._history = history
        self._sent_requests: SentRequestsPanel | None = None
        self._sent_page = QWidget(objectName="sentRequestsPage")
        QVBoxLayout(self._sent_page).setContentsMargins(0, 0, 0, 0)
        self.left.addTab(self._sent_page, icon("history"), "Sent requests")
        self.left.currentChanged.connect(
            lambda i: self.sent_requests.refresh() if self.left.widget(i) is
            self._sent_page else None)
        self.tabs = QTabWidget(objectName="openRequests", accessibleName="Open requests")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        # Narrower than the sidebar's badges: a tab's badge needs no column to line up in.
        self.tabs.setIconSize(BADGE_SIZE.shrunkBy(QMargins(0, 1, 5, 0)))
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.tabBar().setExpanding(False)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.split.addWidget(self.left)
        self.split.addWidget(self.tabs)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([300, 980])
        layout.addWidget(self.split, 1)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().showMessage("Ready")

        self.sidebar.open_request.connect(self.open_request)
        self.sidebar.status.connect(self.statusBar().showMessage)
        self.sidebar.forget_keys.connect(self._forget_keys)
        self.sidebar.certificates_requested.connect(self.edit_collection_certificates)
        self.sidebar.run_requested.connect(self.run_collection)
        self.sidebar.open_button.clicked.connect(self.open_collection_dialog)
        self.sidebar.new_button.clicked.connect(self.new_collection_dialog)
        self.sidebar.import_requested.connect(self.import_files)
        self.sidebar.export_requested.connect(self.export_postman)
        self.sidebar.settings_requested.connect(self.collection_settings)
        self._watcher: QFileSystemWatcher | None = None

        # Behind: a session is about to put one of its tabs in front (gui/launch.py), so
        # Scratch builds its editor when first shown, like the tabs behind it.
        scratch = self._add_tab(None, lazy=scratch_behind)
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        scratch.when_built(
            lambda: scratch.editor.auth.forget_requested.connect(self.forget_secrets))
        self._build_menus()
        if persistence is not None:
            persistence.setParent(self)
            persistence.restored.connect(self._restored)
            persistence.saved.connect(lambda note: scratch.when_built(
                lambda: scratch.editor.auth.set_storage_note(note)))
        self._update_environments()


    @property
    def sent_requests(self) -> SentRequestsPanel:
        if self._sent_requests is None:
            self._sent_requests = deferred.sent_requests.SentRequestsPanel(self._history)
            self._sent_requests.open_requested.connect(self.open_spec)
            self._sent_page.layout().addWidget(self._sent_requests)
        return self._sent_requests

    # -- the current tab, for the toolbar, shortcuts and tests ---------------------------------

    @property
    def tab(self) -> RequestTab:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    @property
    def scratch(self) -> RequestTab:
        return self.tabs.widget(0)  # type: ignore[return-value]

    @property
    def editor(self) -> RequestEditor:
        return self.tab.editor

    @property
    def response(self) -> ResponseView:
        return self.tab.response

    @property
    def job(self) -> SendJob | None:
        return self.tab.job

    @property
    def last_exchange(self) -> Exchange | None:
        return self.tab.last_exchange

    def send_or_cancel(self) -> None:
        self.tab.send_or_cancel()

    def send(self) -> None:
        if self.tab is self.scratch:
            self.save()
        self.tab.send()

    def cancel(self) -> None:
        self.tab.cancel()

    def edit_proxy(self) -> ProxyDialog:
        """Open the Proxy settings (loaded and saved off the GUI thread)."""
        dialog = deferred.proxy_dialog.ProxyDialog(self.store, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(
            "Proxy settings saved; the next requests use them."))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- tabs ------------------------------------------------------------------------------------

    def _add_tab(self, item: RequestItem | None, lazy: bool = False) -> RequestTab:
        """A tab for `item` (None: Scratch), in front unless `lazy`: then it is put
        behind and builds its editor when first shown (RequestTab)."""
        tab = RequestTab(self.dispatcher, item, lazy=lazy)
        tab.prepare = lambda spec: self._prepare(tab, spec)
        tab.tls_provider = lambda: self._collection_tls(tab)
        tab.before_send = lambda resume: self._before_send(tab, resume)
        tab.when_built(lambda: self._wire_editor(tab))
        tab.status.connect(self.statusBar().showMessage)
        tab.title_changed.connect(lambda: self._retitle(tab))
        tab.reload_requested.connect(lambda: self.reload_tab(tab))
        tab.sent.connect(self._sent)
        tab.sent.connect(lambda _spec, exchange, _secrets: self._check_sent(tab, exchange))
        tab.split_moved.connect(self.remember_split)
        if self.request_split:
            tab.set_split(self.request_split)
        index = self.tabs.addTab(tab, tab.title())
        self._retitle(tab)
        if not lazy:
            self.tabs.setCurrentIndex(index)
        if item is not None:
            self.watcher.addPath(str(item.path))
        return tab

    def _wire_editor(self, tab: RequestTab) -> None:
        """What the window gives a tab's editor, once it is built."""
        editor = tab.editor
        editor.auth.context_provider = lambda: self._auth_context(tab)
        editor.auth.secrets_wanted.connect(lambda: self._secrets_wanted(tab))
        editor.scope_provider = lambda: self._scope(tab)
        editor.refresh_variables()
        self._show_inherited(tab)
        if self._storage_note is not None:  # else asked when the Auth tab needs it
            editor.auth.set_storage_note(self._storage_note)
