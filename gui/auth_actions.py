"""Run a scheme's actions (OAuth 2's Get new token, Refresh, Clear) from the window.

The action runs in a worker thread: it may wait for a browser, poll a device endpoint
and write the keychain. What it needs from the person comes back to the GUI thread
through queued signals of this long-lived object.
"""

from __future__ import annotations

import threading
import webbrowser
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from . import tasks
from .core.auth import AuthError

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


def _run_action(scheme: Scheme, name: str, values: dict[str, Any],
                context: AuthContext) -> tuple[bool, str, str]:
    """(succeeded, message, the scheme's state afterwards), in the worker."""

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
    return ok, message, state


#: One action at a time: a second Get token waits for the first to end.
LANE = "auth-actions"


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

    def run(self, scheme: Scheme, name: str, values: dict[str, Any],
            context: AuthContext) -> None:
        self.interaction = WindowInteraction(self)
        context = replace(context, interaction=self.interaction)
        tasks.run(lambda _task: _run_action(scheme, name, values, context),
                  lambda result: self.finished.emit(*result), lane_name=LANE)

    def cancel(self) -> None:
        if self.interaction is not None:
            self.interaction.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return tasks.wait(LANE, msecs)
