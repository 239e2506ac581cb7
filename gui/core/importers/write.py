"""An ImportResult written as a Gatepost collection, through the collection store.

Files are written by `gui/core/collection.py` (atomic writes, the documented format),
and every secret — a secret auth field's value, a secret variable's — goes to the
keychain through the same `store_secrets` the window uses, so an imported collection's
YAML never holds one. Descriptions and scripts that Gatepost cannot run are kept beside
the collection in `IMPORT-NOTES.md`, so nothing is dropped silently.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

from . import ImportedFolder, ImportedRequest, ImportFailed, ImportResult

if TYPE_CHECKING:
    from ..colmodel import Collection, Folder
    from ..secrets import SecretStore

NOTES_FILE = "IMPORT-NOTES.md"


def target_problem(folder: Path) -> str | None:
    """Why a collection cannot be written into `folder` without asking, or None."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder."
    if folder.is_dir() and any(folder.iterdir()):
        return f"{folder} is not empty."
    return None


def write(result: ImportResult, folder: Path | str, store: SecretStore | None = None,
          allow_nonempty: bool = False) -> Collection:
    """Create the collection of `result` in `folder` (made if needed) and return it
    opened. Refuses a non-empty folder unless `allow_nonempty`."""
    from ..collection import (
        CollectionError,
        new_collection,
        new_environment,
        save_collection,
        save_environment,
    )
    from ..colowners import bind

    if result.root is None:
        raise ImportFailed(f"{result.source} {result.name!r} holds no requests: import it "
                           "into an open collection's environments instead.")
    folder = Path(folder).expanduser()
    problem = target_problem(folder)
    if problem and not allow_nonempty:
        raise ImportFailed(f"{problem} Choose an empty or new folder for the collection.")
    try:
        collection = new_collection(folder, result.name or result.root.name or "Imported")
        bind(collection)
        collection.headers = copy.deepcopy(result.root.headers)
        collection.auth = copy.deepcopy(result.root.auth)
        if collection.auth.scheme == "inherit":
            collection.auth.scheme = "none"
        collection.variables = copy.deepcopy(result.variables)
        save_collection(collection, store, force=True)
        _children(result.root, collection.root, store)
        for imported in result.environments:
            env = new_environment(collection, imported.name)
            env.variables = copy.deepcopy(imported.variables)
            save_environment(env, store, force=True)
        notes = _notes(result)
        if notes:
            from ..atomic import write_atomic

            write_atomic(folder / NOTES_FILE, notes.encode("utf-8"))
    except (CollectionError, OSError) as exc:
        raise ImportFailed(f"The collection could not be written in {folder}: {exc}") \
            from None
    return collection


def _children(source: ImportedFolder, target: Folder, store: SecretStore | None) -> None:
    from ..collection import new_folder, new_request, save_folder, save_request

    for child in source.children:
        if isinstance(child, ImportedRequest):
            item = new_request(target, child.name, copy.deepcopy(child.spec))
            save_request(item, store, force=True)
        else:
            folder = new_folder(target, child.name)
            folder.headers = copy.deepcopy(child.headers)
            folder.auth = copy.deepcopy(child.auth)
            save_folder(folder, store, force=True)
            _children(child, folder, store)


def _notes(result: ImportResult) -> str:
    """IMPORT-NOTES.md: the descriptions and everything that needs attention."""
    lines: list[str] = []
    if result.notices:
        lines += [f"# Imported from {result.source}: {result.name}", "",
                  "## Needs attention", ""]
        lines += [f"- {notice}" for notice in result.notices]
        lines.append("")
    described = _descriptions(result.root) if result.root is not None else []
    if described:
        lines += ["## Descriptions", ""]
        for where, text in described:
            lines += [f"### {where}", "", text.strip(), ""]
    return "\n".join(lines)


def _descriptions(folder: ImportedFolder, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    where = f"{prefix}{folder.name}"
    if folder.description.strip():
        out.append((where, folder.description))
    for child in folder.children:
        if isinstance(child, ImportedFolder):
            out += _descriptions(child, f"{where} / ")
        elif child.description.strip():
            out.append((f"{where} / {child.name}", child.description))
    return out
