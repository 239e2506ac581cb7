"""The collections sidebar: a tree of collections, folders and requests, with a filter.

It shows the core's tree (gui.core.collections.manage) and turns the user's gestures into core
operations; it holds no file format. Every change rebuilds the affected collection's
branch, which is fast enough for thousands of requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import deferred, tasks
from ..empty_state import EmptyState
from ..icons import BADGE_SIZE, icon, method_badge
from .collections_tree import ROLE, CollectionsTree, dropped_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...core.collections.model import Collection, Folder, RequestItem

class CollectionsSidebar(QWidget):
    open_request = Signal(object)  # RequestItem
    #: The user asked to edit a collection's own certificates.
    certificates_requested = Signal(object)  # Collection
    #: Run… on a collection or folder: the window opens the runner.
    run_requested = Signal(object)  # Collection or Folder
    #: The set of open collections changed (for the session file).
    collections_changed = Signal()
    #: A message for the status bar.
    status = Signal(str)
    #: Keychain keys that belonged to something deleted: the window offers to remove them.
    forget_keys = Signal(object)
    #: The window's keychain (a call that returns it), set by the window; None without.
    store: Callable[[], Any] | None = None
    #: Files or folders to import (dropped on the tree).
    import_requested = Signal(object)  # list[Path]
    #: A collection or folder to export (its context menu's Export…).
    export_requested = Signal(object)  # Collection | Folder
    #: A collection's or folder's settings (name, headers, auth) to edit.
    settings_requested = Signal(object)  # Collection | Folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collectionsSidebar")
        self.collections: list[Collection] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(icon("folder-open"), "Open…",
                                       objectName="openCollectionButton",
                                       accessibleName="Open a collection folder")
        self.new_button = QPushButton(icon("folder-plus"), "New…",
                                      objectName="newCollectionButton",
                                      accessibleName="Make a new collection")
        # Import stays reachable once a collection is open (the empty state has its own).
        self.import_button = QPushButton(icon("download"), "Import…",
                                         objectName="importButton",
                                         accessibleName="Import requests from other tools")
        self.import_button.setToolTip("Postman, Insomnia, Bruno, OpenAPI, HAR or curl")
        self.import_button.clicked.connect(lambda: self.import_requested.emit([]))
        for button in (self.open_button, self.new_button, self.import_button):
            button.setFlat(True)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.filter = QLineEdit(objectName="collectionFilter",
                                accessibleName="Filter requests by name or URL")
        self.filter.setPlaceholderText("Filter requests")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        layout.addWidget(self.filter)
        self.tree = CollectionsTree(objectName="collectionTree", accessibleName="Collections")
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(BADGE_SIZE)
        self.tree.setIndentation(14)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.itemActivated.connect(self._activated)
        self.tree.dropped.connect(self.move)
        self.tree.files_dropped.connect(self.import_requested)
        layout.addWidget(self.tree, 1)

        # In the tree's place while no collection is open; files dropped on it import.
        self.empty = EmptyState(
            "collectionsEmpty", "layers", "No collection open",
            "A collection is a folder of plain YAML files, one per request, that a team "
            "keeps in git. Open one, make one, or import from Postman, Insomnia, Bruno, "
            "OpenAPI, HAR or curl (files can be dropped here).",
            [("Open…", "folder-open", "emptyOpenCollection", "Open a collection folder",
              self.open_button.click),
             ("New…", "folder-plus", "emptyNewCollection", "Make a new collection",
              self.new_button.click),
             ("Import…", "download", "emptyImport", "Import requests from other tools",
              lambda: self.import_requested.emit([]))])
        layout.addWidget(self.empty, 1)
        self.setAcceptDrops(True)
        self._show_empty()

    def _show_empty(self) -> None:
        empty = not self.collections
        self.empty.setVisible(empty)
        self.tree.setVisible(not empty)
        self.filter.setVisible(not empty)
        # The empty state has its own Open…/New…: one of each on screen.
        self.open_button.setVisible(not empty)
        self.new_button.setVisible(not empty)
        self.import_button.setVisible(not empty)

    def dragEnterEvent(self, event) -> None:
        # Reached only while the tree is hidden (the empty state): files to import.
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.import_requested.emit(files)

    # -- building ----------------------------------------------------------------------------

    def add_collection(self, collection: Collection) -> None:
        self.collections.append(collection)
        self.rebuild()
        self.collections_changed.emit()

    def close_collection(self, collection: Collection) -> None:
        self.collections.remove(collection)
        self.rebuild()
        self.collections_changed.emit()

    def rebuild(self) -> None:
        expanded = {id(i.data(0, ROLE)) for i in self._items() if i.isExpanded()}
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        for collection in self.collections:
            top = QTreeWidgetItem([collection.name])
            top.setIcon(0, icon("layers"))
            top.setData(0, ROLE, collection)
            top.setToolTip(0, str(collection.path))
            self.tree.addTopLevelItem(top)
            self._add_children(top, collection.root)
            top.setExpanded(True)
        for item in self._items():
            if id(item.data(0, ROLE)) in expanded:
                item.setExpanded(True)
        self.tree.setUpdatesEnabled(True)
        self._show_empty()
        self.apply_filter(self.filter.text())

    def _add_children(self, parent: QTreeWidgetItem, folder: Folder) -> None:
        items = []
        for child in folder.children:
            if isinstance(child, deferred.collection_model.Folder):
                item = QTreeWidgetItem([child.name])
                item.setIcon(0, icon("folder"))
                item.setData(0, ROLE, child)
                self._add_children(item, child)
            else:
                item = QTreeWidgetItem([child.name])
                item.setIcon(0, method_badge(child.spec.method))
                # The badge is drawn, not text: screen readers get the method in words.
                item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                             f"{child.spec.method} {child.name}")
                item.setData(0, ROLE, child)
                item.setToolTip(0, child.spec.url)
                if child.disk.problem is not None:
                    item.setForeground(0, Qt.GlobalColor.red)
                    item.setToolTip(0, child.disk.problem.message)
            items.append(item)
        parent.addChildren(items)

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def item_for(self, obj: Any) -> QTreeWidgetItem | None:
        return next((i for i in self._items() if i.data(0, ROLE) is obj), None)

    # -- filtering ---------------------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        """Show requests whose name or URL contains the text, and their folders."""
        needle = text.strip().lower()

        def visit(item: QTreeWidgetItem) -> bool:
            obj = item.data(0, ROLE)
            if isinstance(obj, deferred.collection_model.RequestItem):
                shown = not needle or needle in obj.name.lower() or \
                    needle in obj.spec.url.lower()
            else:
                shown = False
                for i in range(item.childCount()):
                    shown = visit(item.child(i)) or shown
                shown = shown or not needle or needle in obj.name.lower()
                if needle and shown:
                    item.setExpanded(True)
            item.setHidden(not shown)
            return shown

        self.tree.setUpdatesEnabled(False)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            visit(top)
            top.setHidden(False)
        self.tree.setUpdatesEnabled(True)

    # -- gestures ----------------------------------------------------------------------------

    def _activated(self, item: QTreeWidgetItem) -> None:
        obj = item.data(0, ROLE)
        if isinstance(obj, deferred.collection_model.RequestItem):
            self.open_request.emit(obj)

    def selected(self) -> Any:
        item = self.tree.currentItem()
        return item.data(0, ROLE) if item is not None else None

    def _menu(self, position) -> None:  # type: ignore[no-untyped-def]
        item = self.tree.itemAt(position)
        obj = item.data(0, ROLE) if item is not None else None
        menu = QMenu(self)
        model = deferred.collection_model
        folder = obj.root if isinstance(obj, model.Collection) else obj
        if isinstance(folder, model.Folder):
            self._action(menu, "New request", lambda: self.new_request(folder))
            self._action(menu, "New folder", lambda: self.new_folder(folder))
            self._action(menu, "Run…", lambda: self.run_requested.emit(obj))
            menu.addSeparator()
        if isinstance(obj, model.RequestItem | model.Folder | model.Collection):
            self._action(menu, "Rename…", lambda: self.rename(obj))
        if isinstance(obj, model.Folder | model.Collection):
            self._action(menu, "Settings…", lambda: self.settings_requested.emit(obj))
        if isinstance(obj, model.RequestItem | model.Folder):
            self._action(menu, "Duplicate", lambda: self.duplicate(obj))
            self._action(menu, "Delete…", lambda: self.delete(obj))
        if isinstance(obj, model.Collection):
            self._action(menu, "Certificates…", lambda: self.certificates_requested.emit(obj))
            self._action(menu, "Proxy…", lambda: self.edit_proxy(obj))
            self._action(menu, "Close collection", lambda: self.close_collection(obj))
        if isinstance(obj, deferred.collection_model.Folder | deferred.collection_model.Collection):
            self._action(menu, "Export… (Postman v2.1)", lambda: self.export_requested.emit(obj))
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(position))

    def edit_proxy(self, collection: Collection) -> Any:
        """The collection's own proxy (gui/widgets/dialogs/proxy.py), opened non-modal."""
        store = self.store
        if store is None:
            return None
        dialog = deferred.proxy_dialog.ProxyDialog(store, self, collection=collection)
        dialog.accepted.connect(lambda: self.status.emit(
            f"Proxy of {collection.name} saved; its next requests use it."))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _action(self, menu: Any, text: str, slot) -> None:  # type: ignore[no-untyped-def]
        action = QAction(text, menu)
        action.triggered.connect(slot)
        menu.addAction(action)

    def _guarded(self, what: str, fn) -> Any:  # type: ignore[no-untyped-def]
        """Run a core operation in a worker (it writes files, and the keychain for a
        duplicate), waiting for it; its error becomes a message and nothing is lost."""
        try:
            result = tasks.call(lambda _task: fn(), tasks.KEYCHAIN)
        except (deferred.collection_model.CollectionError, OSError) as exc:
            QMessageBox.warning(self, f"Could not {what}", str(exc))
            return None
        self.rebuild()
        return result

    def new_request(self, folder: Folder, name: str | None = None) -> RequestItem | None:
        name = name or self._ask("New request", "Name of the request:", "New request")
        if not name:
            return None
        item = self._guarded("make the request", lambda: deferred.manage.new_request(folder, name))
        if item is not None:
            self.open_request.emit(item)
        return item

    def new_folder(self, parent: Folder, name: str | None = None) -> Folder | None:
        name = name or self._ask("New folder", "Name of the folder:", "New folder")
        if not name:
            return None
        return self._guarded("make the folder", lambda: deferred.manage.new_folder(parent, name))

    def rename(self, obj: Any, name: str | None = None) -> None:
        name = name or self._ask("Rename", "New name:", obj.name)
        if name and name != obj.name:
            self._guarded("rename", lambda: deferred.manage.rename(obj, name))

    def duplicate(self, obj: Any) -> Any:
        # With the window's keychain, the copy gets its own copies of the secrets.
        store = self.store
        return self._guarded("duplicate", lambda: deferred.manage.duplicate(
            obj, store() if store is not None else None))

    def delete(self, obj: Any, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, "Delete", f"Delete {obj.name!r} and its file(s) from disk?"
        ) != QMessageBox.StandardButton.Yes:
            return
        keys = self._guarded("delete", lambda: deferred.manage.delete(obj))
        if keys:
            self.forget_keys.emit(keys)

    def move(self, obj: Any, folder: Folder, index: int | None) -> None:
        collection_of = deferred.collection_model.collection_of
        if collection_of(obj) is not collection_of(folder):
            self.status.emit("Requests move within their collection; duplicate to copy.")
            return
        self._guarded("move", lambda: deferred.manage.move(obj, folder, index))

    def _ask(self, title: str, label: str, text: str) -> str:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok else ""
