"""An editable table of name/value rows with an enabled flag, as Postman's tables.

A blank last row is always there: typing into it adds a row. Rows are removed with
their ✕ button or the Delete key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from ..core.model import Row

ENABLED, NAME, VALUE, ACTIONS = range(4)


class KeyValueTable(QTableWidget):
    """Emits `edited` whenever the user changes a row (not when `set_rows` is called)."""

    edited = Signal()

    def __init__(self, object_name: str, what: str, *, files: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName(object_name)
        self.setAccessibleName(what)
        self._what = what
        self._files = files
        self._loading = False
        self.setHorizontalHeaderLabels(["", "Name", "Value", ""])
        header = self.horizontalHeader()
        header.setSectionResizeMode(ENABLED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTIONS, QHeaderView.ResizeMode.ResizeToContents)
        self.setColumnWidth(NAME, 200)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.itemChanged.connect(self._on_item_changed)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._remove_selected)
        self.set_rows([])

    # -- the model side -------------------------------------------------------------

    def rows(self) -> list[Row]:
        from ..core.model import Row

        result = []
        for r in range(self.rowCount() - 1):  # the last row is the blank one
            enabled = self.item(r, ENABLED)
            name, value = self.item(r, NAME), self.item(r, VALUE)
            result.append(Row(
                name.text() if name else "",
                value.text() if value else "",
                enabled is not None and enabled.checkState() == Qt.CheckState.Checked,
                bool(value and value.data(Qt.ItemDataRole.UserRole)),
            ))
        return result

    def set_rows(self, rows: list[Row]) -> None:
        self._loading = True
        try:
            self.setRowCount(0)
            for row in rows:
                self._append(row)
            self._append(None)
        finally:
            self._loading = False

    # -- building rows ---------------------------------------------------------------

    def _append(self, row: Row | None) -> None:
        r = self.rowCount()
        self.insertRow(r)
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if row is None or row.enabled
                            else Qt.CheckState.Unchecked)
        check.setToolTip("Send this row")
        self.setItem(r, ENABLED, check)
        self.setItem(r, NAME, QTableWidgetItem(row.name if row else ""))
        value = QTableWidgetItem(row.value if row else "")
        self.setItem(r, VALUE, value)
        if row is not None and row.is_file:
            self._mark_file(value, True)
        if row is None:
            self.item(r, NAME).setToolTip(f"Type here to add a {self._what[:-1].lower()}")
        self._add_actions(r, blank=row is None)

    def _add_actions(self, r: int, blank: bool) -> None:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if self._files:
            browse = QToolButton(box)
            browse.setText("📎")
            browse.setToolTip("Send a file as this part")
            browse.setAccessibleName("Choose file")
            browse.setObjectName("chooseFileButton")
            browse.clicked.connect(lambda: self._choose_file(self.indexAt(box.pos()).row()))
            layout.addWidget(browse)
        remove = QToolButton(box)
        remove.setText("✕")
        remove.setToolTip("Remove this row")
        remove.setAccessibleName("Remove row")
        remove.setObjectName("removeRowButton")
        remove.setEnabled(not blank)
        remove.clicked.connect(lambda: self._remove(self.indexAt(box.pos()).row()))
        layout.addWidget(remove)
        self.setCellWidget(r, ACTIONS, box)

    def _mark_file(self, item: QTableWidgetItem, is_file: bool) -> None:
        item.setData(Qt.ItemDataRole.UserRole, is_file)
        item.setToolTip("File: " + item.text() if is_file else "")
        item.setText(item.text())
        font = item.font()
        font.setItalic(is_file)
        item.setFont(font)

    # -- user edits -------------------------------------------------------------------

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        if item.row() == self.rowCount() - 1 and item.column() != ENABLED and item.text():
            # The blank row got content: it becomes a real row and a new blank follows.
            self._loading = True
            try:
                self.cellWidget(item.row(), ACTIONS).findChild(
                    QToolButton, "removeRowButton").setEnabled(True)
                self._append(None)
            finally:
                self._loading = False
        self.edited.emit()

    def _remove(self, r: int) -> None:
        if 0 <= r < self.rowCount() - 1:
            self.removeRow(r)
            self.edited.emit()

    def _remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self._remove(r)

    def _choose_file(self, r: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "Choose a file to send")
        if path:
            self.set_file(r, path)

    def set_file(self, r: int, path: str) -> None:
        """Make row r a file part sending `path` (the blank row becomes a real one)."""
        if self.item(r, NAME).text() == "":
            self.item(r, NAME).setText("file")
        value = self.item(r, VALUE)
        value.setText(path)
        self._mark_file(value, True)
        self.edited.emit()
