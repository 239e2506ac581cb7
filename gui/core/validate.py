"""Check a request before anything touches the network.

Every problem is reported with the place it belongs to, so the window can show it next
to the field and the command line can name it; a request with a problem is never sent.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .model import BodyKind, RequestSpec

# RFC 9110 section 5.6.2: methods and field names are tokens.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Problem:
    #: "method", "url", "headers", "body", "options", "auth"
    field: str
    message: str
    #: Row number (0-based) in a table, when the problem is in one.
    row: int | None = None

    def __str__(self) -> str:
        where = f"{self.field} row {self.row + 1}" if self.row is not None else self.field
        return f"{where}: {self.message}"


def normalise_url(url: str) -> str:
    """Trim the URL and assume http:// when no scheme was typed, as curl does."""
    url = url.strip()
    if url and "://" not in url and not url.startswith("//"):
        url = "http://" + url
    return url


def check_url(url: str) -> str | None:
    """A message for what is wrong with the URL, or None."""
    if not url.strip():
        return "Enter a URL."
    url = normalise_url(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"Invalid URL: {exc}."
    if parts.scheme.lower() not in SCHEMES:
        return f"Unsupported scheme {parts.scheme!r}: Gatepost sends http:// and https:// URLs."
    if not parts.hostname:
        return "Invalid URL: it has no host name."
    if any(c.isspace() for c in parts.netloc):
        return "Invalid URL: the host part contains a space."
    return None


def check(spec: RequestSpec) -> list[Problem]:
    problems: list[Problem] = []
    if not _TOKEN.match(spec.method):
        problems.append(
            Problem("method", f"{spec.method!r} is not a valid method name (letters, digits "
                    "and !#$%&'*+.^_`|~- only, no spaces).")
        )
    url_problem = check_url(spec.url)
    if url_problem:
        problems.append(Problem("url", url_problem))
    for i, row in enumerate(spec.headers):
        if not row.enabled or not (row.name or row.value):
            continue
        if not row.name:
            problems.append(Problem("headers", "The header has a value but no name.", i))
        elif not _TOKEN.match(row.name):
            problems.append(
                Problem("headers", f"Header name {row.name!r} may not contain spaces, colons "
                        "or other separators.", i)
            )
        if "\r" in row.value or "\n" in row.value:
            problems.append(
                Problem("headers", f"The value of {row.name!r} contains a line break.", i))
    problems.extend(_check_body(spec))
    problems.extend(_check_options(spec))
    problems.extend(_check_auth(spec))
    return problems


#: Beyond this a number of seconds is a typo (a year), and sockets refuse it anyway.
MAX_SECONDS = 365 * 24 * 3600.0


def _seconds(value: object, label: str) -> str | None:
    """What is wrong with a number of seconds (None: no limit), or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{label} must be a number of seconds, not {value!r}."
    if not math.isfinite(value):
        return f"{label} must be a finite number of seconds, not {value}."
    if value <= 0:
        return f"{label} must be more than 0 seconds (or none), not {value:g}."
    if value > MAX_SECONDS:
        return f"{label} of {value:g} seconds is more than a year; use none for no limit."
    return None


def _check_options(spec: RequestSpec) -> list[Problem]:
    options = spec.options
    t = options.timeouts
    messages = [_seconds(t.connect, "The connect timeout"),
                _seconds(t.read, "The read timeout"), _seconds(t.write, "The write timeout"),
                _seconds(t.pool, "The pool timeout"),
                _seconds(options.max_time, "The time limit (max time)")]
    size = options.max_body_size
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        messages.append(f"The maximum body size must be a whole number of bytes, 0 or "
                        f"more, not {size!r}.")
    redirects = options.max_redirects
    if isinstance(redirects, bool) or not isinstance(redirects, int) or redirects < 0:
        messages.append(f"The maximum number of redirects must be a whole number, 0 or "
                        f"more, not {redirects!r}.")
    return [Problem("options", m) for m in messages if m]


def _check_auth(spec: RequestSpec) -> list[Problem]:
    if spec.auth.scheme == "none":
        return []
    from .auth import AuthError, get

    try:
        scheme = get(spec.auth.scheme)
    except AuthError as exc:
        return [Problem("auth", str(exc))]
    if not scheme.available():
        return [Problem("auth", f"{scheme.label} is not installed: {scheme.install_hint}")]
    # The scheme is named, so that "the key id is empty" says whose key id.
    return [Problem("auth", f"{scheme.label}: {message}")
            for message in scheme.check(spec.auth.values)]


def _check_body(spec: RequestSpec) -> list[Problem]:
    body = spec.body
    if body.kind is BodyKind.JSON and body.text.strip():
        try:
            json.loads(body.text)
        except json.JSONDecodeError as exc:
            return [Problem("body", f"The JSON body does not parse: {exc.msg} at line "
                            f"{exc.lineno}, column {exc.colno}.")]
    if body.kind is BodyKind.FILE:
        return [Problem("body", m) for m in [_check_file(body.path)] if m]
    if body.kind is BodyKind.MULTIPART:
        return [
            Problem("body", m, i)
            for i, row in enumerate(body.rows)
            if row.enabled and row.is_file
            for m in [_check_file(row.value)]
            if m
        ]
    return []


def _check_file(path: str) -> str | None:
    if not path:
        return "Choose a file to send."
    if not os.path.isfile(path):
        return f"The file {path} does not exist (was it moved or deleted?)."
    if not os.access(path, os.R_OK):
        return f"The file {path} cannot be read."
    return None
