"""A curl command pasted into the URL field becomes the request.

A paste (anything that puts more than one character in the field at once) of text that
starts with `curl` is read by the core's `parse_curl`; so is a command typed by hand
when Enter is pressed. A command typed key by key is not turned into a request half-way
("curl h" is no request). Ctrl+Z in the URL field puts back the whole request as it was
before, as long as nothing was changed since. What the command held that Gatepost could
not carry over is said in a note under the URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel

from ... import deferred

if TYPE_CHECKING:
    from ...core.model import RequestSpec
    from .editor import RequestEditor


def _might_be_curl(text: str) -> bool:
    # Cheap enough for every keystroke; the real check imports the importers.
    return "curl" in text[:16].lower()


def _inserted(before: str, after: str) -> int:
    """How many characters one edit put in (a paste over a selection counts whole)."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return len(after) - start - end


class CurlPaste(QObject):
    def __init__(self, editor: RequestEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self._text = editor.url.text()
        #: The request before the last conversion, and the request it became.
        self._undo: tuple[RequestSpec, dict] | None = None
        self.note = QLabel("", objectName="curlNote", accessibleName="Pasted curl command")
        self.note.setProperty("tone", "muted")
        self.note.setWordWrap(True)
        self.note.hide()
        editor.url.textChanged.connect(self._remember)
        editor.url.installEventFilter(self)

    def _remember(self, text: str) -> None:
        # textChanged comes after textEdited: while an edit is handled, this is the text
        # from before it.
        self._text = text

    def taken(self, text: str, typed: bool = False) -> bool:
        """Whether `text` (just edited into the URL field, or there when Enter was
        pressed: `typed`) was a curl command, now handled: turned into the request, or
        its problem shown with the text left as it is."""
        before = self._text
        if not _might_be_curl(text) or (not typed and _inserted(before, text) <= 1):
            if not typed:
                self.note.hide()
            return False

        if not deferred.curl_import.looks_like_curl(text):
            return False
        previous = self._editor.spec()
        if not typed:
            previous.url = before.strip()
        try:
            parsed = deferred.curl_import.parse_curl(text)
        except deferred.curl_import.CurlError as exc:
            self._editor.show_problems(f"This curl command cannot be read: {exc} The text is "
                                       "left in the URL field.")
            return True
        self.apply(parsed.spec, parsed.notices, previous)
        return True

    def apply(self, spec: RequestSpec, notices: list[str], previous: RequestSpec) -> None:
        editor = self._editor
        editor.clear_problems()
        editor.set_spec(spec)
        self._undo = (previous, deferred.serialize.spec_to_dict(editor.spec()))
        lines = ["Turned the curl command into this request; Ctrl+Z in the URL puts back "
                 "what was there."]
        lines += [f"• {n}" for n in notices]
        self.note.setText("\n".join(lines))
        self.note.setProperty("tone", "warning" if notices else "muted")
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)
        self.note.show()

    def undo(self) -> bool:
        """Ctrl+Z: the request as it was before the curl command, unless it has been
        changed since (then the URL field's own undo applies)."""
        if self._undo is None:
            return False
        previous, became = self._undo
        self._undo = None
        if deferred.serialize.spec_to_dict(self._editor.spec()) != became:
            return False
        self._editor.set_spec(previous)
        self.note.hide()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and \
                event.matches(QKeySequence.StandardKey.Undo) and self._undo is not None:
            return self.undo()
        return False
