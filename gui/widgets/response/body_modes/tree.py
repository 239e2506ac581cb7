"""Tree: a JSON body as a tree whose children are made when a node is first expanded,
a batch at a time, from places in the pretty-printed text (gui.core.jsontree): no
Python object is held per value, so a body of 100 MB opens its tree as one of 1 MB."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from . import BodyMode

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ....core.http.exchange import ReceivedResponse
    from ....core.jsontree import Batch, JsonTree, Node
    from ....core.present import Presentation
    from ..body_view import BodyView

TREE_BATCH = 500
#: Children of a node covering more text than this are found in a worker (counting
#: theirs reads all of it: about 30 ms a 10 MB).
SYNC_SIZE = 2 * 1024 * 1024
NODE = Qt.ItemDataRole.UserRole
#: On a "… N more" item: (the parent's node, where its next batch starts).
MORE = Qt.ItemDataRole.UserRole + 1


class Tree(BodyMode):
    name, rank = "tree", 4

    def __init__(self, view: BodyView) -> None:
        super().__init__(view)
        self.tree = QTreeWidget(objectName="jsonTree", accessibleName="JSON tree")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 260)
        self.tree.itemExpanded.connect(self._expand)
        self.tree.itemActivated.connect(self._more)
        self.tree.itemClicked.connect(self._more)
        self._index: JsonTree | None = None
        #: Bumped for every body: a worker's batch for an earlier one is dropped.
        self._generation = 0

    def pages(self) -> list[QWidget]:
        return [self.tree]

    def enabled(self, p: Presentation | None) -> bool:
        return p is not None and p.parsed is not None

    def fits(self, p: Presentation) -> bool:
        return not p.binary and p.parsed is not None and p.language not in ("image", "html")

    def forget(self) -> None:
        self.tree.clear()
        self._index = None
        self._generation += 1

    def render(self, r: ReceivedResponse, p: Presentation) -> None:
        if p.parsed is None:
            self.view.say("The tree needs a JSON body (within the size limit).")
            return
        if self._index is None:
            self._index = p.parsed
            self._fill(self.tree.invisibleRootItem(), p.parsed.root, None)
        self.view.stack.setCurrentWidget(self.tree)

    def _fill(self, parent: QTreeWidgetItem, node: Node, rest: tuple[int, int] | None,
              ) -> None:
        """Add the batch of `node`'s children from `rest` under `parent`: here, or from a
        worker when finding them reads much text (a placeholder says so meanwhile)."""
        index = self._index
        assert index is not None
        if node.size <= SYNC_SIZE:
            self._add(parent, node, index.children(node, rest, TREE_BATCH))
            return
        waiting = QTreeWidgetItem(parent, ["Loading…", ""])
        generation = self._generation

        def done(batch: Batch) -> None:
            if generation == self._generation:
                parent.removeChild(waiting)
                self._add(parent, node, batch)

        self.view._tasks.run(lambda _task: index.children(node, rest, TREE_BATCH), done)

    def _add(self, parent: QTreeWidgetItem, node: Node, batch: Batch) -> None:
        items = []
        for child in batch.nodes:
            item = QTreeWidgetItem([child.key, child.summary])
            if child.count:
                item.setData(0, NODE, child)
                QTreeWidgetItem(item, ["…", ""])  # placeholder: expandable
            items.append(item)
        if batch.rest is not None:
            shown = batch.rest[1]
            more = QTreeWidgetItem([f"… {batch.total - shown} more", ""])
            more.setData(0, MORE, (node, batch.rest))
            more.setToolTip(0, f"Click to show the next {TREE_BATCH}")
            items.append(more)
        parent.addChildren(items)

    def _expand(self, item: QTreeWidgetItem) -> None:
        node = item.data(0, NODE)
        if node is None or item.data(1, NODE):
            return
        item.setData(1, NODE, True)
        item.takeChildren()
        self._fill(item, node, None)

    def _more(self, item: QTreeWidgetItem) -> None:
        more = item.data(0, MORE)
        if more is None:
            return
        item.setData(0, MORE, None)  # a click and an activation may both arrive
        parent = item.parent() or self.tree.invisibleRootItem()
        parent.removeChild(item)
        self._fill(parent, *more)


MODE = Tree
