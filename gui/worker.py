"""A send in flight: the engine run off the GUI thread through gui/tasks.py.

A sync httpx.Client in a worker, not an asyncio loop: httpx's sync path is markedly
faster on loopback (docs/ARCHITECTURE.md), and cancellation is real either way because
CancelToken shuts down the socket a worker is blocked on.

Jobs are plain Python objects; the tabs listen to one long-lived Dispatcher on the GUI
thread (done, progress, stream chunks), so every tab sees every job and keeps its own.
"""

from __future__ import annotations

import threading
import time
from itertools import count
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from . import deferred, tasks

if TYPE_CHECKING:
    from collections.abc import Callable

    from .core.http.cookiejar import CookieJar
    from .core.http.engine import Engine
    from .core.http.exchange import Exchange
    from .core.http.proxies import ProxySettings
    from .core.model import RequestSpec
    from .core.present import Presentation
    from .core.storage.cookiestore import JarStore
    from .core.tls.config import TlsSettings

_engine: Engine | None = None
_engine_lock = threading.Lock()
_ids = count(1)
#: How often a download reports progress to the window.
PROGRESS_INTERVAL = 0.1


#: Reads a keychain entry by key; the window sets it to its SecretStore's `get`.
_secret_lookup: Callable[[str], str | None] | None = None
#: The window's cookie jars (gui/core/cookiestore.JarStore), made on first use.
_cookie_jars: Callable[[], JarStore] | None = None


def engine() -> Engine:
    """The process's engine, created (and httpx imported) on first use, in a worker."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = deferred.engine.Engine(*(None, *_load_tls()))
            _engine.configure_proxy(*_load_proxy())
        return _engine


def set_secret_lookup(lookup: Callable[[str], str | None]) -> None:
    global _secret_lookup
    _secret_lookup = lookup


def set_cookie_jars(jars: Callable[[], JarStore] | None) -> None:
    global _cookie_jars
    _cookie_jars = jars


def _jar_for(job: SendJob) -> tuple[JarStore | None, CookieJar | None]:
    """The jar of the job's collection (its keychain namespace, which the auth context
    carries) or of the requests outside collections; read from disk here, in the worker."""
    if _cookie_jars is None or not job.spec.options.use_cookie_jar:
        return None, None

    jars = _cookie_jars()
    return jars, jars.jar(getattr(job.context, "collection_id", None) or deferred.scratch.SCRATCH)


def _load_tls() -> tuple[TlsSettings | None, str | None]:
    try:
        settings = deferred.tls_config.load()
    except deferred.tls_config.TlsSetupError as exc:
        return None, str(exc)
    settings.secret_lookup = _secret_lookup
    return settings, None


def _load_proxy() -> tuple[ProxySettings | None, str | None]:
    try:
        return deferred.proxies.load(_secret_lookup), None
    except deferred.proxies.ProxySettingsError as exc:
        return None, str(exc)


def reload_proxy_settings() -> None:
    """After the proxy settings were saved (call from a worker: it reads the keychain)."""
    with _engine_lock:
        current = _engine
    if current is not None:
        current.configure_proxy(*_load_proxy())


def reload_tls_settings() -> None:
    """After the certificate settings were saved: later sends use them."""
    with _engine_lock:
        current = _engine
    if current is not None:
        current.configure_tls(*_load_tls())


class Dispatcher(QObject):
    """Carries results from workers to the GUI thread. Create it on the GUI thread."""

    #: (job, exchange, Presentation of the final body or None)
    done = Signal(object, object, object)
    #: (job, bytes received, Content-Length or None, bytes per second)
    progress = Signal(object, int, object, float)
    #: (job, decoded bytes of a streaming response that just arrived)
    events = Signal(object, bytes)


class SendJob:
    """One request in flight."""

    def __init__(self, spec: RequestSpec, secrets: tuple[str, ...] = (),
                 context: Any = None, tls: TlsSettings | None = None,
                 proxy: ProxySettings | None = None) -> None:
        self.id = next(_ids)
        self.spec = spec
        #: Values to mask beyond the auth scheme's own (e.g. secret variables).
        self.secrets = secrets
        #: The AuthContext for schemes that keep tokens in the keychain, or None.
        self.context = context
        #: The request's collection's certificates, before the global ones, or None.
        self.tls = tls
        #: The request's collection's proxy, instead of the global one, or None; its
        #: password is read from the keychain in the worker.
        self.proxy = proxy
        self.token = deferred.cancel.CancelToken()
        self.started = time.monotonic()
        #: The user pressed Stop on a streaming response: show what arrived.
        self.stopped = False
        self.streaming = False

    def start(self, dispatcher: Dispatcher) -> None:
        """Send in a worker (gui/tasks.py); `dispatcher.done` says when it is over."""

        call = _Call(self, dispatcher)
        tasks.run(call, lambda result: dispatcher.done.emit(self, *result))

    def cancel(self) -> None:
        self.token.cancel()


class _Call:
    """The work of one send, in the worker; progress and stream chunks go to the GUI
    thread through the dispatcher's queued signals, batched."""

    def __init__(self, job: SendJob, dispatcher: Dispatcher) -> None:
        self._job, self._dispatcher = job, dispatcher
        self._last = 0.0
        self._pending = bytearray()
        self._flushed = 0.0

    def _events(self, chunk: bytes) -> None:
        # Batched: a fast stream must not flood the GUI thread with signals.
        self._job.streaming = True
        self._pending += chunk
        now = time.monotonic()
        if now - self._flushed >= PROGRESS_INTERVAL / 2:
            self._flush(now)

    def _flush(self, now: float) -> None:
        if self._pending:
            self._dispatcher.events.emit(self._job, bytes(self._pending))
            self._pending.clear()
        self._flushed = now

    def _progress(self, received: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            rate = received / max(now - self._job.started, 1e-6)
            self._dispatcher.progress.emit(self._job, received, total, rate)

    def __call__(self, _task: Any) -> tuple[Exchange, Presentation | None]:
        job = self._job
        try:
            jars, jar = _jar_for(job)
            if job.proxy is not None and job.proxy.secret_lookup is None:
                job.proxy.secret_lookup = _secret_lookup
            exchange = engine().send(job.spec, cancel=job.token, progress=self._progress,
                                     on_events=self._events, secrets=job.secrets,
                                     context=job.context, tls=job.tls, jar=jar,
                                     proxy=job.proxy)
            self._flush(time.monotonic())
            if jars is not None and jar is not None:
                jars.save(jar)
            shown = (deferred.present.present(exchange.response)
                     if exchange.response is not None else None)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker silently
            ex = deferred.exchange
            exchange = ex.Exchange(error=ex.ErrorInfo(ex.ErrorKind.INTERNAL,
                                                      f"Unexpected error: {exc}"))
            shown = None
        return exchange, shown
