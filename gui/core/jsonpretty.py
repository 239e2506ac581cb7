"""JSON pretty-printed without turning it into Python objects.

Parsing a large body into dicts and lists costs 3-5 times its size in memory, and a C
parser (json, orjson) holds the GIL for the whole body, so the window stalls while it
runs. Here the body is read a megabyte at a time and re-indented token by token: memory
is the input chunk and the output text, and the Python loop lets the GUI thread in every
few milliseconds. Small bodies go through orjson, where it is both faster and brief.

The output has json.dumps(indent=2)'s layout — one key or element a line, two spaces a
level, empty containers as {} and [] — which gui.core.jsontree relies on. Strings and
numbers are copied as they came (escapes and all): nothing is lost or rounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from . import deferred

#: Bodies up to this size are parsed and printed by orjson (a few ms with the GIL held).
ORJSON_LIMIT = 1024 * 1024
#: How much input the tokenizer takes at a time.
CHUNK = 1024 * 1024
#: Tokens decoded and added to the text at a time (about 1 MB of text).
PIECE = 50_000

_WS = rb"[ \t\n\r]*"
_STRING = rb'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"'
_SCALAR = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null"
#: One token with the whitespace around it and the comma after it, so that a typical
#: element ("name": value,) takes two turns of the loop, not four.
_TOKEN = re.compile(_WS + b"(?:(" + _STRING + b")" + _WS + b"(:)?|(" + _SCALAR
                    + rb")|([{\[])|([}\]]))" + _WS + b"(,)?" + _WS)
_BOM = b"\xef\xbb\xbf"

# What may come next.
_VALUE, _FIRST_KEY, _FIRST_VALUE, _KEY, _AFTER = range(5)


class NotJson(ValueError):
    """The body is not JSON; says where it stops being JSON."""


def pretty(chunks: Iterable[bytes], encoding: str = "utf-8",
           cancelled: Callable[[], bool] = lambda: False) -> str:
    """The JSON in `chunks` (bytes, in order) pretty-printed; NotJson if it is not JSON
    (or `cancelled` said stop)."""
    out: list[bytes] = []  # tokens of the current piece
    # The text so far, grown a piece at a time: CPython appends in place to a str only
    # this frame holds (realloc, not a copy), so the GIL is held for a piece's copy, not
    # for a join of the whole text at the end (130 MB: a 100-150 ms stall of the window,
    # and the pieces and the joined text held at once). Nothing else may refer to it.
    text = ""
    stack = bytearray()  # b"{" or b"[" per open container
    nl = [b"\n"]
    expect = _VALUE
    done = False  # the top-level value is complete
    buf, pos, read = b"", 0, 0
    source = iter(chunks)
    eof = False
    match = _TOKEN.match
    while True:
        m = match(buf, pos)
        if m is None or (m.end() > len(buf) - 16 and not eof):
            # A token may be cut at the end of the chunk ("1.5" read as "1" and "."): read
            # on and try again. Past a
            # few bytes that cannot start one, the text is simply not JSON.
            rest = buf[pos:].lstrip(b" \t\n\r")
            if eof or (m is None and len(rest) > 64 and rest[:1] != b'"'):
                if not rest and done:
                    break
                raise NotJson(f"not JSON at byte {read - len(rest)}")
            if cancelled():
                raise NotJson("cancelled")
            chunk = next(source, b"")
            if not read and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
            eof = not chunk
            read += len(chunk)
            buf, pos = buf[pos:] + chunk, 0
            continue
        pos = m.end()
        string, colon, scalar, opener, closer, comma = m.groups()
        depth = len(stack)
        if done:
            raise NotJson(f"extra data at byte {read - len(buf) + m.start()}")
        if colon is not None:
            if (expect != _KEY and expect != _FIRST_KEY) or stack[-1] != 123 or (
                    comma is not None):
                raise NotJson(f"unexpected key at byte {read - len(buf) + m.start()}")
            out += (nl[depth], string, b": ")
            expect = _VALUE
            continue
        if closer is not None:
            if not stack or (closer == b"}") != (stack[-1] == 123) or expect not in (
                    _AFTER, _FIRST_KEY, _FIRST_VALUE):
                raise NotJson(f"unexpected {closer.decode()} at byte "
                              f"{read - len(buf) + m.start()}")
            stack.pop()
            if expect == _AFTER:
                out.append(nl[depth - 1])
            out.append(closer)
        else:
            if expect == _FIRST_VALUE or (expect == _KEY and stack[-1] == 91):
                out.append(nl[depth])
            elif expect != _VALUE:
                raise NotJson(f"unexpected value at byte {read - len(buf) + m.start()}")
            if opener is not None:
                stack += opener
                if len(nl) <= depth + 1:
                    nl.append(nl[-1] + b"  ")
                out.append(opener)
                if comma is not None:
                    raise NotJson(f"unexpected , at byte {read - len(buf) + m.start()}")
                expect = _FIRST_KEY if opener == b"{" else _FIRST_VALUE
                continue
            out.append(string if scalar is None else scalar)
        if comma is not None:
            if not stack:
                raise NotJson(f"unexpected , at byte {read - len(buf) + m.start()}")
            out.append(b",")
            expect = _KEY
        else:
            expect = _AFTER
            done = not stack
        if len(out) > PIECE:
            # Millions of small bytes objects would cost more than the text they hold.
            text += b"".join(out).decode(encoding, errors="replace")
            out.clear()
    if not done:
        raise NotJson("the JSON ends early")
    text += b"".join(out).decode(encoding, errors="replace")
    return text


def pretty_small(data: bytes) -> str | None:
    """`data` pretty-printed by orjson, or None when orjson will not take it (not JSON, or
    what only Python's parser reads: NaN, integers past 64 bits, deep nesting)."""
    orjson = deferred.orjson
    try:
        return orjson.dumps(orjson.loads(data), option=orjson.OPT_INDENT_2).decode()
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None


def load(text: str) -> Any:
    """The value of pretty-printed JSON, for the filter (in a worker). A large text goes
    through Python's parser with a Python hook per object, so that the GUI thread gets
    the GIL between objects; orjson would hold it for the whole text."""
    if len(text) <= ORJSON_LIMIT:
        try:
            return deferred.orjson.loads(text)
        except deferred.orjson.JSONDecodeError:
            pass  # NaN, integers past 64 bits: Python's parser reads them
    return json.loads(text, object_pairs_hook=_object)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)
