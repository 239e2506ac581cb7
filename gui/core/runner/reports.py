"""Reports of a run: terminal lines, a JSON document, JUnit XML for CI.

Every text in a report goes through the run's secrets (secret variables, secret
captures, command-line secrets, whatever an auth scheme masked) once more, so a value
that reached a body or an assertion's "actual" is masked there too. Files are written
atomically; a run stopped half-way writes a complete, valid report of what it did, with
`interrupted` set.

JUnit: one <testsuite> per request (and iteration), one <testcase> per assertion or
capture; a failed check is a <failure>, a request that could not be sent an <error>.
The layout satisfies both the Jenkins xunit JUnit schema and Ant's (properties,
testcases, system-out, system-err, in that order): GitLab, Jenkins and GitHub's
test reporters read it.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import __version__
from .. import deferred
from ..http.masking import mask_text
from ..storage.atomic import write_atomic
from .run import ERROR, FAILED, INTERRUPTED, PASSED

if TYPE_CHECKING:
    from .run import RequestResult, Run

#: Bodies past this are cut in the JSON report (its size says how large they were).
BODY_LIMIT = 1 << 20
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class ReportInfo:
    """What a report says about the run besides its results."""

    collection: str
    path: str
    environment: str | None = None


def masker(run: Run) -> Callable[[str], str]:
    secrets = tuple(sorted(s for s in run.secrets if s))
    # Even without known secrets: a URL's user-info password is masked (masking.py).
    return lambda text: mask_text(text, secrets)


def _mask_all(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_mask_all(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: _mask_all(v, mask) for k, v in value.items()}
    return value


# -- the terminal ---------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def result_lines(result: RequestResult, run: Run) -> list[str]:
    """A finished request as the terminal shows it: one line, then one per failure
    with expected vs actual."""
    mask = masker(run)
    name = result.name + (f" [{result.iteration}]" if run.iterations > 1 else "")
    if result.outcome in (ERROR, INTERRUPTED):
        label = "ERROR" if result.outcome == ERROR else "STOP "
        return [mask(f"{label} {name}: {result.error}")]
    total = len(result.checks)
    failed = result.failures
    counts = f"{total - len(failed)}/{total} checks" if total else "no checks"
    head = f"{'PASS ' if result.outcome == PASSED else 'FAIL '} {name}  {result.status}  " \
           f"{_ms(result.time)}  {counts}"
    lines = [head]
    for check in failed:
        lines.append(f"        ✗ {check.label}: {check.message}")
    return [mask(line) for line in lines]


def summary_line(run: Run) -> str:
    t = run.totals()
    parts = [f"{t.passed} passed", f"{t.failed} failed"]
    if t.errors:
        parts.append(f"{t.errors} not sent")
    if t.interrupted:
        parts.append(f"{t.interrupted} interrupted")
    iterations = f", {run.iterations} iterations" if run.iterations > 1 else ""
    line = (f"{t.requests} request{'s' if t.requests != 1 else ''}{iterations}: "
            f"{', '.join(parts)}; {t.assertions} assertion"
            f"{'s' if t.assertions != 1 else ''}, {t.assertions_failed} failed; "
            f"{run.duration:.2f} s")
    if run.interrupted:
        line += f" (interrupted after {t.requests} of {run.total})"
    elif run.bailed:
        line += f" (stopped at the first failure: --bail, {t.requests} of {run.total})"
    return line


# -- JSON -----------------------------------------------------------------------------------


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds")


def _exchange_dict(result: RequestResult) -> dict[str, Any] | None:
    if result.exchange is None:
        return None
    d = result.exchange.to_dict()
    body = d.get("body")
    if isinstance(body, str) and len(body) > BODY_LIMIT:
        d["body"] = body[:BODY_LIMIT]
        d["body_truncated"] = True
    return d


def json_report(run: Run, info: ReportInfo) -> dict[str, Any]:
    results = []
    for r in run.results:
        results.append({
            "index": r.index, "iteration": r.iteration, "name": r.name, "file": r.file,
            "folder": r.folder, "outcome": r.outcome, "status": r.status,
            "time": round(r.time, 6), "started": _iso(r.started), "error": r.error,
            "error_kind": r.error_kind,
            "assertions": [c.to_dict() for c in r.checks if c.kind == "assertion"],
            "captures": [c.to_dict() for c in r.checks if c.kind == "capture"],
            "exchange": _exchange_dict(r),
        })
    doc = {
        "gatepost": __version__, "collection": info.collection, "path": info.path,
        "environment": info.environment, "started": _iso(run.started or 0.0),
        "duration": round(run.duration, 6), "iterations": run.iterations,
        "interrupted": run.interrupted, "bailed": run.bailed,
        "totals": run.totals().to_dict(), "results": results,
    }
    return _mask_all(doc, masker(run))


def write_json(path: Path, run: Run, info: ReportInfo) -> None:
    data = json.dumps(json_report(run, info), indent=2, ensure_ascii=False)
    write_atomic(Path(path), (data + "\n").encode("utf-8"))


# -- JUnit ----------------------------------------------------------------------------------


def _clean(text: str, mask: Callable[[str], str]) -> str:
    return _XML_INVALID.sub("\N{REPLACEMENT CHARACTER}", mask(text))


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def junit_xml(run: Run, info: ReportInfo) -> bytes:
    mask = masker(run)
    totals = run.totals()
    root = deferred.ElementTree.Element("testsuites", {
        "name": _clean(info.collection, mask), "time": _seconds(run.duration)})
    counts = {"tests": 0, "failures": 0, "errors": 0}
    host = socket.gethostname() or "localhost"
    for r in run.results:
        suite_name = r.name + (f" [iteration {r.iteration}]" if run.iterations > 1 else "")
        suite = deferred.ElementTree.SubElement(root, "testsuite", {
            "name": _clean(suite_name, mask), "id": str(r.index - 1),
            "package": _clean(r.folder or info.collection, mask),
            "timestamp": datetime.fromtimestamp(r.started or 0.0, UTC).strftime(
                "%Y-%m-%dT%H:%M:%S"),
            "hostname": host, "time": _seconds(r.time), "skipped": "0"})
        props = deferred.ElementTree.SubElement(suite, "properties")
        for key, value in (("file", r.file), ("iteration", str(r.iteration)),
                           ("status", "" if r.status is None else str(r.status)),
                           ("outcome", r.outcome)):
            deferred.ElementTree.SubElement(props, "property",
                                            {"name": key, "value": _clean(value, mask)})
        classname = _clean(r.name, mask)
        cases = _cases(r)
        tests = failures = errors = 0
        for n, (name, failure, error, detail) in enumerate(cases):
            case = deferred.ElementTree.SubElement(suite, "testcase", {
                "name": _clean(name, mask), "classname": classname,
                "time": _seconds(r.time if n == 0 else 0.0)})
            tests += 1
            if error is not None:
                errors += 1
                node = deferred.ElementTree.SubElement(
                    case, "error", {"message": _clean(error[1], mask), "type": error[0]})
                node.text = _clean(detail, mask)
            elif failure is not None:
                failures += 1
                node = deferred.ElementTree.SubElement(
                    case, "failure", {"message": _clean(failure, mask), "type": "assertion"})
                node.text = _clean(detail, mask)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        out = deferred.ElementTree.SubElement(suite, "system-out")
        out.text = _clean(_system_out(r), mask)
        deferred.ElementTree.SubElement(suite, "system-err").text = _clean(r.error or "", mask)
        counts["tests"] += tests
        counts["failures"] += failures
        counts["errors"] += errors
    for key, count in counts.items():
        root.set(key, str(count))
    if run.interrupted:
        root.set("name", _clean(f"{info.collection} (interrupted after {totals.requests} "
                                f"of {run.total} requests)", mask))
    deferred.ElementTree.indent(root)
    return deferred.ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _cases(r: RequestResult) -> list[tuple[str, str | None, tuple[str, str] | None, str]]:
    """(name, failure message, (error type, message), detail) per test case."""
    if r.outcome in (ERROR, INTERRUPTED):
        kind = "interrupted" if r.outcome == INTERRUPTED else (r.error_kind or "error")
        return [("send request", None, (kind, r.error or "not sent"), r.error or "")]
    if not r.checks:
        return [("response received", None, None, "")]
    out: list[tuple[str, str | None, tuple[str, str] | None, str]] = []
    for c in r.checks:
        detail = f"expected: {c.expected}\nactual: {c.actual}" if not c.passed else ""
        out.append((c.label, None if c.passed else (c.message or "failed"), None, detail))
    return out


def _system_out(r: RequestResult) -> str:
    request = r.exchange.request if r.exchange is not None else None
    line = f"{request.method} {request.url}" if request is not None else r.file
    if r.status is not None:
        line += f" -> {r.status} in {_ms(r.time)}"
    return line


def write_junit(path: Path, run: Run, info: ReportInfo) -> None:
    write_atomic(Path(path), junit_xml(run, info))


__all__ = ["FAILED", "ReportInfo", "json_report", "junit_xml", "result_lines",
           "summary_line", "write_json", "write_junit"]
