"""The one engine: turn a RequestSpec into an Exchange, hop by hop.

httpx follows redirects inside the auth flow, signs a retry for the wrong URL after a
redirect, and drops hops from `response.history` (docs/ARCHITECTURE.md). So the engine
drives both loops itself: an outer redirect loop (httpx's own `next_request`, which
already changes the method, drops the body and strips `Authorization` across origins)
and, for each hop of it, the auth flow's generator. Every request that flow yields is
sent on its own and recorded. Credentials go only to the origin the user typed, as curl
does without `--location-trusted`. Those loops, one send's state, are in hops.py; the
engine keeps the clients and their pooled transports (TLS, proxy) and hands each send
one of them.
"""

from __future__ import annotations

import ssl
import threading
import time

import httpx

from .. import __version__ as _version
from ..auth import AuthContext, build_auth
from ..auth import get as get_scheme
from ..model import Options, RequestSpec
from ..tls.config import TlsSettings, base_context
from ..tls.route import TlsRouter
from ..validate import check
from . import deadline
from .bodyread import OnEvents, Progress
from .build import build_request
from .cancel import CancelToken
from .cookiehop import inert_jar, make_inert
from .cookiejar import CookieJar
from .errors import classify
from .exchange import ErrorInfo, ErrorKind, Exchange, Hop, mask_text
from .hops import Send, Stopped
from .masking import spec_secrets
from .proxies import ProxySettings, Resolver
from .proxyhop import ProxyState
from .proxynet import ProxyRouter

USER_AGENT = f"Gatepost/{_version}"
#: Pools kept at once (per TLS set-up); more are closed, oldest first.
MAX_TRANSPORTS = 16


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
                cached = local.clients[key] = (make_inert(httpx.Client(
                    transport=_Borrowed(transport), follow_redirects=False,
                    headers={"User-Agent": USER_AGENT}, cookies=inert_jar())), transport)
        except BaseException:
            self._release(transport)
            raise
        return cached[0], transport

    def _release(self, transport: httpx.BaseTransport) -> None:
        with self._lock:
            left = self._busy[id(transport)] = self._busy[id(transport)] - 1
            if not left:
                del self._busy[id(transport)]
            idle = []
            if self._retired:
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
            transport._pool._network_backend = (
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
            exchange.error = ErrorInfo(ErrorKind.INVALID_REQUEST, " ".join(map(str, problems)))
            return exchange
        try:
            resolver = Resolver(proxy) if proxy is not None else self._proxy
            secrets = (*spec_secrets(spec, secrets), *resolver.secrets())
            from_spec = auth is None
            # "none" is always the built-in NoAuth (auth.get), which builds None.
            if auth is None and spec.auth.scheme != "none":
                auth = build_auth(spec.auth, context)
            private = bool(getattr(auth, "connection_bound", False))
            if private:
                # A pool of its own for a connection-bound handshake (NTLM), closed after.
                with self._lock:
                    settings, problem = self._tls, self._tls_problem
                # Built outside the lock: loading the trust store takes a while.
                transport = self._transport(spec.options, settings, tls, problem)
                client = make_inert(httpx.Client(
                    transport=transport, follow_redirects=False,
                    headers={"User-Agent": USER_AGENT}, cookies=inert_jar()))
            else:
                client, transport = self._acquire(spec.options, tls)
            try:
                # httpx's own jar is inert: cookies go through `jar`, hop by hop.
                if jar is None or (jar.enabled and not spec.options.use_cookie_jar):
                    jar = CookieJar()
                request = build_request(client, spec)
                sender = Send(client, spec.options, auth, token, exchange, started,
                              secrets, progress, on_events, jar=jar,
                              proxy=ProxyState(resolver))
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
        except Stopped as exc:
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


