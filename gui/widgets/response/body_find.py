"""The Body tab's Find bar: matches counted in the whole body, Find next past what is
loaded, Esc to close it. A part of BodyView (gui/widgets/response/body_view.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QStackedWidget, QVBoxLayout

    from ...core.http.exchange import ReceivedResponse
    from ...core.present import Presentation

#: Find next loads at most this much more of a paged body at a time.
LOAD_AHEAD = 8 << 20


class _Search(QRunnable):
    """Counts, or finds the next, match in the whole body, in a worker."""

    def __init__(self, view: FindMixin, response: ReceivedResponse, needle: str,
                 start: int, first: bool, generation: int) -> None:
        super().__init__()
        self._view, self._response, self._needle = view, response, needle
        self._start, self._first, self._generation = start, first, generation

    def run(self) -> None:
        from ...core.present import search_body

        view, first = self._view, self._first
        count, offset = search_body(
            self._response, self._needle, self._start, first,
            cancelled=lambda: view.search_generation[first] != self._generation)
        self._view.searched.emit(self._generation, self._first, count, offset)


class FindMixin:
    """Find in the body; BodyView supplies the text, the paging and the state below."""

    if TYPE_CHECKING:  # what BodyView provides
        text: QPlainTextEdit
        stack: QStackedWidget
        more: QPushButton
        searched: SignalInstance
        search_generation: list[int]
        _response: ReceivedResponse | None
        _presentation: Presentation | None
        _mode: str
        _loaded: int
        _bulk: bool
        _whole: tuple[tuple, int | None] | None

        def _load_more(self) -> None: ...
        def _source(self) -> str: ...
        def _bytes_paged(self) -> bool: ...

    def _build_find_bar(self, layout: QVBoxLayout) -> None:
        """The Find bar, hidden until Ctrl+F."""
        find_row = QWidget(objectName="findBar")
        find_layout = QHBoxLayout(find_row)
        find_layout.setContentsMargins(0, 0, 0, 0)
        self.find = QLineEdit(objectName="findEdit", accessibleName="Find in body")
        self.find.setPlaceholderText("Find (Enter: next, Shift+Enter: previous)")
        self.find.textChanged.connect(self._find_changed)
        self.find.returnPressed.connect(lambda: self._find_step(forward=True))
        self.find_count = QLabel("", objectName="findCount", accessibleName="Matches")
        from ..icons import icon

        close = QToolButton(icon=icon("x", "muted"), accessibleName="Close find")
        close.clicked.connect(self.close_find)
        find_layout.addWidget(self.find, 1)
        find_layout.addWidget(self.find_count)
        find_layout.addWidget(close)
        find_row.hide()
        self.find_bar = find_row
        layout.addWidget(find_row)

    def _connect_find(self) -> None:
        # Ctrl+F is the window's Edit → Find (window_menus.py), which opens this bar: a
        # second shortcut on the same keys here would make both ambiguous.
        # Esc closes an open Find bar before the window's Esc (Cancel) sees it.
        self.find.installEventFilter(self)
        self.text.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
                and not event.modifiers() and self.find_bar.isVisible()):
            # Accepting the override claims the key from the window's shortcut; the key
            # press that follows closes the bar.
            event.accept()
            if kind == QEvent.Type.KeyPress:
                self.close_find()
            return True
        return super().eventFilter(watched, event)

    def close_find(self) -> None:
        self.find_bar.hide()
        self.find.clear()
        self.text.setFocus()

    def open_find(self) -> None:
        self.find_bar.show()
        self.find.setFocus()
        self.find.selectAll()

    def _count_text(self, needle: str, loaded: int) -> str:
        """The match count for the label: the whole body's when it is known."""
        def matches(n: int) -> str:
            return f"{n} match{'es' if n != 1 else ''}"

        if not self.more.isVisible():
            return matches(loaded)
        if self._mode == "hex":
            return matches(loaded) + " in what is loaded"
        if not self._bytes_paged():
            total = self._source().lower().count(needle.lower())
            return f"{matches(total)} ({loaded} in what is loaded)"
        key = (needle, id(self._response), self._mode)
        if self._whole is None or self._whole[0] != key:
            self.search_generation[False] += 1
            self._whole = (key, None)
            assert self._response is not None
            QThreadPool.globalInstance().start(_Search(
                self, self._response, needle, 0, False, self.search_generation[False]))
        total = self._whole[1]
        if total is None:
            return f"{matches(loaded)} in what is loaded; counting the whole body…"
        return f"{matches(total)} in the whole body ({loaded} in what is loaded)"

    def _searched(self, generation: int, first: bool, count: int, offset: Any) -> None:
        if generation != self.search_generation[first]:
            return
        needle = self.find.text()
        if not first:
            if self._whole is not None:
                self._whole = (self._whole[0], count)
            self._find_changed(needle)
            return
        if offset is None:
            self._wrap_find(True)
            return
        self._load_until(min(offset, self._loaded + LOAD_AHEAD), at_least_one=True)
        if not self.text.find(needle):
            self.find_count.setText(f"{self.find_count.text()} · the next match is further "
                                    "on: press Enter again")

    def _load_until(self, target: int, at_least_one: bool = False) -> None:
        """Load pages until `target` characters (bytes, when bytes are paged) are shown."""
        cursor = self.text.textCursor()
        self._bulk = True
        try:
            while self.more.isVisible() and (self._loaded < target or at_least_one):
                at_least_one = False
                self._load_more()
        finally:
            self._bulk = False
        self.text.setTextCursor(cursor)  # the search goes on from where it was
        self._find_changed(self.find.text())

    def _find_changed(self, needle: str) -> None:
        if self._bulk:
            return
        selections = []
        if needle and self.stack.currentWidget() is self.text:
            haystack = self.text.toPlainText()
            count = haystack.lower().count(needle.lower())
            self.find_count.setText(self._count_text(needle, count))
            doc = self.text.document()
            cursor = QTextCursor(doc)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor("#fff176"))
            # Dark text on the yellow in either theme (light text on it is unreadable).
            fmt.setForeground(QColor("#1f2328"))
            while len(selections) < 2000:
                cursor = doc.find(needle, cursor)
                if cursor.isNull():
                    break
                sel = QTextEdit.ExtraSelection()
                sel.cursor, sel.format = cursor, fmt
                selections.append(sel)
        else:
            self.find_count.setText("")
        self.text.setExtraSelections(selections)

    def _find_step(self, forward: bool) -> None:
        needle = self.find.text()
        flags = QTextDocument.FindFlag(0) if forward else QTextDocument.FindFlag.FindBackward
        if not needle or self.text.find(needle, flags):
            return
        if forward and self.more.isVisible() and self._mode != "hex":
            # The next match is past what is loaded: load up to it.
            if not self._bytes_paged():
                at = self._source().lower().find(needle.lower(),
                                                 max(0, self._loaded - len(needle) + 1))
                if at >= 0:
                    self._load_until(at + len(needle))
                    self.text.find(needle, flags)
                    return
            else:
                assert self._response is not None
                self.search_generation[True] += 1
                self.find_count.setText("Searching the rest of the body…")
                QThreadPool.globalInstance().start(_Search(
                    self, self._response, needle, max(0, self._loaded - 4 * len(needle)),
                    True, self.search_generation[True]))
                return
        self._wrap_find(forward)

    def _wrap_find(self, forward: bool) -> None:
        flags = QTextDocument.FindFlag(0) if forward else QTextDocument.FindFlag.FindBackward
        self.text.moveCursor(QTextCursor.MoveOperation.Start if forward
                             else QTextCursor.MoveOperation.End)
        self.text.find(self.find.text(), flags)
