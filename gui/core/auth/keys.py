"""PEM private keys for signing schemes (OAuth 1 RSA-SHA1, JWT Bearer), with every way a
key file can be wrong turned into one sentence that names the file and never the
passphrase."""

from __future__ import annotations

import errno
import stat
from pathlib import Path
from typing import Any

from .. import deferred
from .base import AuthError

#: Key and certificate files are small; anything bigger is not one (and is not read).
MAX_KEY_FILE = 1 << 20


def read_small_file(path: str, limit: int = MAX_KEY_FILE) -> bytes:
    """The bytes of a key or certificate file. OSError, with a readable strerror, for a
    path that is not a regular file (a FIFO would block, /dev/zero never end) or is
    larger than `limit`."""
    file = Path(path).expanduser()
    info = file.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if info.st_size > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // 1024} KB: not a key or "
                      "certificate file")
    with file.open("rb") as handle:
        return handle.read(limit + 1)


def load_pem_private_key(path: str, passphrase: str, what: str,
                         passphrase_label: str = "passphrase") -> Any:
    """The cryptography key in `path`. `what` names the file in messages ("JWT key
    file"); `passphrase_label` names the field the passphrase is typed in."""
    try:
        data = read_small_file(path)
    except OSError as exc:
        raise AuthError(f"The {what} {path} cannot be read ({exc.strerror or exc}).") \
            from None
    password = passphrase.encode() if passphrase else None
    try:
        return deferred.serialization.load_pem_private_key(data, password=password)
    except TypeError:
        # cryptography's TypeError says which way the passphrase and the key disagree.
        if password is None:
            raise AuthError(f"The {what} {path} is encrypted: enter its passphrase.") \
                from None
        raise AuthError(f"The {what} {path} is not encrypted: leave the "
                        f"{passphrase_label} empty.") from None
    except (ValueError, deferred.crypto_exceptions.UnsupportedAlgorithm):
        if password is not None and _is_encrypted(data):
            raise AuthError(f"The {passphrase_label} for the {what} {path} is wrong.") \
                from None
        raise AuthError(f"The {what} {path} does not hold a PEM private key.") from None


def _is_encrypted(data: bytes) -> bool:
    try:
        deferred.serialization.load_pem_private_key(data, password=None)
    except TypeError:  # "Password was not given but private key is encrypted"
        return True
    except (ValueError, deferred.crypto_exceptions.UnsupportedAlgorithm):
        return False
    return False
