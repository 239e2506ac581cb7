"""The Auth tab's actions (OAuth 2's Get new token, Refresh, Clear…): their buttons, the
token's state, a device code to enter elsewhere; run by gui.auth_actions in a worker.
The state is read in a worker too: OAuth 2's is its token, in the keychain.
A part of AuthPanel (gui/widgets/request/auth_panel.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QPushButton

from ... import deferred, tasks

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


class AuthActionsMixin:
    """AuthPanel supplies the widgets and state below."""

    if TYPE_CHECKING:  # what AuthPanel provides
        action_buttons: dict[str, QPushButton]
        actions_row: QHBoxLayout
        cancel_action: QPushButton
        device: QWidget
        device_label: QLabel
        notes: QLabel
        scheme: QComboBox
        state: QLabel
        action_done: SignalInstance
        context_provider: Any
        runner: Any
        _built: bool
        _code: str
        _device_url: str

        def _current_values(self) -> dict[str, Any]: ...

    #: The panel's state reads (an OwnedTasks), made at the first; the one in flight.
    _state_tasks: Any = None
    _state_task: Any = None

    def _build_actions(self, scheme: Any) -> None:
        for button in self.action_buttons.values():
            self.actions_row.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for n, action in enumerate(scheme.actions):
            button = QPushButton(action.label, objectName=f"authAction_{action.name}",
                                 accessibleName=action.label)
            button.setToolTip(action.help)
            button.clicked.connect(lambda _=False, a=action.name: self.run_action(a))
            self.actions_row.insertWidget(n, button)
            self.action_buttons[action.name] = button
        self.device.hide()
        self.refresh_state()

    def refresh_state(self) -> None:
        if not self._built:
            return
        self._drop_state_read()
        context = self.context_provider() if self.context_provider else None
        if context is None:
            self.state.setText("")
            return
        scheme = deferred.auth.get(self.scheme.currentData())
        if not scheme.actions:
            self.state.setText("")
            return
        values = dict(self._current_values())

        def work(_task: object) -> str:
            try:
                return scheme.state(values, context)
            except Exception as exc:  # noqa: BLE001 - a state is only shown
                return str(exc)

        if self._state_tasks is None:
            self._state_tasks = deferred.owned_tasks.OwnedTasks(self, tasks.KEYCHAIN)
        self._state_task = self._state_tasks.run(work, self.state.setText, key="state")

    def _drop_state_read(self) -> None:
        """A state read in flight would show what came before (another scheme, or the
        token before an action)."""
        if self._state_task is not None:
            self._state_task.cancel()
            self._state_task = None

    def run_action(self, name: str) -> None:
        context = self.context_provider() if self.context_provider else None
        if context is None:
            return
        if self.runner is None:
            self.runner = deferred.auth_actions.ActionRunner(self)
            self.runner.finished.connect(self._action_finished)
            self.runner.waiting.connect(self.state.setText)
            self.runner.device_code.connect(self._show_device_code)
        self._drop_state_read()
        for button in self.action_buttons.values():
            button.setEnabled(False)
        self.cancel_action.show()
        self.state.setText("Working…")
        self.runner.run(deferred.auth.get(self.scheme.currentData()), name, self._current_values(),
                        context)

    def _cancel_action(self) -> None:
        if self.runner is not None:
            self.runner.cancel()

    def _show_device_code(self, code: str, uri: str, complete: str) -> None:
        self._code, self._device_url = code, complete or uri
        self.device_label.setText(f"Go to <b>{uri}</b> and enter the code <b>{code}</b>")
        self.device.show()

    def _action_finished(self, ok: bool, message: str, state: str) -> None:
        for button in self.action_buttons.values():
            button.setEnabled(True)
        self.cancel_action.hide()
        self.device.hide()
        self.state.setText(state)
        self.notes.setText(message if not ok else "")
        self.action_done.emit(ok, message)
