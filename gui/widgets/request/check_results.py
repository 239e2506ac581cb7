"""The results of checks as a read-only table (✓/✗, what, expected, actual), shared by the
Tests tab, the response's Tests and the runner; the pass and fail colours they are drawn in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ... import deferred

if TYPE_CHECKING:
    from ...core.runner.assertions import CheckResult


def _dark() -> bool:
    return QGuiApplication.palette().base().color().lightness() < 128


def pass_colour() -> str:
    return "#57c46b" if _dark() else "#1a7f37"


def fail_colour() -> str:
    return "#f47067" if _dark() else "#c42b1c"



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
    secrets = tuple(s for s in secrets if s)
    if not secrets:
        return results
    for r in results:
        mask = deferred.masking.mask_text
        r.label, r.expected = mask(r.label, secrets), mask(r.expected, secrets)
        r.actual, r.message = mask(r.actual, secrets), mask(r.message, secrets)
    return results
