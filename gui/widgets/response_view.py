"""The response area: a status line and the Body, Headers and History tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ..core.exchange import Exchange

STATUS_COLOURS = {1: "#5a6270", 2: "#1e7d32", 3: "#1f5fbf", 4: "#b35c00", 5: "#c62828"}
ERROR_COLOUR = "#c62828"
HOP_COLUMNS = ["#", "Why sent", "Method", "URL", "Status", "Time", "What happened next"]


def _table(object_name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=object_name, accessibleName=accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    return table


def _readonly_text(object_name: str, accessible: str) -> QPlainTextEdit:
    text = QPlainTextEdit(objectName=object_name, accessibleName=accessible)
    text.setReadOnly(True)
    text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return text


class ResponseView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseView")
        self._pretty_text = ""
        self._raw_text = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        status_row = QHBoxLayout()
        self.status = QLabel("Send a request to see its response here.",
                             objectName="statusLabel", accessibleName="Response status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)
        self.meta = QLabel("", objectName="metaLabel", accessibleName="Time and size")
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.meta)
        layout.addLayout(status_row)

        self.tabs = QTabWidget(objectName="responseTabs", accessibleName="Response")
        layout.addWidget(self.tabs, 1)

        body_page = QWidget()
        body_layout = QVBoxLayout(body_page)
        body_layout.setContentsMargins(0, 4, 0, 0)
        modes = QHBoxLayout()
        self.pretty_button = QToolButton(objectName="prettyButton", text="Pretty",
                                         accessibleName="Pretty body", checkable=True)
        self.raw_button = QToolButton(objectName="rawButton", text="Raw",
                                      accessibleName="Raw body", checkable=True)
        self.pretty_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pretty_button)
        group.addButton(self.raw_button)
        group.buttonToggled.connect(self._show_body)
        modes.addWidget(self.pretty_button)
        modes.addWidget(self.raw_button)
        modes.addStretch(1)
        body_layout.addLayout(modes)
        self.body = _readonly_text("responseBody", "Response body")
        body_layout.addWidget(self.body)
        self.tabs.addTab(body_page, "Body")

        self.headers = _table("responseHeaders", "Response headers", ["Name", "Value"])
        self.headers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.headers, "Headers")

        history = QSplitter(Qt.Orientation.Vertical, objectName="historySplitter")
        self.hops = _table("hopTable", "Hops of the exchange", HOP_COLUMNS)
        self.hops.horizontalHeader().setStretchLastSection(True)
        self.hops.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hops.itemSelectionChanged.connect(self._show_hop)
        self.hop_detail = _readonly_text("hopDetail", "The selected hop as sent and received")
        history.addWidget(self.hops)
        history.addWidget(self.hop_detail)
        history.setSizes([140, 220])
        self.tabs.addTab(history, "History")
        self._exchange: Exchange | None = None

    # -- states --------------------------------------------------------------------------

    def show_sending(self, method: str, url: str) -> None:
        self._set_status(f"Sending {method} {url} …", "#5a6270")
        self.meta.setText("")

    def show_progress(self, received: int, total: int | None, rate: float) -> None:
        from ..core.present import human_size

        of = f" of {human_size(total)}" if total else ""
        self.meta.setText(f"{human_size(received)}{of}  ·  {human_size(int(rate))}/s")

    def show_cancelled(self) -> None:
        self._set_status("Cancelled.", "#5a6270")

    def show_exchange(self, exchange: Exchange, pretty: str) -> None:
        from ..core.present import human_size, human_time

        self._exchange = exchange
        final = exchange.response
        if exchange.error is not None:
            self._set_status(f"Error: {exchange.error.message}", ERROR_COLOUR)
        elif final is not None:
            colour = STATUS_COLOURS.get(final.status // 100, "#5a6270")
            self._set_status(f"{final.status} {final.reason}", colour)
        hops = len(exchange.hops)
        size = human_size(final.body_size) if final is not None else "–"
        self.meta.setText(f"{human_time(exchange.total)}  ·  {size}  ·  "
                          f"{hops} hop{'s' if hops != 1 else ''}")
        self._raw_text = final.text() if final is not None else ""
        self._pretty_text = pretty
        self._show_body()
        self._fill_headers(final.headers if final is not None else [])
        self._fill_hops(exchange)

    def _set_status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _show_body(self) -> None:
        self.body.setPlainText(self._pretty_text if self.pretty_button.isChecked()
                               else self._raw_text)
        final = self._exchange.response if self._exchange else None
        self.body.setPlaceholderText("The response has no body." if final is not None else "")

    def _fill_headers(self, headers: list[tuple[str, str]]) -> None:
        self.headers.setRowCount(len(headers))
        for r, (name, value) in enumerate(headers):
            self.headers.setItem(r, 0, QTableWidgetItem(name))
            self.headers.setItem(r, 1, QTableWidgetItem(value))
        self.headers.resizeColumnToContents(0)

    def _fill_hops(self, exchange: Exchange) -> None:
        from ..core.present import human_time

        self.hops.setRowCount(len(exchange.hops))
        for r, hop in enumerate(exchange.hops):
            status = (f"{hop.response.status} {hop.response.reason}" if hop.response
                      else "no response")
            cells = [str(r + 1), hop.kind.value, hop.request.method, hop.request.url, status,
                     human_time(hop.timings.total), hop.next_reason or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.hops.setItem(r, c, item)
        for c in (0, 1, 2, 4, 5):
            self.hops.resizeColumnToContents(c)
        self.hops.setColumnWidth(3, min(max(self.hops.sizeHintForColumn(3), 200), 480))
        if exchange.hops:
            self.hops.selectRow(len(exchange.hops) - 1)
        else:
            self.hop_detail.setPlainText("Nothing was sent.")

    def _show_hop(self) -> None:
        rows = self.hops.selectionModel().selectedRows()
        if self._exchange is None or not rows:
            return
        from ..core.present import hop_text

        self.hop_detail.setPlainText(hop_text(self._exchange.hops[rows[0].row()]))
