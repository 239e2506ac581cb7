"""What the TLS handshake of a hop negotiated, read from httpcore's network stream."""

from __future__ import annotations

import _ssl
import ssl
from dataclasses import dataclass, field
from typing import Any

from .. import deferred


@dataclass
class Certificate:
    subject: str
    issuer: str
    not_before: str
    not_after: str
    sans: list[str] = field(default_factory=list)
    serial: str = ""
    fingerprint_sha256: str = ""


@dataclass
class TlsInfo:
    version: str
    cipher: str
    #: The protocol ALPN agreed on ("h2", "http/1.1"), or None.
    alpn: str | None
    #: The server's certificates as it sent them, leaf first.
    certificates: list[Certificate] = field(default_factory=list)


def describe_certificate(der: bytes) -> Certificate:
    cert = deferred.x509.load_der_x509_certificate(der)
    try:
        sans = cert.extensions.get_extension_for_class(deferred.x509.SubjectAlternativeName).value
        names = [str(n.value) for n in sans]
    except deferred.x509.ExtensionNotFound:
        names = []
    return Certificate(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        sans=names,
        serial=format(cert.serial_number, "x"),
        fingerprint_sha256=cert.fingerprint(deferred.hashes.SHA256()).hex(":"),
    )


def read_tls(network_stream: Any) -> TlsInfo | None:
    """TLS details of the connection a response came over, None for plain HTTP."""
    if network_stream is None:
        return None
    ssl_object: ssl.SSLObject | ssl.SSLSocket | None = network_stream.get_extra_info(
        "ssl_object")
    if ssl_object is None:
        return None
    cipher = ssl_object.cipher()
    ders: list[bytes] = []
    # The chain as the server sent it: public from Python 3.13 (DER bytes); before that,
    # httpcore's stream hands out the C-level object, whose method returns certificate
    # objects. Either way, only the leaf when neither is there.
    chain = getattr(ssl_object, "get_unverified_chain", None)
    if chain is not None:
        der_format = getattr(_ssl, "ENCODING_DER", 2)
        try:
            ders = [c if isinstance(c, bytes) else c.public_bytes(der_format)
                    for c in chain() or []]
        except (AttributeError, TypeError, ValueError, ssl.SSLError):
            ders = []
    if not ders:
        leaf = ssl_object.getpeercert(binary_form=True)
        ders = [leaf] if leaf else []
    certificates = []
    for der in ders:
        try:
            certificates.append(describe_certificate(der))
        except ValueError:
            continue
    return TlsInfo(version=ssl_object.version() or "", cipher=cipher[0] if cipher else "",
                   alpn=ssl_object.selected_alpn_protocol(), certificates=certificates)
