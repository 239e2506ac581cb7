"""Collection files written fast, in the layout `yamlio.dump` writes.

ruamel.yaml takes about 4 ms for one request file: 20 s for an import of 5,000
requests. The files an import writes have a narrow shape (mappings of names, lists,
text, numbers, flags, the `{secret: keychain}` marker), so they are written here
directly, in the same style (2-space mappings, lists indented by 2 under their key,
quotes only where needed, multi-line text as a literal block). Every text is read back
with the same fast reader the collection uses; anything that does not read back as the
same data, or that this writer does not handle, goes through `yamlio.dump` instead. So
the result is always right, and usually byte for byte what a save would write.

What is checked: a plain (unquoted) scalar is written only when YAML 1.2's core schema
reads it back as the same text (no number, flag, null or indicator look-alike; the rest
is single-quoted, which holds any printable text); a document with a literal block is
read back on its own, since chomping and indentation are where a block can go wrong.
"""

from __future__ import annotations

import re
from typing import Any

from ..collections.yamlio import YamlSyntaxError, dump, load_fast
from ..serialize import SECRET_MARK

_PLAIN = re.compile(r"[A-Za-z0-9_/$<(][A-Za-z0-9_./:@$()+=?&%~;,<>\"{}\- ]*")
#: What a YAML 1.1 or 1.2 reader may take for a number or a time: quoted.
_NUMBERISH = re.compile(r"[-+.0-9][0-9_.:eE+\-]*|0[xob][0-9a-fA-F_]+|[0-9]+[-:][0-9].*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORDS = frozenset({"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On",
                    "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False",
                    "FALSE", "null", "Null", "NULL", "~"})
_PRINTABLE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]*")


#: Text already written once -> how it is written (names and values repeat a lot).
_SEEN: dict[str, str] = {}


class _Unhandled(Exception):
    """A value this writer leaves to ruamel."""


def dump_fast(data: dict[str, Any]) -> str:
    """`data` as YAML; the same data as `yamlio.dump(data)` would give when read back."""
    try:
        lines: list[str] = []
        _mapping(data, 0, lines, None)
        return "\n".join(lines) + "\n"
    except (_Unhandled, YamlSyntaxError, RecursionError):
        return dump(data)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        known = _SEEN.get(value)
        if known is None:
            known = _text(value)
            if len(_SEEN) < 10_000:
                _SEEN[value] = known
        return known
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value == value and value not in (float("inf"),
                                                                      float("-inf")):
        return repr(value)
    raise _Unhandled


def _text(value: str) -> str:
    if "\n" in value or "\r" in value or not _PRINTABLE.fullmatch(value):
        raise _Unhandled
    if value and _PLAIN.fullmatch(value) and value not in _WORDS and value[-1] != " " \
            and ": " not in value and " #" not in value and ", " not in value \
            and value[-1] != ":" and not _NUMBERISH.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _block(text: str, indent: int) -> list[str]:
    """Multi-line text as a literal block: `|-`, `|` or `|+` by its trailing breaks."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    first = body.lstrip("\n")
    if not first or first[0] in " \t" or "\r" in text or not _PRINTABLE.fullmatch(text):
        raise _Unhandled
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    pad = " " * indent
    out = [f"|{chomp}"]
    out += [pad + line if line else "" for line in body.split("\n")]
    out += [""] * (trailing - 1)
    check = "\n".join([f"k: {out[0]}", *(f"  {line}" if line else "" for line in
                                          (x[indent:] for x in out[1:]))]) + "\n"
    if load_fast(check) != {"k": text}:
        raise _Unhandled
    return out


#: Keys already found writable as they are (a file's keys are few and repeat).
_KEYS: set[str] = set()


def _key(key: Any) -> None:
    if key not in _KEYS:
        if not isinstance(key, str) or not _KEY.fullmatch(key) or key in _WORDS:
            raise _Unhandled
        if len(_KEYS) < 1_000:
            _KEYS.add(key)


def _mapping(data: dict[str, Any], indent: int, lines: list[str], first: str | None) -> None:
    pad = " " * indent
    prefix = pad if first is None else first
    for key, value in data.items():
        _key(key)
        kind = type(value)
        if kind is str and "\n" not in value:  # most values: one line of text
            scalar = _SEEN.get(value)
            if scalar is None:
                scalar = _scalar(value)
            lines.append(f"{prefix}{key}: {scalar}" if scalar else f"{prefix}{key}:")
        elif isinstance(value, dict) and value == SECRET_MARK:
            lines.append(f"{prefix}{key}: {{secret: keychain}}")
        elif isinstance(value, dict):
            if not value:
                raise _Unhandled
            lines.append(f"{prefix}{key}:")
            _mapping(value, indent + 2, lines, None)
        elif isinstance(value, list):
            if not value:
                raise _Unhandled
            lines.append(f"{prefix}{key}:")
            _sequence(value, indent + 2, lines)
        elif isinstance(value, str) and "\n" in value.rstrip("\n"):
            block = _block(value, indent + 2)
            lines.append(f"{prefix}{key}: {block[0]}")
            lines += block[1:]
        else:
            scalar = _scalar(value)
            lines.append(f"{prefix}{key}: {scalar}" if scalar else f"{prefix}{key}:")
        prefix = pad


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    dash = " " * indent + "- "
    for value in items:
        if isinstance(value, dict) and value and value != SECRET_MARK:
            _mapping(value, indent + 2, lines, dash)
        elif isinstance(value, dict | list) or (isinstance(value, str) and "\n" in value):
            raise _Unhandled
        else:
            lines.append(dash + _scalar(value))
