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

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from ... import deferred
from .check_results import fail_colour, fill_results, results_table
from .checks_table import (
    A_COLUMNS,
    A_EXPECTED,
    A_QUERY,
    C_COLUMNS,
    C_NAME,
    C_QUERY,
    AssertionsTable,
    CapturesTable,
    assertion_from_row,
    capture_from_row,
)

if TYPE_CHECKING:
    from ...core.model import Assertion, Capture
    from ...core.runner.assertions import CheckResult


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
        if not self._built:
            return [], [], []
        assertions: list[Assertion] = []
        captures: list[Capture] = []
        problems: list[str] = []
        marks: dict[str, dict[tuple[int, int], str]] = {"a": {}, "c": {}}
        for kind, table, parse, columns in (
                ("a", self.assertions, assertion_from_row, A_COLUMNS),
                ("c", self.captures, capture_from_row, C_COLUMNS)):
            out: list[Any] = assertions if kind == "a" else captures
            for r, row in enumerate(table.rows()):
                typed = (row.name, *row.cells[1:]) if kind == "a" else (row.name,
                                                                        *row.cells[:2])
                if not any(t.strip() for t in typed):
                    continue  # a row emptied by hand is no check
                try:
                    out.append(parse(row, r))
                except deferred.declare.DeclarationError as exc:
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
