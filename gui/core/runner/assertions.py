"""Evaluating assertions: each gives a CheckResult with expected vs actual.

Comparisons are forgiving across the types a response gives: a header is text, a status
a number, a {{variable}} always text, so `equals: 42` holds for the text "42" and
`equals: "{{id}}"` holds for the JSON number 42. Nothing else is coerced.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..http.masking import masker
from ..variables import Resolver, VariableCycle
from . import declare
from .queries import MISSING, QueryError, Response, evaluate

if TYPE_CHECKING:
    from ..model import Assertion


@dataclass
class CheckResult:
    """One assertion or capture, as reports show it."""

    #: "assertion" or "capture"
    kind: str
    label: str
    passed: bool
    #: What was expected and what was found, as text ("" when not applicable).
    expected: str = ""
    actual: str = ""
    #: Why it failed, in a sentence; empty when it passed.
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.label, "passed": self.passed,
                "expected": self.expected, "actual": self.actual,
                "message": self.message or None}


def resolve(value: Any, scope: Mapping[str, str]) -> Any:
    """`value` with {{variables}} resolved in its text (and in a list's or mapping's);
    an undefined one is left as written and the comparison then fails, showing it."""
    if isinstance(value, str) and "{{" in value:
        try:
            return Resolver(scope).text(value)
        except VariableCycle:
            return value
    if isinstance(value, list):
        return [resolve(v, scope) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, scope) for k, v in value.items()}
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def same(actual: Any, expected: Any) -> bool:
    if actual == expected and type(actual) is type(expected):
        return True
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected or (isinstance(actual, str) and isinstance(expected, bool)
                                      and actual == ("true" if expected else "false"))
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return actual == expected
    a, e = _number(actual), _number(expected)
    if a is not None and e is not None and (isinstance(actual, str)
                                            != isinstance(expected, str)):
        return a == e
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same, actual, expected))
    return bool(actual == expected)


def _order(actual: Any, expected: Any) -> tuple[Any, Any]:
    a, e = _number(actual), _number(expected)
    if a is not None and e is not None:
        return a, e
    if isinstance(actual, str) and isinstance(expected, str):
        return actual, expected
    raise _Fail(f"{declare.show(actual)} is not a number")


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


class _Fail(Exception):
    """The check cannot hold for this value: the message says why."""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return declare.show(value)
    raise _Fail(f"{declare.show(value)} is {type_of(value)}, not text")


def _length(value: Any) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise _Fail(f"{declare.show(value)} is {type_of(value)}: it has no length")


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "equals":
        return same(actual, expected)
    if op == "not_equals":
        return not same(actual, expected)
    a, e = _order(actual, expected)
    return {"greater": a > e, "greater_or_equal": a >= e, "less": a < e,
            "less_or_equal": a <= e}[op]


def holds(op: str, actual: Any, expected: Any) -> bool:
    """Whether `actual op expected`; _Fail when the value is of the wrong kind."""
    if op in declare.COMPARISONS:
        return _compare(op, actual, expected)
    if op in ("contains", "not_contains"):
        if isinstance(actual, list):
            found = any(same(item, expected) for item in actual)
        elif isinstance(actual, dict):
            found = _text(expected) in actual
        else:
            found = _text(expected) in _text(actual)
        return found if op == "contains" else not found
    if op == "starts_with":
        return _text(actual).startswith(_text(expected))
    if op == "ends_with":
        return _text(actual).endswith(_text(expected))
    if op == "matches":
        try:
            pattern = declare.compile_pattern(expected)
        except ValueError as exc:
            raise _Fail(str(exc)) from None
        return pattern.search(_text(actual)) is not None
    if op == "empty":
        is_empty = actual in ("", None) or (isinstance(actual, list | dict) and not actual)
        return is_empty is expected
    if op == "type":
        kind = type_of(actual)
        if expected == "integer":
            return kind == "number" and float(actual).is_integer()
        return kind == expected
    if op == "length":
        size = _length(actual)
        if isinstance(expected, dict):
            (key, number), = expected.items()
            return _compare(declare.operator(key) or "equals", size, number)
        return _compare("equals", size, expected)
    if op in ("in", "not_in"):
        found = any(same(actual, item) for item in expected)
        return found if op == "in" else not found
    raise _Fail(f"{op!r} is not an operator")


def check(assertion: Assertion, response: Response) -> CheckResult:
    """Evaluate one assertion against a response (its scope resolves {{variables}})."""
    label = declare.describe(assertion)
    op = assertion.op
    expected = _masked(resolve(assertion.expected, response.scope), response.secrets)
    shown = declare.show(expected) if op not in ("exists", "not_exists", "empty") \
        else ("true" if expected else "false")
    if op == "type":
        shown = f"of type {expected}"
    argument = resolve(assertion.argument, response.scope)
    try:
        actual = evaluate(assertion.query, argument, response)
    except QueryError as exc:
        return CheckResult("assertion", label, False, shown, "", str(exc))
    if op in ("exists", "not_exists"):
        wanted = expected if op == "exists" else not expected
        found = actual is not MISSING
        what = declare.query_text(assertion.query, argument)
        message = "" if found == wanted else (
            f"{what} was not found" if wanted else f"{what} exists")
        return CheckResult("assertion", label, found == wanted,
                           "exists" if wanted else "does not exist",
                           _actual(actual) if found else "nothing", message)
    if actual is MISSING:
        what = declare.query_text(assertion.query, argument)
        return CheckResult("assertion", label, False, shown, "nothing",
                           f"{what} was not found")
    try:
        passed = holds(op, actual, expected)
        message = "" if passed else _why(op, actual, shown)
    except _Fail as exc:
        passed, message = False, str(exc)
    return CheckResult("assertion", label, passed, shown, _actual(actual, op), message)


def _masked(value: Any, secrets: tuple[str, ...]) -> Any:
    if not secrets:
        return value
    return masker(secrets).data(value)


def _actual(value: Any, op: str = "") -> str:
    text = declare.show(value)
    if op == "type":
        return f"{type_of(value)}: {_short(text)}"
    if op == "length" and isinstance(value, str | list | dict):
        return f"length {len(value)}: {_short(text)}"
    return _short(text)


def _short(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", text) if len(text) > limit else text
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _why(op: str, actual: Any, shown: str) -> str:
    if op == "equals":
        return f"expected {shown}, got {_actual(actual, op)}"
    if op == "empty":
        return f"expected {'empty' if shown == 'true' else 'not empty'}, got " \
               f"{_actual(actual) or '(empty)'}"
    word = declare.WORDS.get(op, op).replace("_", " ")
    if op == "type":
        return f"expected {shown}, got {_actual(actual, op)}"
    return f"expected {word} {shown}, got {_actual(actual, op)}"
