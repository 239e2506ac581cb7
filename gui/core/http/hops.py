"""One send, hop by hop: the redirect loop and, inside it, the auth flow's loop (see
engine.py for why the engine drives both); each hop over the wire, its cookies and
proxy, and its masked record with timings.
"""

from __future__ import annotations

import time
from dataclasses import replace
from http import HTTPStatus

import httpx

from ..model import Options
from ..tls.info import TlsInfo, read_tls
from ..tls.route import CLIENT_CERT_EXTENSION
from . import deadline
from .bodydata import BodyData, BodyLimitError
from .bodyread import STREAMING_TYPES, BodyReader, OnEvents, Progress
from .cancel import CancelToken
from .chain import first
from .cookiehop import attach as attach_cookies
from .cookiehop import receive as receive_cookies
from .cookiejar import CookieJar
from .cookierules import site
from .errors import TooManyRedirects
from .exchange import (
    ErrorInfo,
    ErrorKind,
    Exchange,
    Hop,
    HopKind,
    ReceivedResponse,
    SentRequest,
    Timings,
    mask_header,
    mask_text,
)
from .masking import mask_headers, mask_values
from .netio import HopContext, Trace, hop_context
from .proxies import ProxySettings, ProxySettingsError, Resolver
from .proxyauth import ProxyAuthError
from .proxyhop import ProxyState
from .proxyhop import finish as finish_proxy_hop
from .proxytunnel import ProxyFailure, ProxyHop

#: A sent body up to this size is kept in the record (for Copy as curl); larger ones
#: would hold an upload in memory for as long as the exchange is shown.
SENT_BODY_KEPT = 1024 * 1024


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _head_size(first_line: str, headers: list[tuple[str, str]]) -> int:
    # A list, not a generator: summed at every hop, twice.
    return len(first_line) + 2 + sum([len(n) + len(v) + 4 for n, v in headers]) + 2


def _decode_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    raw = headers.raw
    try:
        # Nearly always ASCII; httpx's own guess tries every header in turn first.
        return [(k.decode("ascii"), v.decode("ascii")) for k, v in raw]
    except UnicodeDecodeError:
        encoding = headers.encoding
        return [(k.decode(encoding), v.decode(encoding)) for k, v in raw]


#: The trace's marks a hop's timings are made of (Send._record).
_TIMED = ("connect_tcp.started", "connect_tcp.complete", "start_tls.started",
          "start_tls.complete", "send_request_headers.started", "send_request_body.complete",
          "receive_response_headers.complete", "receive_response_body.complete")

#: Response bodies up to this size are masked in the record (finish()).
MASKED_BODY_LIMIT = 4 * 1024 * 1024

class Send:
    """One send's state: the loops that produce its hops."""

    def __init__(self, client: httpx.Client, options: Options, auth: httpx.Auth | None,
                 token: CancelToken, exchange: Exchange, started: float,
                 secrets: tuple[str, ...], progress: Progress | None = None,
                 on_events: OnEvents | None = None, jar: CookieJar | None = None,
                 proxy: ProxyState | None = None) -> None:
        self.client, self.options, self.auth = client, options, auth
        self.token, self.exchange, self.started = token, exchange, started
        self._secrets = secrets
        self.progress = progress
        self.on_events = on_events
        self.jar = jar if jar is not None else CookieJar()
        #: The site of the request the person sent: a hop to another is cross-site.
        self.site: tuple[str, str] | None = None
        self._hop_cookies: list = []
        # Made only when the caller has none: a Resolver reads settings.
        self.proxy = proxy if proxy is not None else \
            ProxyState(Resolver(ProxySettings("none")))
        self._proxy_hop: ProxyHop | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        # Read at every hop: an auth flow may learn a token half-way through.
        learnt = getattr(self.auth, "secrets", ()) if self.auth is not None else ()
        return (*self._secrets, *learnt)

    def run(self, request: httpx.Request) -> None:
        origin = _origin(request.url)
        self.site = site(str(request.url))
        kind = HopKind.REQUEST
        redirects = 0
        while True:
            # The request the person sent is at its own origin: compared for redirects.
            same = kind is HopKind.REQUEST or _origin(request.url) == origin
            auth = self.auth if same else None
            response = self._auth_round(request, auth, kind)
            if not (self.options.follow_redirects and response.has_redirect_location):
                return
            location = response.headers["location"]
            self.exchange.hops[-1].next_reason = mask_text(f"redirect to {location}",
                                                           self.secrets)
            if redirects >= self.options.max_redirects:
                raise TooManyRedirects(
                    f"Stopped after {redirects} redirects (the limit is "
                    f"{self.options.max_redirects}); the last one pointed to {location}.")
            assert response.next_request is not None
            request, kind = response.next_request, HopKind.REDIRECT
            redirects += 1

    def _auth_round(self, request: httpx.Request, auth: httpx.Auth | None,
                    kind: HopKind) -> httpx.Response:
        """Drive the auth flow for one request. The request itself goes out as `kind`
        and, when the flow sends it again, as a challenge answer; any other request the
        flow yields (a token endpoint call) is an `auth` hop."""
        if auth is None:
            return self._hop(request, kind)
        if auth.requires_request_body:
            request.read()
        original = request
        sent_original = False
        flow = auth.sync_auth_flow(request)
        try:
            request = next(flow)
            while True:
                if request is original:
                    hop_kind = HopKind.CHALLENGE if sent_original else kind
                    sent_original = True
                else:
                    hop_kind = HopKind.AUTH
                response = self._hop(request, hop_kind)
                try:
                    request = flow.send(response)
                except StopIteration:
                    return response
                self.exchange.hops[-1].next_reason = _why_next(response, request is original)
        finally:
            flow.close()

    def finish(self) -> None:
        """Mask again, now that the auth may have learnt secrets (a token fetched
        half-way through): every URL, header and reason, and the response bodies —
        those of auth hops carry the tokens themselves, and a server may echo what it
        was sent (httpbin's /anything, a debugging endpoint). Bodies past
        MASKED_BODY_LIMIT are left as they came: masking costs about 0.2 s a MB."""
        secrets = self.secrets
        if not secrets:
            return
        # A body replayed by redirects is one bytes object: masked once, shared again.
        masked_bodies: dict[int, tuple[bytes, bytes]] = {}
        for hop in self.exchange.hops:
            hop.request.url = mask_text(hop.request.url, secrets)
            sent = hop.request.body
            if sent:
                kept = masked_bodies.get(id(sent))
                if kept is None:
                    kept = masked_bodies[id(sent)] = (sent, _mask_bytes(sent, secrets))
                hop.request.body = kept[1]
            hop.request.headers = [(n, mask_header(n, v, secrets))
                                   for n, v in hop.request.headers]
            hop.cookies = [replace(c, value=mask_text(c.value, secrets)) for c in hop.cookies]
            if hop.next_reason:
                hop.next_reason = mask_text(hop.next_reason, secrets)
            r = hop.response
            if r is None:
                continue
            r.headers = [(n, mask_text(v, secrets)) for n, v in r.headers]
            if r.data.in_memory and r.data.size <= MASKED_BODY_LIMIT:
                text = r.body.decode("utf-8", errors="surrogateescape")
                masked = mask_text(text, secrets)
                if masked != text:
                    r.data = BodyData.of(masked.encode("utf-8", errors="surrogateescape"))

    def _hop(self, request: httpx.Request, kind: HopKind) -> httpx.Response:
        """One request over the wire; through a proxy that answers 407 to a forwarded
        request, that hop and the request sent again with the answer."""
        response = self._one_hop(request, kind)
        try:
            while self.proxy.answer(self._proxy_hop, request, response):
                self.exchange.hops[-1].next_reason = _why_next(response, False)
                response = self._one_hop(request, HopKind.CHALLENGE)
        except ProxyAuthError as exc:
            raise Stopped(ErrorInfo(ErrorKind.PROXY_AUTH, str(exc))) from None
        return response

    def _one_hop(self, request: httpx.Request, kind: HopKind) -> httpx.Response:
        try:
            self._proxy_hop = self.proxy.prepare(request)
        except ProxySettingsError as exc:
            raise Stopped(ErrorInfo(ErrorKind.PROXY, str(exc))) from None
        trace = Trace(request.extensions)
        ctx = HopContext(self.token)
        url = str(request.url)  # httpx builds the text anew each time it is asked
        self._hop_cookies = attach_cookies(self.jar, request, site(url) != self.site, url)
        begin = time.perf_counter()
        response: httpx.Response | None = None
        body = BodyReader(self.options.max_body_size)
        if not _has_content(request):
            # httpx hands a redirect the previous request's stream, not its bytes, and
            # keeps multipart as a stream: read it (bodies are built in memory anyway),
            # so the hop records the body that goes over the wire.
            request.read()
        try:
            with hop_context(ctx):
                self.token.raise_if_cancelled()
                response = self.client.send(request, follow_redirects=False, stream=True)
                # Before the body: a later hop (a redirect) needs them, and a body that
                # fails half-way does not undo the headers.
                self._hop_cookies += receive_cookies(self.jar, request, response, url)
                try:
                    body.tls = _tls_of(response)
                    ctype = response.headers.get("content-type", "").split(";")[0].strip()
                    live = self.on_events if ctype.lower() in STREAMING_TYPES else None
                    if live is not None:
                        deadline.lift()
                    body.read(response, self.progress, live)
                finally:
                    response.close()
            return response
        except BodyLimitError as exc:
            hint = (" The limit is Max body size in the request's Settings, or "
                    "--max-filesize for gatepost send.") if exc.kind == "too_large" else ""
            raise Stopped(ErrorInfo(ErrorKind(exc.kind), f"{exc}{hint}")) from exc
        except httpx.TransportError as exc:
            passed = deadline.passed_in(exc)
            if passed is None:
                failure = _proxy_failure(exc)
                if failure is not None:
                    raise Stopped(ErrorInfo(ErrorKind(failure.kind), str(failure))) from exc
                raise
            phase = _PHASES[passed.operation]
            if passed.operation == "read":
                phase = "receiving the body" if response is not None else \
                    "waiting for the response headers"
                if response is not None:
                    body.error = ("The body is incomplete: the exchange's time limit "
                                  "passed while it arrived; what came is kept.")
            raise Stopped(ErrorInfo(ErrorKind.DEADLINE, _deadline_message(
                self.options.max_time, phase, len(self.exchange.hops) + 1, kind,
                request.url.host))) from exc
        finally:
            end = time.perf_counter()
            hop = self._record(request, url, response, kind, trace, ctx, begin, end, body)
            self.exchange.hops += finish_proxy_hop(
                self._proxy_hop, hop, self.started,
                lambda n, v: mask_header(n, v, self.secrets))
            self.exchange.hops.append(hop)

    def _record(self, request: httpx.Request, url: str, response: httpx.Response | None,
                kind: HopKind, trace: Trace, ctx: HopContext, begin: float,
                end: float, body: BodyReader) -> Hop:
        secrets = self.secrets
        headers = mask_headers(_decode_headers(request.headers), secrets)
        target = request.url.raw_path.decode("ascii", "replace")
        content = request.content
        sent = SentRequest(
            method=request.method,
            url=mask_text(url, secrets),
            headers=headers,
            body_size=len(content),
            head_size=_head_size(f"{request.method} {target} HTTP/1.1", headers),
            # Masked in finish(), once every secret the auth learnt is known.
            body=content if len(content) <= SENT_BODY_KEPT else None,
        )
        # Each mark read once (two phases meet at each of them).
        (tcp_started, tcp_complete, tls_started, tls_complete, headers_started, body_sent,
         headers_received, body_received) = trace.marks_of(_TIMED)
        connect = _gap(tcp_started, tcp_complete)
        if connect is not None and ctx.dns is not None:
            connect = max(connect - ctx.dns, 0.0)
        timings = Timings(
            start=begin - self.started,
            dns=ctx.dns,
            connect=connect,
            tls=_gap(tls_started, tls_complete),
            send=_gap(headers_started, body_sent),
            wait=_gap(body_sent, headers_received),
            receive=_gap(headers_received, body_received),
            total=end - begin,
        )
        hop = Hop(kind=kind, request=sent, timings=timings, remote_address=ctx.remote_address,
                  tls=body.tls, client_certificate=request.extensions.get(CLIENT_CERT_EXTENSION))
        # A jar cookie counts as sent once the headers went out (not on a refused connect).
        sent_headers = response is not None or headers_started is not None
        hop.cookies = [replace(c, value=mask_text(c.value, secrets))
                       for c in self._hop_cookies if sent_headers or c.source != "jar"]
        if response is not None:
            received_headers = mask_values(_decode_headers(response.headers), secrets)
            reason = response.reason_phrase or _phrase(response.status_code)
            hop.response = ReceivedResponse(
                status=response.status_code,
                reason=reason,
                http_version=response.http_version,
                headers=received_headers,
                data=body.data,
                raw=body.raw,
                body_error=body.error,
                body_wire_size=response.num_bytes_downloaded,
                head_size=_head_size(f"{response.http_version} {response.status_code} {reason}",
                                     received_headers),
            )
        return hop


class Stopped(Exception):
    """The exchange stopped on one of its own limits (time, body size): `info` says
    which, and where."""

    def __init__(self, info: ErrorInfo) -> None:
        super().__init__(info.message)
        self.info = info


_PHASES = {"connect": "connecting", "tls": "in the TLS handshake",
           "write": "sending the request", "read": "reading"}


def _deadline_message(limit: float | None, phase: str, number: int, kind: HopKind,
                      host: str) -> str:
    return (f"The exchange ran past its time limit of {limit:g} s while {phase} "
            f"(hop {number}, {kind.value} to {host}); what came is kept. The limit is "
            "Max time in the request's Settings, or --max-time for gatepost send.")


def _gap(start: float | None, end: float | None) -> float | None:
    return end - start if start is not None and end is not None else None


def _why_next(response: httpx.Response, retry: bool) -> str:
    if response.status_code in (401, 407):
        header = "www-authenticate" if response.status_code == 401 else "proxy-authenticate"
        scheme = response.headers.get(header, "").split(" ")[0]
        return f"challenge: {scheme}" if scheme else "challenge"
    return "authorized: the request follows" if retry else "auth step"


def _proxy_failure(exc: BaseException) -> ProxyFailure | None:
    return first(exc, ProxyFailure)


def _tls_of(response: httpx.Response) -> TlsInfo | None:
    try:
        return read_tls(response.extensions.get("network_stream"))
    except Exception:  # noqa: BLE001 - details for display must never fail a request
        return None


def _has_content(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018
    except httpx.RequestNotRead:
        return False
    return True


def _mask_bytes(data: bytes, secrets: tuple[str, ...]) -> bytes:
    text = data.decode("utf-8", errors="surrogateescape")
    masked = mask_text(text, secrets)
    return data if masked == text else masked.encode("utf-8", errors="surrogateescape")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
