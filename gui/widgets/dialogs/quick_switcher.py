"""Go to request (Ctrl+P, Ctrl+K): type part of a request's name, URL or folder and
press Enter to open it, from any open collection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from ..icons import BADGE_SIZE, method_badge

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ...core.collections.model import RequestItem

ROLE = Qt.ItemDataRole.UserRole
SHOWN = 200


def _where(item: RequestItem) -> str:
    names = []
    parent: Any = item.parent
    while parent is not None:
        names.append(parent.name)
        parent = getattr(parent, "parent", None)
    return " / ".join(reversed(names))


class QuickSwitcher(QDialog):
    def __init__(self, requests: list[RequestItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickSwitcher")
        self.setWindowTitle("Go to request")
        self.setAccessibleName("Go to request")
        self.resize(560, 380)
        self._requests = requests
        layout = QVBoxLayout(self)
        self.query = QLineEdit(objectName="quickSwitcherQuery",
                               accessibleName="Request name or URL")
        self.query.setPlaceholderText("Type part of a request's name or URL")
        self.list = QListWidget(objectName="quickSwitcherList",
                                accessibleName="Matching requests")
        layout.addWidget(self.query)
        layout.addWidget(self.list, 1)
        self.query.textChanged.connect(self._filter)
        self.query.returnPressed.connect(self.accept)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.query.installEventFilter(self)
        self._filter("")

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]
        # Up and Down move in the list while the typing stays in the query.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up,
                                                                    Qt.Key.Key_Down):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(self.list.currentRow() + step, 0), self.list.count() - 1)
            self.list.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        for item in self._requests:
            where = _where(item)
            haystack = f"{item.name} {item.spec.url} {where}".lower()
            if all(w in haystack for w in words):
                row = QListWidgetItem(method_badge(item.spec.method),
                                      f"{item.name}    {where}")
                row.setToolTip(item.spec.url)
                row.setData(ROLE, item)
                self.list.addItem(row)
                if self.list.count() >= SHOWN:
                    break

        self.list.setIconSize(BADGE_SIZE)
        self.list.setCurrentRow(0)

    def chosen(self) -> RequestItem | None:
        row = self.list.currentItem()
        return row.data(ROLE) if row is not None else None

    @classmethod
    def choose(cls, parent: QWidget, requests: list[RequestItem]) -> RequestItem | None:
        dialog = cls(requests, parent)
        try:
            return dialog.chosen() if dialog.exec() else None
        finally:
            dialog.deleteLater()
