"""The request model: what a user composes, independent of httpx and of Qt.

Rows are ordered and keep disabled entries, because a request builder must give back
exactly what the user typed, including the rows they switched off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass
class Row:
    """One name/value row of a params, headers or form table."""

    name: str = ""
    value: str = ""
    enabled: bool = True
    #: For multipart rows: the value is a path to a file to upload.
    is_file: bool = False


class BodyKind(StrEnum):
    NONE = "none"
    RAW = "raw"
    JSON = "json"
    FORM = "form"
    MULTIPART = "multipart"
    FILE = "file"


@dataclass
class Body:
    kind: BodyKind = BodyKind.NONE
    #: Text for RAW and JSON bodies.
    text: str = ""
    #: Content type for RAW bodies (JSON implies application/json); empty means none.
    content_type: str = "text/plain"
    #: Rows for FORM and MULTIPART bodies.
    rows: list[Row] = field(default_factory=list)
    #: Path for a FILE body.
    path: str = ""


@dataclass
class Timeouts:
    """Seconds; None means wait forever."""

    connect: float | None = 10.0
    read: float | None = 30.0
    write: float | None = 30.0
    pool: float | None = 10.0

    @classmethod
    def all(cls, seconds: float | None) -> Timeouts:
        return cls(seconds, seconds, seconds, seconds)


#: The default deadline for a whole exchange: far longer than any ordinary one, short
#: enough that a server dripping bytes cannot hold a tab for ever. An event stream meant
#: to run longer sets its own (None: no deadline).
MAX_TIME = 300.0
#: The default limit on a response body, decoded or not (a gzip bomb stops here).
MAX_BODY_SIZE = 1 << 30


@dataclass
class Options:
    timeouts: Timeouts = field(default_factory=Timeouts)
    follow_redirects: bool = True
    max_redirects: int = 20
    verify_tls: bool = True
    http2: bool = False
    #: Seconds the whole exchange may take, every hop included (curl's --max-time);
    #: None means no deadline.
    max_time: float | None = MAX_TIME
    #: Bytes a response body may have, on the wire and decoded (curl's
    #: --max-filesize); None means no limit.
    max_body_size: int | None = MAX_BODY_SIZE
    #: Send from, and keep into, the cookie jar of the request's collection (or of the
    #: requests outside collections); off: the exchange has a jar of its own.
    use_cookie_jar: bool = True
    #: Send header values beyond ASCII as UTF-8 bytes (RFC 8187 parameters where the
    #: header has them); off: such a value is refused before sending (validate.py).
    utf8_headers: bool = False


@dataclass
class AuthConfig:
    """The auth scheme chosen for a request and its field values (gui/core/auth).

    Secret values are held here in memory only; storage writes every other field and
    keeps secrets in the keychain.
    """

    scheme: str = "none"
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Assertion:
    """One check on a response, declared in a request file (docs/collections.md,
    evaluated by gui/core/runner): what `query` finds (with `argument`: a header name,
    an expression) compared by `op` with `expected`."""

    #: status, header, cookie, body, jsonpath, jmespath, xpath, duration, size, variable
    query: str = "status"
    argument: str = ""
    #: equals, not_equals, greater, greater_or_equal, less, less_or_equal, contains,
    #: not_contains, starts_with, ends_with, matches, exists, not_exists, empty, type,
    #: length, in, not_in (gui/core/runner/declare.py)
    op: str = "equals"
    #: As written in the file: text ({{variables}} resolved when checked), a number,
    #: true/false, null, a list (in) or, for `length`, a number or {operator: number}.
    expected: Any = None
    enabled: bool = True
    #: What reports call it; empty: "<query> <argument> <op> <expected>".
    name: str = ""
    #: The operator's key as the file spells it (an alias such as `==`), written back
    #: so that a save changes only the value; empty: `op`.
    key: str = ""


@dataclass
class Capture:
    """A value taken from a response into the run variable `name` ({{name}} in later
    requests): what `query` finds, narrowed by `pattern` (a regular expression: its
    first group, or the whole match). A secret one is masked everywhere, never written."""

    name: str = ""
    query: str = "jmespath"
    argument: str = ""
    pattern: str = ""
    secret: bool = False
    enabled: bool = True


@dataclass
class RequestSpec:
    method: str = "GET"
    url: str = ""
    params: list[Row] = field(default_factory=list)
    headers: list[Row] = field(default_factory=list)
    body: Body = field(default_factory=Body)
    options: Options = field(default_factory=Options)
    auth: AuthConfig = field(default_factory=AuthConfig)
    #: Headers Gatepost would add that this request must not send (lower-case names:
    #: user-agent, accept, accept-encoding, connection, content-type); a typed header of
    #: the same name is sent all the same.
    omit_headers: list[str] = field(default_factory=list)

    def enabled_params(self) -> list[tuple[str, str]]:
        return [(r.name, r.value) for r in self.params if r.enabled and r.name]

    def enabled_headers(self) -> list[tuple[str, str]]:
        return [(r.name, r.value) for r in self.headers if r.enabled and r.name]
