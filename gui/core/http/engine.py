"""The one engine: turn a RequestSpec into an Exchange, hop by hop.

httpx follows redirects inside the auth flow, signs a retry for the wrong URL after a
redirect, and drops hops from `response.history` (docs/ARCHITECTURE.md). So the engine
drives both loops itself: an outer redirect loop (httpx's own `next_request`, which
already changes the method, drops the body and strips `Authorization` across origins)
and, for each hop of it, the auth flow's generator. Every request that flow yields is
sent on its own and recorded. Credentials go only to the origin the user typed, as curl
does without `--location-trusted`.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from typing import Any

import httpx

from .. import __version__ as _version
from ..auth import AuthContext, build_auth
from ..auth import get as get_scheme
from ..model import Options, RequestSpec
from ..tls.config import TlsSettings, base_context
from ..tls.info import TlsInfo, read_tls
from ..tls.route import CLIENT_CERT_EXTENSION, TlsRouter
from ..validate import check
from . import deadline
from .bodydata import BodyData, BodyLimitError
from .build import build_request
from .cancel import CancelToken
from .cookiehop import attach as attach_cookies
from .cookiehop import inert_jar
from .cookiehop import receive as receive_cookies
from .cookiejar import CookieJar, site
from .errors import TooManyRedirects, classify
from .exchange import (
    ErrorInfo,
    Exchange,
    Hop,
    HopKind,
    ReceivedResponse,
    SentRequest,
    Timings,
    mask_header,
    mask_text,
)
from .masking import spec_secrets
from .netio import HopContext, hop_context
from .proxies import ProxySettings, ProxySettingsError, Resolver
from .proxyauth import ProxyAuthError
from .proxyhop import ProxyState
from .proxyhop import finish as finish_proxy_hop
from .proxynet import ProxyFailure, ProxyHop, ProxyRouter

USER_AGENT = f"Gatepost/{_version}"
#: Called as body bytes arrive: (bytes received on the wire, Content-Length or None).
Progress = Callable[[int, int | None], None]
#: Called with each decoded chunk of a streaming response (event stream, NDJSON).
OnEvents = Callable[[bytes], None]
#: Pools kept at once (per TLS set-up); more are closed, oldest first.
MAX_TRANSPORTS = 16
#: A sent body up to this size is kept in the record (for Copy as curl); larger ones
#: would hold an upload in memory for as long as the exchange is shown.
SENT_BODY_KEPT = 1024 * 1024
STREAMING_TYPES = ("text/event-stream", "application/x-ndjson", "application/ndjson",
                   "application/jsonl", "application/stream+json")


class _Trace:
    """httpcore's trace extension: the moment each phase started and completed."""

    __slots__ = ("marks",)

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def __call__(self, name: str, info: dict[str, Any]) -> None:
        # Called about ten times a hop: keep it to a dict store.
        self.marks[name] = time.perf_counter()

    def _mark(self, event: str) -> float | None:
        # "send_request_headers.started" is "http11." or "http2." prefixed; connecting
        # is "connection.".
        for prefix in ("http11.", "connection.", "http2."):
            mark = self.marks.get(prefix + event)
            if mark is not None:
                return mark
        return None

    def span(self, phase: str) -> float | None:
        return self.between(phase + ".started", phase + ".complete")

    def between(self, a: str, b: str) -> float | None:
        start, end = self._mark(a), self._mark(b)
        return end - start if start is not None and end is not None else None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _head_size(first_line: str, headers: list[tuple[str, str]]) -> int:
    return len(first_line) + 2 + sum(len(n) + len(v) + 4 for n, v in headers) + 2


def _decode_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    raw = headers.raw
    try:
        # Nearly always ASCII; httpx's own guess tries every header in turn first.
        return [(k.decode("ascii"), v.decode("ascii")) for k, v in raw]
    except UnicodeDecodeError:
        encoding = headers.encoding
        return [(k.decode(encoding), v.decode(encoding)) for k, v in raw]


class Engine:
    """Sends requests. Thread-safe: the window sends from worker threads.

    One pooled transport per (verify, HTTP/2, collection certificates) keeps connections
    alive across sends; each thread sends through its own httpx.Client (its own cookie
    jar) over it.
    `tls` is the certificate settings (tlsconfig): the base trust, and client
    certificates and CA bundles per host; `tls_problem` is why the settings could not be
    read, reported by every HTTPS request instead of sending it. `ssl_context` replaces
    the base trust (the tests' throw-away CA).
    """

    def __init__(self, ssl_context: ssl.SSLContext | None = None,
                 tls: TlsSettings | None = None, tls_problem: str | None = None,
                 proxy: ProxySettings | None = None) -> None:
        self._ssl_context = ssl_context
        #: The proxy settings (gui/core/http/proxies.py); without any, the system's.
        self._proxy = Resolver(proxy)
        self._tls = tls or TlsSettings()
        self._tls_problem = tls_problem
        #: One pooled transport per (verify, HTTP/2, collection certificates), shared by
        #: every thread; in the order of last use.
        self._transports: dict[tuple[bool, bool, tuple], httpx.BaseTransport] = {}
        #: Sends in flight per transport (by id), and transports replaced by new
        #: settings, closed once their last send is over.
        self._busy: dict[int, int] = {}
        self._retired: list[httpx.BaseTransport] = []
        #: Bumped by configure_tls: a thread's clients of an older generation are dropped.
        self._generation = 0
        # A client per thread: an httpx.Client's cookie jar is its own, and each
        # exchange starts from an empty one, so two sends at once (two tabs) must not
        # share a client. The connections are shared all the same, through the transport.
        self._local = threading.local()
        self._lock = threading.Lock()

    def configure_tls(self, tls: TlsSettings | None, problem: str | None = None) -> None:
        """New certificate settings for the sends that start from now on. Sends in
        flight finish on their connections; those are closed afterwards, by the sending
        threads (this method does no I/O: the window calls it on the GUI thread)."""
        with self._lock:
            self._tls, self._tls_problem = tls or TlsSettings(), problem
            self._retired += self._transports.values()
            self._transports = {}
            self._generation += 1

    def configure_proxy(self, proxy: ProxySettings | None, problem: str | None = None
                        ) -> None:
        """New proxy settings for the sends that start from now on (no I/O but reading
        the system's settings); `problem`: why they could not be read, said by every
        request instead of sending it past the proxy."""
        resolver = Resolver(proxy)
        resolver.problem = problem or resolver.problem
        self._proxy = resolver

    def close(self) -> None:
        with self._lock:
            transports = [*self._transports.values(), *self._retired]
            self._transports, self._retired = {}, []
            self._generation += 1
        for transport in transports:
            transport.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _acquire(self, options: Options, overlay: TlsSettings | None = None
                 ) -> tuple[httpx.Client, httpx.BaseTransport]:
        key = (options.verify_tls, options.http2, _overlay_key(overlay))
        local = self._local
        with self._lock:
            transport = self._transports.pop(key, None)
            if transport is None:
                if len(self._transports) >= MAX_TRANSPORTS:
                    # Certificates of many collections, or edited often: the pool used
                    # least recently goes, closed once no send uses it.
                    oldest = next(iter(self._transports))
                    self._retired.append(self._transports.pop(oldest))
                transport = self._transport(options, self._tls, overlay, self._tls_problem)
            self._transports[key] = transport  # last: the most recently used
            self._busy[id(transport)] = self._busy.get(id(transport), 0) + 1
            generation = self._generation
        try:
            if getattr(local, "generation", None) != generation:
                local.generation, local.clients = generation, {}
            cached = local.clients.get(key)
            # A cached client over a pool that was since evicted is not reused.
            if cached is None or cached[1] is not transport:
                cached = local.clients[key] = (httpx.Client(
                    transport=_Borrowed(transport), follow_redirects=False,
                    headers={"User-Agent": USER_AGENT}, cookies=inert_jar()), transport)
        except BaseException:
            self._release(transport)
            raise
        return cached[0], transport

    def _release(self, transport: httpx.BaseTransport) -> None:
        with self._lock:
            left = self._busy[id(transport)] = self._busy[id(transport)] - 1
            if not left:
                del self._busy[id(transport)]
            idle = [t for t in self._retired if id(t) not in self._busy]
            self._retired = [t for t in self._retired if id(t) in self._busy]
        for old in idle:
            old.close()

    def _transport(self, options: Options, tls: TlsSettings,
                   overlay: TlsSettings | None, problem: str | None) -> httpx.BaseTransport:
        """A transport with the settings `tls` (the engine's at some moment) and a
        collection's certificates (`overlay`) before the global ones."""
        verify, http2 = options.verify_tls, options.http2
        if overlay is not None:
            tls = TlsSettings(system_trust=tls.system_trust,
                              client_certs=[*overlay.client_certs, *tls.client_certs],
                              ca_bundles=[*overlay.ca_bundles, *tls.ca_bundles],
                              secret_lookup=tls.secret_lookup)
        injected = self._ssl_context if verify else None

        def base() -> ssl.SSLContext:
            if injected is not None:
                # A fresh context trusting what the injected one trusts: client
                # certificates are loaded into it, never into the caller's context.
                context = ssl.create_default_context()
                for der in injected.get_ca_certs(binary_form=True):
                    context.load_verify_locations(cadata=der)
                return context
            return base_context(tls.system_trust, verify)

        def make(context: ssl.SSLContext) -> httpx.BaseTransport:
            transport = httpx.HTTPTransport(verify=context, http2=http2)
            # httpx gives no public way to pass httpcore a network backend.
            transport._pool._network_backend = (  # type: ignore[attr-defined]
                deadline.DeadlineBackend())
            # Each request goes directly or through its proxy (chosen per hop).
            return ProxyRouter(transport, context, http2, deadline.DeadlineBackend)

        if tls.routed or problem:
            return TlsRouter(tls, verify=verify, base_context=base, make_transport=make,
                             problem=problem)
        return make(injected if injected is not None else base())

    def send(self, spec: RequestSpec, *, auth: httpx.Auth | None = None,
             cancel: CancelToken | None = None, secrets: tuple[str, ...] = (),
             context: AuthContext | None = None, progress: Progress | None = None,
             on_events: OnEvents | None = None, tls: TlsSettings | None = None,
             jar: CookieJar | None = None, proxy: ProxySettings | None = None
             ) -> Exchange:
        """Send the request and return its whole exchange. Never raises for anything
        the network or the user's input did: that is `Exchange.error`.

        `auth` overrides the scheme in `spec.auth`; `secrets` are further values to mask
        in the record (the scheme's own secret fields are always masked, and so is
        whatever the auth object lists in a `secrets` attribute, e.g. tokens it fetched).
        `context` is handed to schemes that keep state in the keychain; `progress` is
        called from the sending thread as body bytes arrive, and `on_events` with each
        chunk of a streaming response (STREAMING_TYPES) as it arrives. `tls` is a
        collection's certificates, used before the global ones (gui/core/collections/tls.py).
        `jar` is the cookie jar to send from and keep into (gui/core/http/cookiejar.py); without
        one, or when the request's Settings say to send without the jar, the exchange
        has a jar of its own (its responses' cookies reach its later hops). The caller
        saves the jar. `proxy` is a collection's proxy settings, instead of the engine's
        (gui/core/http/proxies.py)."""
        exchange = Exchange()
        started = time.perf_counter()
        token = cancel or CancelToken()
        problems = check(spec)
        if problems:
            exchange.error = ErrorInfo("invalid_request", " ".join(map(str, problems)))
            return exchange
        try:
            resolver = Resolver(proxy) if proxy is not None else self._proxy
            secrets = (*spec_secrets(spec, secrets), *resolver.secrets())
            from_spec = auth is None
            if auth is None:
                auth = build_auth(spec.auth, context)
            private = bool(getattr(auth, "connection_bound", False))
            if private:
                # A pool of its own for a connection-bound handshake (NTLM), closed after.
                with self._lock:
                    settings, problem = self._tls, self._tls_problem
                # Built outside the lock: loading the trust store takes a while.
                transport = self._transport(spec.options, settings, tls, problem)
                client = httpx.Client(transport=transport, follow_redirects=False,
                                      headers={"User-Agent": USER_AGENT},
                                      cookies=inert_jar())
            else:
                client, transport = self._acquire(spec.options, tls)
            try:
                # httpx's own jar is inert: cookies go through `jar`, hop by hop.
                if jar is None or (jar.enabled and not spec.options.use_cookie_jar):
                    jar = CookieJar()
                request = build_request(client, spec)
                sender = _Send(client, spec.options, auth, token, exchange, started,
                               secrets, progress, on_events)
                sender.jar = jar
                sender.proxy = ProxyState(resolver)
                try:
                    with deadline.scope(spec.options.max_time):
                        sender.run(request)
                finally:
                    sender.finish()
                    if from_spec and auth is not None and context is not None:
                        get_scheme(spec.auth.scheme).after_send(auth, context)
            finally:
                if private:
                    client.close()
                else:
                    self._release(transport)
        except _Stopped as exc:
            exchange.error = exc.info
        except Exception as exc:  # noqa: BLE001 - every failure becomes a readable error
            exchange.error = classify(exc, token)
            if exchange.error.kind == "tls" and exchange.hops:
                exchange.error.message += _client_cert_note(exchange.hops[-1],
                                                            exchange.error.message)
        if exchange.error is not None:
            # A message may quote a URL or a Location (a redirect that carried a token).
            exchange.error.message = mask_text(exchange.error.message,
                                               spec_secrets(spec, secrets))
        exchange.total = time.perf_counter() - started
        return exchange


def _overlay_key(overlay: TlsSettings | None) -> tuple:
    """What makes two collections' certificates the same set-up, for sharing a pool."""
    if overlay is None:
        return ()
    return (tuple((c.id, c.host, c.kind, c.cert, c.key, c.enabled, c.keychain_key)
                  for c in overlay.client_certs),
            tuple((b.host, b.path, b.enabled) for b in overlay.ca_bundles))


class _Borrowed(httpx.BaseTransport):
    """A shared transport as a thread's client sees it: the engine, not the client,
    closes it."""

    __slots__ = ("transport",)

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.transport.handle_request(request)

    def close(self) -> None:
        pass


class _Send:
    """One send's state: the loops that produce its hops."""

    def __init__(self, client: httpx.Client, options: Options, auth: httpx.Auth | None,
                 token: CancelToken, exchange: Exchange, started: float,
                 secrets: tuple[str, ...], progress: Progress | None = None,
                 on_events: OnEvents | None = None) -> None:
        self.client, self.options, self.auth = client, options, auth
        self.token, self.exchange, self.started = token, exchange, started
        self._secrets = secrets
        self.progress = progress
        self.on_events = on_events
        self.jar = CookieJar()
        #: The site of the request the person sent: a hop to another is cross-site.
        self.site: tuple[str, str] | None = None
        self._hop_cookies: list = []
        self.proxy = ProxyState(Resolver(ProxySettings("none")))
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
            auth = self.auth if _origin(request.url) == origin else None
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
        half-way through): every URL, header and reason, and the bodies of auth hops,
        which carry the tokens themselves."""
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
            if hop.kind is HopKind.AUTH and r.body_size <= _Body.KEEP_FOR_HTTPX:
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
            raise _Stopped(ErrorInfo("proxy_auth", str(exc))) from None
        return response

    def _one_hop(self, request: httpx.Request, kind: HopKind) -> httpx.Response:
        try:
            self._proxy_hop = self.proxy.prepare(request)
        except ProxySettingsError as exc:
            raise _Stopped(ErrorInfo("proxy", str(exc))) from None
        trace = _Trace()
        request.extensions["trace"] = trace
        ctx = HopContext(self.token)
        self._hop_cookies = attach_cookies(self.jar, request,
                                           site(str(request.url)) != self.site)
        begin = time.perf_counter()
        response: httpx.Response | None = None
        body = _Body(self.options.max_body_size)
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
                self._hop_cookies += receive_cookies(self.jar, request, response)
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
            raise _Stopped(ErrorInfo(exc.kind, f"{exc}{hint}")) from exc
        except httpx.TransportError as exc:
            passed = deadline.passed_in(exc)
            if passed is None:
                failure = _proxy_failure(exc)
                if failure is not None:
                    raise _Stopped(ErrorInfo(failure.kind, str(failure))) from exc
                raise
            phase = _PHASES[passed.operation]
            if passed.operation == "read":
                phase = "receiving the body" if response is not None else \
                    "waiting for the response headers"
                if response is not None:
                    body.error = ("The body is incomplete: the exchange's time limit "
                                  "passed while it arrived; what came is kept.")
            raise _Stopped(ErrorInfo("deadline", _deadline_message(
                self.options.max_time, phase, len(self.exchange.hops) + 1, kind,
                request.url.host))) from exc
        finally:
            end = time.perf_counter()
            hop = self._record(request, response, kind, trace, ctx, begin, end, body)
            self.exchange.hops += finish_proxy_hop(
                self._proxy_hop, hop, self.started,
                lambda n, v: mask_header(n, v, self.secrets))
            self.exchange.hops.append(hop)

    def _record(self, request: httpx.Request, response: httpx.Response | None,
                kind: HopKind, trace: _Trace, ctx: HopContext, begin: float,
                end: float, body: _Body) -> Hop:
        headers = [(n, mask_header(n, v, self.secrets)) for n, v in
                   _decode_headers(request.headers)]
        url = mask_text(str(request.url), self.secrets)
        target = request.url.raw_path.decode("ascii", "replace")
        sent = SentRequest(
            method=request.method,
            url=url,
            headers=headers,
            body_size=len(request.content),
            head_size=_head_size(f"{request.method} {target} HTTP/1.1", headers),
            # Masked in finish(), once every secret the auth learnt is known.
            body=request.content if len(request.content) <= SENT_BODY_KEPT else None,
        )
        connect = trace.span("connect_tcp")
        if connect is not None and ctx.dns is not None:
            connect = max(connect - ctx.dns, 0.0)
        timings = Timings(
            start=begin - self.started,
            dns=ctx.dns,
            connect=connect,
            tls=trace.span("start_tls"),
            send=trace.between("send_request_headers.started", "send_request_body.complete"),
            wait=trace.between("send_request_body.complete",
                               "receive_response_headers.complete"),
            receive=trace.between("receive_response_headers.complete",
                                  "receive_response_body.complete"),
            total=end - begin,
        )
        hop = Hop(kind=kind, request=sent, timings=timings, remote_address=ctx.remote_address,
                  tls=body.tls, client_certificate=request.extensions.get(CLIENT_CERT_EXTENSION))
        # A jar cookie counts as sent once the headers went out (not on a refused connect).
        sent_headers = response is not None or \
            trace._mark("send_request_headers.started") is not None
        hop.cookies = [replace(c, value=mask_text(c.value, self.secrets))
                       for c in self._hop_cookies if sent_headers or c.source != "jar"]
        if response is not None:
            received_headers = [(n, mask_text(v, self.secrets))
                                for n, v in _decode_headers(response.headers)]
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


class _Body:
    """Reads a streamed response into BodyData, decoding as it goes and keeping the
    undecoded bytes when there was a Content-Encoding."""

    #: Bodies up to this size are also handed to httpx, for auth flows that read them.
    KEEP_FOR_HTTPX = 1024 * 1024

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.data = BodyData(limit=limit)
        self.raw: BodyData | None = None
        self.error: str | None = None
        self.tls: TlsInfo | None = None

    def read(self, response: httpx.Response, progress: Progress | None,
             on_events: OnEvents | None = None) -> None:
        encoded = bool(response.headers.get("content-encoding", "").strip(" ,").replace(
            "identity", ""))
        total = response.headers.get("content-length")
        expected = int(total) if total and total.isdigit() else None
        if not encoded and on_events is None and expected is not None and \
                expected <= min(self.KEEP_FOR_HTTPX, self.limit or self.KEEP_FOR_HTTPX):
            # Small, plain and of known size: httpx reads it, nothing to spool or keep.
            try:
                self.data = BodyData.of(response.read())
            except httpx.TransportError as exc:
                self.error = f"The body is incomplete: {exc or type(exc).__name__}"
                raise
            if progress is not None:
                progress(response.num_bytes_downloaded, expected)
            return
        if encoded:
            self.raw = BodyData(limit=self.limit, what="The compressed body")
        # httpx's own decoders, chained as its Response would (private, pinned httpx).
        decoder = response._get_content_decoder()
        try:
            for chunk in response.iter_raw():
                if self.raw is not None:
                    self.raw.write(chunk)
                if self.error is None:
                    before = self.data.size
                    self._decode(decoder.decode, chunk)
                    if on_events is not None and self.data.size > before:
                        on_events(self.data.read(before))
                if progress is not None:
                    progress(response.num_bytes_downloaded, expected)
            if self.error is None:
                self._decode(lambda _: decoder.flush(), b"")
            # zlib returns what it could without complaint when a stream stops early.
            zlib_state = getattr(decoder, "decompressor", None)
            if self.error is None and self.raw is not None and self.raw.size and \
                    getattr(zlib_state, "eof", True) is False:
                self.error = ("The compressed body ended early (the stream is truncated); "
                              "what could be decoded is shown, and the raw bytes are kept.")
        except httpx.TransportError as exc:
            self.error = f"The body is incomplete: {exc or type(exc).__name__}"
            raise
        except BodyLimitError as exc:
            self.error = str(exc)
            raise
        if self.data.size <= self.KEEP_FOR_HTTPX:
            # Auth flows with requires_response_body read `response.content`.
            response._content = self.data.bytes()

    def _decode(self, step: Callable[[bytes], bytes], chunk: bytes) -> None:
        try:
            self.data.write(step(chunk))
        except httpx.DecodingError as exc:
            self.error = (f"The body could not be decoded ({exc}); what could be decoded is "
                          "shown, and the raw bytes are kept.")


class _Stopped(Exception):
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


def _client_cert_note(hop: Hop, message: str) -> str:
    """What Gatepost did about a client certificate, for a failed handshake."""
    if hop.client_certificate is not None:
        return f" Gatepost offered the client certificate {hop.client_certificate.subject}."
    if "ALERT_CERTIFICATE_REQUIRED" in message:
        return (" No client certificate is set for this host: add one under Certificates "
                "(in the window) or pass --cert (gatepost send).")
    if "ALERT_HANDSHAKE_FAILURE" in message:
        return (" No client certificate is set for this host; if the server wants one, "
                "add it under Certificates (in the window) or pass --cert (gatepost send).")
    return ""


def _why_next(response: httpx.Response, retry: bool) -> str:
    if response.status_code in (401, 407):
        header = "www-authenticate" if response.status_code == 401 else "proxy-authenticate"
        scheme = response.headers.get(header, "").split(" ")[0]
        return f"challenge: {scheme}" if scheme else "challenge"
    return "authorized: the request follows" if retry else "auth step"


def _proxy_failure(exc: BaseException) -> ProxyFailure | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ProxyFailure):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


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
