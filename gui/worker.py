"""Run the engine off the GUI thread and hand results back through queued signals.

A sync httpx.Client in a QThreadPool worker, not an asyncio loop: httpx's sync path is
markedly faster on loopback (docs/ARCHITECTURE.md), and cancellation is real either way
because CancelToken shuts down the socket a worker is blocked on.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from .core.cancel import CancelToken
    from .core.engine import Engine
    from .core.model import RequestSpec

_engine: Engine | None = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    """The process's engine, created (and httpx imported) on first use, in a worker."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from .core.engine import Engine

            _engine = Engine()
        return _engine


class _Call(QRunnable):
    def __init__(self, job: SendJob) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        job = self._job
        try:
            exchange = engine().send(job.spec, cancel=job.token)
            from .core.present import pretty

            text = pretty(exchange.response) if exchange.response is not None else ""
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker silently
            from .core.exchange import ErrorInfo, Exchange

            exchange = Exchange(error=ErrorInfo("internal", f"Unexpected error: {exc}"))
            text = ""
        job.done.emit(exchange, text)


class SendJob(QObject):
    """One request in flight. `done(exchange, pretty_body)` arrives on the GUI thread."""

    done = Signal(object, str)

    def __init__(self, spec: RequestSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from .core.cancel import CancelToken

        self.spec = spec
        self.token: CancelToken = CancelToken()

    def start(self, pool: QThreadPool | None = None) -> None:
        (pool or QThreadPool.globalInstance()).start(_Call(self))

    def cancel(self) -> None:
        self.token.cancel()
