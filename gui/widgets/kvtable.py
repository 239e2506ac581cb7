"""An editable table of name/value rows with an enabled flag, as Postman's tables.

A blank last row is always there: typing into it adds a row. Rows are removed with
their ✕ button or the Delete key (all of that is rowtable.RowTable's). A table made
with `files=True` (multipart parts) also has a 📎 button to send a file as a part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QFileDialog, QTableWidgetItem, QToolButton, QWidget

from .. import deferred
from ..core.model import Row
from .rowtable import ENABLED, NAME, VALUE, RowTable

if TYPE_CHECKING:
    from collections.abc import Mapping

ACTIONS = 3
#: The colour of a cell that uses an unknown variable (the URL field's border colour).
UNKNOWN_COLOUR = "#b35c00"


class KeyValueTable(RowTable):
    """Emits `edited` whenever the user changes a row (not when `set_rows` is called)."""

    def __init__(self, object_name: str, what: str, *, files: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(object_name, what, ["", "Name", "Value", ""], 200, parent)
        self._files = files
        self.set_rows([])

    # -- the model side -------------------------------------------------------------

    def rows(self) -> list[Row]:
        result = []
        for r in self._real_rows():
            name, value = self.item(r, NAME), self.item(r, VALUE)
            result.append(Row(
                name.text() if name else "",
                value.text() if value else "",
                self._checked(r, ENABLED),
                bool(value and value.data(Qt.ItemDataRole.UserRole)),
            ))
        return result

    def texts(self) -> list[str]:
        """Every name and value as typed, without building the model's rows (which
        would import the model before the first paint)."""
        out = []
        for r in self._real_rows():
            for column in (NAME, VALUE):
                item = self.item(r, column)
                if item is not None:
                    out.append(item.text())
        return out

    def set_rows(self, rows: list[Row]) -> None:
        self._load(rows)

    # -- building rows ---------------------------------------------------------------

    def _fill_row(self, r: int, row: Row | None) -> None:
        value = QTableWidgetItem(row.value if row else "")
        self.setItem(r, VALUE, value)
        if row is not None and row.is_file:
            self._mark_file(value, True)

    def _row_buttons(self, box: QWidget) -> list[QToolButton]:
        if not self._files:
            return []
        browse = QToolButton(box, objectName="chooseFileButton", accessibleName="Choose file")
        browse.setText("📎")
        browse.setToolTip("Send a file as this part")
        browse.clicked.connect(lambda: self._choose_file(self._row_of(box)))
        return [browse]

    def _mark_file(self, item: QTableWidgetItem, is_file: bool) -> None:
        item.setData(Qt.ItemDataRole.UserRole, is_file)
        item.setToolTip("File: " + item.text() if is_file else "")
        item.setText(item.text())
        font = item.font()
        font.setItalic(is_file)
        item.setFont(font)

    # -- variables --------------------------------------------------------------------

    def mark_variables(self, scope: Mapping[str, str]) -> int:
        """Mark the cells that use a {{variable}} the scope does not define (as the URL
        field does); returns how many cells are marked."""

        marked = 0
        with self._quietly():
            for r in self._real_rows():
                for column in (NAME, VALUE):
                    item = self.item(r, column)
                    if item is None or item.data(Qt.ItemDataRole.UserRole):
                        continue  # a file part's path is not a template
                    text = item.text()
                    unknown = deferred.variables.unknown_variables(text, scope)
                    marked += bool(unknown)
                    if unknown:
                        tip = "Unknown variable: " + ", ".join("{{" + n + "}}" for n in unknown)
                    elif "{{" in text and deferred.variables.find_variables(text):
                        found = deferred.variables.find_variables(text)
                        tip = "Uses " + ", ".join(sorted({"{{" + v.name + "}}" for v in found}))
                    else:
                        tip = ""
                    if item.toolTip() != tip:
                        item.setToolTip(tip)
                    colour = QBrush(QColor(UNKNOWN_COLOUR)) if unknown else QBrush()
                    if item.foreground() != colour:
                        item.setForeground(colour)
        return marked

    # -- files ------------------------------------------------------------------------

    def _choose_file(self, r: int) -> None:
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
