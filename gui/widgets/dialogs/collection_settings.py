"""Settings of a collection or a folder, in the window: its name, the headers every
request below it sends, its auth (the request's own Auth panel), its description, and
the way to the collection's Variables…, Certificates… and Proxy… — what needed
collection.yaml or folder.yaml edited by hand.

The edits reach the objects only on Save, and the file is written off the GUI thread
(gui/tasks.py): the file first (one changed on disk is asked about), then the auth's
secrets to the keychain. When the save fails the objects are put back as they were and
the dialog stays open with everything typed in it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import deferred, tasks
from ...core import auth
from ...core.auth import AuthContext
from ...core.collections.inherit import auth_source
from ...core.collections.manage import rename, save_collection, save_folder
from ...core.collections.model import FOLDER_FILE, Collection, ConflictError, Folder, collection_of
from ...core.collections.secrets import auth_place
from ...core.storage.keychain import secret_key
from ..icons import icon
from ..kvtable import KeyValueTable
from ..request.auth_panel import AuthPanel
from ..request.tab import RequestTab

if TYPE_CHECKING:
    from ...core.storage.keychain import SecretStore

#: Saves of these settings, one at a time and in order.
LANE = "collection-settings"


def _is_collection(obj: Any) -> bool:
    return isinstance(obj, Collection) or getattr(obj, "collection", None) is not None


def _note(text: str, name: str) -> QLabel:
    label = QLabel(text, objectName=name, wordWrap=True)
    label.setProperty("tone", "muted")
    return label


class CollectionSettingsDialog(QDialog):
    #: The collection's other settings, asked for from here (the window opens them).
    variables_requested = Signal(object)  # Collection
    certificates_requested = Signal(object)  # Collection
    proxy_requested = Signal(object)  # Collection
    #: The settings were written (the collection or folder).
    saved = Signal(object)

    def __init__(self, obj: Collection | Folder, store: Callable[[], SecretStore],
                 parent: QWidget | None = None, interaction: Any = None) -> None:
        super().__init__(parent, objectName="collectionSettingsDialog")
        # The root folder is the collection: its settings are collection.yaml's.
        self.obj: Collection | Folder = obj.collection if (
            not isinstance(obj, Collection) and obj.collection is not None) else obj
        self.collection = collection_of(self.obj)
        self.is_collection = isinstance(self.obj, Collection)
        self._store = store
        self._interaction = interaction
        self._closed = False
        self._saving = False
        what = "Collection" if self.is_collection else "Folder"
        self.setWindowTitle(f"{what} settings — {self.obj.name}")
        self.setAccessibleName(f"{what} settings")
        self.resize(720, 540)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.setSpacing(12)
        head = QHBoxLayout()
        head.setSpacing(8)
        badge = QLabel(objectName="settingsIcon")
        badge.setPixmap(icon("layers" if self.is_collection else "folder").pixmap(20, 20))
        head.addWidget(badge)
        title = QLabel(f"{what} settings", objectName="settingsTitle")
        title.setProperty("tone", "heading")
        head.addWidget(title)
        head.addStretch(1)
        layout.addLayout(head)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit(self.obj.name, objectName="settingsName",
                              accessibleName=f"{what} name")
        self.name.textChanged.connect(self._check)
        form.addRow("Name", self.name)

        path = self.collection.settings_path if self.is_collection else \
            self.obj.path / FOLDER_FILE
        where = QLabel(str(path), objectName="settingsPath",
                       accessibleName="Where the settings are kept")
        where.setProperty("tone", "muted")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setToolTip("Plain YAML, meant to be kept in git; secrets are in the keychain")
        form.addRow("Kept in", where)
        layout.addLayout(form)

        self.tabs = QTabWidget(objectName="settingsTabs", accessibleName=f"{what} settings")
        below = "in this collection" if self.is_collection else "in this folder"
        headers_page = QWidget(objectName="settingsHeadersPage")
        headers_layout = QVBoxLayout(headers_page)
        headers_layout.setContentsMargins(0, 8, 0, 0)
        headers_layout.addWidget(_note(
            f"Sent with every request {below}; one of the same name on a folder or request "
            "below replaces it.", "settingsHeadersNote"))
        self.headers = KeyValueTable("settingsHeaders", "header")
        self.headers.set_rows(copy.deepcopy(self.obj.headers))
        headers_layout.addWidget(self.headers, 1)
        self.tabs.addTab(headers_page, "Headers")

        auth_page = QWidget(objectName="settingsAuthPage")
        auth_layout = QVBoxLayout(auth_page)
        auth_layout.setContentsMargins(0, 8, 0, 0)
        auth_layout.addWidget(_note(
            f"Used by every request {below} whose Auth is “Inherit”.", "settingsAuthNote"))
        self.auth = AuthPanel()
        self.auth.context_provider = self._auth_context
        self.auth.forget_requested.connect(self._forget_secrets)
        if not self.is_collection:
            self.auth.set_inherit_note(self._inherit_note())
        self.auth.set_config(copy.deepcopy(self.obj.auth))
        auth_layout.addWidget(self.auth, 1)
        self.tabs.addTab(auth_page, "Auth")
        self.tabs.addTab(self._description_page(what), "Description")
        layout.addWidget(self.tabs, 1)

        more = QHBoxLayout()
        more.setSpacing(4)
        more.addWidget(QLabel("Also for this collection:" if self.is_collection else
                              f"For the whole collection {self.collection.name!r}:",
                              objectName="settingsMoreLabel"))
        self.variables_button = self._link(more, "Variables…", "braces",
                                           "settingsVariables", self.variables_requested,
                                           "Variables and environments of the collection")
        self.certificates_button = self._link(more, "Certificates…", "shield-check",
                                              "settingsCertificates",
                                              self.certificates_requested,
                                              "Certificates of the collection")
        self.proxy_button = self._link(more, "Proxy…", "globe", "settingsProxy",
                                       self.proxy_requested, "Proxy of the collection")
        more.addStretch(1)
        layout.addLayout(more)

        self.problem = QLabel("", objectName="settingsProblem", wordWrap=True,
                              accessibleName="Why the settings were not saved")
        self.problem.setProperty("tone", "error")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("settingsButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settingsSave")
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # Fusion's red ✕ and disk shout louder than the form
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.obj.disk.problem is not None:
            self._show_problem(f"{self.obj.disk.problem} — it is not written over; fix it "
                               "by hand and reopen the collection.")
            self.save_button.setEnabled(False)

    def _description_page(self, what: str) -> QWidget:
        page = QWidget(objectName="settingsDescriptionPage")
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 8, 0, 0)
        page_layout.addWidget(_note(
            f"Kept in the {what.lower()}'s file beside its settings, so whoever opens it "
            "from git reads it too.", "settingsDescriptionNote"))
        self.description = QPlainTextEdit(objectName="settingsDescription",
                                          accessibleName=f"{what} description")
        self.description.setPlaceholderText(
            f"What this {what.lower()} is for, how to use it, whom to ask: plain text "
            "(Markdown is fine).")
        self.description.setPlainText(self.obj.description)
        page_layout.addWidget(self.description, 1)
        return page

    def _described(self) -> str:
        """The box's text; the file's own when only its final line breaks differ (a
        block written by hand keeps its form)."""
        text = self.description.toPlainText()
        if text.strip() == self.obj.description.strip():
            return self.obj.description
        return text.rstrip() if text.strip() else ""

    def _link(self, row: QHBoxLayout, text: str, icon_name: str, name: str, signal: Any,
              accessible: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text, objectName=name, accessibleName=accessible)
        button.setFlat(True)
        button.clicked.connect(lambda: signal.emit(self.collection))
        row.addWidget(button)
        return button

    def _inherit_note(self) -> str:
        parent = self.obj.parent if isinstance(self.obj, Folder) else None
        source = auth_source(parent) if parent is not None and parent.parent is not None \
            else self.collection
        assert isinstance(source, Folder | type(self.collection))  # a folder's: never a request
        scheme = source.auth.scheme
        try:
            label = auth.get(scheme).label
        except auth.AuthError:
            label = scheme
        where = "the collection" if source is self.collection else "the folder"
        return f"Inherits {label} from {where} {source.name!r}."

    def _auth_context(self) -> Any:
        """Where the scheme shown keeps its tokens: this collection's or folder's place."""
        return AuthContext(self._store(), self.collection.namespace,
                           auth_place(self.obj, self.auth.config().scheme), self._interaction)

    def _forget_secrets(self, scheme_id: str) -> None:
        keys = [secret_key(self.collection.namespace, auth_place(self.obj, scheme_id), n)
                for n in auth.get(scheme_id).secret_names()]

        def work(_task: Any) -> None:
            for key in keys:
                self._store().delete(key)

        self.auth.clear_secrets(scheme_id)
        tasks.run(work, None, lambda exc: self._show_problem(
            f"The saved secrets could not be removed: {exc}"), lane_name=LANE)

    # -- saving ------------------------------------------------------------------------

    def _check(self) -> None:
        self.save_button.setEnabled(bool(self.name.text().strip()) and not self._saving
                                    and self.obj.disk.problem is None)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def save(self, force: bool = False) -> None:
        """Apply the edits to the collection or folder and write its file in a worker."""
        name = self.name.text().strip()
        if not name:
            self._show_problem("A name is needed.")
            return
        obj = self.obj
        before = (obj.name, obj.headers, obj.auth, obj.description)
        obj.headers = [r for r in self.headers.rows() if r.name or r.value]
        obj.auth = self.auth.config()
        obj.description = self._described()
        renamed = name != obj.name
        if self.is_collection:
            obj.name = name  # a collection's folder keeps its name; only the file says it
        store = self._store

        def work(_task: Any) -> None:
            if isinstance(obj, Collection):
                save_collection(obj, store(), force)
            else:
                save_folder(obj, store(), force)
                if renamed:  # the folder's name on disk follows (manage.rename)
                    rename(obj, name)

        def failed(exc: BaseException) -> None:
            obj.name, obj.headers, obj.auth, obj.description = before
            self._busy(False)
            if self._closed:
                return
            if isinstance(exc, ConflictError) and not force and QMessageBox.question(
                    self, self.windowTitle(), f"{exc.path} changed on disk since it was read. "
                    "Overwrite it with these settings? Its other changes on disk would be "
                    "lost.") == QMessageBox.StandardButton.Yes:
                self.save(force=True)
                return
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self._show_problem(f"Not saved: {reason}" if not isinstance(exc, ConflictError)
                               else f"Not saved: {exc.path} changed on disk and was left as "
                               "it is. Reopen the collection to see it, or save again to "
                               "overwrite it.")

        self._busy(True)
        self._show_problem("")
        tasks.run(work, self._saved, failed, lane_name=LANE)

    def _busy(self, on: bool) -> None:
        self._saving = on
        self.save_button.setText("Saving…" if on else "Save")
        self._check()

    def _saved(self, _result: object) -> None:
        self._busy(False)
        self.saved.emit(self.obj)
        if not self._closed:
            self.accept()

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)


def open_settings(window: Any, obj: Any) -> CollectionSettingsDialog:
    """Open the settings of `obj` (a collection or folder) from the window, its links
    wired to the window's own Variables…, Certificates… and Proxy… of that collection."""
    dialog = CollectionSettingsDialog(obj, window.store, window,
                                      getattr(window.workspace, "interaction", None))
    dialog.variables_requested.connect(lambda c: _variables(window, c, dialog))
    dialog.certificates_requested.connect(window.edit_collection_certificates)
    dialog.proxy_requested.connect(lambda c: _proxy(window, c, dialog))
    dialog.saved.connect(lambda saved: _after_save(window, saved))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _variables(window: Any, collection: Collection, parent: QWidget) -> None:
    dialog = deferred.variables_dialog.VariablesDialog(collection, window.globals(),
                                                       window.store(), parent)
    window.add_run_variables(dialog)
    if dialog.exec():
        window.workspace.set_globals(None)
        window._update_environments()
    dialog.deleteLater()


def _proxy(window: Any, collection: Collection, parent: QWidget) -> Any:
    dialog = deferred.proxy_dialog.ProxyDialog(window.store, parent, collection=collection)
    dialog.accepted.connect(lambda: window.statusBar().showMessage(
        f"Proxy of {collection.name} saved; its next requests use it."))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _after_save(window: Any, obj: Any) -> None:
    """The tree shows the new name; open requests below say what they now inherit and
    are watched at their paths (a folder renamed moves them)."""
    window.sidebar.rebuild()
    for i in range(window.tabs.count()):
        tab = window.tabs.widget(i)
        if isinstance(tab, RequestTab) and tab.item is not None:
            window._show_inherited(tab)
            window.watcher.addPath(str(tab.item.path))
            window._retitle(tab)
    window.statusBar().showMessage(f"Settings of {obj.name} saved.")
