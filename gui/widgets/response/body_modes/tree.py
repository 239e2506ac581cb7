"""Tree: a JSON body as a tree whose children are made when a node is first expanded,
a batch at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from . import BodyMode

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ....core.http.exchange import ReceivedResponse
    from ....core.present import Presentation
    from ..body_view import BodyView

TREE_BATCH = 500


class Tree(BodyMode):
    name, rank = "tree", 4

    def __init__(self, view: BodyView) -> None:
        super().__init__(view)
        self.tree = QTreeWidget(objectName="jsonTree", accessibleName="JSON tree")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 260)
        self.tree.itemExpanded.connect(self._expand)
        self._built = False

    def pages(self) -> list[QWidget]:
        return [self.tree]

    def enabled(self, p: Presentation | None) -> bool:
        return p is not None and p.parsed is not None

    def fits(self, p: Presentation) -> bool:
        return not p.binary and p.parsed is not None and p.language not in ("image", "html")

    def forget(self) -> None:
        self.tree.clear()
        self._built = False

    def render(self, r: ReceivedResponse, p: Presentation) -> None:
        if p.parsed is None:
            self.view.say("The tree needs a JSON body (within the size limit).")
            return
        if not self._built:
            self._built = True
            self._fill(self.tree.invisibleRootItem(), p.parsed)
        self.view.stack.setCurrentWidget(self.tree)

    def _fill(self, parent: QTreeWidgetItem, value: Any) -> None:
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for n, (key, child) in enumerate(pairs):
            if n >= TREE_BATCH:
                QTreeWidgetItem(parent, [f"… {len(value) - n} more", ""])
                break
            item = QTreeWidgetItem(parent, [str(key), _summary(child)])
            if isinstance(child, dict | list) and child:
                item.setData(0, Qt.ItemDataRole.UserRole, child)
                QTreeWidgetItem(item, ["…", ""])  # placeholder: expandable

    def _expand(self, item: QTreeWidgetItem) -> None:
        value = item.data(0, Qt.ItemDataRole.UserRole)
        if value is None or item.data(1, Qt.ItemDataRole.UserRole):
            return
        item.setData(1, Qt.ItemDataRole.UserRole, True)
        item.takeChildren()
        self._fill(item, value)


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    import json

    return json.dumps(value, ensure_ascii=False)


MODE = Tree
