"""The Auth tab: a scheme picker and a form drawn from the scheme's declared fields.

The scheme list is read when the tab is first needed, not at start-up. Values typed for
one scheme are kept while another is shown, so switching back loses nothing; a user name
and password typed carry over to a scheme that has the same fields (Basic, Digest, NTLM).
"Inherit" is offered only to a request in a collection: the scratch request has nothing
to inherit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ...core.auth.base import Field
    from ...core.model import AuthConfig

NOTE_STYLE = "color: #5a6270;"
WARN_STYLE = "color: #b35c00;"
#: Fields whose value means the same in every scheme that has them.
CARRIED_FIELDS = ("username", "password")
INHERIT = "inherit"


class AuthPanel(QWidget):
    edited = Signal()
    #: The user asked to remove this scheme's secrets from the keychain (scheme id).
    forget_requested = Signal(str)
    #: An action finished: (succeeded, message).
    action_done = Signal(bool, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authPanel")
        self._built = False
        self._values: dict[str, dict[str, Any]] = {}
        self._inputs: dict[str, QWidget] = {}
        self._pending: AuthConfig | None = None
        self._storage_note = ""
        self._inherit_note = ""
        #: Whether the request is in a collection, so that "Inherit" means something.
        self._can_inherit = False
        #: The scheme whose fields the form shows; None while a config is being applied
        #: (its values are the request's, not something to carry over).
        self._shown: str | None = None
        #: The user name and password last shown, for the next scheme that has them
        #: (Basic -> Bearer -> Digest keeps them too).
        self._carried: dict[str, Any] = {}
        #: Gives the AuthContext (keychain place) of the request this panel edits.
        self.context_provider: Any = None
        self.runner: Any = None
        self._code = self._device_url = ""

    # -- building -------------------------------------------------------------------------

    def _ensure_built(self) -> None:
        if self._built:
            return
        self._built = True
        from ...core import auth

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        top.addWidget(QLabel("Scheme:"))
        self.scheme = QComboBox(objectName="authScheme", accessibleName="Auth scheme")
        model = self.scheme.model()
        for scheme in auth.schemes().values():
            self.scheme.addItem(scheme.label, scheme.id)
            if not scheme.available():
                index = self.scheme.count() - 1
                self.scheme.setItemText(index, f"{scheme.label} (not installed)")
                self.scheme.setItemData(index, scheme.install_hint, Qt.ItemDataRole.ToolTipRole)
                if isinstance(model, QStandardItemModel):
                    model.item(index).setEnabled(False)
        self._offer_inherit()
        top.addWidget(self.scheme)
        top.addStretch(1)
        layout.addLayout(top)
        self.help = QLabel("", objectName="authHelp", accessibleName="About this scheme")
        self.help.setWordWrap(True)
        self.help.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.help)
        self.form_host = QWidget(objectName="authForm")
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.form_host)
        actions = QHBoxLayout()
        self.actions_row = actions
        self.action_buttons: dict[str, QPushButton] = {}
        self.cancel_action = QPushButton("Cancel", objectName="authActionCancel",
                                         accessibleName="Cancel the auth step")
        self.cancel_action.clicked.connect(self._cancel_action)
        self.cancel_action.hide()
        actions.addStretch(1)
        actions.addWidget(self.cancel_action)
        layout.addLayout(actions)
        self.state = QLabel("", objectName="authState", accessibleName="Token state")
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.state)
        self.device = QWidget(objectName="deviceCodeBox")
        device_row = QHBoxLayout(self.device)
        device_row.setContentsMargins(0, 0, 0, 0)
        self.device_label = QLabel("", objectName="deviceCode", accessibleName="Device code")
        self.device_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        copy_code = QPushButton("Copy code", objectName="copyDeviceCode",
                                accessibleName="Copy the user code")
        copy_code.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._code))
        open_page = QPushButton("Open browser", objectName="openDevicePage",
                                accessibleName="Open the verification page")
        open_page.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(self._device_url)))
        device_row.addWidget(self.device_label, 1)
        device_row.addWidget(copy_code)
        device_row.addWidget(open_page)
        self.device.hide()
        layout.addWidget(self.device)
        self.notes = QLabel("", objectName="authNotes", accessibleName="Auth warnings")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.notes)
        self.storage = QLabel(self._storage_note, objectName="secretStorageNote",
                              accessibleName="Where secrets are stored")
        self.storage.setWordWrap(True)
        self.storage.setStyleSheet(NOTE_STYLE)
        storage_row = QHBoxLayout()
        storage_row.addWidget(self.storage, 1)
        self.forget = QPushButton("Forget saved secrets", objectName="forgetSecretsButton",
                                  accessibleName="Remove this scheme's secrets from the "
                                                 "keychain")
        self.forget.clicked.connect(
            lambda: self.forget_requested.emit(self.scheme.currentData()))
        storage_row.addWidget(self.forget)
        layout.addLayout(storage_row)
        errors = auth.plugin_errors()
        if errors:
            self.notes.setText("\n".join(errors))
        layout.addStretch(1)
        self.scheme.currentIndexChanged.connect(self._scheme_changed)
        config, self._pending = self._pending, None
        if config is not None:
            self._apply(config)
        else:
            self._scheme_changed()

    def showEvent(self, event) -> None:
        self._ensure_built()
        super().showEvent(event)

    def _scheme_changed(self) -> None:
        from ...core import auth

        scheme = auth.get(self.scheme.currentData())
        kept = self._values.setdefault(scheme.id, {})
        if self._shown is not None and self._shown != scheme.id:
            self._carried.update((name, value) for name, value in
                                 self._current_values().items() if name in CARRIED_FIELDS)
            names = {f.name for f in scheme.fields}
            kept.update((name, value) for name, value in self._carried.items()
                        if name in names and value)
        self._shown = scheme.id
        while self.form.rowCount():
            self.form.removeRow(0)
        self._inputs = {}
        values = scheme.values(kept)
        for f in scheme.fields:
            widget, editor = self._input(f, values[f.name])
            self._inputs[f.name] = editor
            label = QLabel(f.label + (" *" if f.required else "") + ":")
            label.setToolTip(f.help)
            label.setBuddy(editor)
            self.form.addRow(label, widget)
        self.help.setText(self._inherit_note if scheme.id == "inherit" and self._inherit_note
                          else scheme.help)
        self._build_actions(scheme)
        self.forget.setVisible(bool(scheme.secret_names()))
        self._refresh_notes()
        self.edited.emit()

    # -- actions (OAuth 2's Get new token, Refresh, Clear) ----------------------------------

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
        from ...core import auth

        if not self._built:
            return
        context = self.context_provider() if self.context_provider else None
        if context is None:
            self.state.setText("")
            return
        scheme = auth.get(self.scheme.currentData())
        if not scheme.actions:
            self.state.setText("")
            return
        try:
            self.state.setText(scheme.state(self._current_values(), context))
        except Exception as exc:  # noqa: BLE001 - a state is only shown
            self.state.setText(str(exc))

    def run_action(self, name: str) -> None:
        from ...auth_actions import ActionRunner
        from ...core import auth

        context = self.context_provider() if self.context_provider else None
        if context is None:
            return
        if self.runner is None:
            self.runner = ActionRunner(self)
            self.runner.finished.connect(self._action_finished)
            self.runner.waiting.connect(self.state.setText)
            self.runner.device_code.connect(self._show_device_code)
        for button in self.action_buttons.values():
            button.setEnabled(False)
        self.cancel_action.show()
        self.state.setText("Working…")
        self.runner.run(auth.get(self.scheme.currentData()), name, self._current_values(),
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

    def _input(self, f: Field, value: Any) -> tuple[QWidget, QWidget]:
        """The widget for the form row, and the one that holds the value."""
        from ...core.auth.base import FieldKind

        name = f"authField_{f.name}"
        if f.kind is FieldKind.FLAG:
            box = QCheckBox(objectName=name, accessibleName=f.label, checked=bool(value))
            box.setToolTip(f.help)
            box.toggled.connect(self._changed)
            return box, box
        if f.kind is FieldKind.CHOICE:
            combo = QComboBox(objectName=name, accessibleName=f.label)
            combo.addItems(list(f.choices))
            combo.setCurrentText(str(value))
            combo.setToolTip(f.help)
            combo.currentTextChanged.connect(self._changed)
            return combo, combo
        edit = QLineEdit(str(value), objectName=name, accessibleName=f.label)
        edit.setPlaceholderText(f.placeholder)
        edit.setToolTip(f.help)
        edit.textEdited.connect(self._changed)
        if f.kind is FieldKind.TEXT:
            return edit, edit
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        button = QToolButton(row)
        if f.kind is FieldKind.SECRET:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            button.setObjectName(f"reveal_{f.name}")
            button.setText("Show")
            button.setCheckable(True)
            button.setAccessibleName(f"Show {f.label}")
            button.toggled.connect(lambda on: (
                edit.setEchoMode(QLineEdit.EchoMode.Normal if on else
                                 QLineEdit.EchoMode.Password),
                button.setText("Hide" if on else "Show")))
        else:
            button.setObjectName(f"browse_{f.name}")
            button.setText("Browse…")
            button.setAccessibleName(f"Choose {f.label}")
            button.clicked.connect(lambda: self._browse(edit, f.label))
        layout.addWidget(button)
        return row, edit

    def _browse(self, edit: QLineEdit, label: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, f"Choose {label}")
        if path:
            edit.setText(path)
            self._changed()

    def _changed(self, *_: object) -> None:
        self._values[self.scheme.currentData()] = self._current_values()
        self._refresh_notes()
        self.edited.emit()

    def _refresh_notes(self) -> None:
        from ...core import auth

        scheme = auth.get(self.scheme.currentData())
        self.notes.setText("\n".join(scheme.notes(self._current_values())))

    def _current_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, editor in self._inputs.items():
            if isinstance(editor, QCheckBox):
                values[name] = editor.isChecked()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentText()
            elif isinstance(editor, QLineEdit):
                values[name] = editor.text()
        return values

    # -- the model side -----------------------------------------------------------------------

    def config(self) -> AuthConfig:
        from ...core.model import AuthConfig

        if not self._built:
            return self._pending or AuthConfig()
        return AuthConfig(self.scheme.currentData(), self._current_values())

    def set_config(self, config: AuthConfig) -> None:
        if not self._built:
            self._pending = config
            return
        self._apply(config)

    def _apply(self, config: AuthConfig) -> None:
        self._values[config.scheme] = dict(config.values)
        index = self.scheme.findData(config.scheme)
        if index < 0:
            return
        self._shown, self._carried = None, {}
        if index == self.scheme.currentIndex():
            self._scheme_changed()
        else:
            self.scheme.setCurrentIndex(index)

    def clear_secrets(self, scheme_id: str) -> None:
        from ...core import auth

        names = auth.get(scheme_id).secret_names()
        kept = self._values.get(scheme_id, {})
        for name in names:
            kept.pop(name, None)
            editor = self._inputs.get(name) if self.scheme.currentData() == scheme_id else None
            if isinstance(editor, QLineEdit):
                editor.clear()
        self.edited.emit()

    def set_inherit_note(self, text: str) -> None:
        """What "Inherit" means for this request (which parent's scheme it uses). Only a
        request in a collection has one, so this also offers "Inherit"."""
        self._inherit_note = text
        self.set_inherit_available(True)
        if self._built and self.scheme.currentData() == INHERIT:
            self.help.setText(text)

    def set_inherit_available(self, available: bool) -> None:
        """Offer "Inherit" (a request in a collection) or not (the scratch request)."""
        self._can_inherit = available
        if self._built:
            self._offer_inherit()

    def _offer_inherit(self) -> None:
        # Hidden and disabled rather than removed: a config that says "inherit" (a scratch
        # request saved before) still shows as what it is, sent without auth.
        index = self.scheme.findData(INHERIT)
        model = self.scheme.model()
        if index < 0 or not isinstance(model, QStandardItemModel):
            return
        model.item(index).setEnabled(self._can_inherit)
        view = self.scheme.view()
        if hasattr(view, "setRowHidden"):
            view.setRowHidden(index, not self._can_inherit)

    def set_storage_note(self, text: str) -> None:
        """Say where secrets go: the keychain, or memory only and why."""
        self._storage_note = text
        if self._built:
            self.storage.setText(text)
