"""Proxy…: the system's proxy, none, or one set here, with a bypass list and the proxy's
credentials (the password in the keychain). Loading (the keychain, the system's
settings) and saving happen off the GUI thread (gui/tasks.py).

The same dialog edits a collection's own proxy (the collection's context menu): then a
fourth choice, "as every request", leaves the collection without one; the settings go to
its collection.yaml and the password to the keychain under the collection's namespace."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ... import deferred, tasks, worker
from ...core.collections.manage import save_collection
from ...core.collections.model import ConflictError
from ...core.planning import proxy_of

if TYPE_CHECKING:
    from ...core.collections.model import Collection
    from ...core.http.proxies import ProxySettings
    from ...core.storage.keychain import SecretStore

#: Loads and saves of the proxy settings, one at a time and in order.
LANE = "proxy-settings"
AUTH_LABELS = (("any", "Whatever the proxy asks for (the strongest it offers)"),
               ("basic", "Basic"), ("digest", "Digest"), ("ntlm", "NTLM"),
               ("negotiate", "Negotiate (Kerberos ticket of your session)"), ("none", "None"))
#: The mode buttons' ids; INHERIT only for a collection.
SYSTEM, NONE, MANUAL, INHERIT = range(4)


def _load(store: Callable[[], SecretStore], collection: Collection | None = None
          ) -> tuple[ProxySettings | None, str, str | None]:
    """In a worker: the saved settings (password from the keychain; a collection's:
    None when it has none), the system's proxies in words, and why the file could not
    be read."""
    problem = None
    settings: deferred.proxies.ProxySettings | None
    if collection is not None:
        settings = proxy_of(collection)
        if settings is not None:
            settings = copy.copy(settings)
            settings.password = store().get(settings.keychain_key) or ""
    else:
        try:
            settings = deferred.proxies.load(lambda key: store().get(key))
        except deferred.proxies.ProxySettingsError as exc:
            settings, problem = deferred.proxies.ProxySettings(), str(exc)
    found = {k.lower(): v for k, v in deferred.urllib_request.getproxies().items() if v}

    parts = [f"{name.upper()}: {deferred.proxies.shown_url(found[name])}"
             for name in ("http", "https", "all") if name in found]
    if "no" in found:
        parts.append(f"bypass: {found['no']}")
    system = "; ".join(parts) if parts else "none set (no HTTP_PROXY, HTTPS_PROXY or ALL_PROXY)"
    return settings, system, problem


class ProxyDialog(QDialog):
    def __init__(self, store: Callable[[], SecretStore], parent: QWidget | None = None,
                 collection: Collection | None = None) -> None:
        super().__init__(parent, objectName="proxyDialog")
        self.setWindowTitle("Proxy" if collection is None else f"Proxy of {collection.name}")
        self._store = store
        self.collection = collection
        self._closed = False
        #: Set once the settings were written (for the window and the tests).
        self.saved = False
        layout = QVBoxLayout(self)
        self.mode_group = QButtonGroup(self)
        self.system_mode = QRadioButton("Use the system's proxy settings",
                                        objectName="proxySystem")
        self.system_text = QLabel("Reading…", objectName="proxySystemText", wordWrap=True)
        self.system_text.setIndent(24)
        self.none_mode = QRadioButton("No proxy", objectName="proxyNone")
        self.manual_mode = QRadioButton("This proxy:", objectName="proxyManual")
        for number, button in enumerate((self.system_mode, self.none_mode, self.manual_mode)):
            self.mode_group.addButton(button, number)
        self.inherit_mode = QRadioButton("As every request: the proxy set in the window's "
                                         "Proxy…", objectName="proxyInherit")
        if collection is not None:
            self.mode_group.addButton(self.inherit_mode, INHERIT)
            layout.addWidget(self.inherit_mode)
        else:
            self.inherit_mode.hide()
        layout.addWidget(self.system_mode)
        layout.addWidget(self.system_text)
        layout.addWidget(self.none_mode)
        layout.addWidget(self.manual_mode)
        form = QFormLayout()
        self.url = QLineEdit(objectName="proxyUrl", accessibleName="Proxy URL",
                             placeholderText="http://proxy.example:3128, socks5://host:1080")
        self.bypass = QLineEdit(objectName="proxyBypass", accessibleName="No proxy for",
                                placeholderText="localhost, .internal.example, 10.0.0.0/8")
        self.auth = QComboBox(objectName="proxyAuth", accessibleName="Proxy authentication")
        for value, label in AUTH_LABELS:
            self.auth.addItem(label, value)
        self.username = QLineEdit(objectName="proxyUsername", accessibleName="Proxy user name")
        self.password = QLineEdit(objectName="proxyPassword", accessibleName="Proxy password",
                                  echoMode=QLineEdit.EchoMode.Password)
        form.addRow("URL", self.url)
        form.addRow("No proxy for", self.bypass)
        form.addRow("Authentication", self.auth)
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        note = QLabel("The password is kept in the system keychain, and sent only to the "
                      "proxy. The bypass list applies to the system's proxy too."
                      + ("" if collection is None else " These settings are written to "
                         "the collection's collection.yaml, without the password."),
                      wordWrap=True)
        layout.addWidget(note)
        self.problems = QLabel("", objectName="proxyProblems", wordWrap=True)
        self.problems.setProperty("tone", "error")
        layout.addWidget(self.problems)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for widget in (self.url, self.bypass, self.username, self.password):
            widget.textChanged.connect(self._check)
        self.auth.currentIndexChanged.connect(self._check)
        self.mode_group.idToggled.connect(lambda *_: self._check())
        self.system_mode.setChecked(True)
        self._set_enabled(False)

        self._loading = tasks.run(lambda _task: _load(store, collection), self._loaded,
                                  self._load_failed, lane_name=LANE)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.system_mode, self.none_mode, self.manual_mode, self.inherit_mode,
                       self.url, self.bypass, self.auth, self.username, self.password):
            widget.setEnabled(enabled)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(enabled)

    def _loaded(self, result: tuple[ProxySettings | None, str, str | None]) -> None:
        if self._closed:
            return
        found, system, problem = result
        self.system_text.setText(f"Found: {system}")
        if found is None:  # a collection without a proxy of its own
            found = deferred.proxies.ProxySettings()
            self.inherit_mode.setChecked(True)
        settings = found
        if not self.inherit_mode.isChecked():
            {"none": self.none_mode, "manual": self.manual_mode}.get(
                settings.mode, self.system_mode).setChecked(True)
        self.url.setText(settings.url)
        self.bypass.setText(settings.bypass)
        self.auth.setCurrentIndex(max(self.auth.findData(settings.auth), 0))
        self.username.setText(settings.username)
        self.password.setText(settings.password)
        self._set_enabled(True)
        if problem:
            self.problems.setText(f"{problem} Saving replaces the file.")
        else:
            self._check()

    def _load_failed(self, exc: BaseException) -> None:
        if not self._closed:
            self.system_text.setText("")
            self.problems.setText(f"The proxy settings could not be read: {exc}")
            self._set_enabled(True)

    def settings(self) -> ProxySettings:
        """What the form says (for a collection that inherits: what it would be)."""
        mode = {SYSTEM: "system", NONE: "none", MANUAL: "manual", INHERIT: "system"}[
            max(self.mode_group.checkedId(), 0)]
        return deferred.proxies.ProxySettings(
            mode=mode, url=self.url.text().strip(), bypass=self.bypass.text().strip(),
            auth=self.auth.currentData(), username=self.username.text().strip(),
            password=self.password.text())

    def _check(self) -> list[str]:
        manual = self.manual_mode.isChecked()
        for widget in (self.url, self.auth, self.username, self.password):
            widget.setEnabled(manual and self.manual_mode.isEnabled())
        if self.inherit_mode.isChecked():
            self.problems.setText("")
            return []
        problems = self.settings().problems()
        if self.collection is not None and manual:
            if deferred.proxies.has_credentials(self.url.text()):
                problems.append("The URL holds credentials, which would be written to the "
                                "collection's file: give them as User name and Password.")
        self.problems.setText("\n".join(problems))
        return problems

    def save(self) -> None:
        if self._check():
            return  # said under the form; nothing typed is lost
        settings = self.settings()
        self._set_enabled(False)
        if self.collection is not None:
            self._save_collection(None if self.inherit_mode.isChecked() else settings)
            return

        def work(_task: Any) -> None:
            deferred.proxies.save(settings, self._store())
            worker.reload_proxy_settings()

        tasks.run(work, self._saved, self._save_failed, lane_name=LANE)

    def _save_collection(self, settings: ProxySettings | None, force: bool = False) -> None:
        """collection.yaml first (a file that changed on disk is asked about), then the
        password to the keychain, in a worker; the collection's proxy in memory is put
        back when the file could not be written."""
        collection = self.collection
        assert collection is not None
        previous = collection.proxy
        password = settings.password if settings is not None else ""
        kept = None
        if settings is not None:
            kept = copy.copy(settings)
            kept.password = ""
        collection.proxy = kept

        def work(_task: Any) -> None:
            save_collection(collection, force=force)
            key = deferred.proxies.collection_password_key(collection.namespace)
            if password and kept is not None and kept.username:
                self._store().set(key, password)
            else:
                self._store().delete(key)

        def failed(exc: BaseException) -> None:
            collection.proxy = previous
            if not self._closed and isinstance(exc, ConflictError) and \
                    QMessageBox.question(
                        self, "Proxy", f"{collection.settings_path} changed on disk since "
                        "it was read. Overwrite it with this proxy? Its other changes on "
                        "disk would be lost.") == QMessageBox.StandardButton.Yes:
                self._save_collection(settings, force=True)
                return
            self._save_failed(exc)

        tasks.run(work, self._saved, failed, lane_name=LANE)

    def _saved(self, _result: object) -> None:
        self.saved = True
        if not self._closed:
            self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._set_enabled(True)
        self._check()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        QMessageBox.warning(self, "Proxy", f"The proxy settings could not be saved: {reason}. "
                            "Nothing was changed.")

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)
