"""The window's run variables: values that requests sent by hand captured, seen by the
next requests above every other scope (as in a run), and the panel that lists them with
where each came from.

A secret capture's value is passed to every later send as a value to mask and is shown
as **** here and everywhere; none of this is ever written to a file (the values live in
this object, for the session).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import deferred

if TYPE_CHECKING:
    from ..core.runner.captures import Captured, RunVariables

MASK = "****"


@dataclass
class Source:
    """Which request set a value, and when (for the panel)."""

    request: str
    file: str
    at: float


class WindowRunVariables(QObject):
    """The window's RunVariables (gui/core/runner/captures.py) and where each value came
    from. Emits `changed` after an update or a clear."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._core: RunVariables | None = None
        self._sources: dict[str, Source] = {}

    @property
    def core(self) -> RunVariables:
        if self._core is None:
            self._core = deferred.captures.RunVariables()
        return self._core

    def update(self, captured: Captured, request: str, file: str) -> None:
        if not captured.values and not captured.failed:
            return
        self.core.update(captured, file)
        now = time.time()
        for name in captured.values:
            self._sources[name] = Source(request, file, now)
        self.changed.emit()

    def overrides(self) -> tuple[dict[str, str], tuple[str, ...]]:
        """(values, secret values) for Workspace.plan."""
        if self._core is None:
            return {}, ()
        return self._core.values(), self._core.secrets()

    def shown(self) -> dict[str, str]:
        """Name -> value as the window may show it: secret ones masked."""
        if self._core is None:
            return {}
        return {name: MASK if self._is_secret(name) else value
                for name, value in self._core.values().items()}

    def _is_secret(self, name: str) -> bool:
        origin = self.core.origin(name)
        return origin is not None and origin.secret

    def explain(self, message: str) -> str:
        return self._core.explain(message) if self._core is not None else message

    def rows(self) -> list[tuple[str, str, bool, Source | None]]:
        """(name, shown value, secret, source) of every value, in the order set."""
        if self._core is None:
            return []
        shown = self.shown()
        return [(name, shown[name], self._is_secret(name), self._sources.get(name))
                for name in self._core.names()]

    def failed(self) -> dict[str, str]:
        return dict(self._core.failed) if self._core is not None else {}

    def clear(self) -> None:
        if self._core is not None:
            self._core.clear()
        self._sources.clear()
        self.changed.emit()


class RunVariablesPanel(QWidget):
    """Name, value (secret ones masked), the request that captured it and when; Clear."""

    def __init__(self, variables: WindowRunVariables, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runVariablesPanel")
        self.setAccessibleName("Run variables")
        self._variables = variables
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel("<b>Run variables</b> — captured by requests sent by hand; they "
                       "override every other scope until cleared (kept for this session "
                       "only)", objectName="runVariablesTitle")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        self.clear_button = QPushButton("Clear", objectName="clearRunVariables",
                                        accessibleName="Clear the run variables")
        self.clear_button.clicked.connect(variables.clear)
        top.addWidget(self.clear_button)
        layout.addLayout(top)
        self.table = QTableWidget(0, 4, objectName="runVariablesTable",
                                  accessibleName="Run variables and where they came from")
        self.table.setHorizontalHeaderLabels(["Name", "Value", "Captured by", "At"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.note = QLabel("", objectName="runVariablesNote")
        self.note.setProperty("tone", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        variables.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        rows = self._variables.rows()
        self.table.setRowCount(len(rows))
        for r, (name, value, secret, source) in enumerate(rows):
            when = time.strftime("%H:%M:%S", time.localtime(source.at)) if source else ""
            cells = [name, value, source.request if source else "", when]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 1 and secret:
                    item.setToolTip("A secret capture: masked everywhere, never written")
                elif c == 2 and source is not None:
                    item.setToolTip(source.file)
                self.table.setItem(r, c, item)
        failed = self._variables.failed()
        self.note.setText("\n".join(failed.values()) if failed else
                          "" if rows else "None yet: a request with captures (its Tests "
                          "tab) sets them when it is sent.")
        self.clear_button.setEnabled(bool(rows or failed))

    def names(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def values(self) -> list[str]:
        return [self.table.item(r, 1).text() for r in range(self.table.rowCount())]

