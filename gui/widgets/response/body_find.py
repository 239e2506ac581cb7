"""The Body tab's Find bar: matches counted in the whole body, Find next past what is
loaded, Esc to close it. A part of BodyView (gui/widgets/response/body_view.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from ... import deferred
from ..icons import icon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit, QPushButton, QStackedWidget, QVBoxLayout

    from ...core.http.exchange import ReceivedResponse
    from ...core.present import Presentation
    from ...tasks import Task
    from ..owned_tasks import OwnedTasks

#: Find next loads at most this much more of a paged body at a time.
LOAD_AHEAD = 8 << 20


def _search(view: FindMixin, needle: str, start: int, first: bool) -> None:
    """Count (`first` False), or find the next match from `start` (True), in the whole
    body (its bytes, or the text the view pages through), in a worker; a newer search of
    the same kind cancels this one."""
    response = view._response
    assert response is not None
    source = None if view._bytes_paged() else view._source()

    def work(task: Task[tuple[int, int | None]]) -> tuple[int, int | None]:
        if source is not None:
            return deferred.present.search_text(source, needle, start, first,
                                                cancelled=lambda: task.cancelled)
        return deferred.present.search_body(response, needle, start, first,
                                            cancelled=lambda: task.cancelled)

    view._tasks.run(work, lambda found: view._searched(first, *found),
                    lambda exc: view.find_count.setText(f"The body could not be searched: {exc}"),
                    key=("find", first))


class FindMixin:
    """Find in the body; BodyView supplies the text, the paging and the state below."""

    if TYPE_CHECKING:  # what BodyView provides
        text: QPlainTextEdit
        stack: QStackedWidget
        more: QPushButton
        _tasks: OwnedTasks
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
        # Counted in a worker, text or bytes: lower-casing a pretty text of tens of MB
        # here would stall the window and copy the text.
        in_text = not self._bytes_paged()
        key = (needle, id(self._response), self._mode, id(self._source()) if in_text else 0)
        if self._whole is None or self._whole[0] != key:
            self._whole = (key, None)
            _search(self, needle, 0, False)
        total = self._whole[1]
        if total is None:
            return f"{matches(loaded)} in what is loaded; counting the whole body…"
        if in_text:
            return f"{matches(total)} ({loaded} in what is loaded)"
        return f"{matches(total)} in the whole body ({loaded} in what is loaded)"

    def _searched(self, first: bool, count: int, offset: int | None) -> None:
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
            # The next match is past what is loaded: found in a worker, then loaded up to.
            # Back by a needle (bytes: by a needle's worth of the longest characters), so
            # that one cut by the end of what is loaded is found.
            back = len(needle) - 1 if not self._bytes_paged() else 4 * len(needle)
            self.find_count.setText("Searching the rest of the body…")
            _search(self, needle, max(0, self._loaded - back), True)
            return
        self._wrap_find(forward)

    def _wrap_find(self, forward: bool) -> None:
        flags = QTextDocument.FindFlag(0) if forward else QTextDocument.FindFlag.FindBackward
        self.text.moveCursor(QTextCursor.MoveOperation.Start if forward
                             else QTextCursor.MoveOperation.End)
        self.text.find(self.find.text(), flags)
