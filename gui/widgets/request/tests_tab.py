"""The request editor's Tests tab: the request's assertions and captures as two tables
(as Bruno's Assert and Vars tabs), checked as they are typed, and the results of the last
send (passed/failed, expected vs actual).

A row is read into the YAML form of docs/collections.md and parsed by the core
(gui/core/runner/declare.py), so a problem is named here exactly as `gatepost run`
names it in a file, with the row instead of the line. A row left as loaded gives back
the assertion it came from, so a save keeps the file's spelling (`"==": 200`).

The tables are built when first needed: a request without checks costs the first paint
nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..rowtable import ENABLED, NAME, VALUE, RowTable

if TYPE_CHECKING:
    from ...core.model import Assertion, Capture
    from ...core.runner.assertions import CheckResult

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


def _dark() -> bool:
    return QGuiApplication.palette().base().color().lightness() < 128


def pass_colour() -> str:
    return "#57c46b" if _dark() else "#1a7f37"


def fail_colour() -> str:
    return "#f47067" if _dark() else "#c42b1c"


# -- cells <-> the YAML form --------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A cell's text as YAML would read it (`201`, `true`, `[200, 201]`); text that is
    not a YAML value, or holds a {{variable}}, stays text."""
    stripped = text.strip()
    if not stripped or stripped.startswith("{{"):
        return text
    import yaml

    try:
        value = yaml.safe_load(stripped)
    except yaml.YAMLError:
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
        from ...core.runner.declare import query_text

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
    from ...core.runner.declare import query_text

    return _Row(query_text(a.query, a.argument), a.enabled,
                (OPERATOR_WORDS.get(a.op, a.op), expected_text(a.op, a.expected), a.name), a)


def _operator(words: str) -> str:
    words = words.strip()
    return WORD_OPERATORS.get(words) or words.replace(" ", "_")


def assertion_from_row(row: _Row, index: int) -> Assertion:
    """The assertion a row says; DeclarationError (keys: index, then the key) if not."""
    import copy

    from ...core.runner.declare import operator, parse_assertion

    source = row.source
    if source is not None and _assertion_row(source) == _Row(
            row.name, row.enabled, row.cells, source):
        return copy.deepcopy(source)
    words, expected, label = row.cells
    op = _operator(words) if words.strip() else "equals"
    data: dict[str, Any] = {"query": row.name}
    if label.strip():
        data["name"] = label.strip()
    data[op] = expected_value(operator(op) or op, expected)
    if not row.enabled:
        data["enabled"] = False
    assertion = parse_assertion(data, (index,))
    if source is not None and source.key and operator(source.key) == assertion.op:
        assertion.key = source.key  # the file's spelling of an unchanged operator
    return assertion


def capture_from_row(row: _Row, index: int) -> Capture:
    from ...core.runner.declare import parse_capture

    query, pattern, secret = row.cells
    data: dict[str, Any] = {"name": row.name.strip(), "query": query}
    if pattern:
        data["pattern"] = pattern
    if secret:
        data["secret"] = True
    if not row.enabled:
        data["enabled"] = False
    return parse_capture(data, (index,))


_A_COLUMNS = {"query": A_QUERY, "name": A_LABEL, "enabled": ENABLED}
_C_COLUMNS = {"name": C_NAME, "query": C_QUERY, "pattern": C_PATTERN, "secret": C_SECRET,
              "enabled": ENABLED}


def results_table(object_name: str, accessible: str) -> QTableWidget:
    """A read-only table of checks: ✓/✗, what, expected, actual (the why as tool tip)."""
    table = QTableWidget(0, 4, objectName=object_name, accessibleName=accessible)
    table.setHorizontalHeaderLabels(["", "Check", "Expected", "Actual"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
    table.setColumnWidth(2, 100)
    table.setColumnWidth(3, 100)
    return table


def fill_results(table: QTableWidget, results: list[CheckResult]) -> None:
    table.setRowCount(len(results))
    good, bad = QBrush(QColor(pass_colour())), QBrush(QColor(fail_colour()))
    for r, check in enumerate(results):
        mark = QTableWidgetItem("✓" if check.passed else "✗")
        mark.setForeground(good if check.passed else bad)
        mark.setData(Qt.ItemDataRole.AccessibleTextRole,
                     "passed" if check.passed else "failed")
        cells = [mark, QTableWidgetItem(check.label), QTableWidgetItem(check.expected),
                 QTableWidgetItem(check.actual)]
        tip = check.message or ("passed" if check.passed else "failed")
        for c, item in enumerate(cells):
            item.setToolTip(f"{check.label}\n{tip}" if c else tip)
            table.setItem(r, c, item)


def masked_results(results: list, secrets: tuple[str, ...]) -> list:
    """Results as shown: a secret (a secret capture's value, a secret variable) masked
    in what an assertion found, as reports mask it."""
    from ...core.http.masking import mask_text

    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return results
    for r in results:
        r.label, r.expected = mask_text(r.label, secrets), mask_text(r.expected, secrets)
        r.actual, r.message = mask_text(r.actual, secrets), mask_text(r.message, secrets)
    return results


_PARTS = {"assertions", "captures", "problem", "results", "results_title", "results_note"}


class TestsProblem(ValueError):
    """The Tests tab holds a row that does not parse (the message names it)."""


class TestsTab(QWidget):
    """Emits `edited` when the user changes a row, `title_changed` when the tab's title
    (its counts, the last results) changes."""

    __test__ = False  # not a pytest class, whatever its name
    edited = Signal()
    title_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("testsTab")
        self.setAccessibleName("Tests: assertions and captures")
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)
        self._built = False
        self._summary = ""
        self._problems: list[str] = []

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        split = QSplitter(Qt.Orientation.Horizontal, objectName="testsSplitter")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(4)
        self.assertions = AssertionsTable()
        self.captures = CapturesTable()
        for title, tip, table in (
                ("Assertions", "checked after every send", self.assertions),
                ("Captures", "values from the response for later requests' {{variables}}",
                 self.captures)):
            heading = QLabel(f"<b>{title}</b> — {tip}")
            heading.setProperty("tone", "muted")
            column.addWidget(heading)
            column.addWidget(table, 1)
            table.edited.connect(self._edited)
        self.problem = QLabel("", objectName="testsProblem",
                              accessibleName="Problems with the assertions and captures")
        self.problem.setProperty("tone", "error")
        self.problem.setStyleSheet(f"color: {fail_colour()};")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        column.addWidget(self.problem)
        split.addWidget(left)

        right = QWidget()
        results = QVBoxLayout(right)
        results.setContentsMargins(0, 4, 0, 0)
        results.setSpacing(4)
        self.results_title = QLabel("<b>Results</b>", objectName="testsResultsTitle")
        results.addWidget(self.results_title)
        self.results = results_table("testsResults", "Results of the last send")
        results.addWidget(self.results, 1)
        self.results_note = QLabel("Send the request to check them.",
                                   objectName="testsResultsNote")
        self.results_note.setProperty("tone", "muted")
        self.results_note.setWordWrap(True)
        results.addWidget(self.results_note)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])  # the results read "what · expected · actual"
        split.setChildrenCollapsible(False)
        self.layout().addWidget(split)

    def __getattr__(self, name: str) -> Any:
        # The tables and results are built on first use (a test, a load, a show).
        if name in _PARTS and not self.__dict__.get("_built", True):
            self._build()
            return getattr(self, name)
        raise AttributeError(name)

    def showEvent(self, event: Any) -> None:
        self._build()
        super().showEvent(event)

    # -- the model side ----------------------------------------------------------------

    def set_checks(self, assertions: list[Assertion], captures: list[Capture]) -> None:
        """Load a request's checks (not an edit: no `edited`); the last results go."""
        if not self._built and not assertions and not captures:
            self._problems = []
            self.clear_results()
            return
        self._build()
        self.assertions.set_assertions(assertions)
        self.captures.set_captures(captures)
        self.clear_results()
        self._validate()

    def snapshot(self) -> tuple[Any, ...]:
        """Everything the person can change, comparable: for the unsaved ● mark."""
        if not self._built:
            return ((), ())
        return (tuple((r.name, r.enabled, r.cells) for r in self.assertions.rows()),
                tuple((r.name, r.enabled, r.cells) for r in self.captures.rows()))

    def parsed(self) -> tuple[list[Assertion], list[Capture], list[str]]:
        """The rows that parse, and a sentence for each that does not (blank rows are
        dropped)."""
        from ...core.runner.declare import DeclarationError

        if not self._built:
            return [], [], []
        assertions: list[Assertion] = []
        captures: list[Capture] = []
        problems: list[str] = []
        marks: dict[str, dict[tuple[int, int], str]] = {"a": {}, "c": {}}
        for kind, table, parse, columns in (
                ("a", self.assertions, assertion_from_row, _A_COLUMNS),
                ("c", self.captures, capture_from_row, _C_COLUMNS)):
            out: list[Any] = assertions if kind == "a" else captures
            for r, row in enumerate(table.rows()):
                typed = (row.name, *row.cells[1:]) if kind == "a" else (row.name,
                                                                        *row.cells[:2])
                if not any(t.strip() for t in typed):
                    continue  # a row emptied by hand is no check
                try:
                    out.append(parse(row, r))
                except DeclarationError as exc:
                    key = exc.keys[1] if len(exc.keys) > 1 else None
                    what = "Assertion" if kind == "a" else "Capture"
                    where = f"{key}: " if isinstance(key, str) else ""
                    problems.append(f"{what} {r + 1}: {where}{exc}")
                    default = A_EXPECTED if kind == "a" else C_QUERY
                    column = columns.get(key, default) if isinstance(key, str) else \
                        (A_QUERY if kind == "a" else C_NAME)
                    marks[kind][(r, column)] = str(exc)
        self.assertions.mark(marks["a"])
        self.captures.mark(marks["c"])
        return assertions, captures, problems

    def checks(self) -> tuple[list[Assertion], list[Capture]]:
        """What a save writes; TestsProblem naming the first row that does not parse."""
        assertions, captures, problems = self.parsed()
        if problems:
            raise TestsProblem(f"Tests tab: {problems[0]}")
        return assertions, captures

    def problems(self) -> list[str]:
        return list(self._problems)

    def _edited(self) -> None:
        self._validate()
        self.edited.emit()

    def _validate(self) -> None:
        assertions, captures, self._problems = self.parsed()
        self.problem.setText("\n".join(self._problems))
        self.problem.setVisible(bool(self._problems))
        self._count = len([a for a in assertions if a.enabled]) + \
            len([c for c in captures if c.enabled])
        self.title_changed.emit()

    def title(self) -> str:
        if self._summary:
            return f"Tests {self._summary}"
        count = getattr(self, "_count", 0)
        return f"Tests ({count})" if count else "Tests"

    # -- results -----------------------------------------------------------------------

    def clear_results(self, note: str = "Send the request to check them.") -> None:
        self._summary = ""
        if self._built:
            self.results.setRowCount(0)
            self.results_title.setText("<b>Results</b>")
            self.results_note.setText(note)
        self.title_changed.emit()

    def show_results(self, results: list[CheckResult], note: str = "") -> tuple[int, int]:
        """The last send's checks; returns (passed, failed)."""
        self._build()
        passed = sum(1 for c in results if c.passed)
        failed = len(results) - passed
        fill_results(self.results, results)
        if results:
            self.results_title.setText(
                f"<b>Results</b> — {passed} passed" + (f", {failed} failed" if failed else ""))
            self._summary = f"({failed} failed)" if failed else f"({passed} passed)"
        else:
            self.results_title.setText("<b>Results</b>")
            self._summary = ""
        failures = [c.message for c in results if not c.passed and c.message]
        self.results_note.setText("\n".join(filter(None, [note, *failures[:3]])) or
                                  ("All passed." if results else "Nothing to check."))
        self.title_changed.emit()
        return passed, failed
