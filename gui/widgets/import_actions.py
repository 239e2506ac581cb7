"""What the Import dialog runs in workers (reading, adding to the globals) and how its
outcome reaches the window (open the new collection, take added environments into an
open one). The dialog itself is gui/widgets/dialogs/import_collection.py."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from .. import deferred
from ..core.collections.globalvars import load_globals, save_globals
from ..core.collections.model import CollectionError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..core.collections.model import Collection
    from ..core.importers import ImportResult
    from ..core.storage.keychain import SecretStore
    from .dialogs.import_collection import ImportDialog


def read_sources(paths: list[Path]) -> ImportResult:
    """Every file read (in a worker) into one result; ImportFailed naming each that
    cannot be. Several files make one collection, as `gatepost import` does."""

    if len(paths) == 1:
        return deferred.importers.preview(paths[0]).result
    results, failures = [], []
    for path in paths:
        try:
            result = deferred.importers.read(path)
        except deferred.importers.ImportFailed as exc:
            failures.append(str(exc))
            continue
        for notice in result.notices:
            notice.where = f"{path.name}: {notice.where}".rstrip(": ")
        results.append(result)
    if failures:
        raise deferred.importers.ImportFailed(" ".join(failures))
    return deferred.import_write.combine(results)


def add_to_globals(result: ImportResult, store: SecretStore) -> int:
    """An environment's (and a globals export's) variables added to the global ones
    (names already there kept); how many were added. In a worker."""

    have, problem = load_globals(store)
    if problem is not None:
        raise deferred.importers.ImportFailed(
            f"The global variables in {problem.path} cannot be read ({problem.message}), so "
            "nothing was added to them.")
    names = {v.name for v in have}
    added = []
    for variable in [v for env in result.environments for v in env.variables] + \
            result.globals:
        if variable.name and variable.name not in names:
            names.add(variable.name)
            added.append(copy.deepcopy(variable))
    save_globals(have + added, store)
    return len(added)


def sentence(exc: BaseException) -> str:
    """What went wrong, as the dialog says it: the core's own sentence when there is one."""

    if isinstance(exc, deferred.importers.ImportFailed | CollectionError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}."
    return f"The import failed: {exc}"


def choose_sources(parent: QWidget) -> list[Path]:
    """The files to import, asked for with the system's dialog (a Bruno collection: its
    bruno.json)."""

    names, _ = QFileDialog.getOpenFileNames(
        parent, "Import: Postman, Insomnia, Bruno (bruno.json), OpenAPI, HAR or curl", "",
        "Collections, specs and exports (*.json *.yaml *.yml *.har *.txt *.sh *.curl);;"
        "All files (*)")
    return [Path(n) for n in names]


#: The folder the last import went into: the next one starts there.
_last_parent: Path | None = None


def open_import(window: Any, paths: list[Path] | None = None) -> ImportDialog | None:
    """The Import dialog for `paths` (asked for when None) over the main window, wired
    to open what it writes. None when no file was chosen."""
    paths = paths if paths else choose_sources(window)
    if not paths:
        return None
    collections = window.sidebar.collections
    start = _last_parent or (collections[-1].path.parent if collections else None)

    dialog = deferred.import_collection.ImportDialog(
        paths, collections, window.current_collection(), window.store(), window, start)
    dialog.imported.connect(lambda path: _opened(window, dialog, path))
    dialog.added.connect(lambda c, fresh: _added(window, dialog, c, fresh))
    dialog.globals_added.connect(lambda count: _globals_added(window, count))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _opened(window: Any, dialog: ImportDialog, path: Path) -> None:
    global _last_parent
    _last_parent = path.parent
    result = dialog.result
    # Read in a worker like any collection the window opens, then shown.
    window.open_collections_later(
        [str(path)], lambda opened, _failed: _show_imported(window, result, path, opened))


def _show_imported(window: Any, result: Any, path: Path, opened: list[Collection]) -> None:
    collection = opened[0] if opened else None
    if collection is None or result is None:
        return
    item = window.sidebar.item_for(collection)
    if item is not None:
        window.sidebar.tree.setCurrentItem(item)
    notes = (f" {len(result.notices)} item{'s' * (len(result.notices) != 1)} to look at are "
             "listed in IMPORT-NOTES.md there." if result.notices else "")
    window.statusBar().showMessage(f"Imported {result.summary().split(': ', 1)[-1]} into "
                                   f"{path}.{notes}")


def _added(window: Any, dialog: ImportDialog, collection: Collection,
           fresh: Collection) -> None:
    """The environments and variables add_to wrote, taken into the open collection (its
    tabs keep their objects; its file's state is the one now on disk)."""
    have = {e.path for e in collection.environments}
    for env in fresh.environments:
        if env.path not in have:
            env.collection = collection
            collection.environments.append(env)
    collection.environments.sort(key=lambda e: e.path.name)
    names = {v.name for v in collection.variables}
    collection.variables += [v for v in fresh.variables if v.name not in names]
    collection.disk = fresh.disk
    window._update_environments()
    window.editor.refresh_variables()
    result = dialog.result
    what = result.summary().split(": ", 1)[-1] if result is not None else "the variables"
    window.statusBar().showMessage(f"Added {what} to {collection.name}.")


def _globals_added(window: Any, count: int) -> None:
    window.workspace.set_globals(None)
    window.editor.refresh_variables()
    window.statusBar().showMessage(
        f"Added {count} global variable{'s' * (count != 1)} (names already there were kept)."
        if count else "Every variable was already a global one; nothing was added.")
