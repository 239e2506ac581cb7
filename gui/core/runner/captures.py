"""Captures: values taken from a response into run variables for later requests.

A capture that finds nothing leaves its variable unset and says why; the next request
that needs the variable then names the capture (Run keeps `failed` for that). A secret
capture's value is added to the values masked in every later record and report, and its
value is never shown: results carry MASK instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..masking import MASK
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
