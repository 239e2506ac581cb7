"""Certificate files read and checked: CA bundles, client certificates (PEM, DER,
PKCS#12) with their keys, and an identity handed to OpenSSL.

Every problem is a TlsSetupError whose message is one sentence naming the certificate's
pattern and the file (gui/core/tls/config.py holds the settings that name the files).
Python's `ssl` only loads a client certificate from a file: `Identity.load_into` writes
the chain and the key, encrypted under a one-time password, to a private temporary file
removed as soon as OpenSSL has read it.
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .. import deferred
from ..auth.base import AuthError
from ..auth.keys import load_pem_private_key, read_small_file
from .info import Certificate, describe_certificate

if TYPE_CHECKING:
    from .config import ClientCert

#: CA bundles may hold a few hundred certificates (a whole distribution's list).
MAX_CA_FILE = 8 << 20


def upper_first(text: str) -> str:
    """The text as the start of a sentence (str.capitalize would lower the host's case)."""
    return text[:1].upper() + text[1:]


class TlsSetupError(Exception):
    """A certificate setting that cannot work; the message is for the user."""


def load_ca_file(path: str) -> str:
    """The CA file's PEM text; TlsSetupError when it cannot be read or holds none."""

    if not path:
        raise TlsSetupError("no CA file was chosen")
    try:
        data = read_small_file(path, MAX_CA_FILE)
    except OSError as exc:
        raise TlsSetupError(f"The CA file {path} cannot be read "
                            f"({exc.strerror or exc}).") from None
    try:
        certs = _certificates(data)
    except ValueError:
        raise TlsSetupError(f"The CA file {path} holds no certificate (PEM or DER).") \
            from None
    return "".join(c.public_bytes(_pem()).decode() for c in certs)


def _certificates(data: bytes) -> list[Any]:
    """The certificates in PEM text, or the one certificate of a DER file."""
    if b"-----BEGIN" in data:
        return deferred.x509.load_pem_x509_certificates(data)
    return [deferred.x509.load_der_x509_certificate(data)]


def _pem() -> Any:
    return deferred.serialization.Encoding.PEM


# -- identities --------------------------------------------------------------------------


@dataclass
class Identity:
    """A client certificate, loaded and checked: what goes to OpenSSL and to the record."""

    chain_pem: bytes
    key: Any
    leaf: Certificate
    not_before: datetime
    not_after: datetime
    label: str = "the client certificate"

    def check_dates(self, label: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        if now < self.not_before:
            raise TlsSetupError(
                f"{upper_first(label)} ({self.leaf.subject}) is not valid until "
                f"{self.not_before:%Y-%m-%d %H:%M} UTC.")
        if now > self.not_after:
            raise TlsSetupError(
                f"{upper_first(label)} ({self.leaf.subject}) expired on "
                f"{self.not_after:%Y-%m-%d %H:%M} UTC; renew it or turn it off in "
                "Certificates.")

    def load_into(self, context: ssl.SSLContext) -> None:
        password = secrets.token_urlsafe(24).encode()
        key_pem = self.key.private_bytes(
            _pem(), deferred.serialization.PrivateFormat.PKCS8,
            deferred.serialization.BestAvailableEncryption(password))
        try:
            with tempfile.TemporaryDirectory(prefix="gatepost-tls-") as folder:
                path = os.path.join(folder, "identity.pem")
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(self.chain_pem + key_pem)
                context.load_cert_chain(path, password=password)
        except ssl.SSLError as exc:
            # OpenSSL's own refusal, e.g. EE_KEY_TOO_SMALL for a 1024-bit RSA key.
            raise TlsSetupError(f"{upper_first(self.label)} ({self.leaf.subject}) cannot "
                                f"be used: OpenSSL says {exc.reason or exc}.") from None
        except OSError as exc:
            raise TlsSetupError(f"{upper_first(self.label)} could not be handed to OpenSSL "
                                f"({exc.strerror or exc}).") from None


def load_identity(cert: ClientCert, *, check_dates: bool = True,
                  trial: bool = True) -> Identity:
    """The certificate and key, checked; TlsSetupError naming the pattern and the file."""
    label = cert.label
    if not cert.cert:
        raise TlsSetupError(f"{upper_first(label)}: no certificate file was chosen.")
    try:
        data = read_small_file(cert.cert)
    except OSError as exc:
        raise TlsSetupError(f"{upper_first(label)}: the file {cert.cert} cannot be read "
                            f"({exc.strerror or exc}).") from None
    if cert.kind == "pkcs12":
        key, chain = _load_pkcs12(cert, data)
    else:
        key, chain = _load_pem(cert, data)
    # The leaf is the certificate of the key, wherever the file put it (some bundles
    # list the CA first); the others follow as its chain.
    leaf = next((c for c in chain if _same_key(key, c)), None)
    if leaf is None:
        where = cert.key or cert.cert
        raise TlsSetupError(f"{upper_first(label)}: the key in {where} does not match the "
                            f"certificate in {cert.cert}.")
    chain = [leaf, *(c for c in chain if c is not leaf)]
    identity = Identity(
        chain_pem=b"".join(c.public_bytes(_pem()) for c in chain), key=key,
        leaf=describe_certificate(leaf.public_bytes(_der())),
        not_before=leaf.not_valid_before_utc, not_after=leaf.not_valid_after_utc,
        label=label)
    if check_dates:
        identity.check_dates(label)
    if trial:
        # What OpenSSL itself refuses (a key too small for its security level) is found
        # here, in the dialog, not at the first handshake.
        identity.load_into(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    return identity


def _der() -> Any:
    return deferred.serialization.Encoding.DER


def _load_pkcs12(cert: ClientCert, data: bytes) -> tuple[Any, list[Any]]:
    label = upper_first(cert.label)
    if data.lstrip().startswith(b"-----BEGIN"):
        raise TlsSetupError(f"{label}: {cert.cert} is a PEM file, not PKCS#12; choose PEM.")
    password = cert.passphrase.encode() if cert.passphrase else None
    try:
        key, leaf, extra = deferred.pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        if password is not None and _pkcs12_without_password(data):
            raise TlsSetupError(f"{label}: {cert.cert} has no passphrase; leave the "
                                "passphrase empty.") from None
        raise TlsSetupError(f"{label}: {cert.cert} is not a PKCS#12 file, or the "
                            "passphrase is wrong.") from None
    if key is None or leaf is None:
        raise TlsSetupError(f"{label}: {cert.cert} holds no certificate with its key.")
    return key, [leaf, *extra]


def _pkcs12_without_password(data: bytes) -> bool:
    try:
        deferred.pkcs12.load_key_and_certificates(data, None)
    except ValueError:
        return False
    return True


def _load_pem(cert: ClientCert, data: bytes) -> tuple[Any, list[Any]]:
    label = upper_first(cert.label)
    try:
        chain = _certificates(data)
    except ValueError:
        hint = " (it looks like PKCS#12: choose PKCS#12)" if data[:1] == b"\x30" else ""
        raise TlsSetupError(f"{label}: {cert.cert} holds no PEM or DER certificate{hint}.") \
            from None
    key_path = cert.key or cert.cert
    try:
        key = load_pem_private_key(key_path, cert.passphrase, "key file")
    except AuthError as exc:
        if not cert.key and "does not hold" in str(exc):
            raise TlsSetupError(f"{label}: {cert.cert} has no private key; choose the "
                                "key file.") from None
        raise TlsSetupError(f"{label}: {exc}") from None
    return key, chain


def _same_key(key: Any, certificate: Any) -> bool:
    def spki(public: Any) -> bytes:
        return public.public_bytes(_der(), deferred.serialization.PublicFormat.SubjectPublicKeyInfo)

    try:
        return spki(key.public_key()) == spki(certificate.public_key())
    except (AttributeError, ValueError):
        return False
