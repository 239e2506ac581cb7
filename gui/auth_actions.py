"""Run a scheme's actions (OAuth 2's Get new token, Refresh, Clear) from the window.

The action runs in a worker thread: it may wait for a browser, poll a device endpoint
and write the keychain. What it needs from the person comes back to the GUI thread
through queued signals of this long-lived object.
"""

from __future__ import annotations

import threading
import webbrowser
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from .core.auth.base import AuthContext, Scheme


class WindowInteraction:
    """The Interaction a scheme sees: plain methods, safe to call from the worker."""

    def __init__(self, runner: ActionRunner) -> None:
        self._runner = runner
        self._cancel = threading.Event()

    def open_browser(self, url: str) -> None:
        # The standard library's, not QDesktopServices: this runs off the GUI thread.
        self._runner.waiting.emit("Waiting for the browser… finish signing in there.")
        if not webbrowser.open(url):
            self._runner.waiting.emit(f"Open this address in your browser: {url}")

    def show_device_code(self, user_code: str, verification_uri: str,
                         complete_uri: str | None) -> None:
        self._runner.device_code.emit(user_code, verification_uri, complete_uri or "")

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Run(QRunnable):
    def __init__(self, runner: ActionRunner, scheme: Scheme, name: str,
                 values: dict[str, Any], context: AuthContext) -> None:
        super().__init__()
        self._args = runner, scheme, name, values, context

    def run(self) -> None:
        from .core.auth import AuthError

        runner, scheme, name, values, context = self._args
        try:
            message, ok = scheme.run_action(name, values, context), True
        except AuthError as exc:
            message, ok = str(exc), False
        except Exception as exc:  # noqa: BLE001 - reported, never a traceback
            message, ok = f"{type(exc).__name__}: {exc}", False
        try:
            state = scheme.state(values, context)
        except Exception:  # noqa: BLE001
            state = ""
        runner.finished.emit(ok, message, state)


class ActionRunner(QObject):
    #: (succeeded, message for the user, the scheme's state afterwards)
    finished = Signal(bool, str, str)
    #: A line to show while waiting (for the browser).
    waiting = Signal(str)
    #: (user code, verification URI, complete URI or "")
    device_code = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interaction: WindowInteraction | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)

    def run(self, scheme: Scheme, name: str, values: dict[str, Any],
            context: AuthContext) -> None:
        from dataclasses import replace

        self.interaction = WindowInteraction(self)
        context = replace(context, interaction=self.interaction)
        self._pool.start(_Run(self, scheme, name, values, context))

    def cancel(self) -> None:
        if self.interaction is not None:
            self.interaction.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)
