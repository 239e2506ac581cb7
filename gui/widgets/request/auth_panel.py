"""The Auth tab: a scheme picker and a form drawn from the scheme's declared fields.

The scheme list is read when the tab is first needed, not at start-up. Values typed for
one scheme are kept while another is shown, so switching back loses nothing; a user name
and password typed carry over to a scheme that has the same fields (Basic, Digest, NTLM).
"Inherit" is offered only to a request in a collection: the scratch request has nothing
to inherit. The fields' widgets are auth_fields.py; the scheme's actions (OAuth 2's Get
new token…) auth_panel_actions.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from ...core.model import AuthConfig
from .auth_fields import field_input, field_values
from .auth_panel_actions import AuthActionsMixin

if TYPE_CHECKING:
    from ...core.auth.base import Field

#: Fields whose value means the same in every scheme that has them.
CARRIED_FIELDS = ("username", "password")
INHERIT = "inherit"


class AuthPanel(AuthActionsMixin, QWidget):
    edited = Signal()
    #: The user asked to remove this scheme's secrets from the keychain (scheme id).
    forget_requested = Signal(str)
    #: An action finished: (succeeded, message).
    action_done = Signal(bool, str)
    #: Shown on a scheme with a secret field: its value and where secrets are kept are
    #: wanted (the window reads them from the keychain in a worker: `add_secrets`,
    #: `set_storage_note`).
    secrets_wanted = Signal()

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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        top.addWidget(QLabel("Scheme:"))
        self.scheme = QComboBox(objectName="authScheme", accessibleName="Auth scheme")
        model = self.scheme.model()
        for scheme in deferred.auth.schemes().values():
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
        self.help.setProperty("tone", "muted")
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
        self.notes.setProperty("tone", "warning")
        layout.addWidget(self.notes)
        self.storage = QLabel(self._storage_note, objectName="secretStorageNote",
                              accessibleName="Where secrets are stored")
        self.storage.setWordWrap(True)
        self.storage.setProperty("tone", "muted")
        storage_row = QHBoxLayout()
        storage_row.addWidget(self.storage, 1)
        self.forget = QPushButton("Forget saved secrets", objectName="forgetSecretsButton",
                                  accessibleName="Remove this scheme's secrets from the "
                                                 "keychain")
        self.forget.clicked.connect(
            lambda: self.forget_requested.emit(self.scheme.currentData()))
        storage_row.addWidget(self.forget)
        layout.addLayout(storage_row)
        errors = deferred.auth.plugin_errors()
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
        self._want_secrets()

    def _want_secrets(self) -> None:
        if not self.isVisible():
            return
        try:
            wanted = bool(deferred.auth.get(self.scheme.currentData()).secret_names())
        except deferred.auth.AuthError:
            return
        if wanted:
            self.secrets_wanted.emit()

    def _scheme_changed(self) -> None:
        scheme = deferred.auth.get(self.scheme.currentData())
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
        self._want_secrets()

    def _input(self, f: Field, value: Any) -> tuple[QWidget, QWidget]:
        """The widget for the form row, and the one that holds the value."""
        return field_input(f, value, self._changed, self)

    def _changed(self, *_: object) -> None:
        self._values[self.scheme.currentData()] = self._current_values()
        self._refresh_notes()
        self.edited.emit()

    def _refresh_notes(self) -> None:
        scheme = deferred.auth.get(self.scheme.currentData())
        self.notes.setText("\n".join(scheme.notes(self._current_values())))

    def _current_values(self) -> dict[str, Any]:
        return field_values(self._inputs)

    # -- the model side -----------------------------------------------------------------------

    def config(self) -> AuthConfig:
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

    def add_secrets(self, config: AuthConfig) -> None:
        """Secret values read from the keychain after the form was filled: each goes
        where its field is still empty (what the person typed meanwhile wins)."""
        try:
            names = deferred.auth.get(config.scheme).secret_names()
        except deferred.auth.AuthError:
            return
        found = {n: config.values[n] for n in names if config.values.get(n)}
        if not found:
            return
        if not self._built:
            pending = self._pending
            if pending is not None and pending.scheme == config.scheme:
                for name, value in found.items():
                    pending.values[name] = pending.values.get(name) or value
            return
        kept = self._values.setdefault(config.scheme, {})
        for name, value in found.items():
            kept[name] = kept.get(name) or value
        if self.scheme.currentData() == config.scheme:
            for name, value in found.items():
                editor = self._inputs.get(name)
                if isinstance(editor, QLineEdit) and not editor.text():
                    editor.setText(str(value))
            self._values[config.scheme] = self._current_values()
            self._refresh_notes()

    def clear_secrets(self, scheme_id: str) -> None:
        names = deferred.auth.get(scheme_id).secret_names()
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
