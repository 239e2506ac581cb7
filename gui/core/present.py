"""Text for showing an exchange: sizes, durations, pretty bodies, a hop's wire text.

Shared by the window and the command line; pretty-printing runs in the worker thread,
never on the GUI thread.
"""

from __future__ import annotations

import json

from .challenge import describe
from .exchange import Hop, ReceivedResponse

#: Bodies above this are shown raw only, until issue-7 style paging lands.
PRETTY_LIMIT = 5 * 1024 * 1024


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    for unit in ("KB", "MB", "GB"):
        n /= 1024  # type: ignore[assignment]
        if n < 1024 or unit == "GB":
            return f"{n:.1f} {unit}"
    raise AssertionError


def human_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def is_json(response: ReceivedResponse) -> bool:
    ctype = response.content_type
    return ctype == "application/json" or ctype.endswith("+json")


def pretty(response: ReceivedResponse) -> str:
    """The body for reading: indented JSON when it is JSON, else the decoded text."""
    text = response.text()
    if response.body_size > PRETTY_LIMIT:
        return text
    if is_json(response) or text.lstrip()[:1] in ("{", "["):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    return text


def hop_text(hop: Hop) -> str:
    """The hop as it went over the wire: request head, then response head and timings."""
    req = hop.request
    lines = [f"{req.method} {req.url}"]
    if hop.remote_address:
        lines[0] += f"    (to {hop.remote_address})"
    lines += [f"{n}: {v}" for n, v in req.headers]
    lines.append(f"[request body: {human_size(req.body_size)}]")
    lines.append("")
    if hop.response is None:
        lines.append("[no response]")
    else:
        r = hop.response
        lines.append(f"{r.http_version} {r.status} {r.reason}")
        lines += [f"{n}: {v}" for n, v in r.headers]
        for name in ("WWW-Authenticate", "Proxy-Authenticate"):
            for n, v in r.headers:
                if n.lower() == name.lower():
                    lines.append(f"[{name} challenge]")
                    lines += describe(v)
        lines.append(f"[response body: {human_size(r.body_size)} decoded, "
                     f"{human_size(r.body_wire_size)} on the wire]")
    t = hop.timings
    lines.append("")
    lines.append("Timings: " + ", ".join(
        f"{name} {human_time(value)}" for name, value in (
            ("DNS", t.dns), ("connect", t.connect), ("TLS", t.tls), ("send", t.send),
            ("wait", t.wait), ("receive", t.receive), ("total", t.total))))
    if hop.next_reason:
        lines.append(f"Next: {hop.next_reason}")
    return "\n".join(lines)
