"""New collection: where its collection.yaml goes. A folder that already holds files is
never written into without asking (the usual answer is a new folder inside it), and a
folder that is already part of an open collection is not made a second one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from ...core.collections.manage import slugify
from ...core.collections.model import Folder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ...core.collections.model import Collection

#: Files a folder may hold and still count as empty: a repository made for the collection.
IGNORED = {".git"}
SHOWN = 5


def contents(folder: Path) -> list[str]:
    """What the folder holds, by name (sorted); [] for a missing folder."""
    try:
        return sorted(name for name in os.listdir(folder) if name not in IGNORED)
    except FileNotFoundError:
        return []


def fresh_subfolder(folder: Path, name: str) -> Path:
    """A folder for the collection inside `folder`, named after it, not one in use."""
    slug = slugify(name) or "collection"
    candidate, n = folder / slug, 2
    while candidate.exists() and contents(candidate):
        candidate, n = folder / f"{slug}-{n}", n + 1
    return candidate


def owner(folder: Path, collections: list[Collection]) -> Collection | None:
    """The open collection that shows `folder` (its own folder or one of its folders)."""
    real = os.path.realpath(folder)
    for c in collections:
        folders = [c.root, *(f for f in c.root.walk() if isinstance(f, Folder))]
        if any(os.path.realpath(f.path) == real for f in folders):
            return c
    return None


def where_to_make(parent: QWidget, folder: Path, name: str,
                  collections: list[Collection]) -> Path | None:
    """The folder to make the collection `name` in, chosen from `folder`: itself when it
    is empty, else what the person answers; None when they cancel or it cannot be."""
    taken = owner(folder, collections)
    if taken is not None:
        QMessageBox.warning(parent, "New collection", f"{folder} is already part of the "
                            f"open collection {taken.name!r}. Choose a folder outside it.")
        return None
    held = contents(folder)
    if not held:
        return folder
    inside = fresh_subfolder(folder, name)
    listed = ", ".join(held[:SHOWN]) + (f" and {len(held) - SHOWN} more" if
                                         len(held) > SHOWN else "")
    box = QMessageBox(QMessageBox.Icon.Question, "New collection",
                      f"{folder} already holds files ({listed}).\n\nMake the collection in a "
                      f"new folder {inside.name!r} inside it, or add collection.yaml to this "
                      "folder itself? Its other files are left as they are; only request "
                      "files and folders with Gatepost files show in the collection.",
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("newCollectionWhere")
    make_inside = box.addButton(f"New folder {inside.name!r}",
                                QMessageBox.ButtonRole.AcceptRole)
    use_here = box.addButton("Use this folder", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(make_inside)
    try:
        box.exec()
        clicked = box.clickedButton()
    finally:
        box.deleteLater()
    if clicked is make_inside:
        return inside
    if clicked is use_here:
        return folder
    return None
