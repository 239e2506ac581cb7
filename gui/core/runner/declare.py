"""Assertions and captures as a person writes them in a request file, read strictly.

    assertions:
      - query: status
        equals: 201
      - query: header Content-Type
        contains: json
      - query: jmespath json.id
        type: number
    captures:
      - name: user_id
        query: jmespath json.id

`query` is the kind of query, then its argument (a header name, an expression). An
assertion has exactly one operator key. Everything is checked when the file is read,
expressions and regular expressions compiled, so a mistake is named with its file, line
and key before anything is sent (DeclarationError's `keys`, turned into a line by the
collection loader). Written back canonically: operator aliases (`==`, `gt`) as words.
"""

from __future__ import annotations

import json
import re
from typing import Any

# queries only through deferred: a collection's loader reads declarations and would
# otherwise import the exchange, cookie and ssl modules that queries evaluate.
from .. import deferred
from ..model import Assertion, Capture

#: Query kinds -> whether they take an argument.
QUERIES = {"status": False, "header": True, "cookie": True, "body": False,
           "jsonpath": True, "jmespath": True, "xpath": True, "duration": False,
           "size": False, "variable": True}
COMPARISONS = ("equals", "not_equals", "greater", "greater_or_equal", "less",
               "less_or_equal")
OPERATORS = (*COMPARISONS, "contains", "not_contains", "starts_with", "ends_with",
             "matches", "exists", "not_exists", "empty", "type", "length", "in", "not_in")
ALIASES = {"==": "equals", "eq": "equals", "!=": "not_equals", "ne": "not_equals",
           ">": "greater", "gt": "greater", ">=": "greater_or_equal",
           "ge": "greater_or_equal", "<": "less", "lt": "less", "<=": "less_or_equal",
           "le": "less_or_equal", "is_empty": "empty", "is_type": "type",
           "not_equal": "not_equals", "equal": "equals", "match": "matches"}
TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")
#: How an operator reads in a report line.
WORDS = {"equals": "==", "not_equals": "!=", "greater": ">", "greater_or_equal": ">=",
         "less": "<", "less_or_equal": "<=", "not_contains": "not contains",
         "starts_with": "starts with", "ends_with": "ends with", "not_exists": "not exists",
         "empty": "is empty", "type": "is of type", "not_in": "not in"}
NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_ASSERTION_KEYS = ("name", "query", "enabled")
_CAPTURE_KEYS = ("name", "query", "pattern", "secret", "enabled")


class DeclarationError(ValueError):
    """An assertion or capture that does not parse; `keys` says where (list index,
    then key), relative to the `assertions` or `captures` list."""

    def __init__(self, message: str, keys: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.keys = keys


def operator(key: Any) -> str | None:
    """The canonical operator a key names, or None."""
    if not isinstance(key, str):
        return None
    key = ALIASES.get(key.strip().lower(), key.strip().lower())
    return key if key in OPERATORS else None


def split_query(text: str) -> tuple[str, str]:
    kind, _, argument = text.strip().partition(" ")
    return kind.lower(), argument.strip()


def _templated(text: str) -> bool:
    return "{{" in text


def check_query(kind: str, argument: str) -> None:
    """ValueError with a sentence when the query cannot be evaluated as written."""
    if kind not in QUERIES:
        raise ValueError(f"{kind!r} is not a query; use one of {', '.join(QUERIES)}")
    if QUERIES[kind] and not argument:
        what = {"header": "a header name", "cookie": "a cookie name",
                "variable": "a variable name"}.get(kind, "an expression")
        raise ValueError(f"{kind} needs {what}, e.g. "
                         + {"header": "'header Content-Type'", "cookie": "'cookie session'",
                            "variable": "'variable user_id'", "jsonpath": "'jsonpath $.id'",
                            "jmespath": "'jmespath json.id'",
                            "xpath": "'xpath //title/text()'"}[kind])
    if not QUERIES[kind] and argument:
        raise ValueError(f"{kind} takes nothing after it (found {argument!r})")
    if _templated(argument):
        return  # compiled when the variables are known
    if kind == "jmespath":
        try:
            deferred.jmespath.compile(argument)
        except deferred.jmespath_exceptions.JMESPathError as exc:
            where = getattr(exc, "lex_position", None)
            at = f" at character {where + 1}" if isinstance(where, int) else ""
            why = _first_line(exc).removeprefix("Invalid jmespath expression: ").rstrip(":")
            raise ValueError(f"the JMESPath {argument!r} does not parse: {why}{at}") from None
    elif kind == "jsonpath":
        deferred.queries.compile_jsonpath(argument)
    elif kind == "xpath":
        deferred.queries.compile_xpath(argument)
    elif kind == "variable" and not NAME.fullmatch(argument):
        raise ValueError(f"{argument!r} is not a variable name")


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"the regular expression {pattern!r} does not compile: "
                         f"{exc}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def check_expected(op: str, value: Any) -> Any:
    """The expected value as kept (length's mapping with its operator made canonical);
    ValueError when it cannot be what the operator compares with."""
    if op in ("exists", "not_exists", "empty"):
        if not isinstance(value, bool):
            raise ValueError(f"{op} takes true or false, not {json.dumps(value)}")
    elif op == "type":
        if value not in TYPES:
            raise ValueError(f"type must be one of {', '.join(TYPES)}, not "
                             f"{json.dumps(value)}")
    elif op == "length":
        if isinstance(value, dict):
            if len(value) != 1:
                raise ValueError("length takes a number, or one comparison such as "
                                 "{greater: 2}")
            (key, number), = value.items()
            inner = operator(key)
            if inner not in COMPARISONS:
                raise ValueError(f"{key!r} is not a comparison; use one of "
                                 f"{', '.join(COMPARISONS)}")
            if not (_is_number(number) or (isinstance(number, str) and _templated(number))):
                raise ValueError(f"length {inner} takes a number, not {json.dumps(number)}")
            return dict(value)  # the key as written: a save then changes only the number
        if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0) \
                and not (isinstance(value, str) and _templated(value)):
            raise ValueError(f"length takes a whole number, not {json.dumps(value)}")
    elif op in ("in", "not_in"):
        if not isinstance(value, list) or not all(_scalar(v) for v in value):
            raise ValueError(f"{op} takes a list of values, e.g. [200, 201]")
    elif op == "matches":
        if not isinstance(value, str):
            raise ValueError("matches takes a regular expression (text)")
        if not _templated(value):
            compile_pattern(value)
    elif op in ("greater", "greater_or_equal", "less", "less_or_equal"):
        if not (_is_number(value) or isinstance(value, str)):
            raise ValueError(f"{op} compares with a number (or text), not "
                             f"{json.dumps(value)}")
    elif op in ("contains", "not_contains", "starts_with", "ends_with"):
        if not _scalar(value) or value is None:
            raise ValueError(f"{op} takes text or a number, not {json.dumps(value)}")
    return value


def _mapping(data: Any, what: str, keys: tuple[Any, ...]) -> dict[Any, Any]:
    if not isinstance(data, dict):
        raise DeclarationError(f"each {what} is a mapping (e.g. `- query: status`), not "
                               f"{json.dumps(data, default=str)}", keys)
    return data


def _text(d: dict[Any, Any], key: str, keys: tuple[Any, ...], default: str = "") -> str:
    value = d.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DeclarationError(f"{key} must be text", (*keys, key))
    return str(value)


def _flag(d: dict[Any, Any], key: str, keys: tuple[Any, ...], default: bool) -> bool:
    value = d.get(key, default)
    if not isinstance(value, bool):
        raise DeclarationError(f"{key} must be true or false", (*keys, key))
    return value


def _query(d: dict[Any, Any], keys: tuple[Any, ...]) -> tuple[str, str]:
    if "query" not in d or d["query"] in (None, ""):
        raise DeclarationError("has no query (e.g. `query: status` or "
                               "`query: jmespath json.id`)", keys)
    kind, argument = split_query(_text(d, "query", keys))
    try:
        check_query(kind, argument)
    except ValueError as exc:
        raise DeclarationError(str(exc), (*keys, "query")) from None
    return kind, argument


def parse_assertion(data: Any, keys: tuple[Any, ...] = ()) -> Assertion:
    d = _mapping(data, "assertion", keys)
    kind, argument = _query(d, keys)
    ops = []
    for key in d:
        if key in _ASSERTION_KEYS:
            continue
        op = operator(key)
        if op is None:
            raise DeclarationError(
                f"unknown key {key!r}; an assertion has a query, one operator ("
                f"{', '.join(OPERATORS)}) and optionally a name and enabled", (*keys, key))
        ops.append((key, op))
    if not ops:
        raise DeclarationError(f"says nothing to check: add one operator, e.g. "
                               f"`equals: 200` ({', '.join(OPERATORS)})", keys)
    if len(ops) > 1:
        raise DeclarationError(f"has {len(ops)} operators ({', '.join(str(k) for k, _ in ops)}"
                               "); write one assertion for each", (*keys, ops[1][0]))
    key, op = ops[0]
    try:
        expected = check_expected(op, d[key])
    except ValueError as exc:
        raise DeclarationError(str(exc), (*keys, key)) from None
    return Assertion(kind, argument, op, expected, _flag(d, "enabled", keys, True),
                     _text(d, "name", keys), key if key != op else "")


def parse_capture(data: Any, keys: tuple[Any, ...] = ()) -> Capture:
    d = _mapping(data, "capture", keys)
    for key in d:
        if key not in _CAPTURE_KEYS:
            raise DeclarationError(f"unknown key {key!r}; a capture has "
                                   f"{', '.join(_CAPTURE_KEYS)}", (*keys, key))
    name = _text(d, "name", keys)
    if not NAME.fullmatch(name):
        raise DeclarationError("needs a name, the variable to set (letters, digits, _ . -)"
                               if not name else f"{name!r} is not a variable name "
                               "(letters, digits, _ . -)", (*keys, "name") if name else keys)
    kind, argument = _query(d, keys)
    pattern = _text(d, "pattern", keys)
    if pattern:
        try:
            compile_pattern(pattern)
        except ValueError as exc:
            raise DeclarationError(str(exc), (*keys, "pattern")) from None
    return Capture(name, kind, argument, pattern, _flag(d, "secret", keys, False),
                   _flag(d, "enabled", keys, True))


def parse_list(data: Any, parse: Any, what: str) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise DeclarationError(f"{what} must be a list (each item starting with `- `)")
    return [parse(item, (i,)) for i, item in enumerate(data)]


def assertions_from_data(data: Any) -> list[Assertion]:
    return parse_list(data, parse_assertion, "assertions")


def captures_from_data(data: Any) -> list[Capture]:
    return parse_list(data, parse_capture, "captures")


def query_text(kind: str, argument: str) -> str:
    return f"{kind} {argument}" if argument else kind


def assertion_data(a: Assertion) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if a.name:
        d["name"] = a.name
    d["query"] = query_text(a.query, a.argument)
    d[a.key if a.key and operator(a.key) == a.op else a.op] = a.expected
    if not a.enabled:
        d["enabled"] = False
    return d


def capture_data(c: Capture) -> dict[str, Any]:
    d: dict[str, Any] = {"name": c.name, "query": query_text(c.query, c.argument)}
    if c.pattern:
        d["pattern"] = c.pattern
    if c.secret:
        d["secret"] = True
    if not c.enabled:
        d["enabled"] = False
    return d


def describe(a: Assertion) -> str:
    """How a report names an assertion: its name, or what it says."""
    if a.name:
        return a.name
    word = WORDS.get(a.op, a.op)
    subject = query_text(a.query, a.argument)
    if a.op in ("exists", "not_exists"):
        exists = (a.op == "exists") == (a.expected is not False)
        return f"{subject} {'exists' if exists else 'does not exist'}"
    if a.op == "empty":
        return f"{subject} {'is empty' if a.expected is not False else 'is not empty'}"
    return f"{subject} {word} {show(a.expected)}"


def show(value: Any) -> str:
    """A value as a report shows it: text as is, everything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:  # length's {greater: 2}
        (key, number), = value.items()
        op = operator(key) or str(key)
        return f"{WORDS.get(op, op)} {show(number)}"
    return json.dumps(value, ensure_ascii=False, default=str)
