"""The JSON tree as places in the pretty-printed text, not as Python objects.

Pretty-printed JSON (gui.core.jsonpretty: one key or element a line, two spaces a level,
strings without raw newlines) says its structure in its indentation: a container opened
at depth d closes at the next line indented exactly d; its children are the lines
indented d + 1 levels in between. So a node is (the offset of its line, its depth), and
a node's children are found when it is expanded, a batch at a time, with str.find and
str.count (C loops over the text): a 100 MB body costs its text and nothing per value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
#: str.find and str.count hold the GIL for all the text they are given: a large text is
#: read a window at a time, so that the window's thread gets a turn in between.
WINDOW = 2 * 1024 * 1024


@dataclass(frozen=True)
class Node:
    """One key or element: its line in the text, how deep it is, what it shows."""

    key: str
    #: As the tree's Value column shows it: the JSON of a scalar, "{3 keys}", "[2 items]".
    summary: str
    #: Where its line starts, and its depth; `children` takes them.
    line: int
    depth: int
    #: How many children it has (0 for a scalar and for an empty container).
    count: int = 0
    #: How many characters of the text it covers (what finding its children costs).
    size: int = 0


@dataclass(frozen=True)
class Batch:
    nodes: list[Node]
    #: Where the next batch starts (a line offset and an index), or None when none is left.
    rest: tuple[int, int] | None
    #: How many children there are in all.
    total: int


class JsonTree:
    """Children of any node of the pretty-printed JSON `text`, on demand. Made in the
    worker: the root's count reads the whole text."""

    def __init__(self, text: str) -> None:
        self.text = text
        end = self._line_end(0)
        self.root = self._node("", text[:end], 0, 0, end)

    def children(self, node: Node, start: tuple[int, int] | None = None,
                 limit: int = 500) -> Batch:
        """Up to `limit` children of `node`, from `start` (a Batch's `rest`) or the first."""
        text, depth = self.text, node.depth
        opening_end = self._line_end(node.line)
        if not node.count:
            return Batch([], None, 0)
        is_object = text[opening_end - 1] == "{"
        indent = 2 * (depth + 1)
        line, index = start if start is not None else (opening_end + 1, 0)
        nodes: list[Node] = []
        while len(nodes) < limit:
            if text[line + indent - 2] != " ":  # the node's own closing line
                return Batch(nodes, None, node.count)
            end = self._line_end(line)
            content = text[line + indent:end]
            if is_object:
                m = _STRING.match(content)
                assert m is not None, "pretty-printed JSON keys are strings"
                key = str(json.loads(m.group()))
                value = content[m.end() + 2:]
            else:
                key, value = str(index), content
            child = self._node(key, value.removesuffix(","), line, depth + 1, end)
            nodes.append(child)
            line = (self._line_end(line + child.size) if child.count else end) + 1
            index += 1
        if text[line + indent - 2] != " ":
            return Batch(nodes, None, node.count)
        return Batch(nodes, (line, index), node.count)

    def _node(self, key: str, value: str, line: int, depth: int, end: int) -> Node:
        if value in ("{", "["):
            close = self._close(line, depth, end)
            count = self._count(end, close, 2 * (depth + 1))
            words = "keys" if value == "{" else "items"
            summary = f"{value}{count} {words}{'}' if value == '{' else ']'}"
            return Node(key, summary, line, depth, count, close - line)
        if value == "{}":
            return Node(key, "{0 keys}", line, depth)
        if value == "[]":
            return Node(key, "[0 items]", line, depth)
        if "\\" in value:  # shown as json.dumps(ensure_ascii=False) shows it
            value = json.dumps(json.loads(value), ensure_ascii=False)
        return Node(key, value, line, depth)

    def _line_end(self, line: int) -> int:
        end = self.text.find("\n", line)
        return len(self.text) if end < 0 else end

    def _close(self, line: int, depth: int, opening_end: int) -> int:
        """Where the closing line of the container opened on `line` starts."""
        text = self.text
        pattern = "\n" + " " * (2 * depth) + ("}" if text[opening_end - 1] == "{" else "]")
        start = opening_end
        while True:
            # Windows overlap by the pattern's length, less one: none is missed.
            found = text.find(pattern, start, start + WINDOW + len(pattern) - 1)
            if found >= 0:
                return found + 1
            start += WINDOW
            if start >= len(text):
                raise ValueError("not pretty-printed JSON: a container does not close")

    def _count(self, start: int, end: int, indent: int) -> int:
        """Lines indented exactly `indent` in text[start:end] that do not close a container."""
        text, prefix = self.text, "\n" + " " * indent
        count = 0
        while start < end:
            # Cut at a newline: every pattern starts with the only newline it holds, so
            # none spans the cut.
            cut = end if end - start <= WINDOW else text.find("\n", start + WINDOW, end)
            cut = end if cut < 0 else cut
            count += (text.count(prefix, start, cut) - text.count(prefix + " ", start, cut)
                      - text.count(prefix + "}", start, cut)
                      - text.count(prefix + "]", start, cut))
            start = cut
        return count
