"""The main window: collections on the left, open requests as tabs, a toolbar for the
environment, and the send/cancel cycle of the current tab."""

from __future__ import annotations

import json
import os
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
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

from .request_tab import PrepareError, RequestTab
from .sidebar import CollectionsSidebar

if TYPE_CHECKING:
    from PySide6.QtCore import QFileSystemWatcher

    from ..core.colmodel import Collection, Environment, RequestItem
    from ..core.cookiestore import JarStore
    from ..core.exchange import Exchange
    from ..core.history import SentRequests
    from ..core.model import RequestSpec
    from ..core.secrets import SecretStore
    from ..core.workspace import SecretPrompt, Workspace
    from ..persistence import Persistence
    from ..worker import Dispatcher, SendJob
    from .certificates_dialog import CertificatesDialog
    from .cookies_dialog import CookiesDialog
    from .request_editor import RequestEditor
    from .response_view import ResponseView
    from .sent_requests import SentRequestsPanel

NO_ENVIRONMENT = "No environment"
_STORE_LOCK = threading.Lock()


class MainWindow(QMainWindow):
    def __init__(self, persistence: Persistence | None = None,
                 store: SecretStore | None = None, history: SentRequests | None = None
                 ) -> None:
        """`persistence` keeps the scratch request and the session across restarts;
        None keeps nothing. `store` holds collection secrets (default: the keychain);
        `history` the sent requests (default: the data folder's database)."""
        super().__init__()
        from ..worker import Dispatcher

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
        self.dispatcher: Dispatcher = Dispatcher(self)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(QLabel("Environment:"))
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
        self.cookies_button = QPushButton("Cookies…", objectName="cookiesButton",
                                          accessibleName="Cookie jars: list, edit and delete "
                                          "cookies")
        self.cookies_button.clicked.connect(self.edit_cookies)
        top.addWidget(self.cookies_button)
        layout.addLayout(top)
        from .. import worker

        # The engine reads a client certificate's passphrase from the keychain when that
        # certificate is first used, in the worker that sends.
        worker.set_secret_lookup(lambda key: self.store().get(key))
        # The cookie jars are read and written in the workers that send.
        self._cookie_jars: JarStore | None = None
        worker.set_cookie_jars(self.cookie_jars)

        self.split = QSplitter(Qt.Orientation.Horizontal, objectName="windowSplitter")
        self.sidebar = CollectionsSidebar()
        self.left = QTabWidget(objectName="leftPanes", accessibleName="Collections and "
                               "sent requests")
        self.left.addTab(self.sidebar, "Collections")
        # Built when first shown or first needed: not part of the first paint.
        self._history = history
        self._sent_requests: SentRequestsPanel | None = None
        self._sent_page = QWidget(objectName="sentRequestsPage")
        QVBoxLayout(self._sent_page).setContentsMargins(0, 0, 0, 0)
        self.left.addTab(self._sent_page, "Sent requests")
        self.left.currentChanged.connect(
            lambda i: self.sent_requests.refresh() if self.left.widget(i) is
            self._sent_page else None)
        self.tabs = QTabWidget(objectName="openRequests", accessibleName="Open requests")
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.split.addWidget(self.left)
        self.split.addWidget(self.tabs)
        self.split.setSizes([260, 1020])
        layout.addWidget(self.split, 1)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().showMessage("Ready")

        self.sidebar.open_request.connect(self.open_request)
        self.sidebar.status.connect(self.statusBar().showMessage)
        self.sidebar.forget_keys.connect(self._forget_keys)
        self.sidebar.certificates_requested.connect(self.edit_collection_certificates)
        self.sidebar.open_button.clicked.connect(self.open_collection_dialog)
        self.sidebar.new_button.clicked.connect(self.new_collection_dialog)
        self._watcher: QFileSystemWatcher | None = None

        scratch = self._add_tab(None)
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        scratch.editor.auth.forget_requested.connect(self.forget_secrets)
        for keys, slot in (("Ctrl+Return", self.send_or_cancel),
                           ("Ctrl+Enter", self.send_or_cancel), ("Escape", self.cancel),
                           ("Ctrl+S", self.save_current), ("Ctrl+N", self.new_tab),
                           ("Ctrl+W", self.close_current)):
            QShortcut(QKeySequence(keys), self, activated=slot)
        if persistence is not None:
            persistence.setParent(self)
            persistence.restored.connect(self._restored)
            persistence.saved.connect(scratch.editor.auth.set_storage_note)
        self._update_environments()

    @property
    def watcher(self) -> QFileSystemWatcher:
        """Watches the files of open requests; made when the first one opens."""
        if self._watcher is None:
            from PySide6.QtCore import QFileSystemWatcher

            self._watcher = QFileSystemWatcher(self)
            self._watcher.fileChanged.connect(self._file_changed)
        return self._watcher

    @property
    def sent_requests(self) -> SentRequestsPanel:
        if self._sent_requests is None:
            from .sent_requests import SentRequestsPanel

            self._sent_requests = SentRequestsPanel(self._history)
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

    # -- tabs ------------------------------------------------------------------------------------

    def _add_tab(self, item: RequestItem | None) -> RequestTab:
        tab = RequestTab(self.dispatcher, item)
        tab.prepare = lambda spec: self._prepare(tab, spec)
        tab.tls_provider = lambda: self._collection_tls(tab)
        tab.editor.auth.context_provider = lambda: self._auth_context(tab)
        tab.editor.scope_provider = lambda: self._scope(tab)
        tab.editor.refresh_variables()
        tab.status.connect(self.statusBar().showMessage)
        tab.title_changed.connect(lambda: self._retitle(tab))
        tab.reload_button.clicked.connect(lambda: self.reload_tab(tab))
        tab.keep_button.clicked.connect(tab.changed_bar.hide)
        tab.sent.connect(self._sent)
        index = self.tabs.addTab(tab, tab.title())
        self.tabs.setCurrentIndex(index)
        if item is not None:
            from ..persistence import storage_note

            self.watcher.addPath(str(item.path))
            self._show_inherited(tab)
            tab.editor.auth.set_storage_note(storage_note(self.store()))
        return tab

    def _retitle(self, tab: RequestTab) -> None:
        index = self.tabs.indexOf(tab)
        if index >= 0:
            self.tabs.setTabText(index, tab.title())
            self.tabs.setTabToolTip(index, str(tab.item.path) if tab.item else
                                    "Not in a collection; kept across restarts")

    def open_request(self, item: RequestItem) -> RequestTab:
        from PySide6.QtWidgets import QMessageBox

        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is item:
                self.tabs.setCurrentIndex(i)
                return tab
        if item.disk.problem is not None:
            QMessageBox.warning(self, "Cannot open", f"{item.path} {item.disk.problem.message}"
                                ". The file is left as it is.")
        return self._add_tab(item)

    def new_tab(self) -> RequestTab:
        """Ctrl+N: a new request in the folder selected in the sidebar, else scratch-like."""
        from ..core.colmodel import Collection, Folder

        selected = self.sidebar.selected()
        folder = selected.root if isinstance(selected, Collection) else selected
        if isinstance(folder, Folder):
            item = self.sidebar.new_request(folder, "New request")
            if item is not None:
                return self.open_request(item)
        self.tabs.setCurrentIndex(0)
        return self.scratch

    def close_current(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def close_tab(self, index: int, confirm: bool = True) -> bool:
        from PySide6.QtWidgets import QMessageBox

        tab = self.tabs.widget(index)
        if not isinstance(tab, RequestTab) or index == 0:
            return False
        if tab.dirty() and confirm:
            answer = QMessageBox.question(
                self, "Unsaved changes", f"Save the changes to {tab.item.name}?",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard |
                QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Cancel:
                return False
            if answer == QMessageBox.StandardButton.Save and not self.save_tab(tab):
                return False
        if tab.job is not None:
            tab.cancel()
        if tab.item is not None:
            self.watcher.removePath(str(tab.item.path))
        self.tabs.removeTab(index)
        tab.deleteLater()
        return True

    def _tab_changed(self, _index: int) -> None:
        self._update_environments()

    # -- collections ---------------------------------------------------------------------------

    def store(self) -> SecretStore:
        # A worker may ask first (a certificate passphrase), hence the lock.
        with _STORE_LOCK:
            if self._store is None:
                from ..core.secrets import SecretStore

                self._store = SecretStore()
            return self._store

    def open_collection(self, path: str) -> Collection | None:
        from PySide6.QtWidgets import QMessageBox

        from ..core.collection import CollectionError, fill_secrets, open_collection

        for c in self.sidebar.collections:
            if os.path.realpath(c.path) == os.path.realpath(path):
                return c
        try:
            collection, problems = open_collection(path)
            # Before any secret is read: which keychain entries this folder may use.
            if not self._bind_namespace(collection):
                self.statusBar().showMessage(f"{path} was not opened.")
                return None
        except (CollectionError, OSError) as exc:
            QMessageBox.warning(self, "Cannot open the collection", str(exc))
            return None
        # Keychain reads: a handful per collection (secret fields are rare); the
        # collection is usable only once they are in.
        for obj in (collection, *collection.root.walk()):
            fill_secrets(obj, self.store())
        self.sidebar.add_collection(collection)
        if problems:
            lines = "\n".join(f"{p.path}{f' line {p.line}' if p.line else ''}: {p.message}"
                              for p in problems)
            QMessageBox.warning(self, "Some files could not be read",
                                f"The rest of {collection.name} is open; these files are "
                                f"left untouched:\n\n{lines}")
        self.statusBar().showMessage(f"Opened {collection.name}")
        self._update_environments()
        return collection

    def _bind_namespace(self, collection: Collection) -> bool:
        """Give the collection its keychain namespace on this machine; when its id is
        another folder's, ask the person first (gui/core/colowners.py). False: cancelled."""
        from ..core.colowners import OwnerConflict, bind

        try:
            bind(collection)
        except OwnerConflict as conflict:
            choice = self._ask_owner(collection, conflict)
            if choice is None:
                return False
            bind(collection, choice)
        return True

    def _ask_owner(self, collection: Collection, conflict: Any) -> Any:
        """A copy, the same collection moved here, or Cancel (None)."""
        from PySide6.QtWidgets import QMessageBox

        from ..core.colowners import Choice

        box = QMessageBox(QMessageBox.Icon.Question, "Which collection is this?",
                          f"{collection.path} has the same id as the collection in "
                          f"{conflict.owner}, whose secrets are kept on this machine.",
                          parent=self)
        box.setObjectName("collectionOwnerPrompt")
        box.setInformativeText(
            "A copy (a clone, a different collection) asks for its own secrets. If it is "
            f"that collection moved here, its secrets move with it and {conflict.owner} "
            "no longer gets them. Cancel leaves it closed.")
        copy = box.addButton("A copy", QMessageBox.ButtonRole.AcceptRole)
        moved = box.addButton("Moved here", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(copy)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return {copy: Choice.COPY, moved: Choice.MOVED}.get(clicked)

    def open_collection_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path = QFileDialog.getExistingDirectory(self, "Open a collection folder")
        if path:
            self.open_collection(path)

    def new_collection_dialog(self) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

        from ..core.collection import CollectionError, new_collection
        from ..core.colmodel import COLLECTION_FILE
        from .new_collection import where_to_make

        path = QFileDialog.getExistingDirectory(self, "Folder for the new collection")
        if not path:
            return
        if (Path(path) / COLLECTION_FILE).exists():
            if QMessageBox.question(self, "New collection", f"{path} is already a "
                                    "collection. Open it?") == QMessageBox.StandardButton.Yes:
                self.open_collection(path)
            return
        name, ok = QInputDialog.getText(self, "New collection", "Name:")
        if not ok or not name.strip():
            return
        target = where_to_make(self, Path(path), name.strip(), self.sidebar.collections)
        if target is None:
            return
        try:
            collection = new_collection(target, name.strip())
        except (CollectionError, OSError) as exc:
            QMessageBox.warning(self, "Cannot make the collection", str(exc))
            return
        self.sidebar.add_collection(collection)

    # -- saving ------------------------------------------------------------------------------------

    def save_current(self) -> bool:
        return self.save_tab(self.tab)

    def save_tab(self, tab: RequestTab, force: bool = False) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from ..core.collection import CollectionError, ConflictError, save_request

        if tab.item is None:
            return self._save_scratch_into_collection(tab)
        tab.item.spec = tab.editor.spec()
        try:
            self.watcher.removePath(str(tab.item.path))
            save_request(tab.item, self.store(), force=force)
        except ConflictError:
            answer = QMessageBox.question(
                self, "Changed on disk", f"{tab.item.path} changed on disk since it was "
                "opened. Overwrite it with your version?")
            if answer == QMessageBox.StandardButton.Yes:
                return self.save_tab(tab, force=True)
            return False
        except (CollectionError, OSError) as exc:
            QMessageBox.warning(self, "Not saved", f"{exc}\n\nYour changes are still here.")
            return False
        finally:
            self.watcher.addPath(str(tab.item.path))
        tab.mark_saved()
        self.sidebar.rebuild()
        self.statusBar().showMessage(f"Saved {tab.item.path.name}")
        return True

    def _save_scratch_into_collection(self, tab: RequestTab) -> bool:
        """Ctrl+S on Scratch: ask for the name, collection and folder (the last place
        chosen preselected), then save it there as a request of its own."""
        from .save_dialog import ask_save_location

        if not self.sidebar.collections:
            self.save()
            self.statusBar().showMessage("Saved for the next session. Open or make a "
                                         "collection to keep it in a file.")
            return True
        spec = tab.editor.spec()
        chosen = ask_save_location(self, self.sidebar.collections, self._save_place(),
                                   _name_from_url(spec.url))
        if chosen is None:
            return False
        folder, name = chosen
        item = self.sidebar.new_request(folder, name)
        if item is None:
            return False
        self._last_save_folder = folder
        self._keep_scratch(spec)
        item.spec = spec
        new_tab = self.open_request(item)
        new_tab.load(item.spec)
        if not self.save_tab(new_tab):
            return False
        self.statusBar().showMessage(f"Saved {name!r} as {item.path}")
        return True

    def _save_place(self) -> Any:
        """The folder the save dialog starts on: the last one chosen while it is still
        open, else the one selected in the sidebar."""
        from ..core.colmodel import Collection, Folder, RequestItem, collection_of
        from .save_dialog import folders_of

        open_folders = [f for c in self.sidebar.collections for _, f in folders_of(c)]
        last = self._last_save_folder
        if last is not None and any(f is last for f in open_folders):
            return last
        selected = self.sidebar.selected()
        if isinstance(selected, Collection):
            return selected.root
        if isinstance(selected, RequestItem):
            selected = selected.parent
        if isinstance(selected, Folder) and collection_of(selected) in self.sidebar.collections:
            return selected
        return None

    def reload_tab(self, tab: RequestTab) -> None:
        from PySide6.QtWidgets import QMessageBox

        from ..core.collection import reload_request

        assert tab.item is not None
        problem = reload_request(tab.item)
        tab.changed_bar.hide()
        if problem is not None:
            QMessageBox.warning(self, "Cannot reload", f"{problem.path}: {problem.message}")
            return
        tab.load(tab.item.spec)
        self.sidebar.rebuild()

    def _file_changed(self, path: str) -> None:
        from ..core.colload import digest

        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is not None and \
                    str(tab.item.path) == path:
                try:
                    changed = digest(tab.item.path.read_bytes()) != tab.item.disk.digest
                except OSError:
                    changed = True
                if changed:
                    tab.changed_bar.show()
                # Editors replace files by renaming: watch the new file.
                self.watcher.addPath(path)

    # -- variables, environments, inheritance ------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        """Prepares every send (gui/core/workspace.py); secrets it lacks are asked for
        with a dialog."""
        if self._workspace is None:
            from ..core.workspace import Workspace

            self._workspace = Workspace(self.store(), ask=self._ask_secret)
        return self._workspace

    def globals(self) -> list:
        known = self.workspace.globals_loaded
        variables = self.workspace.globals()
        problem = self.workspace.globals_problem
        if problem is not None and not known:
            self.statusBar().showMessage(f"{problem.path}: {problem.message}")
        return variables

    def current_collection(self) -> Collection | None:
        item = self.tab.item if self.tabs.count() else None
        if item is None:
            return None  # without importing the collection model at start-up
        from ..core.colmodel import collection_of

        return collection_of(item)

    def current_environment(self) -> Environment | None:
        collection = self.current_collection()
        if collection is None:
            return None
        name = self._environments.get(collection.id)
        return next((e for e in collection.environments if e.name == name), None)

    def _update_environments(self) -> None:
        collection = self.current_collection()
        self.environment.clear()
        self.environment.addItem(NO_ENVIRONMENT)
        if collection is not None:
            for env in collection.environments:
                self.environment.addItem(env.name)
            current = self._environments.get(collection.id)
            if current:
                self.environment.setCurrentText(current)
        self.environment.setEnabled(collection is not None)

    def _environment_chosen(self, _index: int) -> None:
        collection = self.current_collection()
        if collection is not None:
            name = self.environment.currentText()
            self._environments[collection.id] = "" if name == NO_ENVIRONMENT else name
            self.editor.refresh_variables()

    def set_environment(self, name: str) -> None:
        self.environment.setCurrentText(name)
        self._environment_chosen(0)

    def _scope(self, tab: RequestTab) -> dict[str, str]:
        """The variables a tab's request sees, for marking them where they are typed."""
        return self.workspace.scope(tab.item, self.current_environment())

    def _collection_tls(self, tab: RequestTab) -> Any:
        return self.workspace.collection_tls(tab.item)

    def _auth_context(self, tab: RequestTab, scheme: str | None = None) -> Any:
        return self.workspace.auth_context(tab.item,
                                           scheme or tab.editor.auth.config().scheme)

    def _prepare(self, tab: RequestTab, spec: RequestSpec
                 ) -> tuple[RequestSpec, tuple[str, ...], Any]:
        """The spec to send, as the core Workspace prepares it for every sender."""
        from ..core.workspace import PlanError

        try:
            plan = self.workspace.plan(spec, tab.item, self.current_environment())
        except PlanError as exc:
            raise PrepareError(str(exc)) from None
        if plan.asked_auth and tab.item is not None:
            tab.editor.auth.set_config(tab.item.spec.auth)
        return plan.spec, plan.secrets, plan.context

    def _ask_secret(self, prompt: SecretPrompt) -> str | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        value, ok = QInputDialog.getText(self, prompt.title, prompt.message,
                                         QLineEdit.EchoMode.Password)
        return value if ok and value else None

    def _show_inherited(self, tab: RequestTab) -> None:
        from ..core import auth
        from ..core.colmodel import Collection, RequestItem
        from ..core.inherit import auth_source

        if tab.item is None:
            return
        source = auth_source(tab.item)
        if isinstance(source, RequestItem):
            # Its own scheme: "Inherit" would take the nearest parent's.
            source = auth_source(tab.item.parent) if tab.item.parent else source
            if isinstance(source, RequestItem):
                return
        scheme = source.auth.scheme
        try:
            label = auth.get(scheme).label
        except auth.AuthError:
            label = scheme
        where = (f"the collection {source.name!r}" if isinstance(source, Collection)
                 else f"the folder {source.name!r}")
        tab.editor.auth.set_inherit_note(f"Inherits {label} from {where}.")

    def edit_variables(self) -> None:
        try:
            from .variables_dialog import VariablesDialog
        except ImportError:
            self.statusBar().showMessage("The variables editor is not available.")
            return
        dialog = VariablesDialog(self.current_collection(), self.globals(), self.store(), self)
        if dialog.exec():
            self.workspace.set_globals(None)
            self._update_environments()

    def cookie_jars(self) -> JarStore:
        """The cookie jars of this window's requests (gui/core/cookiestore.py); called
        from workers too."""
        store = self.store()
        with _STORE_LOCK:
            if self._cookie_jars is None:
                from ..core.cookiestore import JarStore

                self._cookie_jars = JarStore(store)
            return self._cookie_jars

    def edit_cookies(self) -> CookiesDialog:
        """Open the cookie manager (not modal: requests can be sent meanwhile)."""
        from ..core.state import SCRATCH
        from .cookies_dialog import CookiesDialog

        jars = [("Requests outside collections", SCRATCH)]
        # Bound when opened; reading `namespace` of one that is not would bind it here.
        jars += [(c.name, c._namespace) for c in self.sidebar.collections if c._namespace]
        current = self.current_collection()
        dialog = CookiesDialog(self.cookie_jars(), jars, self)
        if current is not None:
            dialog.jars.setCurrentIndex(max(dialog.jars.findData(current.namespace), 0))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def edit_certificates(self) -> CertificatesDialog | None:
        """Open the Certificates settings; returns the dialog once it is closed."""
        from PySide6.QtWidgets import QMessageBox

        from .. import worker
        from ..core.tlsconfig import TlsSettings, TlsSetupError, load
        from .certificates_dialog import CertificatesDialog

        try:
            settings = load(self.store())
        except TlsSetupError as exc:
            if QMessageBox.question(
                    self, "Certificates", f"{exc}\n\nStart from empty settings? The file "
                    "is replaced only when you press OK.") != QMessageBox.StandardButton.Yes:
                return None
            settings = TlsSettings()
        dialog = CertificatesDialog(settings, self.store(), self)
        if dialog.exec():
            worker.reload_tls_settings()
            self.statusBar().showMessage("Certificate settings saved; new connections use "
                                         "them.")
        return dialog

    def edit_collection_certificates(self, collection: Collection
                                     ) -> CertificatesDialog | None:
        """Open a collection's own certificates; returns the dialog once it is closed."""
        from PySide6.QtWidgets import QMessageBox

        from .. import worker
        from ..core import coltls
        from ..core.collection import CollectionError, ConflictError, save_collection
        from .certificates_dialog import CertificatesDialog

        def save(edited: Any) -> None:
            previous = (list(collection.client_certs), list(collection.ca_bundles))
            old_ids = {c.id for c in collection.client_certs}
            coltls.apply(collection, edited)
            try:
                try:
                    save_collection(collection)
                except ConflictError:
                    if QMessageBox.question(
                            self, "Certificates",
                            f"{collection.settings_path} changed on disk since it was read. "
                            "Overwrite it with these certificates? Its other changes on "
                            "disk would be lost.") != QMessageBox.StandardButton.Yes:
                        raise CollectionError("collection.yaml changed on disk and was "
                                              "left as it is; reload the collection or "
                                              "overwrite it") from None
                    save_collection(collection, force=True)
            except BaseException:
                collection.client_certs, collection.ca_bundles = previous
                raise
            coltls.store_passphrases(collection, edited, old_ids, self.store())
            # New passphrases and files apply from the next connection on.
            worker.reload_tls_settings()

        dialog = CertificatesDialog(coltls.for_editing(collection, self.store()), self.store(),
                                    self, collection=collection.name, save_handler=save,
                                    resolve=lambda s: coltls.resolved(s, collection))
        if dialog.exec():
            self.statusBar().showMessage(f"Certificates of {collection.name} saved; new "
                                         "connections use them.")
        return dialog

    # -- secrets, the scratch request and the session --------------------------------------------

    def _forget_keys(self, keys: list[str]) -> None:
        from PySide6.QtWidgets import QMessageBox

        if QMessageBox.question(self, "Forget secrets",
                                "Also remove its secrets from the system keychain?"
                                ) == QMessageBox.StandardButton.Yes:
            for key in keys:
                self.store().delete(key)

    def forget_secrets(self, scheme_id: str, confirm: bool = True) -> None:
        from PySide6.QtWidgets import QMessageBox

        if confirm and QMessageBox.question(
                self, "Forget saved secrets",
                "Remove this scheme's secrets from the system keychain and clear them "
                "here?") != QMessageBox.StandardButton.Yes:
            return
        self.scratch.editor.auth.clear_secrets(scheme_id)
        if self.persistence is not None:
            self.persistence.forget(scheme_id)

    def restore(self) -> None:
        """Bring back the last session: the scratch request (file and keychain,
        off-thread), the open collections and tabs."""
        if self.persistence is not None:
            self.persistence.restore()
        self._restore_session()

    def _restored(self, spec: RequestSpec | None, note: str, problem: str) -> None:
        scratch = self.scratch.editor
        if spec is not None and not scratch.url.text():
            scratch.set_spec(spec)
        scratch.auth.set_storage_note(note)
        if problem:
            self.statusBar().showMessage(problem)

    def save(self) -> None:
        if self.persistence is not None:
            self.persistence.save(self.scratch.editor.spec())

    def _sent(self, spec: RequestSpec, exchange: Exchange, secrets: tuple[str, ...]) -> None:
        # The spec as sent holds secret values (variables resolved): the history masks
        # these and the scheme's own secret fields.
        self.sent_requests.record(spec, exchange, secrets)
        self._keep_scratch(spec)

    def _keep_scratch(self, spec: RequestSpec) -> None:
        from ..core.serialize import spec_to_dict

        self._scratch_kept = [*self._scratch_kept[-19:], spec_to_dict(spec)]

    def scratch_edited(self) -> bool:
        """Whether Scratch holds work found nowhere else (not empty, not as last sent,
        saved or opened), which replacing it would lose."""
        from ..core.model import RequestSpec
        from ..core.serialize import spec_to_dict

        current = spec_to_dict(self.scratch.editor.spec())
        return current != spec_to_dict(RequestSpec()) and current not in self._scratch_kept

    def open_spec(self, spec: RequestSpec) -> bool:
        """A sent request opened again: into the scratch tab, ready to send. Over an
        edited Scratch it asks first; False when the person kept Scratch as it was."""
        from PySide6.QtWidgets import QMessageBox

        if self.scratch_edited():
            buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
            text = ("Scratch holds a request that is not saved anywhere. Replace it with "
                    "the one from Sent requests?")
            if self.sidebar.collections:
                buttons |= QMessageBox.StandardButton.Save
                text += " Save keeps it in a collection first."
            answer = QMessageBox.question(self, "Replace Scratch", text, buttons,
                                          QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Save:
                if not self._save_scratch_into_collection(self.scratch):
                    return False
            elif answer != QMessageBox.StandardButton.Discard:
                return False
        self.tabs.setCurrentIndex(0)
        self.scratch.editor.set_spec(spec)
        self._keep_scratch(self.scratch.editor.spec())
        self.statusBar().showMessage("Opened from Sent requests (secrets are not kept "
                                     "there: fill them in again).")
        return True

    def _session_file(self):  # type: ignore[no-untyped-def]
        from ..core.paths import data_dir

        return data_dir() / "session.json"

    def _save_session(self) -> None:
        from ..core.atomic import write_atomic

        tabs = []
        for i in range(1, self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is not None:
                tabs.append(str(tab.item.path))
        data = {"collections": [str(c.path) for c in self.sidebar.collections],
                "tabs": tabs, "environments": self._environments}
        try:
            write_atomic(self._session_file(), json.dumps(data, indent=2).encode())
        except OSError as exc:
            self.statusBar().showMessage(f"The session could not be saved: {exc.strerror}")

    def _restore_session(self) -> None:
        try:
            data = json.loads(self._session_file().read_text())
        except (OSError, ValueError):
            return
        self._environments = dict(data.get("environments") or {})
        for path in data.get("collections") or []:
            self.open_collection(path)
        by_path = {str(r.path): r for c in self.sidebar.collections for r in c.requests()}
        for path in data.get("tabs") or []:
            if path in by_path:
                self.open_request(by_path[path])
        self._update_environments()

    def closeEvent(self, event) -> None:
        from PySide6.QtWidgets import QMessageBox

        for i in range(self.tabs.count() - 1, 0, -1):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.dirty():
                self.tabs.setCurrentIndex(i)
                answer = QMessageBox.question(
                    self, "Unsaved changes", f"Save the changes to {tab.item.name}?",
                    QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard |
                    QMessageBox.StandardButton.Cancel)
                if answer == QMessageBox.StandardButton.Cancel or (
                        answer == QMessageBox.StandardButton.Save and not self.save_tab(tab)):
                    event.ignore()
                    return
        if self.persistence is not None:
            self.save()
            self._save_session()
            self.persistence.wait(5000)
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.job is not None:
                tab.cancel()
        super().closeEvent(event)


def _name_from_url(url: str) -> str:
    """A first name for a saved request: the URL's last path segment, if it has one."""
    from urllib.parse import unquote, urlsplit

    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return "New request"
    segment = unquote(path.rstrip("/").rpartition("/")[2]).strip()
    return segment[:60] if segment and "{{" not in segment else "New request"
