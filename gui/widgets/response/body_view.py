"""The response Body tab: one body in the views of body_modes (pretty, raw, hex, preview,
tree), with the JSON filter, Find, copy and save around them.

Text is shown a page at a time, so that a body of hundreds of megabytes never becomes
one widget's text; everything costly (parsing, pretty-printing, colouring) arrives
computed from the worker (gui.core.present.Presentation).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from .body_find import FindMixin
from .body_modes import LIVE, TEXT, make_modes, mode_for
from .highlighter import SpanHighlighter

if TYPE_CHECKING:
    from ...core.http.exchange import ReceivedResponse
    from ...core.present import Presentation
    from ...tasks import Task
    from .body_modes.preview import Preview
    from .body_modes.tree import Tree


class _NoteLabel(QLabel):
    """Takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


class BodyView(FindMixin, QWidget):
    #: (response, presentation) computed off the GUI thread on request
    presented = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyView")
        self._response: ReceivedResponse | None = None
        self._presentation: Presentation | None = None
        self._mode = "pretty"
        #: The view the person last picked: a body that forces another one (Hex for a
        #: binary body, Preview for an image) does not change it for the next body.
        self._chosen = "pretty"
        self._loaded = 0  # characters (pretty/raw) or bytes (hex) shown so far
        #: What _render last drew: (mode, response, presentation, filter result).
        self._drawn: tuple = ()
        self._filtered: str | None = None

        #: Pretty-printing and whole-body searches; a new search of a kind (counting,
        #: finding the next match) cancels the one before it.
        self._tasks = deferred.owned_tasks.OwnedTasks(self)
        self._whole: tuple[tuple, int | None] | None = None  # (what was counted, count)
        self._bulk = False  # loading many pages at once: highlight once, at the end
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)

        self.stack = QStackedWidget()
        self.text = QPlainTextEdit(objectName="responseBody", accessibleName="Response body")
        self._modes = make_modes(self)
        bar = QHBoxLayout()
        self._buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        for mode in self._modes.values():
            button = QToolButton(objectName=f"{mode.name}Button", text=mode.label,
                                 accessibleName=f"{mode.label} body", checkable=True)
            group.addButton(button)
            button.clicked.connect(lambda _=False, m=mode.name: self.set_mode(m))
            self._buttons[mode.name] = button
            bar.addWidget(button)
        self._buttons["pretty"].setChecked(True)
        bar.addStretch(1)
        self.wrap = QCheckBox("Wrap", objectName="wrapCheck", accessibleName="Wrap lines")
        self.wrap.toggled.connect(self._set_wrap)
        self.copy_button = QPushButton("Copy", objectName="copyBodyButton",
                                       accessibleName="Copy the body")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save…", objectName="saveBodyButton",
                                       accessibleName="Save the body to a file")
        self.save_button.clicked.connect(self._save_dialog)
        for w in (self.wrap, self.copy_button, self.save_button):
            bar.addWidget(w)
        layout.addLayout(bar)

        self.filter = QLineEdit(objectName="jsonFilter", accessibleName="JSON filter")
        self.filter.setPlaceholderText("JMESPath filter, e.g. items[?price > `10`].name")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=200)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(self._filter_timer.start)
        layout.addWidget(self.filter)
        self._build_find_bar(layout)

        note_row = QHBoxLayout()
        self.note = _NoteLabel("", objectName="bodyNote", accessibleName="About this body")
        self.note.setWordWrap(True)
        self.note.setProperty("tone", "warning")
        self.more = QPushButton("Load more", objectName="loadMoreButton",
                                accessibleName="Load more of the body")
        self.more.clicked.connect(self._load_more)
        self.anyway = QPushButton("Pretty-print anyway", objectName="prettyAnywayButton",
                                  accessibleName="Pretty-print this large body anyway")
        self.anyway.clicked.connect(self.pretty_anyway)
        self.presented.connect(self._presented)
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.anyway)
        note_row.addWidget(self.more)
        layout.addLayout(note_row)

        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = SpanHighlighter(self.text.document())
        self.preview_message = QLabel("", objectName="previewMessage")
        self.preview_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_message.setWordWrap(True)
        self.stack.addWidget(self.text)
        for mode in self._modes.values():
            for page in mode.pages():
                self.stack.addWidget(page)
        self.stack.addWidget(self.preview_message)
        # The views' own widgets, by the names tests and tools know them by.
        preview = cast("Preview", self._modes["preview"])
        self.image, self.html, self._image_page = preview.image, preview.html, preview.image_page
        self.tree = cast("Tree", self._modes["tree"]).tree
        layout.addWidget(self.stack, 1)
        self._connect_find()
        self._update_controls()

    # -- filling ---------------------------------------------------------------------------

    def clear(self, why: str = "") -> None:
        """No body; `why` is said where the body would be."""
        self.show_body(None, None)
        self.text.setPlaceholderText(why)

    def show_body(self, response: ReceivedResponse | None, presentation: Presentation | None
                  ) -> None:
        self._response, self._presentation = response, presentation
        self._filtered = None
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        for mode in self._modes.values():
            mode.forget()
        if presentation is not None:
            self._mode = mode_for(self._modes, presentation, self._chosen)
        self._buttons[self._mode].setChecked(True)
        self._render()

    def start_live(self) -> None:
        """Show a streaming body as it arrives (raw text, appended)."""
        self._response = self._presentation = None
        self._mode = LIVE
        self._buttons[LIVE].setChecked(True)
        self.stack.setCurrentWidget(self.text)
        self.highlighter.spans = None
        self.text.clear()
        self.note.setText("")
        self._update_controls()

    def append_live(self, text: str) -> None:
        cursor = self.text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())

    def set_mode(self, mode: str) -> None:
        self._chosen = mode
        self._buttons[mode].setChecked(True)
        drawn = self._drawn
        if drawn and drawn[0] == mode and all(a is b for a, b in zip(
                drawn[1:], (self._response, self._presentation, self._filtered), strict=True)):
            # The view shown, as it was drawn: drawing a large body's first page again
            # would cost the GUI thread 15-30 ms and drop the pages loaded since.
            return
        self._mode = mode
        self._render()

    def mode(self) -> str:
        return self._mode

    def _render(self) -> None:
        self._drawn = (self._mode, self._response, self._presentation, self._filtered)
        self._update_controls()
        p, r = self._presentation, self._response
        self.text.setPlaceholderText("The response has no body." if r is not None else "")
        if p is None or r is None:
            self.text.clear()
            self.note.setText("")
            self.stack.setCurrentWidget(self.text)
            return
        self.note.setText(p.note)
        mode = self._modes[self._mode]
        if not mode.paged:
            mode.render(r, p)
            return
        self.stack.setCurrentWidget(self.text)
        self.highlighter.spans = None
        self.text.clear()
        self._loaded = 0
        self._load_more()

    def _source(self) -> str:
        """The text the current text mode pages through."""
        p = self._presentation
        assert p is not None
        if self._filtered is not None:
            return self._filtered
        return p.pretty if self._mode == "pretty" else p.raw_page

    def say(self, message: str) -> None:
        """A sentence where the body would be (a view that cannot show this body)."""
        self.preview_message.setText(message)
        self.stack.setCurrentWidget(self.preview_message)

    def _load_more(self) -> None:
        r, p = self._response, self._presentation
        if r is None or p is None:
            return
        before = self._loaded
        chunk, self._loaded, done = self._modes[self._mode].page(r, p, before, self._filtered)
        cursor = self.text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(chunk)
        if before == 0 or (self._mode in ("hex", "raw") and self._loaded <= deferred.present.PAGE):
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self.more.setVisible(not done)
        if not done:
            # Past the pretty limit, Pretty pages the body's bytes as Raw does.
            paged_bytes = self._mode == "hex" or self._bytes_paged()
            total = r.data.size if paged_bytes else len(self._source())
            self.more.setText(f"Load more ({self._loaded * 100 // max(total, 1)} % shown)")
        self._find_changed(self.find.text())

    # -- filter, copy, save -----------------------------------------------------------------

    def _apply_filter(self) -> None:
        p = self._presentation
        expression = self.filter.text().strip()
        if p is None or p.parsed is None:
            return
        if not expression:
            self._show_filtered(p, expression, None)
            return
        text = p.pretty

        def work(task: Task[str | Exception | None]) -> str | Exception | None:
            # Parsed here each time, not kept: the values of a large body cost several
            # times its text, and the tree does not need them. Not at all when a newer
            # filter came meanwhile: two parses at once would double that.
            if task.cancelled:
                return None

            try:
                result = deferred.jmespath.search(expression, deferred.jsonpretty.load(text))
            except deferred.jmespath_exceptions.JMESPathError as exc:
                return exc
            return json.dumps(result, indent=2, ensure_ascii=False)

        self._tasks.run(work, lambda result: self._show_filtered(p, expression, result),
                        key="filter")

    def _show_filtered(self, p: Presentation, expression: str,
                       result: str | Exception | None) -> None:
        if p is not self._presentation or expression != self.filter.text().strip():
            return  # an answer for another body, or a filter since changed
        if isinstance(result, Exception):
            self.note.setText(f"Filter: {result}".splitlines()[0])
            return
        self._filtered = result
        self.note.setText(p.note)
        if not self._modes[self._mode].filtered:
            self._mode = TEXT
            self._buttons[TEXT].setChecked(True)
        self._render()

    def _bytes_paged(self) -> bool:
        """True when the view pages the body's bytes (raw, or past the pretty limit),
        not a text held in memory."""
        p = self._presentation
        return self._filtered is None and (self._mode == "raw" or bool(
            p and (p.over_limit or p.raw_paged)))

    def _set_wrap(self, on: bool) -> None:
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth if on
                                  else QPlainTextEdit.LineWrapMode.NoWrap)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())

    def _save_dialog(self) -> None:
        if self._response is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the body")
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> None:
        assert self._response is not None
        self._response.data.save_to(path)

    def pretty_anyway(self) -> None:
        """Parse, pretty-print and colour a body past the limit, in a worker."""
        if self._response is None:
            return
        self.anyway.setEnabled(False)
        self.note.setText("Pretty-printing the whole body…")
        response = self._response

        def work(_task: object) -> Presentation:
            return deferred.present.present(response, limit=response.body_size)

        self._tasks.run(work, lambda presentation: self.presented.emit(response, presentation),
                        self._not_presented, key="present")

    def _not_presented(self, exc: BaseException) -> None:
        self.anyway.setEnabled(True)
        self.note.setText(f"The body could not be pretty-printed: {exc}")

    def _presented(self, response: ReceivedResponse, presentation: Presentation) -> None:
        self.anyway.setEnabled(True)
        if response is self._response:
            self.show_body(response, presentation)

    def _update_controls(self) -> None:
        p = self._presentation
        self.anyway.setVisible(p is not None and p.over_limit)
        self.filter.setVisible(p is not None and p.parsed is not None)
        for mode in self._modes.values():
            self._buttons[mode.name].setEnabled(mode.enabled(p))
        self.more.setVisible(False)

