"""Colours a body's text from spans computed in the worker (gui.core.highlight), in the
theme's syntax colours for light or dark."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from .. import theme


class SpanHighlighter(QSyntaxHighlighter):
    """Applies spans computed in the worker; lexes nothing."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        #: Spans per line, or a function of a line's text (gui.core.highlight.JSON_LINES).
        self.spans: list[list[tuple[int, int, str]]] | Callable[[str], list] | None = None
        self._formats: dict[str, QTextCharFormat] = {}
        self._recolour()
        # A switch between light and dark recolours what is shown.
        theme.notifier().changed.connect(self._recolour)

    def _recolour(self) -> None:
        for kind in theme.SYNTAX_COLOURS:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(theme.syntax_colour(kind)))
            self._formats[kind] = fmt
        if self.spans:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not self.spans:
            return
        if callable(self.spans):
            line = self.spans(text)
        else:
            number = self.currentBlock().blockNumber()
            line = self.spans[number] if number < len(self.spans) else []
        for start, length, kind in line:
            self.setFormat(start, length, self._formats[kind])
