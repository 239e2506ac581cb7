"""Under the Headers tab's table: the headers Gatepost adds by itself (gui/core/
addedheaders.py), greyed and read-only, each with where it comes from — so the person
sees what will go over the wire before sending. Each row's Send box switches it off
(the request's `omit_headers`) where HTTP does not need it, and Override types a header
of that name above, which the request build sends instead. Worked out in a worker (it
builds the request with httpx), a moment after the last edit, and only while the tab is
shown."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from ...core.variables import resolve_spec
from .. import theme
from ..owned_tasks import OwnedTasks

if TYPE_CHECKING:
    from ...core.addedheaders import AddedHeader
    from ...core.model import RequestSpec

#: Edits come in bursts (typing): the list is worked out once they pause.
DELAY_MS = 300
COLUMNS = ["Name", "Value", "Added because", "Send", ""]
SEND, OVERRIDE = 3, 4
#: Where an override cannot help: the Auth tab's scheme and the jar set these when sent.
NO_OVERRIDE = ("authorization", "cookie")


class AddedHeaders(QWidget):
    #: A header's Send box: (lower-case name, sent).
    send_toggled = Signal(str, bool)
    #: Override: (name, the value it has now, or "" when that is not a real value).
    override_requested = Signal(str, str)

    def __init__(self, spec: Callable[[], RequestSpec],
                 scope: Callable[[], dict[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="addedHeaders")
        self.setAccessibleName("Headers Gatepost adds")
        self._spec, self._scope = spec, scope
        # A newer edit supersedes the answer in flight; none reaches a deleted widget.
        self._tasks = OwnedTasks(self)
        self.headers: list[AddedHeader] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        self.title = QLabel("Added by Gatepost", objectName="addedHeadersTitle")
        self.title.setProperty("tone", "heading")
        layout.addWidget(self.title)
        note = QLabel("Sent as well unless a header of the same name is typed above, which "
                      "replaces it (Override types one), or its Send box is cleared.",
                      objectName="addedHeadersNote", wordWrap=True)
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
        for column in (SEND, OVERRIDE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        rows = self.table.verticalHeader()
        # Room for a row's Send box and Override button, still compact.
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
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
        spec = copy.deepcopy(self._spec())
        scope = dict(self._scope()) if self._scope is not None else {}

        def work(_task: Any) -> list[AddedHeader]:
            try:
                resolved = resolve_spec(spec, scope)
            except Exception:  # noqa: BLE001 - unknown variables: shown as typed
                resolved = spec
            return deferred.addedheaders.added_headers(resolved)

        self._tasks.run(work, self._show, lambda _exc: None, key="headers")

    def _show(self, headers: list[AddedHeader]) -> None:
        self.headers = headers
        muted = QBrush(QColor(theme.colours().muted))
        self.table.setRowCount(len(headers))
        for r, h in enumerate(headers):
            source = "switched off: not sent" if h.omitted else h.source
            for c, text in enumerate((h.name, h.value, source)):
                item = QTableWidgetItem(text)
                item.setForeground(muted)
                item.setToolTip(f"{text}\n\n{h.fixed}" if h.fixed else text)
                if h.omitted:
                    font = item.font()
                    font.setStrikeOut(c < 2)
                    item.setFont(font)
                self.table.setItem(r, c, item)
            send, override = self._actions(h)
            self.table.setCellWidget(r, SEND, send)
            self.table.setCellWidget(r, OVERRIDE, override)
        off = sum(h.omitted for h in headers)
        self.title.setText(f"Added by Gatepost ({len(headers) - off}"
                           + (f", {off} switched off)" if off else ")"))

    def _actions(self, h: AddedHeader) -> tuple[QWidget, QWidget]:
        """The row's Send box (none where HTTP or another tab decides) and Override, each
        centred in its cell."""
        key = h.name.lower()
        cells = []
        for name in ("addedHeaderSendCell", "addedHeaderOverrideCell"):
            cell = QWidget(objectName=name)
            row = QHBoxLayout(cell)
            row.setContentsMargins(6, 0, 6, 0)
            row.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cells.append(cell)
        if not h.fixed:
            send = QCheckBox(objectName="addedHeaderSend", accessibleName=f"Send {h.name}",
                             checked=not h.omitted)
            send.setToolTip(f"Clear to send the request without {h.name} (saved with it)")
            send.toggled.connect(lambda on, k=key: self.send_toggled.emit(k, on))
            cells[0].layout().addWidget(send)
        else:
            cells[0].setToolTip(h.fixed)
        if key not in NO_OVERRIDE:
            value = "" if h.value.startswith("(") else h.value
            override = QToolButton(objectName="addedHeaderOverride", text="Override",
                                   accessibleName=f"Override {h.name}", autoRaise=True)
            override.setToolTip(f"Type your own {h.name} in the table above: a typed header "
                                "is sent instead of the one Gatepost adds")
            override.clicked.connect(
                lambda _=False, n=h.name, v=value: self.override_requested.emit(n, v))
            cells[1].layout().addWidget(override)
        return cells[0], cells[1]
