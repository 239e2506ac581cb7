"""The collections sidebar's tree widget: drag and drop, within the tree to move and from
outside to import. A part of CollectionsSidebar (gui/widgets/sidebar/collections.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget

from ... import deferred

#: Where an item keeps its Collection, Folder or RequestItem.
ROLE = Qt.ItemDataRole.UserRole


def dropped_files(event) -> list:  # type: ignore[no-untyped-def]
    """The local files or folders dragged in from outside the application (to import)."""
    data = event.mimeData()
    if event.source() is not None or not data.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]


class CollectionsTree(QTreeWidget):
    """Drag and drop moves requests and folders through the core, never in the view."""

    dropped = Signal(object, object, object)  # moved object, target folder, index or None
    #: Files or folders dropped from outside (a file manager): to import.
    files_dropped = Signal(object)  # list[Path]

    def dragEnterEvent(self, event) -> None:
        # InternalMove refuses drags from outside; files to import are welcome.
        if dropped_files(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if dropped_files(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        files = dropped_files(event)
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
            return
        source = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        event.ignore()
        if source is None or target is None or source is target:
            return
        moved = source.data(0, ROLE)
        where = target.data(0, ROLE)
        if isinstance(where, deferred.collection_model.Collection):
            self.dropped.emit(moved, where.root, None)
        elif isinstance(where, deferred.collection_model.Folder):
            self.dropped.emit(moved, where, None)
        elif isinstance(where, deferred.collection_model.RequestItem) and where.parent is not None:
            self.dropped.emit(moved, where.parent, where.parent.children.index(where))
