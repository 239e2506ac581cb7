"""Where an imported collection goes: a new folder inside a parent the person picks,
checked before anything is written (not inside an open collection, not a collection
already, asked about when it already holds files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from ... import deferred

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ...core.collections.model import Collection


def where_problem(parent_text: str, name_text: str, collections: list[Collection],
                  asker: QWidget) -> tuple[str | None, bool]:
    """(why a new collection's folder `name_text` inside `parent_text` cannot be made,
    or None; whether the person agreed, asked over `asker`, to a folder that already
    holds files)."""
    parent = Path(parent_text.strip()).expanduser()
    name = name_text.strip()
    if not parent_text.strip() or not parent.is_dir():
        return f"{parent} is not a folder: choose the folder to make the collection in.", \
            False
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        return "Name the new folder (a name, not a path).", False
    target = parent / name
    owner = deferred.new_collection.owner
    taken = owner(target, collections) or owner(parent, collections)
    if taken is not None:
        return (f"{target} is inside the open collection {taken.name!r}. Choose a folder "
                "outside it."), False
    if (target / "collection.yaml").exists():
        return f"{target} is already a collection; choose another name.", False
    problem = deferred.import_write.target_problem(target)
    if problem is None or not target.is_dir():
        return problem, False

    held = deferred.new_collection.contents(target)
    listed = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
    answer = QMessageBox.question(
        asker, "Folder not empty", f"{target} already holds files ({listed}).\n\nWrite "
        "the collection into it anyway? Nothing there is overwritten; a new, empty "
        "folder is the safer choice.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return "Not imported: choose another name for the new folder.", False
    return None, True
