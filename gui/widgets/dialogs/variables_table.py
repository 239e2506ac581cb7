"""The variables editor: enabled, name, value, secret, one row per variable.

Secret values are masked until the row's Show button is pressed. The masked text is
what the table holds for display, copying and screen readers; the value itself is kept
in a role of its own, so it never appears on screen or to assistive tools while hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from ...core.variables import Variable
from ..rowtable import ENABLED, NAME, VALUE, RowTable

SECRET, ACTIONS = 3, 4
MASK = "••••••"
#: The value of a row, whatever the cell shows.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
#: True when the row's secret value is shown in clear.
SHOWN_ROLE = Qt.ItemDataRole.UserRole + 2


class _ValueDelegate(QStyledItemDelegate):
    """Edits the value from VALUE_ROLE; a hidden secret is typed into a password field."""

    def __init__(self, table: VariablesTable) -> None:
        super().__init__(table)
        self._table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent, objectName="variableValueEditor")
        editor.setFrame(False)
        if self._table.is_masked(index.row()):
            editor.setEchoMode(QLineEdit.EchoMode.Password)
            editor.setAccessibleName("Secret value")
        else:
            editor.setAccessibleName("Value")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(index.data(VALUE_ROLE) or "")

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            self._table.set_value(index.row(), editor.text())


class VariablesTable(RowTable):
    """Variables, one per row, and a blank last row to add one. Emits `edited` whenever
    the user changes something (not when `set_variables` is called)."""

    remove_tip = "Remove this variable"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("variablesTable", "Variables", ["", "Name", "Value", "Secret", ""],
                         180, parent)
        self.setItemDelegateForColumn(VALUE, _ValueDelegate(self))
        self.set_variables([])

    # -- the model side -------------------------------------------------------------------

    def variables(self) -> list[Variable]:
        out = []
        for r in self._real_rows():
            name = self.item(r, NAME)
            out.append(Variable(name.text() if name else "", self.value(r),
                                self._checked(r, ENABLED), self._checked(r, SECRET)))
        return out

    def set_variables(self, variables: list[Variable]) -> None:
        self._load(variables)

    def value(self, r: int) -> str:
        item = self.item(r, VALUE)
        return (item.data(VALUE_ROLE) or "") if item is not None else ""

    def set_value(self, r: int, value: str) -> None:
        """Set row r's value as the user would (the blank row becomes a real one)."""
        item = self.item(r, VALUE)
        if item is None:
            return
        with self._quietly():
            item.setData(VALUE_ROLE, value)
            self._show_value(r)
        self._changed(r, VALUE, bool(value))

    def is_masked(self, r: int) -> bool:
        """True when row r is secret and its value is hidden."""
        item = self.item(r, VALUE)
        return (self._checked(r, SECRET) and item is not None
                and not item.data(SHOWN_ROLE))

    def set_shown(self, r: int, shown: bool) -> None:
        """Show row r's secret value in clear, or hide it again."""
        item = self.item(r, VALUE)
        if item is None:
            return
        with self._quietly():
            item.setData(SHOWN_ROLE, shown)
            self._show_value(r)

    def commit_editing(self) -> None:
        """Take the text of a cell being edited now (before a save reads the table)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        for r in range(self.rowCount()):
            for column in (NAME, VALUE):
                editor = self.indexWidget(self.model().index(r, column))
                if editor is not None:
                    self.commitData(editor)
                    self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                    return

    # -- building rows --------------------------------------------------------------------

    def _check_item(self, checked: bool, tip: str, accessible: str) -> QTableWidgetItem:
        item = QTableWidgetItem()
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                      | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, accessible)
        return item

    def _enabled_item(self, checked: bool) -> QTableWidgetItem:
        return self._check_item(checked, "Use this variable", "Enabled")

    def _fill_row(self, r: int, v: Variable | None) -> None:
        value = QTableWidgetItem()
        value.setData(VALUE_ROLE, v.value if v else "")
        value.setData(SHOWN_ROLE, False)
        self.setItem(r, VALUE, value)
        self.setItem(r, SECRET, self._check_item(
            bool(v and v.secret), "Keep the value in the keychain, never in a file",
            "Secret"))

    def _append(self, v: Variable | None) -> None:
        super()._append(v)
        # After the row buttons exist: Show is enabled for secret rows only.
        self._show_value(self.rowCount() - 1)

    def _row_buttons(self, box: QWidget) -> list[QToolButton]:
        show = QToolButton(box, objectName="revealValueButton", accessibleName="Show value")
        show.setText("Show")
        show.setCheckable(True)
        show.setToolTip("Show this secret value")
        show.toggled.connect(lambda on: self._reveal(box, on))
        return [show]

    def _reveal(self, box: QWidget, on: bool) -> None:
        button = box.findChild(QToolButton, "revealValueButton")
        button.setText("Hide" if on else "Show")
        button.setAccessibleName("Hide value" if on else "Show value")
        button.setToolTip("Hide this secret value" if on else "Show this secret value")
        self.set_shown(self._row_of(box), on)

    def _show_value(self, r: int) -> None:
        """Put what may be shown of row r's value in the cell (called while loading)."""
        item = self.item(r, VALUE)
        value = item.data(VALUE_ROLE) or ""
        masked = self.is_masked(r)
        item.setText(MASK if masked and value else value)
        item.setData(Qt.ItemDataRole.AccessibleTextRole,
                     ("Secret value, hidden" if value else "Secret value, empty")
                     if masked else None)
        item.setToolTip("Hidden: press Show to see it" if masked and value else "")
        box = self.cellWidget(r, ACTIONS)
        if box is not None:
            show = box.findChild(QToolButton, "revealValueButton")
            show.setEnabled(self._checked(r, SECRET))

    # -- user edits -------------------------------------------------------------------------

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if not self._loading and item.column() == SECRET:
            with self._quietly():
                self._show_value(item.row())
        super()._on_item_changed(item)

    def _has_text(self, item: QTableWidgetItem) -> bool:
        # The cell shows the value (or its mask); a value is typed through set_value.
        return item.column() == NAME and bool(item.text())


# -- the dialog -------------------------------------------------------------------------------
