"""The Sent requests panel: every request sent, newest first, searchable, reopenable.

Called "Sent requests" everywhere, never "History": the response area's History tab is
the hops of one exchange, and the two must not be confused.

Recording runs in a worker (SQLite may wait on a lock), through gui/tasks.py on one lane,
so that requests are recorded in the order they were sent; the panel then refreshes its
list on the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from .. import theme
from ..empty_state import EmptyState
from .sent_rows import DETAIL_ROLE, TwoLines, when_sent

if TYPE_CHECKING:
    from ...core.http.exchange import Exchange
    from ...core.model import RequestSpec
    from ...core.storage.history import SentEntry, SentRequests

COLUMNS = ["Time", "Method", "URL", "Status", "Duration"]
TIME, METHOD, URL, STATUS, DURATION = range(5)
#: Recordings, one at a time and in order (gui/tasks.py).
LANE = "sent-requests"
#: Rows shown at most; the search narrows them down.
LIMIT = 500
SEARCH_DELAY_MS = 200
ID_ROLE = Qt.ItemDataRole.UserRole


def _tone(label: QLabel, tone: str) -> None:
    """A label's colour role in the theme's style sheet (muted, error)."""
    label.setProperty("tone", tone)
    label.style().unpolish(label)
    label.style().polish(label)


class _Table(QTableWidget):
    """The list; Enter opens the current row (a key press, not a window shortcut, so it
    works wherever the table has the focus)."""

    enter_pressed = Signal()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.enter_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SentRequestsPanel(QWidget):
    #: The RequestSpec of the entry the user chose to open (secret fields empty).
    open_requested = Signal(object)
    #: A request was recorded (its id) and the list refreshed.
    recorded = Signal(int)
    #: Recording failed; the message is for the user.
    record_failed = Signal(str)

    def __init__(self, history: SentRequests | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentRequestsPanel")
        self.setAccessibleName("Sent requests")
        self._history = history

        # A panel that goes lets the recordings it started finish; their answers are
        # dropped.
        self._tasks = deferred.owned_tasks.OwnedTasks(self, LANE, finish=True)
        self._entries: list[SentEntry] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.search = QLineEdit(objectName="sentSearch", accessibleName="Search sent requests")
        self.search.setPlaceholderText("Search sent requests: URL, method, 404, 4xx")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Every word must match the URL, the method or the status")
        top.addWidget(self.search, 1)
        self.open_button = QPushButton("Open", objectName="sentOpen",
                                       accessibleName="Open the selected sent request")
        self.open_button.setToolTip("Open the request in the editor (Enter, double-click)")
        self.open_button.setEnabled(False)
        top.addWidget(self.open_button)
        self.clear_button = QPushButton("Clear", objectName="sentClear",
                                        accessibleName="Clear all sent requests")
        self.clear_button.setToolTip("Remove every sent request")
        top.addWidget(self.clear_button)
        layout.addLayout(top)

        self.table = _Table(0, len(COLUMNS), objectName="sentList",
                            accessibleName="Sent requests, newest first")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (TIME, METHOD, STATUS, DURATION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(URL, QHeaderView.ResizeMode.Stretch)
        # Time and duration are on the URL cell's second line; the columns stay in the
        # model (sorting, tests, copy) but would leave the URL no room in a sidebar.
        self.table.setColumnHidden(TIME, True)
        self.table.setColumnHidden(DURATION, True)
        header.setVisible(False)
        self.table.setShowGrid(False)
        self.table.setItemDelegateForColumn(URL, TwoLines(self.table))
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() * 2 + 8)
        layout.addWidget(self.table, 1)

        self.empty = EmptyState("sentEmpty", "history", "", "")
        self.empty.hide()
        layout.addWidget(self.empty, 1)
        self.count_label = QLabel("", objectName="sentCount",
                                  accessibleName="Number of sent requests")
        self.count_label.setProperty("tone", "muted")
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self.refresh)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.enter_pressed.connect(self.open_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.clear_button.clicked.connect(lambda: self.clear())
        self._loaded = False

    # -- the store -----------------------------------------------------------------------

    @property
    def history(self) -> SentRequests:
        """The store, made on first use."""
        if self._history is None:
            self._history = deferred.history.SentRequests()
        return self._history

    def showEvent(self, event) -> None:
        if not self._loaded:
            self.refresh()
        super().showEvent(event)

    # -- recording -----------------------------------------------------------------------

    def record(self, spec: RequestSpec, exchange: Exchange, secrets=()) -> None:
        """Record a sent request in a worker; `recorded` (or `record_failed`) follows,
        after the list is refreshed. `secrets`: further values to mask (secret
        variables' values); the auth scheme's own secret fields are always masked."""
        history, secrets = self.history, tuple(secrets)

        def work(_task: object) -> tuple[int | None, str | None]:
            try:
                return history.record(spec, exchange, secrets), None
            except Exception as exc:  # noqa: BLE001 - sqlite3.Error, OSError: told, not raised
                return None, f"The request could not be added to Sent requests: {exc}"

        self._tasks.run(work, lambda result: self._recorded(*result))

    def _recorded(self, entry_id: int | None, error: str | None) -> None:
        if error is not None:
            self._show_problem(error)
            self.record_failed.emit(error)
            return
        if self.isVisible():
            self.refresh()
        else:
            # Reloaded when shown (showEvent) or read: rebuilding up to LIMIT rows that
            # nobody sees cost the GUI thread 20-30 ms after every send.
            self._loaded = False
        self.recorded.emit(int(entry_id or 0))

    def wait_for_recording(self, msecs: int = -1) -> bool:
        """Block until recordings in progress are written (for shutdown and tests)."""
        return self._tasks.wait(msecs)

    # -- the list ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list for the current search (a fast indexed query, on this thread)."""
        self._search_timer.stop()
        self._loaded = True
        search = self.search.text().strip()
        try:
            entries = self.history.list(search, limit=LIMIT)
            total = self.history.count()
        except (deferred.sqlite3.Error, OSError) as exc:
            self._show_problem(f"Sent requests could not be read: {exc}")
            return
        selected = self.selected_id()
        self._entries = entries
        self._fill(entries, selected)
        self._show_count(len(entries), total, search)
        self._show_empty(not entries, total, search)

    def _show_empty(self, empty: bool, total: int, search: str) -> None:
        if empty and total == 0:
            self.empty.set_text("Nothing sent yet", "Every request you send is listed "
                                "here, newest first, with its status and time; secrets "
                                "are masked. Open one to edit and send it again.")
        elif empty:
            self.empty.set_text("No match", f"No sent request matches “{search}”. Every "
                                "word must match the URL, the method or the status "
                                "(404, 4xx).")
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        self.count_label.setVisible(total > 0)  # the empty state says it already

    def _fill(self, entries: list[SentEntry], selected: int | None) -> None:
        self.table.setUpdatesEnabled(False)
        try:
            self.table.clearContents()
            self.table.setRowCount(len(entries))
            bold = QFont(self.table.font())
            bold.setBold(True)
            for r, entry in enumerate(entries):
                when, full = when_sent(entry.time)
                if entry.status is not None:
                    status = str(entry.status)
                else:
                    status = entry.error or "no response"
                colour = theme.status_text_colour(entry.status)
                cells = [when, entry.method, entry.url, status,
                         deferred.present.human_time(entry.duration)]
                tips = [full, entry.method, entry.url,
                        status if entry.status is not None else f"No response: {status}",
                        cells[DURATION]]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setToolTip(tips[c])
                    item.setData(ID_ROLE, entry.id)
                    self.table.setItem(r, c, item)
                self.table.item(r, STATUS).setForeground(QBrush(QColor(colour)))
                self.table.item(r, URL).setData(DETAIL_ROLE, f"{when}  ·  {cells[DURATION]}")
                method = self.table.item(r, METHOD)
                method.setForeground(QBrush(QColor(theme.method_colour(entry.method))))
                method.setFont(bold)
                for c in (METHOD, STATUS):
                    self.table.item(r, c).setTextAlignment(
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if entry.id == selected:
                    self.table.selectRow(r)
        finally:
            self.table.setUpdatesEnabled(True)
        self._selection_changed()

    def _show_count(self, shown: int, total: int, search: str) -> None:
        _tone(self.count_label, "muted")
        if total == 0:
            text = "No sent requests yet"
        elif search:
            more = "+" if shown >= LIMIT else ""
            text = f"{shown}{more} of {total} sent requests match"
        elif shown < total:
            text = f"The newest {shown} of {total} sent requests"
        else:
            text = f"{total} sent request" + ("" if total == 1 else "s")
        self.count_label.setText(text)

    def _show_problem(self, message: str) -> None:
        _tone(self.count_label, "error")
        self.count_label.setText(message)
        self.count_label.show()

    def entries(self) -> list[SentEntry]:
        """The entries listed, in the order shown (newest first)."""
        if not self._loaded:
            self.refresh()
        return list(self._entries)

    # -- opening ---------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if not rows:
            return None
        return self.table.item(min(rows), TIME).data(ID_ROLE)

    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def open_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if rows:
            self.open_row(min(rows))

    def open_row(self, row: int) -> None:
        """Emit `open_requested` with the request of the row at `row`."""
        if not self._loaded:
            self.refresh()
        item = self.table.item(row, TIME)
        if item is None:
            return
        try:
            spec = self.history.get(item.data(ID_ROLE))
        except KeyError:
            self.refresh()  # cleared meanwhile
            self._show_problem("That request is no longer in Sent requests.")
            return
        except (deferred.sqlite3.Error, OSError, ValueError) as exc:
            self._show_problem(f"The request could not be opened: {exc}")
            return
        self.open_requested.emit(spec)

    # -- clearing -----------------------------------------------------------------------------

    def clear(self, confirm: bool = True) -> bool:
        """Remove every sent request, after asking when `confirm`; True when cleared."""
        if confirm:
            answer = QMessageBox.question(
                self, "Clear sent requests",
                "Remove every sent request? This cannot be undone.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.wait_for_recording()
        try:
            self.history.clear()
        except (deferred.sqlite3.Error, OSError) as exc:
            self._show_problem(f"Sent requests could not be cleared: {exc}")
            return False
        self.refresh()
        return True
