"""The parts of the Certificates dialog: a list of entries over the form of the selected
one, a file field with Browse…, and the check of an entry that says what a certificate
is, or what is wrong with it (through gui.core.tls)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.tls.config import CaBundle, ClientCert, HostPattern
from ...core.tls.files import TlsSetupError, load_ca_file, load_identity
from .. import theme


def file_row(edit: QLineEdit, title: str, filters: str, parent: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    browse = QPushButton("Browse…", accessibleName=f"Browse for the {title.lower()}")

    def choose() -> None:
        path, _ = QFileDialog.getOpenFileName(parent, title, edit.text(), filters)
        if path:
            edit.setText(path)

    browse.clicked.connect(choose)
    layout.addWidget(browse)
    return row


def describe_cert(cert: ClientCert) -> tuple[str, bool]:
    """A line about the certificate: what it is, or what is wrong with it."""
    try:
        HostPattern.parse(cert.host)
    except ValueError as exc:
        return f"Host: {exc}.", False
    if not cert.cert:
        return "Choose the certificate file.", False
    try:
        identity = load_identity(cert, check_dates=False)
        identity.check_dates(cert.label)
    except TlsSetupError as exc:
        return str(exc), False
    leaf = identity.leaf
    return (f"{leaf.subject}, issued by {leaf.issuer}; valid until "
            f"{identity.not_after:%Y-%m-%d}."), True


def describe_bundle(bundle: CaBundle) -> tuple[str, bool]:
    try:
        HostPattern.parse(bundle.host)
    except ValueError as exc:
        return f"Host: {exc}.", False
    try:
        pem = load_ca_file(bundle.path)
    except TlsSetupError as exc:
        return str(exc), False
    count = pem.count("BEGIN CERTIFICATE")
    return f"{count} CA certificate{'s' if count != 1 else ''} trusted for this host.", True


class EntryList(QGroupBox):
    """A list of entries with Add and Remove, over a form for the selected one."""

    def __init__(self, title: str, name: str, add_label: str) -> None:
        super().__init__(title, objectName=f"{name}Group")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.list = QListWidget(objectName=f"{name}List", accessibleName=title)
        self.list.setFixedHeight(84)
        top.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = QPushButton(add_label, objectName=f"{name}Add")
        self.remove_button = QPushButton("Remove", objectName=f"{name}Remove",
                                         accessibleName=f"Remove the selected {title.lower()}")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        layout.addLayout(top)
        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.form.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.form_widget)
        self.status = QLabel(objectName=f"{name}Status", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

    def show_status(self, text: str, ok: bool) -> None:
        self.status.setText(text)

        theme.set_tone(self.status, "success" if ok else "error")
