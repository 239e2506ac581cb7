"""The editable table that kvtable.KeyValueTable and variables_dialog.VariablesTable share.

Columns are: enabled check box, name, value, any columns of the subclass's own, and a
last one of row buttons (the subclass's, then a remove cross). A blank last row is always there:
typing a name or value into it makes it a real row and a new blank follows. Rows are
removed with their remove button or the Delete key; the blank row cannot be removed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

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

from .icons import icon

ENABLED, NAME, VALUE = range(3)


class RowData(Protocol):
    """What the base class reads of a row given to `_load` (Row, Variable)."""

    @property
    def name(self) -> str: ...

    @property
    def enabled(self) -> bool: ...


class RowTable(QTableWidget):
    """Emits `edited` whenever the user changes a row (not when rows are loaded).

    Subclasses fill the value and their own columns in `_fill_row`, may add row buttons
    in `_row_buttons`, and call `_load([])` at the end of their constructor.
    """

    edited = Signal()

    #: Tool tip of the remove button.
    remove_tip = "Remove this row"

    def __init__(self, object_name: str, what: str, labels: Sequence[str], name_width: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(0, len(labels), parent)
        self.setObjectName(object_name)
        self.setAccessibleName(what)
        self._what = what
        self._loading = False
        self._actions = len(labels) - 1
        self.setHorizontalHeaderLabels(list(labels))
        header = self.horizontalHeader()
        for column in range(len(labels)):
            mode = (QHeaderView.ResizeMode.Interactive if column == NAME
                    else QHeaderView.ResizeMode.Stretch if column == VALUE
                    else QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(column, mode)
        self.setColumnWidth(NAME, name_width)
        self.verticalHeader().setVisible(False)
        # Compact rows: a line of text and a little air, not the style's default.
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.itemChanged.connect(self._on_item_changed)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._remove_selected)

    # -- for subclasses ---------------------------------------------------------------

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Changes made inside are the program's, not the user's: no `edited`."""
        loading, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = loading

    def _load(self, rows: Sequence[RowData]) -> None:
        with self._quietly():
            self.setRowCount(0)
            for row in rows:
                self._append(row)
            self._append(None)

    def _real_rows(self) -> range:
        return range(self.rowCount() - 1)  # the last row is the blank one

    def _checked(self, r: int, column: int) -> bool:
        item = self.item(r, column)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def _enabled_item(self, checked: bool) -> QTableWidgetItem:
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        check.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        check.setToolTip("Send this row")
        return check

    def _fill_row(self, r: int, row: RowData | None) -> None:
        """Put the items of the value and the subclass's own columns in row r."""
        raise NotImplementedError

    def _row_buttons(self, box: QWidget) -> list[QToolButton]:
        """Buttons shown before ✕ in every row, children of `box`."""
        return []

    def _row_of(self, box: QWidget) -> int:
        """The row whose buttons `box` holds (rows move as others are removed)."""
        for r in range(self.rowCount()):
            if self.cellWidget(r, self._actions) is box:
                return r
        return -1

    # -- building rows ----------------------------------------------------------------

    def _append(self, row: RowData | None) -> None:
        r = self.rowCount()
        self.insertRow(r)
        self.setItem(r, ENABLED, self._enabled_item(row is None or row.enabled))
        name = QTableWidgetItem(row.name if row else "")
        if row is None:
            name.setToolTip(f"Type here to add a {self._what[:-1].lower()}")
        self.setItem(r, NAME, name)
        self._fill_row(r, row)
        self._add_actions(r, blank=row is None)

    def _add_actions(self, r: int, blank: bool) -> None:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for button in self._row_buttons(box):
            layout.addWidget(button)
        remove = QToolButton(box, objectName="removeRowButton", accessibleName="Remove row")

        remove.setIcon(icon("x", "muted"))
        remove.setToolTip(self.remove_tip)
        remove.setEnabled(not blank)
        remove.clicked.connect(lambda: self._remove(self._row_of(box)))
        layout.addWidget(remove)
        self.setCellWidget(r, self._actions, box)

    # -- user edits -------------------------------------------------------------------

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        self._changed(item.row(), item.column(), self._has_text(item))

    def _has_text(self, item: QTableWidgetItem) -> bool:
        """Whether the user's change to `item` gives its row content."""
        return bool(item.text())

    def _changed(self, r: int, column: int, has_text: bool) -> None:
        if r == self.rowCount() - 1 and column in (NAME, VALUE) and has_text:
            # The blank row got content: it becomes a real row and a new blank follows.
            with self._quietly():
                self.cellWidget(r, self._actions).findChild(
                    QToolButton, "removeRowButton").setEnabled(True)
                self._append(None)
        self.edited.emit()

    def _remove(self, r: int) -> None:
        if 0 <= r < self.rowCount() - 1:
            self.removeRow(r)
            self.edited.emit()

    def _remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            self._remove(r)
