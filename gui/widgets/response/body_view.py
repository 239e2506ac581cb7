"""The response Body tab: pretty, raw, hex, preview and tree views of one body.

Text is shown a page at a time, so that a body of hundreds of megabytes never becomes
one widget's text; everything costly (parsing, pretty-printing, colouring) arrives
computed from the worker (gui.core.present.Presentation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QGuiApplication,
    QPixmap,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .body_find import FindMixin

if TYPE_CHECKING:
    from ...core.http.exchange import ReceivedResponse
    from ...core.present import Presentation

COLOURS = {"key": "#8b1a8b", "string": "#1e7d32", "number": "#1f5fbf", "keyword": "#b35c00",
           "comment": "#7a7a7a", "tag": "#8b1a8b", "attr": "#b35c00", "punct": "#5a6270",
           "operator": "#5a6270"}
MODES = ["pretty", "raw", "hex", "preview", "tree"]
TREE_BATCH = 500


class SpanHighlighter(QSyntaxHighlighter):
    """Applies spans computed in the worker (gui.core.highlight); lexes nothing."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.spans: list[list[tuple[int, int, str]]] | None = None
        self._formats = {}
        for kind, colour in COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            self._formats[kind] = fmt

    def highlightBlock(self, text: str) -> None:
        if not self.spans:
            return
        number = self.currentBlock().blockNumber()
        if number < len(self.spans):
            for start, length, kind in self.spans[number]:
                self.setFormat(start, length, self._formats[kind])


class _NoNetworkBrowser(QTextBrowser):
    """HTML preview: no scripts (Qt's rich text has none) and no resource loading."""

    def loadResource(self, kind: int, url: QUrl) -> Any:
        return None


class _NoteLabel(QLabel):
    """Takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


class _Present(QRunnable):
    def __init__(self, view: BodyView, response: ReceivedResponse) -> None:
        super().__init__()
        self._view, self._response = view, response

    def run(self) -> None:
        from ...core.present import present

        response = self._response
        self._view.presented.emit(response, present(response, limit=response.body_size))


class BodyView(FindMixin, QWidget):
    #: (response, presentation) computed off the GUI thread on request
    presented = Signal(object, object)
    #: (generation, looking for the next match?, count, byte offset or None), from _Search
    searched = Signal(int, bool, int, object)

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
        self._filtered: str | None = None
        #: Bumped for every whole-body search started, per kind (index False: counting,
        #: True: finding the next match); a search seeing another number stops, and its
        #: result is ignored.
        self.search_generation = [0, 0]
        self._whole: tuple[tuple, int | None] | None = None  # (what was counted, count)
        self._bulk = False  # loading many pages at once: highlight once, at the end
        self.searched.connect(self._searched)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)

        bar = QHBoxLayout()
        self._buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        for mode in MODES:
            button = QToolButton(objectName=f"{mode}Button", text=mode.capitalize(),
                                 accessibleName=f"{mode.capitalize()} body", checkable=True)
            group.addButton(button)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self._buttons[mode] = button
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
        self.note.setStyleSheet("color: #b35c00;")
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

        self.stack = QStackedWidget()
        self.text = QPlainTextEdit(objectName="responseBody", accessibleName="Response body")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = SpanHighlighter(self.text.document())
        self.image = QLabel(objectName="imagePreview", accessibleName="Image preview")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        image_scroll = QScrollArea()
        image_scroll.setWidget(self.image)
        image_scroll.setWidgetResizable(True)
        self.html = _NoNetworkBrowser(objectName="htmlPreview", accessibleName="HTML preview")
        self.html.setOpenLinks(False)
        self.tree = QTreeWidget(objectName="jsonTree", accessibleName="JSON tree")
        self.tree.setHeaderLabels(["Key", "Value"])
        self.tree.setColumnWidth(0, 260)
        self.tree.itemExpanded.connect(self._expand)
        self.preview_message = QLabel("", objectName="previewMessage")
        self.preview_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_message.setWordWrap(True)
        for w in (self.text, image_scroll, self.html, self.tree, self.preview_message):
            self.stack.addWidget(w)
        self._image_page = image_scroll
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
        self.tree.clear()
        self._tree_built = False
        if presentation is not None:
            self._mode = _mode_for(presentation, self._chosen)
        self._buttons[self._mode].setChecked(True)
        self._render()

    def start_live(self) -> None:
        """Show a streaming body as it arrives (raw text, appended)."""
        self._response = self._presentation = None
        self._mode = "raw"
        self._buttons["raw"].setChecked(True)
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
        self._mode = self._chosen = mode
        self._buttons[mode].setChecked(True)
        self._render()

    def mode(self) -> str:
        return self._mode

    def _render(self) -> None:
        self._update_controls()
        p, r = self._presentation, self._response
        self.text.setPlaceholderText("The response has no body." if r is not None else "")
        if p is None or r is None:
            self.text.clear()
            self.note.setText("")
            self.stack.setCurrentWidget(self.text)
            return
        self.note.setText(p.note)
        if self._mode == "preview":
            self._render_preview()
            return
        if self._mode == "tree":
            self._render_tree()
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

    def _load_more(self) -> None:
        from ...core.present import PAGE, hexdump

        r, p = self._response, self._presentation
        if r is None or p is None:
            return
        if self._mode == "hex":
            data = r.data.read(self._loaded, PAGE // 4)
            chunk = hexdump(data, self._loaded)
            self._loaded += len(data)
            done = self._loaded >= r.data.size
        elif (self._mode == "raw" and self._filtered is None) or p.over_limit:
            from ...core.present import _decode

            data = r.data.read(self._loaded, PAGE)
            chunk = _decode(data, r)
            self._loaded += len(data)
            done = self._loaded >= r.data.size
        else:
            source = self._source()
            chunk = source[self._loaded:self._loaded + PAGE]
            self._loaded += len(chunk)
            done = self._loaded >= len(source)
            if self._mode == "pretty" and self._filtered is None and self._loaded == len(chunk):
                self.highlighter.spans = getattr(p, "spans", None)
        cursor = self.text.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(chunk)
        if self._loaded == len(chunk) or (self._mode in ("hex", "raw") and
                                           self._loaded <= PAGE):
            self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self.more.setVisible(not done)
        if not done:
            # Past the pretty limit, Pretty pages the body's bytes as Raw does.
            paged_bytes = self._mode == "hex" or self._bytes_paged()
            total = r.data.size if paged_bytes else len(self._source())
            self.more.setText(f"Load more ({self._loaded * 100 // max(total, 1)} % shown)")
        self._find_changed(self.find.text())

    def _render_preview(self) -> None:
        r, p = self._response, self._presentation
        assert r is not None and p is not None
        if p.language == "html":
            self.html.setHtml(p.pretty)
            self.stack.setCurrentWidget(self.html)
            return
        if p.language == "image":
            pixmap = QPixmap()
            if r.body_size <= 64 * 1024 * 1024 and pixmap.loadFromData(QByteArray(r.body)):
                self.image.setPixmap(pixmap)
                self.stack.setCurrentWidget(self._image_page)
                return
            self.preview_message.setText(
                f"The {r.content_type} body ({r.body_size} bytes) does not decode as an image."
                " The Hex view shows its bytes.")
        else:
            self.preview_message.setText("There is no preview for this content type.")
        self.stack.setCurrentWidget(self.preview_message)

    # -- the JSON tree: children are made when a node is first expanded -----------------

    def _render_tree(self) -> None:
        p = self._presentation
        assert p is not None
        if p.parsed is None:
            self.preview_message.setText("The tree needs a JSON body (within the size limit).")
            self.stack.setCurrentWidget(self.preview_message)
            return
        if not self._tree_built:
            self._tree_built = True
            self._fill(self.tree.invisibleRootItem(), p.parsed)
        self.stack.setCurrentWidget(self.tree)

    def _fill(self, parent: QTreeWidgetItem, value: Any) -> None:
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for n, (key, child) in enumerate(pairs):
            if n >= TREE_BATCH:
                QTreeWidgetItem(parent, [f"… {len(value) - n} more", ""])
                break
            item = QTreeWidgetItem(parent, [str(key), _summary(child)])
            if isinstance(child, dict | list) and child:
                item.setData(0, Qt.ItemDataRole.UserRole, child)
                QTreeWidgetItem(item, ["…", ""])  # placeholder: expandable

    def _expand(self, item: QTreeWidgetItem) -> None:
        value = item.data(0, Qt.ItemDataRole.UserRole)
        if value is None or item.data(1, Qt.ItemDataRole.UserRole):
            return
        item.setData(1, Qt.ItemDataRole.UserRole, True)
        item.takeChildren()
        self._fill(item, value)

    # -- filter, copy, save -----------------------------------------------------------------

    def _apply_filter(self) -> None:
        p = self._presentation
        expression = self.filter.text().strip()
        if p is None or p.parsed is None:
            return
        if not expression:
            self._filtered = None
        else:
            import json

            import jmespath
            from jmespath.exceptions import JMESPathError

            try:
                result = jmespath.search(expression, p.parsed)
            except JMESPathError as exc:
                self.note.setText(f"Filter: {exc}".splitlines()[0])
                return
            self._filtered = json.dumps(result, indent=2, ensure_ascii=False)
        self.note.setText(p.note)
        if self._mode not in ("pretty", "raw"):
            self._mode = "pretty"
            self._buttons["pretty"].setChecked(True)
        self._render()

    def _bytes_paged(self) -> bool:
        """True when the view pages the body's bytes (raw, or past the pretty limit),
        not a text held in memory."""
        p = self._presentation
        return self._filtered is None and (self._mode == "raw" or bool(p and p.over_limit))

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
        QThreadPool.globalInstance().start(_Present(self, self._response))

    def _presented(self, response: ReceivedResponse, presentation: Presentation) -> None:
        self.anyway.setEnabled(True)
        if response is self._response:
            self.show_body(response, presentation)

    def _update_controls(self) -> None:
        p = self._presentation
        self.anyway.setVisible(p is not None and p.over_limit)
        has_json = p is not None and p.parsed is not None
        self.filter.setVisible(has_json)
        self._buttons["tree"].setEnabled(has_json)
        # Decoded as text, bytes that are not text are mojibake (and make Qt look for
        # fonts for every odd character): Raw is still there for a deliberate look.
        self._buttons["pretty"].setEnabled(p is None or not p.binary)
        self._buttons["preview"].setEnabled(p is not None and p.language in ("image", "html"))
        self.more.setVisible(False)


def _mode_for(p: Presentation, chosen: str) -> str:
    """The view a body opens in: the one last chosen, where it can show this body."""
    if p.binary:
        return chosen if chosen in ("hex", "raw") else "hex"
    if p.language in ("image", "html"):
        return "preview" if chosen in ("pretty", "tree") else chosen
    if chosen == "preview" or (chosen == "tree" and p.parsed is None):
        return "pretty"
    return chosen


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    import json

    return json.dumps(value, ensure_ascii=False)
