"""The runner's results table (a model that grows a batch at a time) and its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ..request.check_results import fail_colour, pass_colour

if TYPE_CHECKING:
    from ...core.runner.run import RequestResult

COLUMNS = ["#", "Iteration", "Request", "Status", "Time", "Assertions", "Result"]


class ResultsModel(QAbstractTableModel):
    """The run's results, appended a batch at a time."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[RequestResult] = []

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.results)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        result = self.results[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(result, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 6:
            colour = pass_colour() if result.outcome == "passed" else fail_colour()
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 6):
            return result.error or "\n".join(
                f"{'✓' if c.passed else '✗'} {c.label}" + (f": {c.message}" if c.message
                                                           else "") for c in result.checks)
        return None

    @staticmethod
    def _text(result: RequestResult, column: int) -> str:
        if column == 0:
            return str(result.index)
        if column == 1:
            return str(result.iteration)
        if column == 2:
            return result.name
        if column == 3:
            return str(result.status) if result.status is not None else "–"
        if column == 4:
            return f"{result.time * 1000:.0f} ms" if result.time else "–"
        if column == 5:
            if result.error:
                return result.error  # why it was not sent, or got no response
            checks = result.assertions
            failed = sum(1 for c in checks if not c.passed)
            return f"{len(checks) - failed} passed, {failed} failed" if failed else \
                f"{len(checks)} passed" if checks else "–"
        return result.outcome

    def append(self, batch: list[RequestResult]) -> None:
        if batch:
            start = len(self.results)
            self.beginInsertRows(QModelIndex(), start, start + len(batch) - 1)
            self.results.extend(batch)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.results = []
        self.endResetModel()


def summary(results: list[RequestResult], total: int, running: bool, interrupted: bool,
            seconds: float) -> str:
    """"Done: 9 requests · 3 passed · 3 failed · 9 of 12 assertions passed · 0.4 s"."""
    counts = {k: sum(1 for r in results if r.outcome == k)
              for k in ("passed", "failed", "error", "interrupted")}
    parts = [f"{len(results)} of {total}" if running else
             f"{len(results)} request{'s' if len(results) != 1 else ''}",
             f"{counts['passed']} passed"]
    words = {"failed": "failed", "error": "errors", "interrupted": "interrupted"}
    parts += [f"{n} {words[k]}" for k, n in counts.items() if n and k != "passed"]
    assertions = sum(len(r.assertions) for r in results)
    failed = sum(1 for r in results for c in r.assertions if not c.passed)
    if assertions:
        parts.append(f"{assertions - failed} of {assertions} assertions passed")
    parts.append(f"{seconds:.1f} s")
    prefix = "Running: " if running else ("Stopped: " if interrupted else "Done: ")
    return prefix + " · ".join(parts)
