"""The Tests tab's two tables, assertions and captures, and their rows read into the YAML
form of docs/collections.md (parsed by gui/core/runner/declare.py), so a problem is named
exactly as `gatepost run` names it in a file, with the row instead of the line. A row
left as loaded gives back the assertion it came from, so a save keeps the file's spelling.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHeaderView, QStyledItemDelegate, QTableWidgetItem, QWidget

from ... import deferred
from ..rowtable import ENABLED, NAME, VALUE, RowTable
from .check_results import fail_colour

if TYPE_CHECKING:
    from ...core.model import Assertion, Capture

#: Operators as the table shows them (file key -> words).
OPERATOR_WORDS = {
    "equals": "equals", "not_equals": "not equals", "greater": "greater than",
    "greater_or_equal": "greater or equal", "less": "less than",
    "less_or_equal": "less or equal", "contains": "contains", "not_contains": "not contains",
    "starts_with": "starts with", "ends_with": "ends with", "matches": "matches (regex)",
    "exists": "exists", "not_exists": "not exists", "empty": "is empty",
    "type": "is of type", "length": "length", "in": "in", "not_in": "not in"}
WORD_OPERATORS = {w: k for k, w in OPERATOR_WORDS.items()}
#: What the Query column offers (free text is fine: `header X-Request-Id`).
QUERY_EXAMPLES = ["status", "header Content-Type", "cookie ", "body", "jmespath ",
                  "jsonpath $.", "xpath //", "duration", "size", "variable "]
#: Operators whose expected value is text as typed (a regex is not YAML).
TEXT_OPERATORS = {"contains", "not_contains", "starts_with", "ends_with", "matches", "type"}
FLAG_OPERATORS = {"exists", "not_exists", "empty"}

# Assertion columns (ENABLED, NAME = query, VALUE = operator from RowTable).
A_QUERY, A_OPERATOR, A_EXPECTED, A_LABEL, A_ACTIONS = NAME, VALUE, 3, 4, 5
# Capture columns.
C_NAME, C_QUERY, C_PATTERN, C_SECRET, C_ACTIONS = NAME, VALUE, 3, 4, 5
SOURCE = Qt.ItemDataRole.UserRole + 1
MARKED = Qt.ItemDataRole.UserRole + 2


# -- cells <-> the YAML form --------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A cell's text as YAML would read it (`201`, `true`, `[200, 201]`); text that is
    not a YAML value, or holds a {{variable}}, stays text."""
    stripped = text.strip()
    if not stripped or stripped.startswith("{{"):
        return text

    try:
        value = deferred.yaml.safe_load(stripped)
    except deferred.yaml.YAMLError:
        return text
    return text if value is None and stripped not in ("null", "~") else value


def expected_text(op: str, value: Any) -> str:
    if op in FLAG_OPERATORS:
        return "" if value is True else json.dumps(value)
    if isinstance(value, str):
        if op in TEXT_OPERATORS or parse_value(value) == value:
            return value
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def expected_value(op: str, text: str) -> Any:
    if op in FLAG_OPERATORS:
        return True if not text.strip() else parse_value(text)
    if op in TEXT_OPERATORS:
        quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"
        return parse_value(text) if quoted else text
    return parse_value(text)


@dataclass
class _Row:
    """What RowTable reads of a row (name, enabled) and the rest of its cells."""

    name: str
    enabled: bool
    cells: tuple[str, ...]
    source: Any = None


class _ComboDelegate(QStyledItemDelegate):
    def __init__(self, items: list[str], editable: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self._items, self._editable = items, editable

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        box = QComboBox(parent)
        box.setEditable(self._editable)
        box.addItems(self._items)
        box.setAccessibleName("Query" if self._editable else "Operator")
        return box

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        editor.setCurrentText(index.data() or "")  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        model.setData(index, editor.currentText())  # type: ignore[attr-defined]


class _ChecksTable(RowTable):
    """A RowTable whose blank row becomes a real one when any of its cells is typed in."""

    hint = ""

    def _changed(self, r: int, column: int, has_text: bool) -> None:
        super()._changed(r, NAME if column != ENABLED else column, has_text)

    def _text(self, r: int, column: int) -> str:
        item = self.item(r, column)
        return item.text() if item is not None else ""

    def _cell(self, r: int, column: int, text: str) -> None:
        self.setItem(r, column, QTableWidgetItem(text))

    def _hint_blank(self, r: int, row: _Row | None) -> None:
        if row is None:
            self.item(r, NAME).setToolTip(self.hint)

    def rows(self) -> list[_Row]:
        raise NotImplementedError

    def mark(self, problems: dict[tuple[int, int], str]) -> None:
        """Cells with a problem in the error colour, the problem as their tool tip."""
        error = QBrush(QColor(fail_colour()))
        with self._quietly():
            for r in self._real_rows():
                for c in range(1, self.columnCount() - 1):
                    item = self.item(r, c)
                    if item is None:
                        continue
                    why = problems.get((r, c))
                    if why or item.data(MARKED):
                        item.setForeground(error if why else QBrush())
                        item.setToolTip(why or "")
                        item.setData(MARKED, bool(why))


class AssertionsTable(_ChecksTable):
    hint = "Type a query here (status, header Content-Type, jmespath id…) to add an assertion"

    def __init__(self) -> None:
        super().__init__("assertionsTable", "Assertions",
                         ["", "Query", "Operator", "Expected", "Name", ""], 200)
        header = self.horizontalHeader()
        header.setSectionResizeMode(A_OPERATOR, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(A_EXPECTED, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(A_LABEL, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(A_OPERATOR, 130)
        self.setColumnWidth(A_LABEL, 110)
        self.horizontalHeaderItem(A_LABEL).setToolTip("What results call it (optional)")
        self.setItemDelegateForColumn(A_QUERY, _ComboDelegate(QUERY_EXAMPLES, True, self))
        self.setItemDelegateForColumn(A_OPERATOR, _ComboDelegate(
            list(OPERATOR_WORDS.values()), False, self))
        self._load([])

    def set_assertions(self, assertions: list[Assertion]) -> None:
        self._load([_assertion_row(a) for a in assertions])

    def _fill_row(self, r: int, row: _Row | None) -> None:  # type: ignore[override]
        cells = row.cells if row is not None else ("", "", "")
        for column, text in zip((A_OPERATOR, A_EXPECTED, A_LABEL), cells, strict=True):
            self._cell(r, column, text)
        self.item(r, NAME).setData(SOURCE, row.source if row is not None else None)
        self._hint_blank(r, row)

    def _changed(self, r: int, column: int, has_text: bool) -> None:
        if has_text and not self._text(r, A_OPERATOR) and column != A_OPERATOR:
            with self._quietly():
                self.item(r, A_OPERATOR).setText(OPERATOR_WORDS["equals"])
        super()._changed(r, column, has_text)

    def rows(self) -> list[_Row]:
        return [_Row(self._text(r, A_QUERY), self._checked(r, ENABLED),
                     tuple(self._text(r, c) for c in (A_OPERATOR, A_EXPECTED, A_LABEL)),
                     self.item(r, NAME).data(SOURCE)) for r in self._real_rows()]


class CapturesTable(_ChecksTable):
    hint = "Type a variable name here to take a value from the response into {{it}}"

    def __init__(self) -> None:
        super().__init__("capturesTable", "Captures",
                         ["", "Variable", "Query", "Pattern", "Secret", ""], 140)
        header = self.horizontalHeader()
        header.setSectionResizeMode(C_PATTERN, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(C_PATTERN, 130)
        self.horizontalHeaderItem(C_PATTERN).setToolTip(
            "A regular expression: its first group (or the whole match) is kept")
        self.horizontalHeaderItem(C_SECRET).setToolTip(
            "Masked everywhere, never written to a file")
        self.setItemDelegateForColumn(C_QUERY, _ComboDelegate(QUERY_EXAMPLES, True, self))
        self._load([])

    def set_captures(self, captures: list[Capture]) -> None:
        query_text = deferred.declare.query_text
        self._load([_Row(c.name, c.enabled, (query_text(c.query, c.argument), c.pattern,
                                             "secret" if c.secret else ""))
                    for c in captures])

    def _fill_row(self, r: int, row: _Row | None) -> None:  # type: ignore[override]
        cells = row.cells if row is not None else ("", "", "")
        self._cell(r, C_QUERY, cells[0])
        self._cell(r, C_PATTERN, cells[1])
        secret = QTableWidgetItem()
        secret.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        secret.setCheckState(Qt.CheckState.Checked if cells[2] else Qt.CheckState.Unchecked)
        secret.setToolTip("Secret: masked everywhere, never written to a file")
        self.setItem(r, C_SECRET, secret)
        self._hint_blank(r, row)

    def rows(self) -> list[_Row]:
        return [_Row(self._text(r, C_NAME), self._checked(r, ENABLED),
                     (self._text(r, C_QUERY), self._text(r, C_PATTERN),
                      "secret" if self._checked(r, C_SECRET) else ""))
                for r in self._real_rows()]


def _assertion_row(a: Assertion) -> _Row:
    return _Row(deferred.declare.query_text(a.query, a.argument), a.enabled,
                (OPERATOR_WORDS.get(a.op, a.op), expected_text(a.op, a.expected), a.name), a)


def _operator(words: str) -> str:
    words = words.strip()
    return WORD_OPERATORS.get(words) or words.replace(" ", "_")


def assertion_from_row(row: _Row, index: int) -> Assertion:
    """The assertion a row says; DeclarationError (keys: index, then the key) if not."""
    source = row.source
    if source is not None and _assertion_row(source) == _Row(
            row.name, row.enabled, row.cells, source):
        return copy.deepcopy(source)
    words, expected, label = row.cells
    op = _operator(words) if words.strip() else "equals"
    data: dict[str, Any] = {"query": row.name}
    if label.strip():
        data["name"] = label.strip()
    data[op] = expected_value(deferred.declare.operator(op) or op, expected)
    if not row.enabled:
        data["enabled"] = False
    assertion = deferred.declare.parse_assertion(data, (index,))
    if source is not None and source.key and deferred.declare.operator(source.key) == assertion.op:
        assertion.key = source.key  # the file's spelling of an unchanged operator
    return assertion


def capture_from_row(row: _Row, index: int) -> Capture:
    query, pattern, secret = row.cells
    data: dict[str, Any] = {"name": row.name.strip(), "query": query}
    if pattern:
        data["pattern"] = pattern
    if secret:
        data["secret"] = True
    if not row.enabled:
        data["enabled"] = False
    return deferred.declare.parse_capture(data, (index,))


A_COLUMNS = {"query": A_QUERY, "name": A_LABEL, "enabled": ENABLED}
C_COLUMNS = {"name": C_NAME, "query": C_QUERY, "pattern": C_PATTERN, "secret": C_SECRET,
              "enabled": ENABLED}
