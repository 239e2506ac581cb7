"""PEM text of throw-away keys, for the signing schemes' tests (JWT Bearer, ASAP)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization


def pem(key: Any, password: bytes | None = None) -> bytes:
    """The private key as PKCS#8 PEM, encrypted when a password is given."""
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             encryption)


def public_pem(key: Any) -> str:
    """The public half as SubjectPublicKeyInfo PEM text."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
