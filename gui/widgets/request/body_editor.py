"""The Body tab: a kind picker and the editor for that kind.

Raw and JSON share one text editor, so switching between them never loses text; each
kind keeps what was typed for it while another kind is shown.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.model import Body, BodyKind
from ...core.variables import find_variables
from ..kvtable import UNKNOWN_COLOUR, KeyValueTable

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Bodies longer than this are not scanned for {{variables}} as they are typed.
MARK_LIMIT = 1 << 20

# BodyKind values, spelt out so that the model is not imported before the first paint.
KINDS = [
    ("none", "No body"),
    ("raw", "Raw text"),
    ("json", "JSON"),
    ("form", "Form (URL-encoded)"),
    ("multipart", "Multipart form"),
    ("file", "Binary file"),
]
CONTENT_TYPES = ["text/plain", "application/xml", "text/html", "application/javascript",
                 "text/csv", "application/octet-stream"]


class BodyEditor(QWidget):
    edited = Signal()
    #: A message for the user about what they typed (e.g. JSON that does not parse).
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bodyEditor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.kind = QComboBox(objectName="bodyKind", accessibleName="Body type")
        for kind, label in KINDS:
            self.kind.addItem(label, kind)
        top.addWidget(QLabel("Body:"))
        top.addWidget(self.kind)
        self.content_type = QComboBox(objectName="bodyContentType",
                                      accessibleName="Content type")
        self.content_type.setEditable(True)
        self.content_type.addItems(CONTENT_TYPES)
        self.content_type.setMinimumWidth(200)
        top.addWidget(self.content_type)
        self.format_button = QPushButton("Format JSON", objectName="formatJsonButton",
                                         accessibleName="Format JSON")
        top.addWidget(self.format_button)
        top.addStretch(1)
        layout.addLayout(top)

        self.stack = QStackedWidget()
        none = QLabel("This request has no body.")
        none.setObjectName("noBodyLabel")
        self.text = QPlainTextEdit(objectName="bodyText", accessibleName="Body text")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("Request body")
        self.form = KeyValueTable("bodyForm", "Form fields")
        self.multipart = KeyValueTable("bodyMultipart", "Multipart parts", files=True)
        file_page = QWidget()
        file_row = QHBoxLayout(file_page)
        self.path = QLineEdit(objectName="bodyFilePath", accessibleName="File to send")
        self.path.setPlaceholderText("Path of the file to send as the body")
        browse = QPushButton("Browse…", objectName="bodyFileBrowse",
                             accessibleName="Choose the file to send")
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path)
        file_row.addWidget(browse)
        file_row.setContentsMargins(0, 0, 0, 0)
        wrapper = QWidget()
        wrap_layout = QVBoxLayout(wrapper)
        wrap_layout.setContentsMargins(0, 0, 0, 0)
        wrap_layout.addWidget(file_page)
        wrap_layout.addStretch(1)
        self._pages = {"none": none, "raw": self.text, "json": self.text, "form": self.form,
                       "multipart": self.multipart, "file": wrapper}
        for page in (none, self.text, self.form, self.multipart, wrapper):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.format_button.clicked.connect(self._format_clicked)
        for signal in (self.text.textChanged, self.form.edited, self.multipart.edited,
                       self.path.textEdited, self.content_type.currentTextChanged):
            signal.connect(self.edited)
        self._kind_changed()

    def current_kind(self) -> str:
        """The BodyKind value ("none", "raw", …) chosen."""
        return self.kind.currentData()

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.stack.setCurrentWidget(self._pages[kind])
        self.content_type.setVisible(kind == "raw")
        self.format_button.setVisible(kind == "json")
        self.text.setPlaceholderText('{"key": "value"}' if kind == "json" else
                                     "Request body")
        self.edited.emit()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the file to send")
        if path:
            self.path.setText(path)
            self.edited.emit()

    def _format_clicked(self) -> None:
        message = self.format_json()
        if message:
            self.problem.emit(message)

    def format_json(self) -> str | None:
        """Pretty-print the JSON text in place; returns an error message if it does not
        parse (the text is then left exactly as it was)."""
        try:
            value = json.loads(self.text.toPlainText())
        except json.JSONDecodeError as exc:
            message = f"The JSON body does not parse: {exc.msg} at line {exc.lineno}, " \
                      f"column {exc.colno}."
            return message
        self.text.setPlainText(json.dumps(value, indent=2, ensure_ascii=False))
        return None

    def mark_variables(self, scope: Mapping[str, str]) -> int:
        """Underline the {{variables}} of the body that `scope` does not define, in the
        text and in the form tables; returns how many places are marked."""
        text = self.text.toPlainText()
        selections = []
        if "{{" in text and len(text) <= MARK_LIMIT:
            unknown = QTextCharFormat()
            unknown.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            unknown.setUnderlineColor(QColor(UNKNOWN_COLOUR))
            unknown.setForeground(QColor(UNKNOWN_COLOUR))
            unknown.setToolTip("Unknown variable")
            for span in find_variables(text):
                if span.name in scope:
                    continue
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.text.document())
                cursor.setPosition(span.start)
                cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor, selection.format = cursor, unknown
                selections.append(selection)
        self.text.setExtraSelections(selections)
        return len(selections) + self.form.mark_variables(scope) + \
            self.multipart.mark_variables(scope)

    def body(self) -> Body:
        return Body(
            kind=BodyKind(self.current_kind()),
            text=self.text.toPlainText(),
            content_type=self.content_type.currentText().strip(),
            rows=(self.multipart if self.current_kind() == "multipart"
                  else self.form).rows(),
            path=self.path.text().strip(),
        )

    def set_body(self, body: Body) -> None:
        self.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(body.kind.value))
            self.text.setPlainText(body.text)
            self.content_type.setCurrentText(body.content_type)
            table = self.multipart if body.kind.value == "multipart" else self.form
            table.set_rows(body.rows)
            self.path.setText(body.path)
        finally:
            self.blockSignals(False)
