"""The response area: a status line and the Body, Headers, Cookies, History and TLS tabs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .body_view import BodyView
from .waterfall import ROLE, WaterfallDelegate, legend

if TYPE_CHECKING:
    from ...core.http.exchange import Exchange
    from ...core.model import RequestSpec
    from ...core.present import Presentation

HOP_COLUMNS = ["#", "Why sent", "Method", "URL", "Status", "Time", "Waterfall",
               "What happened next"]
WATERFALL = HOP_COLUMNS.index("Waterfall")
COOKIE_COLUMNS = ["Name", "Value", "Domain", "Path", "Expires", "Secure", "HttpOnly",
                  "SameSite", "Hop", "Jar"]
#: What the Jar column says of a cookie a hop sent or was given (exchange.HopCookie).
JAR_WORDS = {"jar": "from jar", "set": "set", "deleted": "deleted", "rejected": "refused"}


def _table(object_name: str, accessible: str, headers: list[str]) -> QTableWidget:
    return _setup(QTableWidget(), object_name, accessible, headers)


def _setup(table: QTableWidget, object_name: str, accessible: str,
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
    copy.activated.connect(lambda: _copy_rows(table))
    return table


def _copy_rows(table: QTableWidget) -> None:
    """Selected rows as text; two-column tables as `Name: value` header lines."""
    rows = sorted({i.row() for i in table.selectedIndexes()})
    lines = []
    for r in rows:
        cells = [table.item(r, c).text() if table.item(r, c) else ""
                 for c in range(table.columnCount())]
        lines.append(": ".join(cells) if table.columnCount() == 2 else "\t".join(cells))
    QGuiApplication.clipboard().setText("\n".join(lines))


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)


def _readonly_text(object_name: str, accessible: str) -> QPlainTextEdit:
    text = QPlainTextEdit(objectName=object_name, accessibleName=accessible)
    text.setReadOnly(True)
    text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return text


class _HopTable(QTableWidget):
    """The hops: the last column fills the width left, but is never narrower than its
    text (a horizontal scroll bar appears instead of clipping "What happened next")."""

    def __init__(self) -> None:
        super().__init__()
        _setup(self, "hopTable", "Hops of the exchange", HOP_COLUMNS)
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


class ResponseView(QWidget):
    #: Save as HAR… and Copy as Python (httpx): the tab knows the secrets and the request.
    har_requested = Signal()
    python_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 6, 0, 4)
        status_row.setSpacing(12)
        self._status_row = status_row
        self.status = QLabel("Send a request to see its response here.",
                             objectName="statusLabel", accessibleName="Response status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(objectName="downloadProgress",
                                     accessibleName="Download progress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.meta = QLabel("", objectName="metaLabel", accessibleName="Time and size")
        self.meta.setProperty("tone", "muted")
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.meta)
        status_row.addStretch(0)
        status_row.addWidget(self.progress)
        # After a send by hand: how many of the Tests tab's checks passed, a link there.
        self.checks_label = QLabel("", objectName="checksLabel",
                                   accessibleName="Tests passed and failed")
        self.checks_label.setTextFormat(Qt.TextFormat.RichText)
        self.checks_label.hide()
        status_row.addWidget(self.checks_label)
        layout.addLayout(status_row)
        #: While a request is in flight: the seconds since it was sent, ten times a second.
        self._elapsed: QTimer | None = None
        self._shown_status: tuple[str, int | None, str] | None = None
        from .. import theme

        # A switch between light and dark recolours the status it shows.
        theme.notifier().changed.connect(self._recolour)
        self._sent_at = 0.0
        self._progress_text = ""

        self.tabs = QTabWidget(objectName="responseTabs", accessibleName="Response")
        layout.addWidget(self.tabs, 1)

        self.body_view = BodyView()
        self.body = self.body_view.text  # the body's text widget, for tests and tools
        self.pretty_button = self.body_view._buttons["pretty"]
        self.raw_button = self.body_view._buttons["raw"]
        self.tabs.addTab(self.body_view, "Body")

        headers_page = QSplitter(Qt.Orientation.Vertical, objectName="headersSplitter")
        self.headers = _table("responseHeaders", "Response headers", ["Name", "Value"])
        self.headers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.request_headers = _table("requestHeadersSent", "Request headers as sent",
                                      ["Name", "Value"])
        self.request_headers.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        for title, table in (("Response headers", self.headers),
                             ("Request headers, as sent (final hop)", self.request_headers)):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 4, 0, 0)
            box_layout.addWidget(QLabel(f"<b>{title}</b>"))
            box_layout.addWidget(table)
            headers_page.addWidget(box)
        self.tabs.addTab(headers_page, "Headers")

        self.cookies = _table("cookiesTable", "Cookies sent from the jar and set by the "
                              "response", COOKIE_COLUMNS)
        self.cookies.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.cookies, "Cookies")

        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 4, 0, 0)
        tools = QHBoxLayout()
        key = QLabel(legend(), objectName="waterfallLegend")
        tools.addWidget(key, 1)
        self.curl_button = QPushButton("Copy as curl", objectName="copyCurlButton",
                                       accessibleName="Copy the final request as curl")
        self.curl_button.clicked.connect(self.copy_curl)
        tools.addWidget(self.curl_button)
        self.python_button = QPushButton("Copy as Python (httpx)", objectName="copyPythonButton",
                                         accessibleName="Copy the request as a Python httpx "
                                         "script")
        self.python_button.clicked.connect(self.python_requested)
        tools.addWidget(self.python_button)
        self.har_button = QPushButton("Save as HAR…", objectName="saveHarButton",
                                      accessibleName="Save the exchange as a HAR file")
        self.har_button.clicked.connect(self.har_requested)
        tools.addWidget(self.har_button)
        history_layout.addLayout(tools)
        split = QSplitter(Qt.Orientation.Vertical, objectName="historySplitter")
        self.hops = _HopTable()
        self.hops.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hops.setItemDelegateForColumn(WATERFALL, WaterfallDelegate(self.hops))
        self.hops.setColumnWidth(WATERFALL, 130)
        # A long URL gives up its middle, so "What happened next" stays in view.
        self.hops.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.hops.itemSelectionChanged.connect(self._show_hop)
        self.hop_detail = _readonly_text("hopDetail", "The selected hop as sent and received")
        # The head of a request or response reads best wrapped (an Authorization header
        # with a nonce is one long line).
        self.hop_detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        split.addWidget(self.hops)
        split.addWidget(self.hop_detail)
        split.setSizes([140, 220])
        history_layout.addWidget(split)
        # "Timeline", never "History": Sent requests is the list of past requests.
        self.tabs.addTab(history, "Timeline")
        self.tabs.setTabToolTip(3, "Every request of the exchange: redirects, challenges "
                                "and their answers, with timings")

        self.tls = _readonly_text("tlsDetail", "TLS of the final connection")
        self.tabs.addTab(self.tls, "TLS")
        self._exchange: Exchange | None = None
        self._spec: RequestSpec | None = None
        self._streaming = False
        self._events = 0

    # -- states --------------------------------------------------------------------------

    def show_sending(self, method: str, url: str) -> None:
        import time

        self._streaming = False
        self._set_status(f"Sending {method} {url} …", None)
        self._progress_text = ""
        self._sent_at = time.monotonic()
        if self._elapsed is None:
            self._elapsed = QTimer(self, interval=100)
            self._elapsed.timeout.connect(self._tick)
        self._elapsed.start()
        self._tick()
        # Nothing of the previous exchange stays on show: it would pass for this one's.
        self._clear("Waiting for the response…")

    def _clear(self, why: str) -> None:
        """Every tab empty, saying `why` where a response would be."""
        self._exchange = self._spec = None
        self.checks_label.hide()
        self.curl_button.setEnabled(False)
        self.har_button.setEnabled(False)
        self.body_view.clear(why)
        for table in (self.headers, self.request_headers, self.cookies, self.hops):
            table.setRowCount(0)
        self.tabs.setTabText(2, "Cookies")
        self.hop_detail.clear()
        self.hop_detail.setPlaceholderText(why)
        self.tls.clear()
        self.tls.setPlaceholderText(why)

    def _tick(self) -> None:
        import time

        seconds = time.monotonic() - self._sent_at
        parts = [f"{seconds:.1f} s", self._progress_text]
        self.meta.setText("  ·  ".join(p for p in parts if p))

    def _stop_clock(self) -> None:
        if self._elapsed is not None:
            self._elapsed.stop()

    def show_progress(self, received: int, total: int | None, rate: float) -> None:
        from ...core.present import human_size

        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, received * 1000 // total))
        else:
            self.progress.setRange(0, 0)  # busy: the size is not known
        of = f" of {human_size(total)}" if total else ""
        self._progress_text = f"{human_size(received)}{of}  ·  {human_size(int(rate))}/s"
        if self._elapsed is not None and self._elapsed.isActive():
            self._tick()
        else:
            self.meta.setText(self._progress_text)

    def show_events(self, chunk: bytes) -> None:
        """A streaming response: append what arrived, as it arrives."""
        if not self._streaming:
            self._streaming = True
            self._events = 0
            self.body_view.start_live()
            self.tabs.setCurrentWidget(self.body_view)
        text = chunk.decode("utf-8", errors="replace")
        self._events += text.count("\n\n") or text.count("\n")
        self.body_view.append_live(text)
        self._set_status(f"Streaming… {self._events} events so far (Stop keeps them)", None)

    def show_cancelled(self) -> None:
        self._stop_clock()
        self.progress.hide()
        self._set_status("Cancelled.", None)
        self.meta.setText("")
        self._clear("Cancelled: no response to show.")

    def show_exchange(self, exchange: Exchange, presentation: Presentation | None,
                      spec: RequestSpec | None = None) -> None:
        from ...core.present import human_size, human_time

        self._stop_clock()
        self._exchange, self._spec = exchange, spec
        self.curl_button.setEnabled(bool(exchange.hops))
        self.har_button.setEnabled(bool(exchange.hops))
        self._streaming = False
        self.progress.hide()
        final = exchange.response
        if exchange.error is not None:
            self._set_status(f"Error: {exchange.error.message}", None, "error")
        elif final is not None:
            self._set_status(f"{final.status} {final.reason}", final.status)
        hops = len(exchange.hops)
        size = human_size(final.body_size) if final is not None else "–"
        self.meta.setText(f"{human_time(exchange.total)}  ·  {size}  ·  "
                          f"{hops} hop{'s' if hops != 1 else ''}")
        if final is None:
            self.body_view.clear("No response: the error above says why.")
        else:
            self.body_view.show_body(final, presentation)
        _fill(self.headers, [list(h) for h in final.headers] if final is not None else [])
        self.headers.resizeColumnToContents(0)
        sent = exchange.hops[-1].request.headers if exchange.hops else []
        _fill(self.request_headers, [list(h) for h in sent])
        self.request_headers.resizeColumnToContents(0)
        self._fill_cookies(exchange)
        self._fill_hops(exchange)
        self._fill_tls(exchange)

    def show_checks(self, passed: int, failed: int) -> None:
        """The Tests tab's results in a few words (nothing when there were none)."""
        from ..request.check_results import fail_colour, pass_colour

        if not passed and not failed:
            self.checks_label.hide()
            return
        colour = fail_colour() if failed else pass_colour()
        words = f"{failed} of {passed + failed} tests failed" if failed else \
            f"{passed} test{'s' if passed != 1 else ''} passed"
        self.checks_label.setText(f'<a href="tests" style="color: {colour}; '
                                  f'font-weight: 600;">{"✗" if failed else "✓"} {words}</a>')
        self.checks_label.setToolTip("Show the results in the Tests tab")
        self.checks_label.show()

    def _recolour(self) -> None:
        if self._shown_status is not None:
            self._set_status(*self._shown_status)

    def _set_status(self, text: str, status: int | None, tone: str = "muted") -> None:
        """A status code as a pill coloured by its class; anything else as a line of
        text (an error in the error colour) that may wrap."""
        from .. import theme

        self.status.setText(text)
        self._shown_status = (text, status, tone)
        pill = status is not None
        self.status.setWordWrap(not pill)
        self._status_row.setStretchFactor(self.status, 0 if pill else 1)
        self._status_row.setStretch(2, 1 if pill else 0)
        if pill:
            self.status.setStyleSheet(
                f"background: {theme.status_colour(status)}; color: #ffffff; "
                "border-radius: 10px; padding: 2px 10px; font-weight: 700;")
        else:
            colour = theme.colours().error if tone == "error" else theme.colours().muted
            self.status.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def _fill_cookies(self, exchange: Exchange) -> None:
        from ...core.http.cookies import cookies_set

        rows = [[c.name, c.value, c.domain, c.path, c.expires, "yes" if c.secure else "",
                 "yes" if c.http_only else "", c.same_site, str(number),
                 JAR_WORDS.get(c.source, c.source) + (f": {c.note}" if c.note else "")]
                for number, hop in enumerate(exchange.hops, 1) for c in hop.cookies]
        if not any(hop.cookies for hop in exchange.hops):
            # An exchange recorded without the jar's notes: the Set-Cookie headers.
            rows = [[c.name, c.value, c.domain, c.path, c.expires or (
                f"max-age {c.max_age}" if c.max_age else "session"),
                "yes" if c.secure else "", "yes" if c.http_only else "", c.same_site,
                str(c.hop), ""] for c in cookies_set(exchange)]
        _fill(self.cookies, rows)
        self.cookies.resizeColumnsToContents()
        count = self.cookies.rowCount()
        self.tabs.setTabText(2, f"Cookies ({count})" if count else "Cookies")

    def _fill_tls(self, exchange: Exchange) -> None:
        from ...core.present import client_cert_text, tls_text

        final = next((h for h in reversed(exchange.hops) if h.response is not None), None)
        if final is None or final.tls is None:
            self.tls.setPlainText("The final response did not come over TLS.")
            return
        version = final.response.http_version if final.response else ""
        lines = [f"Negotiated {version} over " + "\n".join(tls_text(final.tls))]
        if final.client_certificate is not None:
            lines += ["", *client_cert_text(final.client_certificate)]
        self.tls.setPlainText("\n".join(lines))

    def _fill_hops(self, exchange: Exchange) -> None:
        from ...core.present import human_time

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
                     human_time(hop.timings.total), "", hop.next_reason or ""]
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
        from ...core.present import hop_text

        hop = self._exchange.hops[rows[0].row()]
        text = hop_text(hop)
        if hop.proxy:
            from ...core.present import human_time

            handshake = (f" (its handshake took {human_time(hop.timings.proxy)})"
                         if hop.timings.proxy else "")
            text = f"Sent through the proxy {hop.proxy}{handshake}\n\n{text}"
        self.hop_detail.setPlainText(text)

    def curl(self) -> str:
        from ...core.http.curl import to_curl

        if self._exchange is None or not self._exchange.hops:
            return ""
        return to_curl(self._exchange, self._spec)

    def copy_curl(self) -> None:
        QGuiApplication.clipboard().setText(self.curl())
