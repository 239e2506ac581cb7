"""YAML in and out of collection files, safely, fast to open and gentle when saving.

Reading uses PyYAML's C parser (libyaml) and builds plain values from its events
directly: mappings, lists and YAML 1.2 core-schema scalars (`yes`, `on`, `010` and dates
stay text, because that is what ruamel.yaml writes: a value must read back as the string
that was saved). It never constructs objects, so it is safe by construction. Saving loads
the file again in ruamel's round-trip mode (also safe: plain mappings, lists and scalars,
never objects) and changes only what differs, so comments, key order and quoting survive.
No unsafe loader is ever used: a `!!python/...` tag is an error, not code that runs.
"""

from __future__ import annotations

import functools
import io
import math
import re
from typing import TYPE_CHECKING, Any

import yaml
from yaml._yaml import CParser

from .. import deferred
from ..serialize import SECRET_MARK

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

# ruamel.yaml (about 3 MiB) is imported by the functions that save, through deferred:
# opening a collection reads with libyaml alone (docs/benchmarks.md).


class YamlSyntaxError(ValueError):
    """The text is not YAML (or not YAML we accept); `line` is 1-based or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


_CORE = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NUMBER_START = frozenset("0123456789+-.")
_SPECIAL = {"~": None, "null": None, "Null": None, "NULL": None, "": None,
            "true": True, "True": True, "TRUE": True,
            "false": False, "False": False, "FALSE": False,
            ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf,
            "+.Inf": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
            "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}


def _plain(text: str) -> Any:
    """A plain scalar by YAML 1.2's core schema."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        if text[:2] in ("0o", "0x"):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)  # a leading zero is decimal in YAML 1.2, not octal
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _scalar(event: yaml.ScalarEvent) -> Any:
    try:
        return _typed(event)
    except ValueError:
        # int() refuses more than 4,300 digits (CPython's guard against slow parsing).
        raise _Refused(f"the number {event.value[:12]}… has {len(event.value)} digits, "
                       "too many to read", event) from None


def _typed(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        return _plain(event.value) if event.implicit[0] and not event.style else event.value
    if tag == _CORE + "str":
        return event.value
    kind = tag.removeprefix(_CORE)
    if kind in ("int", "float", "bool", "null"):
        value = _plain(event.value)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if kind == "float" and number:
            return float(value)
        if {"int": isinstance(value, int) and number, "float": False,
                "bool": isinstance(value, bool), "null": value is None}[kind]:
            return value
        raise _Refused(f"{event.value!r} is not a valid {kind}", event)
    raise _Refused(f"the tag {tag} is not allowed", event)


class _Refused(Exception):
    def __init__(self, message: str, event: Any) -> None:
        super().__init__(message)
        self.line = event.start_mark.line + 1


#: Deeper nesting is refused: no collection file needs it, and everything that walks the
#: values (schema checks, saving) recurses.
MAX_DEPTH = 64


_ScalarEvent, _AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceEnd = yaml.SequenceEndEvent
_CONTAINER_TAGS = frozenset({None, "!", _CORE + "map", _CORE + "seq"})


class _Builder:
    """Plain values straight from the C parser's events: much faster than PyYAML's
    composer and constructor, and nothing but mappings, lists and core scalars.

    Each event is read once (get_event, no check or peek before it), and a plain or
    quoted scalar without a tag, nearly every value of a collection file, is typed
    right here: the C parser's events are most of an open's cost already."""

    def __init__(self, text: str) -> None:
        self._parser = CParser(text)
        self._next = self._parser.get_event
        self._anchors: dict[str, Any] = {}
        self._depth = 0

    def document(self) -> Any:
        p = self._parser
        p.get_event()  # stream start
        if p.check_event(yaml.StreamEndEvent):
            return None
        p.get_event()  # document start
        value = self._value(p.get_event())
        p.get_event()  # document end
        if not p.check_event(yaml.StreamEndEvent):
            raise _Refused("a file holds one YAML document, not several", p.peek_event())
        return value

    def _value(self, event: Any) -> Any:
        kind = type(event)
        if kind is _ScalarEvent:
            if event.tag is None and event.anchor is None:
                if event.style or not event.implicit[0]:
                    return event.value
                try:
                    return _plain(event.value)
                except ValueError:
                    return _scalar(event)  # refused there, with its line
            value = _scalar(event)
        elif kind is _AliasEvent:
            if event.anchor not in self._anchors:
                raise _Refused(f"the alias *{event.anchor} names no anchor", event)
            return self._anchors[event.anchor]
        elif event.tag not in _CONTAINER_TAGS:
            raise _Refused(f"the tag {event.tag} is not allowed", event)
        else:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(f"values are nested more than {MAX_DEPTH} levels deep", event)
            if kind is _MappingStart:
                value = self._mapping()
            else:
                value = []
                following = self._next
                while type(item := following()) is not _SequenceEnd:
                    value.append(self._value(item))
            self._depth -= 1
        if event.anchor is not None:
            self._anchors[event.anchor] = value
        return value

    def _mapping(self) -> dict[Any, Any]:
        value: dict[Any, Any] = {}
        following = self._next
        while type(event := following()) is not _MappingEnd:
            key = self._value(event)
            if isinstance(key, list | dict):
                raise _Refused("a key must be a plain value", event)
            if key in value:
                raise _Refused(f"the key {key!r} is given twice", event)
            value[key] = self._value(following())
        return value


def load_fast(text: str) -> Any:
    """The document as plain Python values; YamlSyntaxError with the line on failure."""
    try:
        return _Builder(text).document()
    except _Refused as exc:
        return _raise(str(exc), exc.line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or str(exc)
        return _raise(message, mark.line + 1 if mark is not None else None)
    except yaml.reader.ReaderError as exc:
        # A NUL or other control character: its line, not the reader's whole report.
        line = text.count("\n", 0, exc.position) + 1
        return _raise(f"it holds a control character (code {exc.character:#x}), which "
                      "YAML does not allow", line)
    except yaml.YAMLError as exc:
        return _raise(str(exc), None)
    except RecursionError:
        return _raise("values are nested too deeply", None)


def _raise(message: str, line: int | None) -> Any:
    raise YamlSyntaxError(message, line)


def _yaml() -> YAML:
    y = deferred.ruamel_yaml.YAML(typ="rt")  # round-trip: safe, keeps comments, order and quoting
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never fold a long URL over lines
    y.preserve_quotes = True
    return y


def load_rt(text: str) -> Any:
    try:
        return _yaml().load(text)
    except deferred.ruamel_error.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise YamlSyntaxError(str(exc.problem), mark.line + 1 if mark else None) from None


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(to_node(data), out)
    return out.getvalue()


#: Text a literal block can hold as it is: YAML's printable characters and line feeds;
#: no carriage return, NEL or Unicode line separators (read back as other breaks).
@functools.cache
def _block_safe() -> re.Pattern[str]:
    # Compiled when first saving: a few ms of every start that only reads.
    return re.compile(
        "[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
        "\U00010000-\U0010ffff]*")


#: Line breaks other than \n, which ruamel's single-quoted style folds: double-quoted.
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def to_node(value: Any) -> Any:
    """Plain values as ruamel nodes: a secret marker in flow style (`{secret: keychain}`),
    text with line breaks as a literal block."""
    comments, scalars = deferred.ruamel_comments, deferred.ruamel_scalarstring
    if isinstance(value, comments.CommentedMap | comments.CommentedSeq):
        return value
    if isinstance(value, dict):
        node = comments.CommentedMap((k, to_node(v)) for k, v in value.items())
        if value == SECRET_MARK:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        return comments.CommentedSeq(to_node(v) for v in value)
    if isinstance(value, str):
        if "\n" in value.rstrip("\n") and _block_safe().fullmatch(value):
            return scalars.LiteralScalarString(value)
        if _OTHER_BREAKS.search(value):
            return scalars.DoubleQuotedScalarString(value)
    return value  # ruamel quotes the rest as needed (control characters escaped)


def merge(node: Any, old: Any, new: Any) -> Any:
    """`node` (round-trip, as on disk) changed to hold `new`. `old` is the canonical
    form of what the file held: wherever it equals `new`, the node is kept exactly as the
    person wrote it; keys the canonical form lacks (defaults spelled out) are kept, and
    keys the file leaves out but whose value did not change are not added."""
    if old == new and node is not None:
        return node
    if isinstance(node, deferred.ruamel_comments.CommentedMap) and isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        for key in [k for k in node if k in old and k not in new]:
            del node[key]
        for key, value in new.items():
            if key in node:
                merged = merge(node[key], old.get(key), value)
                if merged is not node[key]:
                    node[key] = merged
            elif key not in old or old[key] != value:  # else left implicit, and unchanged
                node.insert(_position(node, list(new), key), key, to_node(value))
        return node
    if isinstance(node, deferred.ruamel_comments.CommentedSeq) and isinstance(new, list):
        old = old if isinstance(old, list) else []
        del node[len(new):]
        for i, value in enumerate(new):
            if i < len(node):
                merged = merge(node[i], old[i] if i < len(old) else None, value)
                if merged is not node[i]:
                    node[i] = merged
            else:
                node.append(to_node(value))
        return node
    return to_node(new)


def _position(node: CommentedMap, order: list[str], key: str) -> int:
    """Where a new key goes: after the last present key that comes before it."""
    before = set(order[:order.index(key)])
    return max((i + 1 for i, k in enumerate(node) if k in before), default=0)


def line_of(text: str, keys: tuple[Any, ...]) -> int | None:
    """The 1-based line of the value at `keys` (a path of mapping keys and list indexes),
    or of the deepest part of it that exists.

    Walks libyaml's events and stops there: a few milliseconds for a large file, where a
    round-trip parse took seconds a megabyte."""
    try:
        return _line_of(CParser(text), keys)
    except (yaml.YAMLError, _Refused, ValueError):
        return None


def _line_of(parser: Any, keys: tuple[Any, ...]) -> int | None:
    parser.get_event()  # stream start
    if parser.check_event(yaml.StreamEndEvent):
        return None
    parser.get_event()  # document start
    line = None
    for key in keys:
        node = parser.get_event()
        if isinstance(node, yaml.MappingStartEvent) and not isinstance(key, int | bool):
            while True:
                if parser.check_event(yaml.MappingEndEvent):
                    return line
                name = parser.get_event()
                if isinstance(name, yaml.ScalarEvent) and _scalar(name) == key:
                    line = name.start_mark.line + 1
                    break
                if not isinstance(name, yaml.ScalarEvent | yaml.AliasEvent):
                    _skip(parser, name)
                _skip(parser, parser.get_event())
        elif isinstance(node, yaml.SequenceStartEvent) and isinstance(key, int):
            for _ in range(key):
                if parser.check_event(yaml.SequenceEndEvent):
                    return line
                _skip(parser, parser.get_event())
            if parser.check_event(yaml.SequenceEndEvent):
                return line
            line = parser.peek_event().start_mark.line + 1
        else:
            return line
    return line


def _skip(parser: Any, event: Any) -> None:
    """Consume the rest of the node that `event` started."""
    depth = int(isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent))
    while depth:
        event = parser.get_event()
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
