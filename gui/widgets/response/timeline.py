"""The response's Timeline tab: every hop of the exchange (redirects, challenges and their
answers) as a table with a waterfall of its phases, and the selected hop as sent and
received. "Timeline", never "History": Sent requests is the list of past requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from .tables import setup_table
from .waterfall import ROLE, WaterfallDelegate, legend

if TYPE_CHECKING:
    from ...core.http.exchange import Exchange

HOP_COLUMNS = ["#", "Why sent", "Method", "URL", "Status", "Time", "Waterfall",
               "What happened next"]
WATERFALL = HOP_COLUMNS.index("Waterfall")


class _HopTable(QTableWidget):
    """The hops: the last column fills the width left, but is never narrower than its
    text (a horizontal scroll bar appears instead of clipping "What happened next")."""

    def __init__(self) -> None:
        super().__init__()
        setup_table(self, "hopTable", "Hops of the exchange", HOP_COLUMNS)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self._fitting = False

    def fit_last_column(self) -> None:
        last = self.columnCount() - 1
        others = sum(self.columnWidth(c) for c in range(last))
        room = self.viewport().width() - others
        self._fitting = True
        try:
            needed = max(self.sizeHintForColumn(last),
                         self.horizontalHeader().sectionSizeHint(last))
            self.setColumnWidth(last, max(needed, room))
        finally:
            self._fitting = False

    def _section_resized(self, index: int, _old: int, _new: int) -> None:
        if not self._fitting and index != self.columnCount() - 1:
            self.fit_last_column()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_last_column()


class Timeline(QWidget):
    """The hop table over the selected hop's detail, under a row of the waterfall's key
    and the exports of the exchange (their buttons: the response view wires them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        tools = QHBoxLayout()
        key = QLabel(legend(), objectName="waterfallLegend")
        tools.addWidget(key, 1)
        self.curl_button = QPushButton("Copy as curl", objectName="copyCurlButton",
                                       accessibleName="Copy the final request as curl")
        tools.addWidget(self.curl_button)
        self.python_button = QPushButton("Copy as Python (httpx)", objectName="copyPythonButton",
                                         accessibleName="Copy the request as a Python httpx "
                                         "script")
        tools.addWidget(self.python_button)
        self.har_button = QPushButton("Save as HAR…", objectName="saveHarButton",
                                      accessibleName="Save the exchange as a HAR file")
        tools.addWidget(self.har_button)
        layout.addLayout(tools)
        split = QSplitter(Qt.Orientation.Vertical, objectName="historySplitter")
        self.hops = _HopTable()
        self.hops.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hops.setItemDelegateForColumn(WATERFALL, WaterfallDelegate(self.hops))
        self.hops.setColumnWidth(WATERFALL, 130)
        # A long URL gives up its middle, so "What happened next" stays in view.
        self.hops.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.hops.itemSelectionChanged.connect(self._show_hop)

        self.hop_detail = deferred.hop_detail.HopDetail()
        split.addWidget(self.hops)
        split.addWidget(self.hop_detail)
        split.setSizes([140, 220])
        layout.addWidget(split)
        self._exchange: Exchange | None = None

    def clear(self, why: str) -> None:
        self._exchange = None
        self.curl_button.setEnabled(False)
        self.har_button.setEnabled(False)
        self.hops.setRowCount(0)
        self.hop_detail.clear()
        self.hop_detail.setPlaceholderText(why)

    def show_exchange(self, exchange: Exchange) -> None:
        self._exchange = exchange
        self.curl_button.setEnabled(bool(exchange.hops))
        self.har_button.setEnabled(bool(exchange.hops))
        # The time axis runs from the first hop's start, not the exchange's: before it
        # the engine only set itself up (a cold engine loads its trust store first).
        origin = exchange.hops[0].timings.start if exchange.hops else 0.0
        total = max((h.timings.start + h.timings.total - origin for h in exchange.hops),
                    default=0.0)
        self.hops.setRowCount(len(exchange.hops))
        for r, hop in enumerate(exchange.hops):
            status = (f"{hop.response.status} {hop.response.reason}" if hop.response
                      else "no response")
            url = hop.request.url + (f"  (via {hop.proxy})" if hop.proxy else "")
            cells = [str(r + 1), hop.kind.value, hop.request.method, url, status,
                     deferred.present.human_time(hop.timings.total), "", hop.next_reason or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.hops.setItem(r, c, item)
            t = hop.timings
            phases = [(name, value) for name, value in (
                ("dns", t.dns), ("connect", t.connect), ("tls", t.tls), ("send", t.send),
                ("wait", t.wait), ("receive", t.receive)) if value]
            self.hops.item(r, WATERFALL).setData(ROLE, (t.start - origin, phases, total))
            # The proxy's own time (a SOCKS5 handshake) is in the tooltip, not the bars.
            human_time = deferred.present.human_time
            self.hops.item(r, WATERFALL).setToolTip(", ".join(
                f"{n} {human_time(v)}" for n, v in [*phases, ("proxy", t.proxy)] if v))
        for c in (0, 1, 2, 4, 5):
            self.hops.resizeColumnToContents(c)
        self.hops.setColumnWidth(3, min(max(self.hops.sizeHintForColumn(3), 160), 220))
        self.hops.fit_last_column()
        if exchange.hops:
            self.hops.selectRow(len(exchange.hops) - 1)
            # When that row was already selected (the previous exchange's last hop had
            # the same number), no selection signal comes: show the hop regardless.
            self._show_hop()
        else:
            self.hop_detail.setPlainText("Nothing was sent.")

    def _show_hop(self) -> None:
        rows = self.hops.selectionModel().selectedRows()
        if self._exchange is None or not rows or rows[0].row() >= len(self._exchange.hops):
            return
        hop = self._exchange.hops[rows[0].row()]
        lead = ""
        if hop.proxy:
            handshake = (f" (its handshake took {deferred.present.human_time(hop.timings.proxy)})"
                         if hop.timings.proxy else "")
            lead = f"Sent through the proxy {hop.proxy}{handshake}"
        self.hop_detail.show_hop(self._exchange, rows[0].row(), lead)
