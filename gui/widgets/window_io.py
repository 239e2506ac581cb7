"""The window's blocking work, off the GUI thread (gui/tasks.py): reading collection
folders, and reading and storing secrets when they are first needed. A mixin of
MainWindow (gui/widgets/main_window.py).

Collections open without their secrets, so a window that only shows requests never loads
the keychain (keyring, its D-Bus backends and cryptography: about 11 MiB, see
docs/benchmarks.md). Secrets are read in a worker, on lane KEYCHAIN (one at a time, in
order with the writes):

- before a send: `Workspace.fill` (the globals', the collection's, its folders' and the
  request's); the send is then planned on the GUI thread with nothing left to read;
- when the Auth tab shows a scheme with a secret field: the request's own, and where
  secrets are kept (the storage note);
- before Variables… opens: the globals' and the current collection's;

and written there after a save, and after a prompt for a missing secret.
tests/test_gui_thread_io.py checks that none of it runs on the GUI thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from .. import deferred, tasks
from ..persistence import storage_note
from .request.tab import RequestTab

if TYPE_CHECKING:
    from ..core.collections.model import Collection, Environment, LoadProblem

#: Keychain reads and writes, in the order they were asked for.
KEYCHAIN = tasks.KEYCHAIN
#: Collection folders being read.
COLLECTIONS = "collections"


@dataclass
class Opened:
    """A collection folder as a worker read it."""

    path: str
    collection: Collection | None = None
    problems: list[LoadProblem] = field(default_factory=list)
    #: An OwnerConflict: another folder owns its id here; the person is asked.
    conflict: Any = None
    error: BaseException | None = None


def read_collection(path: str) -> Opened:
    """Read a collection folder and give it its keychain namespace (disk: blocks)."""

    try:
        collection, problems = deferred.manage.open_collection(path)
    except Exception as exc:  # noqa: BLE001 - said on the GUI thread, folder by folder
        return Opened(path, error=exc)
    opened = Opened(path, collection, problems)
    try:
        deferred.owners.bind(collection)  # before any secret is read
    except deferred.owners.OwnerConflict as conflict:
        opened.conflict = conflict
    except Exception as exc:  # noqa: BLE001 - as above
        opened.error = exc
    return opened


def _why(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, deferred.collection_model.CollectionError | OSError) else \
        f"{type(exc).__name__}: {exc}"


class BackgroundMixin:
    #: Collection reads in flight (open_collections_later).
    _opening = 0
    #: Where secrets are kept, in words, once a worker has asked the keychain.
    _storage_note: str | None = None
    _reading_globals = False
    #: Tabs whose Auth tab is waiting for its secrets.
    _wanting: set[RequestTab] | None = None

    def _gone(self) -> bool:
        """The window was closed and deleted while a worker ran (tests, quitting)."""

        return not isValid(self)

    def _say(self, message: str) -> None:
        if not self._gone():
            self.statusBar().showMessage(message)

    # -- collections ---------------------------------------------------------------------------

    def open_collections_later(
            self, paths: list[str],
            then: Callable[[list[Collection], list[str]], Any] | None = None,
            quiet: bool = False) -> None:
        """Read these collection folders in a worker, then add them to the sidebar in
        this order; `then(opened, not_opened)` after. `quiet`: a folder that cannot be
        opened is only named in `not_opened` (the session's restore), else in a
        message box."""
        self._opening += 1

        def done(results: list[Opened]) -> None:
            self._opening -= 1
            if self._gone():
                return
            opened: list[Collection] = []
            failed: list[str] = []
            for result in results:
                collection = self._add_opened(result, failed if quiet else None)
                if collection is not None:
                    opened.append(collection)
            if then is not None:
                then(opened, failed)

        def error(exc: BaseException) -> None:
            self._opening -= 1
            if self._gone():
                return
            self._say(f"Not opened: {_why(exc)}")
            if then is not None:  # none of them, so that what waits on them goes on
                then([], list(paths))

        tasks.run(lambda _task: [read_collection(p) for p in paths], done, error,
                  lane_name=COLLECTIONS)

    def wait_for_collections(self, msecs: int = 15000) -> bool:
        """Until the collections being read are in the sidebar (tests)."""

        deadline = time.monotonic() + msecs / 1000
        while self._opening and time.monotonic() < deadline:
            tasks.wait(COLLECTIONS, 50)
            QCoreApplication.processEvents()
        return not self._opening

    def _already_open(self, path: str) -> Collection | None:
        for c in self.sidebar.collections:
            if os.path.realpath(c.path) == os.path.realpath(path):
                return c
        return None

    def _add_opened(self, opened: Opened, failed: list[str] | None = None
                    ) -> Collection | None:
        """A collection `read_collection` read, into the sidebar (when another folder owns
        its id, the person says which it is first). A folder that cannot be opened is
        named in `failed`, or in a message box when None."""

        existing = self._already_open(opened.path)
        if existing is not None:
            return existing
        collection = opened.collection
        if opened.error is not None or collection is None:
            why = _why(opened.error) if opened.error is not None else "not read"
            if failed is not None:
                failed.append(f"{opened.path!r} ({why})")
            else:
                QMessageBox.warning(self, "Cannot open the collection", why)
            return None
        if opened.conflict is not None:
            choice = self._ask_owner(collection, opened.conflict)
            if choice is None:
                self.statusBar().showMessage(f"{opened.path} was not opened.")
                return None
            # The record on disk is written in a worker; the window paints meanwhile.
            try:
                tasks.call(lambda _task: deferred.owners.bind(collection, choice),
                           COLLECTIONS)
            except (OSError, deferred.owners.OwnerConflict) as exc:
                why = f"{opened.path}: {exc}"
                if failed is not None:
                    failed.append(why)
                else:
                    QMessageBox.warning(self, "Cannot open the collection", why)
                return None
        self.sidebar.add_collection(collection)
        if opened.problems:
            lines = "\n".join(f"{p.path}{f' line {p.line}' if p.line else ''}: {p.message}"
                              for p in opened.problems)
            QMessageBox.warning(self, "Some files could not be read",
                                f"The rest of {collection.name} is open; these files are "
                                f"left untouched:\n\n{lines}")
        self.statusBar().showMessage(f"Opened {collection.name}")
        self._update_environments()
        return collection

    # -- reading secrets ----------------------------------------------------------------------

    def _alive(self, tab: RequestTab) -> bool:
        return not self._gone() and self.tabs.indexOf(tab) >= 0

    def _before_send(self, tab: RequestTab, resume: Callable[[], None]) -> bool:
        """RequestTab.before_send: True when what the send needs from the keychain has
        been read; else read it in a worker, then `resume`."""
        workspace = self.workspace
        item, environment = tab.item, self.current_environment()
        if workspace.filled(item, environment) and (item is None or tab.secrets_read):
            return True

        def done(_result: object) -> None:
            if not self._alive(tab):
                return
            if item is not None and tab.item is item:
                tab.add_secrets(item.spec.auth)
            resume()

        def error(exc: BaseException) -> None:
            if self._alive(tab):
                tab.cancel()
                self.statusBar().showMessage(f"Not sent: the secrets could not be read "
                                             f"({type(exc).__name__}: {exc}).")

        tasks.run(lambda _task: workspace.fill(item, environment), done, error,
                  lane_name=KEYCHAIN)
        return False

    def _secrets_wanted(self, tab: RequestTab) -> None:
        """The Auth tab shows a scheme with a secret field: the request's own secrets
        and the storage note, read in a worker."""

        item = tab.item
        read_item = item is not None and not tab.secrets_read
        if not read_item and self._storage_note is not None:
            return
        if self._wanting is None:
            self._wanting = set()
        if tab in self._wanting:
            return
        self._wanting.add(tab)
        workspace, store = self.workspace, self.store()

        def work(_task: object) -> str:
            if read_item:
                workspace.fill_object(item)
            return storage_note(store)

        def done(note: str) -> None:
            self._wanting.discard(tab)
            if self._gone():
                return
            self._show_storage_note(note)
            if read_item and self._alive(tab) and tab.item is item and \
                    not tab.secrets_read:
                tab.add_secrets(item.spec.auth)

        def error(exc: BaseException) -> None:
            self._wanting.discard(tab)
            self._say(f"The keychain could not be read ({type(exc).__name__}: {exc}).")

        tasks.run(work, done, error, lane_name=KEYCHAIN)

    def _show_storage_note(self, note: str) -> None:
        self._storage_note = note
        for editor in self.built_editors():
            editor.auth.set_storage_note(note)

    def with_secrets(self, then: Callable[[], Any], collection: Collection | None = None,
                     environment: Environment | None = None) -> None:
        """Read the globals' secrets (and the collection's, with its environments') in a
        worker, then call `then` on the GUI thread: for dialogs that show them."""
        workspace = self.workspace

        def work(_task: object) -> None:
            workspace.globals()
            if collection is not None:
                workspace.fill_object(collection)
            if environment is not None:
                workspace.fill_object(environment)

        def error(exc: BaseException) -> None:
            self._say(f"The keychain could not be read ({type(exc).__name__}: {exc}).")

        tasks.run(work, lambda _result: None if self._gone() else then(), error,
                  lane_name=KEYCHAIN)

    def _read_globals_later(self) -> None:
        """The globals file and its secrets, for marking {{variables}} as typed: read in
        a worker, then every tab's marks are redone."""
        if self._reading_globals:
            return
        self._reading_globals = True
        workspace = self.workspace

        def done(_result: object) -> None:
            self._reading_globals = False
            if self._gone():
                return
            for editor in self.built_editors():
                editor.refresh_variables()

        def error(exc: BaseException) -> None:
            self._reading_globals = False
            self._say(f"The global variables could not be read ({type(exc).__name__}: "
                      f"{exc}).")

        tasks.run(lambda _task: workspace.globals(), done, error, lane_name=KEYCHAIN)

    # -- storing secrets ---------------------------------------------------------------------

    def store_later(self, pairs: list[tuple[str, str]]) -> None:
        """(keychain key, value) pairs written in a worker, in order with the reads."""
        if not pairs:
            return

        store = self.store()

        def error(exc: BaseException) -> None:
            self._say(f"The secrets could not be stored in the keychain "
                      f"({type(exc).__name__}).")

        tasks.run(lambda _task: deferred.collection_secrets.store_pairs(pairs, store), None, error,
                  lane_name=KEYCHAIN)

    def delete_later(self, keys: list[str]) -> None:
        """Keychain entries removed in a worker."""
        store = self.store()

        def work(_task: object) -> None:
            for key in keys:
                store.delete(key)

        tasks.run(work, lane_name=KEYCHAIN)
