"""The response area: a status line and the Body, Headers, Cookies, History and TLS tabs."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from .. import theme
from ..request.check_results import fail_colour, pass_colour
from .body_view import BodyView
from .tables import fill_table, readonly_table, readonly_text
from .timeline import Timeline

if TYPE_CHECKING:
    from ...core.http.exchange import Exchange
    from ...core.model import RequestSpec
    from ...core.present import Presentation

COOKIE_COLUMNS = ["Name", "Value", "Domain", "Path", "Expires", "Secure", "HttpOnly",
                  "SameSite", "Hop", "Jar"]
#: What the Jar column says of a cookie a hop sent or was given (exchange.HopCookie).
JAR_WORDS = {"jar": "from jar", "set": "set", "deleted": "deleted", "rejected": "refused"}


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
        self.headers = readonly_table("responseHeaders", "Response headers", ["Name", "Value"])
        self.headers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.request_headers = readonly_table("requestHeadersSent", "Request headers as sent",
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

        self.cookies = readonly_table("cookiesTable", "Cookies sent from the jar and set "
                                      "by the response", COOKIE_COLUMNS)
        self.cookies.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.cookies, "Cookies")

        self.timeline = Timeline()
        # The Timeline's parts, by the names tests and tools know them by.
        self.hops, self.hop_detail = self.timeline.hops, self.timeline.hop_detail
        self.curl_button = self.timeline.curl_button
        self.python_button = self.timeline.python_button
        self.har_button = self.timeline.har_button
        self.curl_button.clicked.connect(self.copy_curl)
        self.python_button.clicked.connect(self.python_requested)
        self.har_button.clicked.connect(self.har_requested)
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.setTabToolTip(3, "Every request of the exchange: redirects, challenges "
                                "and their answers, with timings")

        self.tls = readonly_text("tlsDetail", "TLS of the final connection")
        self.tabs.addTab(self.tls, "TLS")
        self._exchange: Exchange | None = None
        self._spec: RequestSpec | None = None
        self._streaming = False
        self._events = 0

    # -- states --------------------------------------------------------------------------

    def show_sending(self, method: str, url: str) -> None:
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
        self.body_view.clear(why)
        for table in (self.headers, self.request_headers, self.cookies):
            table.setRowCount(0)
        self.tabs.setTabText(2, "Cookies")
        self.timeline.clear(why)
        self.tls.clear()
        self.tls.setPlaceholderText(why)

    def _tick(self) -> None:
        seconds = time.monotonic() - self._sent_at
        parts = [f"{seconds:.1f} s", self._progress_text]
        self.meta.setText("  ·  ".join(p for p in parts if p))

    def _stop_clock(self) -> None:
        if self._elapsed is not None:
            self._elapsed.stop()

    def show_progress(self, received: int, total: int | None, rate: float) -> None:
        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(min(1000, received * 1000 // total))
        else:
            self.progress.setRange(0, 0)  # busy: the size is not known
        human_size = deferred.present.human_size
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
        self._stop_clock()
        self._exchange, self._spec = exchange, spec
        self._streaming = False
        self.progress.hide()
        final = exchange.response
        if exchange.error is not None:
            self._set_status(f"Error: {exchange.error.message}", None, "error")
        elif final is not None:
            self._set_status(f"{final.status} {final.reason}", final.status)
        hops = len(exchange.hops)
        size = deferred.present.human_size(final.body_size) if final is not None else "–"
        self.meta.setText(f"{deferred.present.human_time(exchange.total)}  ·  {size}  ·  "
                          f"{hops} hop{'s' if hops != 1 else ''}")
        if final is None:
            self.body_view.clear("No response: the error above says why.")
        else:
            self.body_view.show_body(final, presentation)
        fill_table(self.headers, [list(h) for h in final.headers] if final is not None else [])
        self.headers.resizeColumnToContents(0)
        sent = exchange.hops[-1].request.headers if exchange.hops else []
        fill_table(self.request_headers, [list(h) for h in sent])
        self.request_headers.resizeColumnToContents(0)
        self._fill_cookies(exchange)
        self.timeline.show_exchange(exchange)
        self._fill_tls(exchange)

    def show_checks(self, passed: int, failed: int) -> None:
        """The Tests tab's results in a few words (nothing when there were none)."""
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
        rows = [[c.name, c.value, c.domain, c.path, c.expires, "yes" if c.secure else "",
                 "yes" if c.http_only else "", c.same_site, str(number),
                 JAR_WORDS.get(c.source, c.source) + (f": {c.note}" if c.note else "")]
                for number, hop in enumerate(exchange.hops, 1) for c in hop.cookies]
        if not any(hop.cookies for hop in exchange.hops):
            # An exchange recorded without the jar's notes: the Set-Cookie headers.
            rows = [[c.name, c.value, c.domain, c.path, c.expires or (
                f"max-age {c.max_age}" if c.max_age else "session"),
                "yes" if c.secure else "", "yes" if c.http_only else "", c.same_site,
                str(c.hop), ""] for c in deferred.cookies.cookies_set(exchange)]
        fill_table(self.cookies, rows)
        self.cookies.resizeColumnsToContents()
        count = self.cookies.rowCount()
        self.tabs.setTabText(2, f"Cookies ({count})" if count else "Cookies")

    def _fill_tls(self, exchange: Exchange) -> None:
        final = next((h for h in reversed(exchange.hops) if h.response is not None), None)
        if final is None or final.tls is None:
            self.tls.setPlainText("The final response did not come over TLS.")
            return
        version = final.response.http_version if final.response else ""
        lines = [f"Negotiated {version} over " + "\n".join(deferred.present.tls_text(final.tls))]
        if final.client_certificate is not None:
            lines += ["", *deferred.present.client_cert_text(final.client_certificate)]
        self.tls.setPlainText("\n".join(lines))

    def curl(self) -> str:
        if self._exchange is None or not self._exchange.hops:
            return ""
        return deferred.curl.to_curl(self._exchange, self._spec)

    def copy_curl(self) -> None:
        QGuiApplication.clipboard().setText(self.curl())
