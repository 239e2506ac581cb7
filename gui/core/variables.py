"""`{{name}}` variables: layered scopes, resolved everywhere a request holds text.

Scopes are layered globals < collection < environment: a name defined in a later layer
wins. A variable's value may itself refer to variables; those are resolved too, and a
variable that refers back to itself (directly or through others) is an error naming the
whole cycle, never an endless loop. Names that nothing defines are collected over the
whole request and reported together, so the user fixes them in one go.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import RequestSpec, Row

#: `{{ name }}`: letters, digits, `_`, `-` and `.`; spaces inside the braces are allowed.
_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")


@dataclass
class Variable:
    """One row of a variables table. A secret one's value lives in the keychain."""

    name: str = ""
    value: str = ""
    enabled: bool = True
    secret: bool = False


@dataclass(frozen=True)
class VariableSpan:
    """Where a reference is in a text: text[start:end] is `{{name}}`."""

    start: int
    end: int
    name: str


class VariableError(ValueError):
    """A request that cannot be resolved; the message is for the user."""


class UnresolvedVariable(VariableError):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        listed = ", ".join("{{" + n + "}}" for n in self.names)
        noun = "variable is" if len(self.names) == 1 else "variables are"
        super().__init__(f"The {noun} not defined: {listed}.")


class VariableCycle(VariableError):
    def __init__(self, cycle: Iterable[str]) -> None:
        #: The names in the loop, the first repeated at the end: ("a", "b", "a").
        self.cycle = tuple(cycle)
        path = " → ".join("{{" + n + "}}" for n in self.cycle)
        what = "itself" if len(self.cycle) == 2 else "itself through other variables"
        super().__init__(f"The variable {{{{{self.cycle[0]}}}}} refers to {what}: {path}.")


def find_variables(text: str) -> list[VariableSpan]:
    """Every reference in `text`, in order (for the editor's highlighting)."""
    return [VariableSpan(m.start(), m.end(), m.group(1)) for m in _REFERENCE.finditer(text)]


def unknown_variables(text: str, scope: Mapping[str, str]) -> list[str]:
    """The names of the {{variables}} in `text` that `scope` does not define, sorted."""
    if "{{" not in text:
        return []
    return sorted({v.name for v in find_variables(text)} - set(scope))


def layer(*scopes: Iterable[Variable]) -> dict[str, str]:
    """One name -> value mapping from scopes given lowest first (globals, collection,
    environment); disabled and nameless rows are left out."""
    merged: dict[str, str] = {}
    for scope in scopes:
        merged.update({v.name: v.value for v in scope if v.enabled and v.name})
    return merged


def secret_values(*scopes: Iterable[Variable]) -> tuple[str, ...]:
    """The values of enabled secret variables, to mask wherever they end up."""
    return tuple(v.value for scope in scopes for v in scope if v.secret and v.enabled and v.value)


class Resolver:
    """Resolves texts against one scope, remembering each variable's final value and
    every name that nothing defines."""

    def __init__(self, scope: Mapping[str, str]) -> None:
        self._scope = scope
        self._resolved: dict[str, str] = {}
        self.missing: dict[str, None] = {}  # an ordered set

    def text(self, text: str, _stack: tuple[str, ...] = ()) -> str:
        if "{{" not in text:
            return text
        return _REFERENCE.sub(lambda m: self._value(m.group(1), m.group(0), _stack), text)

    def check(self) -> None:
        if self.missing:
            raise UnresolvedVariable(self.missing)

    def _value(self, name: str, reference: str, stack: tuple[str, ...]) -> str:
        if name in stack:
            raise VariableCycle((*stack[stack.index(name):], name))
        if name in self._resolved:
            return self._resolved[name]
        if name not in self._scope:
            self.missing[name] = None
            return reference  # kept as typed, so the user sees what is missing
        value = self.text(self._scope[name], (*stack, name))
        self._resolved[name] = value
        return value


def resolve_text(text: str, scope: Mapping[str, str]) -> str:
    """`text` with every reference replaced; UnresolvedVariable or VariableCycle."""
    resolver = Resolver(scope)
    out = resolver.text(text)
    resolver.check()
    return out


def _rows(rows: list[Row], resolver: Resolver) -> None:
    for row in rows:
        row.name = resolver.text(row.name)
        row.value = resolver.text(row.value)


def resolve_spec(spec: RequestSpec, scope: Mapping[str, str],
                 in_place: bool = False) -> RequestSpec:
    """A new spec with references resolved in the URL, params, headers, body (text, rows,
    path, content type) and every text auth field, secret ones included (`in_place`:
    in `spec` itself, a copy the caller made). Raises
    UnresolvedVariable naming every undefined variable in the whole request."""
    out = spec if in_place else copy.deepcopy(spec)
    resolver = Resolver(scope)
    out.url = resolver.text(out.url)
    _rows(out.params, resolver)
    _rows(out.headers, resolver)
    out.body.text = resolver.text(out.body.text)
    out.body.content_type = resolver.text(out.body.content_type)
    out.body.path = resolver.text(out.body.path)
    _rows(out.body.rows, resolver)
    out.auth.values = {k: resolver.text(v) if isinstance(v, str) else v
                       for k, v in out.auth.values.items()}
    resolver.check()
    return out
