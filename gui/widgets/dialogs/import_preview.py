"""What an import will create, as a tree: the collection's folders and requests with
their method badges, its environments, the global variables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from ... import deferred
from ..icons import icon, method_badge

if TYPE_CHECKING:
    from ...core.importers import ImportedFolder, ImportResult


def fill_tree(tree: QTreeWidget, result: ImportResult) -> None:
    """The collection's folders and requests (two levels open), its environments and
    globals, as a tree."""
    tree.clear()
    if result.root is not None:
        top = QTreeWidgetItem([result.name or result.root.name or "Imported"])
        top.setIcon(0, icon("layers"))
        tree.addTopLevelItem(top)
        _add(top, result.root)
        # Two levels open: the shape is seen at once, a large file stays readable.
        tree.expandToDepth(1)
    if result.environments:
        envs = QTreeWidgetItem([f"Environments ({len(result.environments)})"])
        envs.setIcon(0, icon("globe"))
        tree.addTopLevelItem(envs)
        for env in result.environments:
            n = len(env.variables)
            envs.addChild(QTreeWidgetItem([f"{env.name} — {n} variable{'s' * (n != 1)}"]))
        envs.setExpanded(True)
    if result.globals:
        names = ", ".join(v.name for v in result.globals[:8])
        more = "…" if len(result.globals) > 8 else ""
        item = QTreeWidgetItem([f"Global variables ({len(result.globals)}): {names}{more}"])
        item.setIcon(0, icon("braces"))
        tree.addTopLevelItem(item)


def _add(parent: QTreeWidgetItem, folder: ImportedFolder) -> None:
    items = []
    for child in folder.children:
        item = QTreeWidgetItem([child.name])
        if isinstance(child, deferred.importers.ImportedFolder):
            item.setIcon(0, icon("folder"))
            _add(item, child)
        else:
            item.setIcon(0, method_badge(child.spec.method))
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole,
                         f"{child.spec.method} {child.name}")
            item.setToolTip(0, f"{child.spec.method} {child.spec.url}")
        items.append(item)
    parent.addChildren(items)
