"""The window's collections: opening (with the keychain namespace check), making,
saving requests into files, and noticing when an open request's file changes on disk.
A mixin of MainWindow (gui/widgets/main_window.py), which supplies `sidebar`, `tabs`,
`statusBar()` and the tab helpers."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QFileSystemWatcher
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from .. import deferred, tasks
from ..core.storage.keychain import SecretStore
from ..core.watch import note
from .request.tab import RequestTab
from .window_io import COLLECTIONS, read_collection

if TYPE_CHECKING:

    from ..core.collections.model import Collection

#: Guards the keychain and the cookie jars, which workers may ask for first.
STORE_LOCK = threading.Lock()


class CollectionsMixin:
    @property
    def watcher(self) -> QFileSystemWatcher:
        """Watches the files of open requests; made when the first one opens."""
        if self._watcher is None:
            self._watcher = QFileSystemWatcher(self)
            self._watcher.fileChanged.connect(self._file_changed)
        return self._watcher

    def store(self) -> SecretStore:
        # A worker may ask first (a certificate passphrase), hence the lock.
        with STORE_LOCK:
            if self._store is None:
                self._store = SecretStore()
            return self._store

    def open_collection(self, path: str) -> Collection | None:
        """Open a collection folder now, reading it on this thread (tests and scripts;
        the window reads in a worker: `open_collections_later`). Its secrets are read
        when a send or the Auth tab first needs them."""

        existing = self._already_open(path)
        if existing is not None:
            return existing
        return self._add_opened(read_collection(path))

    def _ask_owner(self, collection: Collection, conflict: Any) -> Any:
        """A copy, the same collection moved here, or Cancel (None)."""

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
        return {copy: deferred.owners.Choice.COPY, moved: deferred.owners.Choice.MOVED}.get(clicked)

    def open_collection_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a collection folder")
        if path:
            self.open_collections_later([path])

    def new_collection_dialog(self) -> None:
        # The name first, as Postman, Insomnia and Bruno ask: the folder proposed next
        # is named after it.
        name, ok = QInputDialog.getText(self, "New collection", "Name of the collection:")
        if not ok or not name.strip():
            return
        path = QFileDialog.getExistingDirectory(
            self, f"Where to keep {name.strip()!r} (a folder is made for it there)")
        if not path:
            return
        if (Path(path) / deferred.collection_model.COLLECTION_FILE).exists():
            if QMessageBox.question(self, "New collection", f"{path} is already a "
                                    "collection. Open it?") == QMessageBox.StandardButton.Yes:
                self.open_collections_later([path])
            return
        target = deferred.new_collection.where_to_make(self, Path(path), name.strip(),
                                                       self.sidebar.collections)
        if target is None:
            return
        try:
            collection = tasks.call(
                lambda _task: deferred.manage.new_collection(target, name.strip()),
                tasks.KEYCHAIN)
        except (deferred.manage.CollectionError, OSError) as exc:
            QMessageBox.warning(self, "Cannot make the collection", str(exc))
            return
        self.sidebar.add_collection(collection)

    def collection_settings(self, obj: Any = None) -> Any:
        """Settings… of a collection or folder (by default the one selected in the
        sidebar, else the current tab's collection): name, headers, auth."""

        if obj is None:
            selected = self.sidebar.selected()
            if isinstance(selected, deferred.collection_model.RequestItem):
                selected = selected.parent
            model = deferred.collection_model
            obj = selected if isinstance(selected, model.Collection | model.Folder) else \
                self.current_collection()
        if obj is None:
            self.statusBar().showMessage("Open or make a collection first; its settings "
                                         "are then here.")
            return None
        return deferred.collection_settings.open_settings(self, obj)

    def import_files(self, paths: list | None = None) -> Any:
        """File → Import… (or files dropped on the sidebar): the Import dialog."""

        return deferred.import_actions.open_import(self, paths)

    def export_postman(self, obj: Any, path: Any = None) -> Any:
        """A collection or folder's Export…: a Postman v2.1 file."""

        return deferred.export_actions.export_postman(self, obj, path)

    def save_current(self) -> bool:
        return self.save_tab(self.tab)

    def save_tab(self, tab: RequestTab, force: bool = False) -> bool:
        if tab.item is None:
            return self._save_scratch_into_collection(tab)
        checks = self._tests_to_save(tab)
        if checks is None:
            return False
        item = tab.item
        item.spec = tab.editor.spec()
        item.assertions, item.captures = checks
        # The keys name the request's id (made now if it has none) and the
        # collection's: both in the files before the values go to the keychain.
        secrets = deferred.collection_secrets.secret_pairs(item)

        def write(_task: object) -> None:
            if secrets:
                deferred.collection_store.keep_collection_id(item)
            deferred.manage.save_request(item, force=force)

        try:
            self.watcher.removePath(str(item.path))
            tasks.call(write, tasks.KEYCHAIN)
        except deferred.manage.ConflictError:
            answer = QMessageBox.question(
                self, "Changed on disk", f"{tab.item.path} changed on disk since it was "
                "opened. Overwrite it with your version?")
            if answer == QMessageBox.StandardButton.Yes:
                return self.save_tab(tab, force=True)
            return False
        except (deferred.manage.CollectionError, OSError) as exc:
            QMessageBox.warning(self, "Not saved", f"{exc}\n\nYour changes are still here.")
            return False
        finally:
            self.watcher.addPath(str(tab.item.path))
        self.store_later(secrets)
        tab.mark_saved()
        self.sidebar.rebuild()
        self.statusBar().showMessage(f"Saved {tab.item.path.name}")
        return True

    def _save_scratch_into_collection(self, tab: RequestTab) -> bool:
        """Ctrl+S on Scratch: ask for the name, collection and folder (the last place
        chosen preselected), then save it there as a request of its own."""

        if not self.sidebar.collections:
            self.save()
            self.statusBar().showMessage("Saved for the next session. Open or make a "
                                         "collection to keep it in a file.")
            return True
        spec = tab.editor.spec()
        checks = self._tests_to_save(tab)
        if checks is None:
            return False
        chosen = deferred.save_request_dialog.ask_save_location(
            self, self.sidebar.collections, self._save_place(),
            _name_from_url(spec.url, spec.method))
        if chosen is None:
            return False
        folder, name = chosen
        item = self.sidebar.new_request(folder, name)
        if item is None:
            return False
        self._last_save_folder = folder
        self._keep_scratch(spec)
        item.spec = spec
        item.assertions, item.captures = checks
        new_tab = self.open_request(item)
        new_tab.load(item.spec)
        if not self.save_tab(new_tab):
            return False
        self.statusBar().showMessage(f"Saved {name!r} as {item.path}")
        return True

    def _save_place(self) -> Any:
        """The folder the save dialog starts on: the last one chosen while it is still
        open, else the one selected in the sidebar."""

        folders_of = deferred.save_request_dialog.folders_of
        open_folders = [f for c in self.sidebar.collections for _, f in folders_of(c)]
        last = self._last_save_folder
        if last is not None and any(f is last for f in open_folders):
            return last
        selected = self.sidebar.selected()
        if isinstance(selected, deferred.collection_model.Collection):
            return selected.root
        if isinstance(selected, deferred.collection_model.RequestItem):
            selected = selected.parent
        if isinstance(selected, deferred.collection_model.Folder) and \
                deferred.collection_model.collection_of(selected) in self.sidebar.collections:
            return selected
        return None

    def reload_tab(self, tab: RequestTab) -> None:
        item = tab.item
        assert item is not None
        # The file is read in a worker; the window paints meanwhile and takes no input.
        problem = tasks.call(lambda _task: deferred.manage.reload_request(item),
                             COLLECTIONS)
        self.workspace.unfill(tab.item)  # its secrets are read again when needed
        tab.hide_changed()
        if problem is not None:
            QMessageBox.warning(self, "Cannot reload", f"{problem.path}: {problem.message}")
            return
        tab.load(tab.item.spec)
        self.sidebar.rebuild()

    def _file_changed(self, path: str) -> None:
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is not None and \
                    str(tab.item.path) == path:
                self._check_changed(tab, tab.item.path, tab.item.disk.digest)
                # Editors replace files by renaming: watch the new file.
                self.watcher.addPath(path)

    def _check_changed(self, tab: RequestTab, path: Path, known: str | None) -> None:
        """Read the file in a worker; the bar offers a reload if it is not the one the
        tab holds (a file that cannot be read counts as changed)."""

        def read(_task: object) -> bool:
            note("collection read")
            try:
                return deferred.collection_load.digest(path.read_bytes()) != known
            except OSError:
                return True

        def done(changed: bool) -> None:
            if changed and not self._gone() and self.tabs.indexOf(tab) >= 0:
                tab.changed_bar.show()

        tasks.run(read, done, lane_name=COLLECTIONS)

    def _forget_keys(self, keys: list[str]) -> None:
        if QMessageBox.question(self, "Forget secrets",
                                "Also remove its secrets from the system keychain?"
                                ) == QMessageBox.StandardButton.Yes:
            self.delete_later(keys)


def _name_from_url(url: str, method: str = "GET") -> str:
    """A first name for a saved request: the method and the URL's last path segment
    ("GET users"), with the one before it when the last is an id ("GET users 42")."""

    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return "New request"
    segments = [s for s in (unquote(p).strip() for p in path.split("/")) if s]
    if not segments or "{{" in segments[-1]:
        return "New request"
    words = segments[-2:] if len(segments) > 1 and _id_like(segments[-1]) \
        and "{{" not in segments[-2] else segments[-1:]
    return f"{method.strip() or 'GET'} {' '.join(words)}"[:60]


def _id_like(segment: str) -> bool:
    """A number, a UUID or a long hex digest: says which one, not what."""

    return bool(re.fullmatch(r"\d+|[0-9a-fA-F-]{8,}", segment)) and any(
        c.isdigit() for c in segment)
