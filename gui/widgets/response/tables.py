"""Read-only tables and text of the response tabs: rows selected, copied as text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
)


def readonly_table(object_name: str, accessible: str, headers: list[str]) -> QTableWidget:
    return setup_table(QTableWidget(), object_name, accessible, headers)


def setup_table(table: QTableWidget, object_name: str, accessible: str,
                headers: list[str]) -> QTableWidget:
    table.setObjectName(object_name)
    table.setAccessibleName(accessible)
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    copy = QShortcut(QKeySequence.StandardKey.Copy, table)
    copy.setContext(Qt.ShortcutContext.WidgetShortcut)
    copy.activated.connect(lambda: copy_rows(table))
    return table


def copy_rows(table: QTableWidget) -> None:
    """Selected rows as text; two-column tables as `Name: value` header lines."""
    rows = sorted({i.row() for i in table.selectedIndexes()})
    lines = []
    for r in rows:
        cells = [table.item(r, c).text() if table.item(r, c) else ""
                 for c in range(table.columnCount())]
        lines.append(": ".join(cells) if table.columnCount() == 2 else "\t".join(cells))
    QGuiApplication.clipboard().setText("\n".join(lines))


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


def readonly_text(object_name: str, accessible: str) -> QPlainTextEdit:
    text = QPlainTextEdit(objectName=object_name, accessibleName=accessible)
    text.setReadOnly(True)
    text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return text
