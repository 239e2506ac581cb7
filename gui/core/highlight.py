"""Syntax colouring computed off the GUI thread: pygments tokens as per-line spans.

The window's highlighter only applies these spans, so colouring a large body costs the
GUI thread a lookup per line, not a lexer run. Pretty-printed JSON, whatever its size, is
coloured a line at a time as it is shown instead (JSON_LINES).
"""

from __future__ import annotations

import re

from . import deferred

#: Text longer than this is not coloured.
HIGHLIGHT_LIMIT = 1024 * 1024

#: (start column, length, kind) per line; kinds name colours in the window.
Spans = list[list[tuple[int, int, str]]]

_LEXERS = {"json": "JsonLexer", "xml": "XmlLexer", "html": "HtmlLexer",
           "javascript": "JavascriptLexer", "css": "CssLexer"}


_kinds: dict[object, str | None] = {}


def _kind(token: object) -> str | None:
    if token in _kinds:
        return _kinds[token]
    _kinds[token] = kind = _classify(token)
    return kind


def _classify(token: object) -> str | None:
    t = deferred.pygments_token
    for kind, base in (("key", t.Name.Tag), ("string", t.String), ("number", t.Number),
                       ("keyword", t.Keyword), ("comment", t.Comment),
                       ("attr", t.Name.Attribute), ("tag", t.Name),
                       ("punct", t.Punctuation), ("operator", t.Operator)):
        if token in base:
            return kind
    return None


def spans(text: str, language: str) -> Spans | None:
    """Spans for every line of the text, or None when it is not coloured."""
    lexer_name = _LEXERS.get(language)
    if lexer_name is None or len(text) > HIGHLIGHT_LIMIT:
        return None
    lexer = getattr(deferred.pygments_lexers, lexer_name)(stripnl=False, ensurenl=False)
    lines: Spans = [[]]
    column = 0
    for token, value in lexer.get_tokens(text):
        kind = _kind(token)
        for i, piece in enumerate(value.split("\n")):
            if i:
                lines.append([])
                column = 0
            if piece and kind:
                lines[-1].append((column, len(piece), kind))
            column += len(piece)
    return lines


_JSON_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d[\d.eE+-]*)'
                         r"|(true|false|null)\b|([{}\[\],:])")


class JsonLines:
    """Colours pretty-printed JSON one line at a time, as the window shows the line:
    each line of it stands alone (strings hold no raw newline), so a body of any size
    is coloured without a lexer run over all of it or spans held for every line."""

    def __call__(self, line: str) -> list[tuple[int, int, str]]:
        out = []
        for m in _JSON_TOKEN.finditer(line):
            string, colon, number, keyword, _punct = m.groups()
            if string is not None:
                out.append((m.start(), len(string), "key" if colon else "string"))
                if colon:
                    out.append((m.end() - 1, 1, "punct"))
            else:
                kind = "number" if number else "keyword" if keyword else "punct"
                out.append((m.start(), m.end() - m.start(), kind))
        return out


#: The `spans` of pretty-printed JSON (gui.core.present): called with a line's text.
JSON_LINES = JsonLines()
