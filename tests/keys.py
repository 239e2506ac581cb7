"""PEM text of throw-away keys, for the signing schemes' tests (JWT Bearer, ASAP).

Also a pytest plug-in (tests/conftest.py): `key_file` writes a key of the requesting
module's own `keys` fixture to a file."""

from __future__ import annotations

from typing import Any

import pytest
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


@pytest.fixture
def key_file(tmp_path: Any, keys: dict[str, Any]) -> Any:
    """write(name, password=None) -> the path of that key in PEM, encrypted if asked."""
    def write(name: str, password: bytes | None = None) -> str:
        path = tmp_path / f"{name}{'-enc' if password else ''}.pem"
        path.write_bytes(pem(keys[name], password))
        return str(path)
    return write
