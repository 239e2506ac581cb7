"""Check a request before anything touches the network.

Every problem is reported with the place it belongs to, so the window can show it next
to the field and the command line can name it; a request with a problem is never sent.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from . import deferred
from .auth import AuthError, FieldKind, get
from .model import BodyKind, RequestSpec

# RFC 9110 section 5.6.2: methods and field names are tokens.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: What httpx takes for an IPv4 address (others, like 127.1, are names to look up).
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
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
    # The answer depends on the string alone (and on whether httpx is loaded yet), and
    # the same URL is checked at every send of a request: parsing it twice more costs
    # about 15 µs a send.
    return _check_url(url, "httpx" in sys.modules)


@lru_cache(maxsize=256)
def _check_url(url: str, with_httpx: bool) -> str | None:
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
    host_problem = check_host(parts.hostname)
    if host_problem:
        return host_problem
    # What else httpx refuses (a control character, a bad port). Only once httpx is
    # loaded: the window's first check runs on the GUI thread, where importing it
    # would hold the click for a tenth of a second; Engine.send checks again in the
    # worker, with httpx, before anything is sent.
    httpx = sys.modules.get("httpx") if with_httpx else None
    if httpx is not None:
        try:
            httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as exc:
            return f"Invalid URL: {exc}."
    return None


#: RFC 1035: a label of at most 63 bytes, a name of at most 253 (without the final dot).
MAX_LABEL, MAX_NAME = 63, 253


def _idna_label(label: str, ascii_host: bool) -> str:
    """The label as it goes to the name lookup; UnicodeError (IDNAError) if it cannot.
    An ASCII label starting xn-- is decoded (httpx does, to show the name)."""
    if label.isascii() and ascii_host:
        if label.lower().startswith("xn--"):
            deferred.idna.decode(label)
        return label
    return deferred.idna.encode(label).decode("ascii")


def check_host(host: str) -> str | None:
    """What is wrong with a host name (IP literals aside), label by label, or None.

    An ASCII name is sent as typed (httpx does); a name with other letters goes as IDNA,
    each label of it checked the way httpx's `idna.encode` will, so that the message
    names the label instead of the whole name failing later in the lookup."""
    if ":" in host:  # an IPv6 literal (urlsplit took off the brackets)
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"Invalid URL: [{host}] is not an IPv6 address."
        return None
    if _IPV4.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return f"Invalid URL: {host} is not an IPv4 address (four numbers 0-255)."
        return None
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    encoded = []
    for label in labels:
        if not label:
            return (f"Invalid host name {host!r}: it has an empty label (two dots in a "
                    "row, or a dot at the start).")
        shown = label if len(label) <= 20 else f"{label[:20]}…"
        try:
            ascii_label = _idna_label(label, host.isascii())
        except UnicodeError as exc:
            return (f"Invalid host name: the label {shown!r} is not a valid "
                    f"international (IDNA) name: {exc}.")
        if len(ascii_label) > MAX_LABEL:
            return (f"Invalid host name: the label {shown!r} is {len(ascii_label)} "
                    f"characters long; a label may have at most {MAX_LABEL}.")
        encoded.append(ascii_label)
    if len(".".join(encoded)) > MAX_NAME:
        return (f"Invalid host name: it is {len('.'.join(encoded))} characters long; a host "
                f"name may have at most {MAX_NAME}.")
    return None


def check(spec: RequestSpec) -> list[Problem]:
    problems: list[Problem] = []
    if not _TOKEN.fullmatch(spec.method):
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
        elif not _TOKEN.fullmatch(row.name):
            problems.append(
                Problem("headers", f"Header name {row.name!r} may not contain spaces, colons "
                        "or other separators.", i)
            )
        message = header_value_problem(row.name, row.value, spec.options.utf8_headers)
        if message:
            problems.append(Problem("headers", message, i))
    problems.extend(_check_body(spec))
    problems.extend(_check_options(spec))
    problems.extend(_check_auth(spec))
    return problems


#: Headers with a standard form for text beyond ASCII (RFC 8187 `name*=UTF-8''…`),
#: which build.py uses for them when the person sends header values as UTF-8.
EXTENDED_PARAMETER_HEADERS = ("content-disposition",)


def header_value_problem(name: str, value: str, utf8: bool = False) -> str | None:
    """Why httpx cannot send this header value, or None. The character itself is not
    quoted: the value may hold a secret put in by a variable."""
    for position, char in enumerate(value, 1):
        if char in "\r\n":
            return f"The value of {name!r} contains a line break."
        if (char < " " and char != "\t") or char == "\x7f":
            return (f"The value of {name!r} contains the control character "
                    f"U+{ord(char):04X} (character {position}); header values cannot "
                    "carry it.")
    if utf8 or value.isascii():
        return None
    position = next(n for n, char in enumerate(value, 1) if not char.isascii())
    standard = (" (as RFC 8187 name*=UTF-8''… parameters)"
                if name.lower() in EXTENDED_PARAMETER_HEADERS else "")
    return (f"The value of {name!r} has a character that is not ASCII (character "
            f"{position}), and header values are sent as ASCII. Turn on “Send header "
            f"values as UTF-8” in the request's Settings{standard} (gatepost send: "
            "--utf8-headers), or percent-encode it.")


#: Beyond this a number of seconds is a typo (a year), and sockets refuse it anyway.
MAX_SECONDS = 365 * 24 * 3600.0


def _seconds(value: object, label: str) -> str | None:
    """What is wrong with a number of seconds (None: no limit), or None."""
    if value is None:
        return None
    # The usual answer first (five of these at every send); NaN and infinity fail it.
    if (type(value) is float or type(value) is int) and 0 < value <= MAX_SECONDS:
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
    try:
        scheme = get(spec.auth.scheme)
    except AuthError as exc:
        return [Problem("auth", str(exc))]
    if not scheme.available():
        return [Problem("auth", f"{scheme.label} is not installed: {scheme.install_hint}")]
    # The scheme is named, so that "the key id is empty" says whose key id.
    for f in scheme.fields:
        value = spec.auth.values.get(f.name)
        if f.kind is not FieldKind.FILE or not isinstance(value, str):
            continue
        # The schemes' own checks fail on these without saying which field.
        if "\0" in value:
            return [Problem("auth", f"{scheme.label}: the file name in {f.label} "
                            "contains a NUL character.")]
        if value.startswith("~") and os.path.expanduser(value) == value:
            user = value.split(os.sep, 1)[0]
            return [Problem("auth", f"{scheme.label}: {f.label}: {user} is no user's home "
                            "folder on this machine.")]
    try:
        messages = scheme.check(spec.auth.values)
    except (ValueError, TypeError, OSError, RuntimeError) as exc:
        # A scheme's check that itself fails on odd input still ends in a sentence.
        return [Problem("auth", f"{scheme.label}: the settings could not be checked "
                        f"({type(exc).__name__}: {exc}).")]
    return [Problem("auth", f"{scheme.label}: {message}") for message in messages]


def _check_body(spec: RequestSpec) -> list[Problem]:
    body = spec.body
    if body.kind is BodyKind.RAW and body.content_type:
        message = header_value_problem("Content-Type", body.content_type,
                                       spec.options.utf8_headers)
        if message:
            return [Problem("body", f"The body's content type: {message}")]
    if body.kind is BodyKind.JSON and body.text.strip():
        try:
            json.loads(body.text)
        except json.JSONDecodeError as exc:
            return [Problem("body", f"The JSON body does not parse: {exc.msg} at line "
                            f"{exc.lineno}, column {exc.colno}.")]
        except (RecursionError, ValueError):
            # Nested deeper than the parser allows, or a number of thousands of digits:
            # Python cannot hold it, a server may; it is sent as typed.
            pass
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
        if os.path.isdir(path):
            return f"{path} is a folder; choose a file to send."
        if os.path.exists(path):
            # A pipe or a device would be read for ever, or block the send.
            return f"{path} is not a regular file (a pipe or a device); choose a file."
        return f"The file {path} does not exist (was it moved or deleted?)."
    if not os.access(path, os.R_OK):
        return f"The file {path} cannot be read."
    return None
