"""The record of one exchange: every hop as it went over the wire.

An Exchange is what every consumer reads — the window's tabs, the command line's
report, history later — so it holds plain values only (no httpx objects) and secrets are
masked when a hop is recorded, not when it is shown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from ..tls.info import Certificate, TlsInfo
from . import masking
from .bodydata import BodyData
from .masking import CREDENTIAL_HEADERS, MASK, MIN_MASKED  # noqa: F401 - re-exported


class HopKind(StrEnum):
    """Why a hop was sent."""

    REQUEST = "request"
    REDIRECT = "redirect"
    CHALLENGE = "challenge"
    #: A request an auth scheme made on its own, e.g. to a token endpoint.
    AUTH = "auth"
    #: A CONNECT to a proxy, for a tunnel to an HTTPS origin (gui/core/http/proxytunnel.py).
    CONNECT = "connect"


@dataclass
class SentRequest:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body_size: int
    #: Size of the request line and headers written as HTTP/1.1 text.
    head_size: int
    #: The body bytes this hop sent (a redirect's replayed body too), secrets masked;
    #: None when it was too large to keep (hops.SENT_BODY_KEPT; body_size says its
    #: size). Hops that send the same body share one bytes object.
    body: bytes | None = b""


@dataclass
class ReceivedResponse:
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    #: The decoded body (Content-Encoding removed), in memory or spooled to disk.
    data: BodyData = field(default_factory=BodyData)
    #: Body bytes as they came over the wire, before decoding.
    body_wire_size: int = 0
    head_size: int = 0
    #: The undecoded bytes, kept when the body had a Content-Encoding.
    raw: BodyData | None = None
    #: Why the body is incomplete or could not be decoded, if it is.
    body_error: str | None = None

    @property
    def body(self) -> bytes:
        """The whole decoded body as bytes: for small bodies; views of large ones read
        `data` by range."""
        return self.data.bytes()

    @property
    def body_size(self) -> int:
        return self.data.size

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for n, v in self.headers if n.lower() == name), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return None

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class Timings:
    """Phase durations in seconds, None where a phase did not happen (a reused
    connection has no connect; an IP address needs no DNS)."""

    #: When the hop started, in seconds since the exchange started.
    start: float = 0.0
    dns: float | None = None
    connect: float | None = None
    tls: float | None = None
    send: float | None = None
    wait: float | None = None
    receive: float | None = None
    total: float = 0.0
    #: The proxy's own part: a SOCKS5 handshake (a CONNECT is a hop of its own).
    proxy: float | None = None


class ErrorKind(StrEnum):
    """Why an exchange ended without a final response (or with an incomplete one).

    A StrEnum: `--json` and the Sent requests database hold the plain value, and
    `kind == "tls"` still reads naturally."""

    #: Refused before anything was sent (validation, a header httpx cannot encode).
    INVALID_REQUEST = "invalid_request"
    INVALID_URL = "invalid_url"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    #: A certificate setting that cannot work (file, passphrase, dates).
    CERTIFICATE = "certificate"
    DNS = "dns"
    REFUSED = "refused"
    CONNECT = "connect"
    TIMEOUT = "timeout"
    #: The whole exchange's deadline (Max time, --max-time) passed.
    DEADLINE = "deadline"
    TLS = "tls"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    PROTOCOL = "protocol"
    NETWORK = "network"
    PROXY = "proxy"
    PROXY_AUTH = "proxy_auth"
    AUTH = "auth"
    #: The body passed Max body size (decoded too), or the disk had no room for it.
    TOO_LARGE = "too_large"
    DISK_FULL = "disk_full"
    #: Input nested deeper than the parser allows.
    TOO_DEEP = "too_deep"
    CANCELLED = "cancelled"
    #: A bug of ours: named, never a traceback.
    INTERNAL = "internal"


@dataclass
class ErrorInfo:
    kind: ErrorKind
    message: str

    def __post_init__(self) -> None:
        # A kind given as its text (a record read back) is checked against the enum:
        # an unknown kind is a bug found here, not a string compared in vain later.
        self.kind = ErrorKind(self.kind)


@dataclass
class HopCookie:
    """A cookie a hop sent from the jar, or one its response set (or tried to)."""

    name: str
    value: str
    #: For "jar": the cookie's domain; for the others: the Domain attribute as the
    #: server wrote it ("" for a host-only cookie).
    domain: str = ""
    path: str = ""
    #: As shown: a date, "max-age 60", or "session".
    expires: str = ""
    secure: bool = False
    http_only: bool = False
    same_site: str = ""
    #: "jar" (sent from the jar), "set" (stored from this response), "deleted" (the
    #: response expired a stored one) or "rejected" (refused: `note` says why).
    source: str = "jar"
    note: str = ""


@dataclass
class Hop:
    kind: HopKind
    request: SentRequest
    response: ReceivedResponse | None = None
    timings: Timings = field(default_factory=Timings)
    #: Why the next hop was sent, e.g. "redirect to /get" or "challenge: Digest".
    next_reason: str | None = None
    remote_address: str | None = None
    tls: TlsInfo | None = None
    #: The client certificate Gatepost had ready for this host (mutual TLS); the
    #: server only receives it if it asks for one.
    client_certificate: Certificate | None = None
    #: Cookies sent from the jar and cookies the response set (gui/core/http/cookiehop.py).
    cookies: list[HopCookie] = field(default_factory=list)
    #: The proxy the hop went through (its URL, never its credentials), or None.
    proxy: str | None = None


@dataclass
class Exchange:
    hops: list[Hop] = field(default_factory=list)
    error: ErrorInfo | None = None
    total: float = 0.0

    @property
    def response(self) -> ReceivedResponse | None:
        """The last response received, the one the user asked for in the end."""
        for hop in reversed(self.hops):
            if hop.response is not None:
                return hop.response
        return None

    @property
    def ok(self) -> bool:
        return self.error is None and self.response is not None

    @property
    def request(self) -> SentRequest | None:
        """The request the person composed, as first sent (URL with the variables
        resolved, secrets masked): the first hop of kind `request`. A token endpoint
        call an auth scheme made before it is not it."""
        return next((h.request for h in self.hops if h.kind is HopKind.REQUEST), None)

    @property
    def redirected(self) -> bool:
        """Whether a redirect was followed (curl's -L reproduces it)."""
        return any(h.kind is HopKind.REDIRECT for h in self.hops)

    def to_dict(self) -> dict:
        """The document `gatepost send --json` prints (see docs/cli.md)."""
        final = self.response
        return {
            "hops": [_hop_dict(h) for h in self.hops],
            "body": final.text() if final is not None else None,
            "error": asdict(self.error) if self.error else None,
            "total": self.total,
        }


def _hop_dict(hop: Hop) -> dict:
    response = None
    if hop.response is not None:
        r = hop.response
        response = {
            "status": r.status,
            "reason": r.reason,
            "http_version": r.http_version,
            "headers": [list(h) for h in r.headers],
            "body_size": r.body_size,
            "body_error": r.body_error,
            "body_wire_size": r.body_wire_size,
            "head_size": r.head_size,
        }
    timings = asdict(hop.timings)
    return {
        "kind": hop.kind.value,
        "request": {
            "method": hop.request.method,
            "url": hop.request.url,
            "headers": [list(h) for h in hop.request.headers],
            "body_size": hop.request.body_size,
            "head_size": hop.request.head_size,
        },
        "response": response,
        "timings": timings,
        "next": hop.next_reason,
        "remote_address": hop.remote_address,
        "proxy": hop.proxy,
        "tls": asdict(hop.tls) if hop.tls else None,
        "client_certificate": (asdict(hop.client_certificate)
                               if hop.client_certificate else None),
        # Names and where they went, not values: the Cookie and Set-Cookie headers
        # above hold those already.
        "cookies": [{"name": c.name, "domain": c.domain, "path": c.path,
                     "source": c.source, "note": c.note} for c in hop.cookies],
    }


def mask_header(name: str, value: str, secrets: tuple[str, ...] = ()) -> str:
    """The value with credentials masked: `Basic dTpw` becomes `Basic ****`; a Digest
    answer is kept, with any known secret masked (gui/core/http/masking.py)."""
    return masking.mask_header(name, value, secrets)


def mask_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text with every secret masked in every form it takes (gui/core/http/masking.py
    has the rule for short secrets)."""
    return masking.mask_text(text, secrets)
