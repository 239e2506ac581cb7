"""Under the Headers tab's table: the headers Gatepost adds by itself (gui/core/
addedheaders.py), greyed and read-only, each with where it comes from — so the person
sees what will go over the wire before sending. Worked out in a worker (it builds the
request with httpx), a moment after the last edit, and only while the tab is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ...core.addedheaders import AddedHeader
    from ...core.model import RequestSpec

#: Edits come in bursts (typing): the list is worked out once they pause.
DELAY_MS = 300
COLUMNS = ["Name", "Value", "Added because"]


class AddedHeaders(QWidget):
    def __init__(self, spec: Callable[[], RequestSpec],
                 scope: Callable[[], dict[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="addedHeaders")
        self.setAccessibleName("Headers Gatepost adds")
        self._spec, self._scope = spec, scope
        self._task: Any = None
        self.headers: list[AddedHeader] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        self.title = QLabel("Added by Gatepost", objectName="addedHeadersTitle")
        self.title.setProperty("tone", "heading")
        layout.addWidget(self.title)
        note = QLabel("Sent as well unless a header of the same name is typed above, which "
                      "replaces it.", objectName="addedHeadersNote", wordWrap=True)
        note.setProperty("tone", "muted")
        layout.addWidget(note)
        self.table = QTableWidget(0, len(COLUMNS), objectName="addedHeadersTable")
        self.table.setAccessibleName("Headers Gatepost adds, read-only")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self.refresh)

    def schedule(self) -> None:
        """An edit: work the list out again soon, if it is on screen."""
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:
        self._timer.start(0)
        super().showEvent(event)

    def refresh(self) -> None:
        """Work the list out in a worker from the request as it is now."""
        import copy

        from ... import tasks

        spec = copy.deepcopy(self._spec())
        scope = dict(self._scope()) if self._scope is not None else {}
        if self._task is not None:
            self._task.cancel()

        def work(_task: Any) -> list[AddedHeader]:
            from ...core.addedheaders import added_headers
            from ...core.variables import resolve_spec

            try:
                resolved = resolve_spec(spec, scope)
            except Exception:  # noqa: BLE001 - unknown variables: shown as typed
                resolved = spec
            return added_headers(resolved)

        self._task = tasks.run(work, self._show, lambda _exc: None)

    def _show(self, headers: list[AddedHeader]) -> None:
        from PySide6.QtGui import QBrush, QColor

        from .. import theme

        self._task = None
        self.headers = headers
        muted = QBrush(QColor(theme.colours().muted))
        self.table.setRowCount(len(headers))
        for r, h in enumerate(headers):
            for c, text in enumerate((h.name, h.value, h.source)):
                item = QTableWidgetItem(text)
                item.setForeground(muted)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.title.setText(f"Added by Gatepost ({len(headers)})")
