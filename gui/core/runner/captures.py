"""Captures: values taken from a response into run variables for later requests.

A capture that finds nothing leaves its variable unset and says why; the next request
that needs the variable then names the capture (Run keeps `failed` for that). A secret
capture's value is added to the values masked in every later record and report, and its
value is never shown: results carry MASK instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..http.masking import MASK
from . import declare
from .assertions import CheckResult, resolve
from .queries import MISSING, QueryError, Response, as_text, evaluate

if TYPE_CHECKING:
    from ..model import Capture


@dataclass
class Captured:
    """What a request's captures gave: variable values, the secret ones, the failures."""

    values: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    #: Variable name -> why its capture found nothing.
    failed: dict[str, str] = field(default_factory=dict)


def take(captures: list[Capture], response: Response, source: str) -> Captured:
    """Evaluate every enabled capture of the request `source` (its file, for messages)."""
    out = Captured()
    for capture in captures:
        if not capture.enabled:
            continue
        what = declare.query_text(capture.query, capture.argument)
        label = f"capture {capture.name} from {what}"
        argument = resolve(capture.argument, response.scope)
        try:
            found = evaluate(capture.query, argument, response)
            if found is MISSING:
                raise QueryError(f"{declare.query_text(capture.query, argument)} found nothing")
            value = as_text(found)
            if capture.pattern:
                match = declare.compile_pattern(capture.pattern).search(value)
                if match is None:
                    raise QueryError(f"the pattern {capture.pattern!r} does not match "
                                     f"{'the value' if capture.secret else repr(value[:200])}")
                value = match.group(1) if match.groups() else match.group(0)
        except (QueryError, ValueError) as exc:
            reason = f"the capture {capture.name!r} of {source} found nothing: {exc}"
            out.failed[capture.name] = reason
            out.results.append(CheckResult("capture", label, False, "a value", "nothing",
                                           str(exc)))
            continue
        out.values[capture.name] = value
        if capture.secret and value:
            out.secrets.append(value)
        out.results.append(CheckResult("capture", label, True, "a value",
                                       MASK if capture.secret else value))
    return out


@dataclass
class Origin:
    """Where a run variable's value came from, for the Variables view."""

    value: str
    #: The request file whose capture set it.
    source: str
    secret: bool = False


class RunVariables:
    """The run variables one session (a run's iteration, or the window's sends by hand)
    has captured: the next plan gets `values()` as overrides and `secrets()` as secret
    overrides; `origin(name)` says which request set a value, `failed` why a capture
    found nothing (a later "unknown variable" names it)."""

    def __init__(self) -> None:
        self._values: dict[str, Origin] = {}
        self.failed: dict[str, str] = {}

    def update(self, captured: Captured, source: str) -> None:
        secret = set(captured.secrets)
        for name, value in captured.values.items():
            self._values[name] = Origin(value, source, value in secret)
            self.failed.pop(name, None)
        self.failed.update(captured.failed)

    def values(self) -> dict[str, str]:
        return {name: o.value for name, o in self._values.items()}

    def secrets(self) -> tuple[str, ...]:
        return tuple(o.value for o in self._values.values() if o.secret and o.value)

    def origin(self, name: str) -> Origin | None:
        return self._values.get(name)

    def names(self) -> list[str]:
        return list(self._values)

    def clear(self) -> None:
        self._values.clear()
        self.failed.clear()

    def explain(self, message: str) -> str:
        """`message` (a plan's "unknown variable {{x}}") with the reason of each
        capture that should have set one of its variables."""
        reasons = [why for name, why in self.failed.items() if "{{" + name + "}}" in message]
        return " ".join([message, *(f"({why})" for why in reasons)])
