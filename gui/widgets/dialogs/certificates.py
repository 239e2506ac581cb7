"""The Certificates settings: trust, CA certificates per host, client certificates per host.

Each list shows one entry per row ("host — file"); the form under it edits the selected
entry. Every certificate is checked as it is edited (files, passphrase, key against
certificate, dates, through gui.core.tls.config) and what it is — or what is wrong — is
shown under the form, so a problem is seen before a request fails on it.

The lists, the file fields and the checks are dialogs/certificate_entries.py.

Nothing changes until OK. OK with problems left asks before saving; Cancel keeps the
settings as they were. Passphrases go to the keychain, never to the settings file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ... import deferred, tasks
from ...core.collections.model import CollectionError
from ...core.tls.config import CaBundle, ClientCert, TlsSettings
from .certificate_entries import EntryList, describe_bundle, describe_cert, file_row

if TYPE_CHECKING:
    from ...core.storage.keychain import SecretStore

#: How long after the last keystroke the entry is checked.
CHECK_DELAY_MS = 300
KINDS = (("pem", "PEM (certificate and key)"), ("pkcs12", "PKCS#12 (.p12, .pfx)"))


class CertificatesDialog(QDialog):
    def __init__(self, settings: TlsSettings, store: SecretStore | None = None,
                 parent: QWidget | None = None, *, collection: str | None = None,
                 save_handler: Callable[[TlsSettings], None] | None = None,
                 resolve: Callable[[TlsSettings], TlsSettings] | None = None) -> None:
        """`collection` names the collection whose own certificates are edited (no
        trust choice then: that is global); `save_handler` writes them instead of the
        global settings file, raising OSError or CollectionError when it cannot;
        `resolve` makes paths typed relative to the collection absolute for checking."""
        super().__init__(parent, objectName="certificatesDialog")
        self.setWindowTitle(f"Certificates of {collection}" if collection else "Certificates")
        self.resize(760, 740)
        self._previous = settings
        self.settings = copy.deepcopy(settings)
        self._store = store
        self._save_handler = save_handler
        self._resolve = resolve or (lambda settings: settings)
        self._loading = False
        self._checks = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._checks.timeout.connect(self.flush_checks)
        layout = QVBoxLayout(self)

        self.system_trust = QCheckBox(
            "Trust the certificate authorities of the operating system",
            objectName="systemTrust", checked=self.settings.system_trust)
        self.system_trust.setToolTip("Off: trust only the Mozilla list that ships with "
                                     "Gatepost (certifi), plus the CA certificates below.")
        layout.addWidget(self.system_trust)
        trust_note = QLabel("Your company's or your own CA is trusted with this on when the "
                            "system trusts it; otherwise add it below for its hosts.",
                            wordWrap=True)
        trust_note.setProperty("tone", "muted")
        layout.addWidget(trust_note)
        if collection:
            self.system_trust.hide()
            trust_note.setText(f"For the requests of {collection}, before the certificates "
                               "of the Certificates settings. Saved in collection.yaml (a "
                               "file inside the collection's folder as a relative path); "
                               "passphrases stay in the system keychain.")

        self.cas = EntryList("CA certificates", "caBundles", "Add CA…")
        self.ca_host = QLineEdit(objectName="caHost", placeholderText="*.internal.example")
        self.ca_path = QLineEdit(objectName="caPath", placeholderText="ca.pem")
        self.ca_enabled = QCheckBox("Use this CA certificate", objectName="caEnabled")
        self.cas.form.addRow("Host:", self.ca_host)
        self.cas.form.addRow("CA file (PEM):", file_row(
            self.ca_path, "CA file", "Certificates (*.pem *.crt *.cer);;All files (*)", self))
        self.cas.form.addRow("", self.ca_enabled)
        layout.addWidget(self.cas)

        self.clients = EntryList("Client certificates", "clientCerts", "Add certificate…")
        self.cert_host = QLineEdit(objectName="certHost",
                                   placeholderText="api.example.com, *.example.com:8443, *")
        self.cert_kind = QComboBox(objectName="certKind", accessibleName="Certificate type")
        for value, label in KINDS:
            self.cert_kind.addItem(label, value)
        self.cert_file = QLineEdit(objectName="certFile", placeholderText="client.pem")
        self.key_file = QLineEdit(objectName="keyFile",
                                  placeholderText="empty when the key is in the certificate file")
        self.passphrase = QLineEdit(objectName="certPassphrase",
                                    echoMode=QLineEdit.EchoMode.Password,
                                    placeholderText="stored in the system keychain")
        self.show_passphrase = show = QToolButton(text="Show", checkable=True,
                                                  accessibleName="Show the passphrase")
        show.toggled.connect(lambda on: (
            self.passphrase.setEchoMode(QLineEdit.EchoMode.Normal if on else
                                        QLineEdit.EchoMode.Password),
            show.setText("Hide" if on else "Show")))
        passphrase_row = QWidget()
        row = QHBoxLayout(passphrase_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.passphrase, 1)
        row.addWidget(show)
        self.cert_enabled = QCheckBox("Use this certificate", objectName="certEnabled")
        form = self.clients.form
        form.addRow("Host:", self.cert_host)
        form.addRow("Type:", self.cert_kind)
        form.addRow("Certificate:", file_row(
            self.cert_file, "Certificate file",
            "Certificates (*.pem *.crt *.cer *.p12 *.pfx);;All files (*)", self))
        self.key_row = file_row(self.key_file, "Key file",
                                 "Keys (*.pem *.key);;All files (*)", self)
        form.addRow("Key:", self.key_row)
        form.addRow("Passphrase:", passphrase_row)
        form.addRow("", self.cert_enabled)
        layout.addWidget(self.clients)
        note = QLabel("The first enabled certificate whose host matches is offered; the "
                      "server only gets it if it asks. A host without a port matches every "
                      "port; * is the only wildcard.", wordWrap=True)
        note.setProperty("tone", "muted")
        layout.addWidget(note)
        if store is not None and store.problem:
            kept = QLabel(f"Passphrases: {store.problem}", objectName="storeProblem",
                          wordWrap=True)
            kept.setProperty("tone", "error")
            layout.addWidget(kept)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.cas.add_button.clicked.connect(self.add_ca)
        self.cas.remove_button.clicked.connect(self._remove_ca)
        self.cas.list.currentRowChanged.connect(self._ca_selected)
        for edit in (self.ca_host, self.ca_path):
            edit.textChanged.connect(self._ca_edited)
        self.ca_enabled.toggled.connect(self._ca_edited)
        self.clients.add_button.clicked.connect(self.add_certificate)
        self.clients.remove_button.clicked.connect(self._remove_cert)
        self.clients.list.currentRowChanged.connect(self._cert_selected)
        for edit in (self.cert_host, self.cert_file, self.key_file, self.passphrase):
            edit.textChanged.connect(self._cert_edited)
        self.cert_kind.currentIndexChanged.connect(self._cert_edited)
        self.cert_enabled.toggled.connect(self._cert_edited)

        self._fill(self.cas.list, [self._ca_text(b) for b in self.settings.ca_bundles])
        self._fill(self.clients.list, [self._cert_text(c) for c in self.settings.client_certs])
        self._ca_selected(self.cas.list.currentRow())
        self._cert_selected(self.clients.list.currentRow())

    # -- checks ----------------------------------------------------------------------------

    def flush_checks(self) -> None:
        """Check the selected entries now (the checks run a moment after typing stops:
        decrypting a key on every keystroke of its passphrase would make typing lag)."""
        self._checks.stop()
        checked = self._resolve(self.settings)
        row = self.cas.list.currentRow()
        if 0 <= row < len(checked.ca_bundles):
            self.cas.show_status(*describe_bundle(checked.ca_bundles[row]))
        row = self.clients.list.currentRow()
        if 0 <= row < len(checked.client_certs):
            self.clients.show_status(*describe_cert(checked.client_certs[row]))

    # -- lists ---------------------------------------------------------------------------

    @staticmethod
    def _fill(widget: QListWidget, texts: list[str]) -> None:
        for text in texts:
            widget.addItem(QListWidgetItem(text))
        if texts:
            widget.setCurrentRow(0)

    @staticmethod
    def _ca_text(b: CaBundle) -> str:
        return f"{'' if b.enabled else '(off) '}{b.host or '(no host)'} — {b.path or '(no file)'}"

    @staticmethod
    def _cert_text(c: ClientCert) -> str:
        return f"{'' if c.enabled else '(off) '}{c.host or '(no host)'} — {c.cert or '(no file)'}"

    def add_ca(self, host: str = "", path: str = "") -> None:
        self.settings.ca_bundles.append(CaBundle(host, path))
        self.cas.list.addItem(self._ca_text(self.settings.ca_bundles[-1]))
        self.cas.list.setCurrentRow(self.cas.list.count() - 1)
        self.ca_host.setFocus()

    def add_certificate(self, host: str = "") -> None:
        self.settings.client_certs.append(ClientCert(host))
        self.clients.list.addItem(self._cert_text(self.settings.client_certs[-1]))
        self.clients.list.setCurrentRow(self.clients.list.count() - 1)
        self.cert_host.setFocus()

    def _remove_ca(self) -> None:
        row = self.cas.list.currentRow()
        if row >= 0:
            del self.settings.ca_bundles[row]
            self.cas.list.takeItem(row)
            self._ca_selected(self.cas.list.currentRow())

    def _remove_cert(self) -> None:
        row = self.clients.list.currentRow()
        if row >= 0:
            del self.settings.client_certs[row]
            self.clients.list.takeItem(row)
            self._cert_selected(self.clients.list.currentRow())

    # -- the forms -----------------------------------------------------------------------

    def _ca_selected(self, row: int) -> None:
        has = 0 <= row < len(self.settings.ca_bundles)
        self.cas.form_widget.setEnabled(has)
        self.cas.remove_button.setEnabled(has)
        self._loading = True
        bundle = self.settings.ca_bundles[row] if has else CaBundle("", "")
        self.ca_host.setText(bundle.host)
        self.ca_path.setText(bundle.path)
        self.ca_enabled.setChecked(bundle.enabled)
        self._loading = False
        if has:
            self.flush_checks()
        else:
            self.cas.show_status("", True)

    def _ca_edited(self) -> None:
        row = self.cas.list.currentRow()
        if self._loading or row < 0:
            return
        bundle = self.settings.ca_bundles[row]
        bundle.host, bundle.path = self.ca_host.text().strip(), self.ca_path.text().strip()
        bundle.enabled = self.ca_enabled.isChecked()
        self.cas.list.item(row).setText(self._ca_text(bundle))
        self._checks.start()

    def _cert_selected(self, row: int) -> None:
        has = 0 <= row < len(self.settings.client_certs)
        self.clients.form_widget.setEnabled(has)
        self.clients.remove_button.setEnabled(has)
        self._loading = True
        cert = self.settings.client_certs[row] if has else ClientCert("")
        self.cert_host.setText(cert.host)
        self.cert_kind.setCurrentIndex(max(self.cert_kind.findData(cert.kind), 0))
        self.cert_file.setText(cert.cert)
        self.key_file.setText(cert.key)
        self.passphrase.setText(self.settings.passphrase(cert) if has else "")
        self.cert_enabled.setChecked(cert.enabled)
        self.key_row.setEnabled(cert.kind == "pem")
        self.show_passphrase.setChecked(False)  # another entry's secret starts hidden
        self._loading = False
        if has:
            self.flush_checks()
        else:
            self.clients.show_status("", True)

    def _cert_edited(self) -> None:
        row = self.clients.list.currentRow()
        if self._loading or row < 0:
            return
        cert = self.settings.client_certs[row]
        cert.host = self.cert_host.text().strip()
        cert.kind = self.cert_kind.currentData()
        cert.cert = self.cert_file.text().strip()
        cert.key = self.key_file.text().strip()  # kept, unused, while PKCS#12 is chosen
        cert.passphrase = self.passphrase.text()
        cert.enabled = self.cert_enabled.isChecked()
        self.key_row.setEnabled(cert.kind == "pem")
        self.clients.list.item(row).setText(self._cert_text(cert))
        self._checks.start()

    # -- saving --------------------------------------------------------------------------

    def accept(self) -> None:
        if self.save():
            super().accept()

    def save(self) -> bool:
        """Write the settings; False (and the dialog stays) when the user would rather
        fix a problem first or the file could not be written."""
        self.flush_checks()
        self.settings.system_trust = self.system_trust.isChecked()
        for cert in self.settings.client_certs:
            self.settings.passphrase(cert)  # so that saving keeps what the keychain has
        problems = self._resolve(self.settings).problems()
        if problems:
            answer = QMessageBox.question(
                self, "Certificates",
                "These settings have problems:\n\n• " + "\n• ".join(problems)
                + "\n\nSave them anyway? Requests to these hosts will say what is wrong "
                "until it is fixed.")
            if answer != QMessageBox.StandardButton.Yes:
                return False

        try:
            if self._save_handler is not None:
                self._save_handler(self.settings)  # it writes in workers (window_dialogs)
            else:
                # The file and the keychain in a worker; the dialog waits, open.
                tasks.call(lambda _task: deferred.tls_config.save(
                    self.settings, self._store, self._previous), tasks.KEYCHAIN)
        except (OSError, CollectionError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            QMessageBox.warning(self, "Certificates", f"The settings could not be saved: "
                                f"{reason}. Nothing was changed.")
            return False
        return True
