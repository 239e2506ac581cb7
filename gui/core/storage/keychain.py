"""Secrets in the OS keychain, never in plain text.

Every secret is one keychain entry under the service ``"gatepost"``; its keyring
"username" says where the secret belongs: ``"<collection id>/<place>/<field>"`` (see
`secret_key`), e.g. ``"3f2a…/requests/login/password"``. So a collection file never holds
a secret, only the place it is looked up by.

When no real keychain can be used (none installed, a plain-text file backend, a locked
keychain, a D-Bus failure), the store keeps secrets in memory for the rest of the session
and says why in `SecretStore.problem`. It never falls back to writing them anywhere.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import deferred
from ..watch import note

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "gatepost"

_IN_MEMORY = "so secrets are kept in memory until Gatepost quits and are never written to disk."
# What a failing bus or keychain daemon raises, looked up only among modules already loaded:
# a backend that raised one of them has imported it, and none of them has to be installed.
_DBUS_ERRORS = (
    ("jeepney.wrappers", "DBusErrorResponse"),
    ("jeepney.auth", "AuthenticationError"),
    ("secretstorage.exceptions", "SecretStorageException"),
    ("dbus.exceptions", "DBusException"),
)


def secret_key(collection_id: str, place: str, field: str) -> str:
    """The keyring username for the secret `field` of `place` in a collection."""
    return f"{collection_id}/{place}/{field}"


def _name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_plain_text(backend: object) -> bool:
    return "plaintext" in type(backend).__qualname__.lower()


def _describe(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    detail = str(exc)
    # Keychain messages are fixed texts, but a backend may echo what it was given.
    for secret in secrets:
        if secret:
            detail = detail.replace(secret, "…")
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _unusable(backend: KeyringBackend) -> str | None:
    """Why `backend` cannot hold secrets for us, or None when it can."""
    name = _name(backend)
    if _is_plain_text(backend):
        return f"The keychain backend {name} stores secrets as plain text, {_IN_MEMORY}"
    try:
        priority = float(backend.priority)
    except Exception as exc:  # noqa: BLE001 - a backend's probe may fail in any way
        return f"The system keychain ({name}) is not available ({_describe(exc)}), {_IN_MEMORY}"
    if priority <= 0 or name in ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"):
        return f"No system keychain is available (keyring chose {name}), {_IN_MEMORY}"
    return None


def _pick(backend: KeyringBackend) -> tuple[KeyringBackend | None, str | None]:
    # keyring's chainer reads from, and can write to, every backend it holds, plain-text
    # files included; so use its best safe member alone.
    if _name(backend) == "keyring.backends.chainer.ChainerBackend":
        members = list(getattr(backend, "backends", []))
        for member in members:
            if _unusable(member) is None:
                return member, None
        return None, (
            _unusable(members[0]) if members else f"No system keychain is available, {_IN_MEMORY}"
        )
    problem = _unusable(backend)
    return (None, problem) if problem else (backend, None)


def _keychain_errors() -> tuple[type[BaseException], ...]:
    """Evaluated only when something was raised (an ``except`` clause is lazy)."""
    # OSError: the bus socket; EOFError: file keyrings asking for a password on no stdin.
    errors: list[type[BaseException]] = [deferred.keyring_errors.KeyringError, OSError,
                                         EOFError]
    for module, name in _DBUS_ERRORS:
        error = getattr(sys.modules.get(module), name, None)
        if isinstance(error, type) and issubclass(error, BaseException):
            errors.append(error)
    return tuple(errors)


class SecretStore:
    """Secrets by key, in the OS keychain while it works and in memory after that."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._given = backend
        self._backend: KeyringBackend | None = None
        self._resolved = False
        self._memory: dict[str, str] = {}
        self._problem: str | None = None
        # The window reads a certificate passphrase from a worker thread: the backend is
        # chosen once, under this lock, and published only once it is set.
        self._lock = threading.Lock()

    @property
    def persistent(self) -> bool:
        """True when secrets really go to an OS keychain."""
        return self._keychain() is not None

    @property
    def problem(self) -> str | None:
        """Why secrets are not kept in a keychain, in words for the user; None when they are."""
        self._keychain()
        return self._problem

    def get(self, key: str) -> str | None:
        note("keychain get")
        keychain = self._keychain()
        if keychain is not None:
            try:
                return keychain.get_password(SERVICE, key)
            except _keychain_errors() as exc:
                self._fall_back(exc)
        return self._memory.get(key)

    def set(self, key: str, value: str) -> None:
        note("keychain set")
        keychain = self._keychain()
        if keychain is not None:
            try:
                keychain.set_password(SERVICE, key, value)
                return
            except _keychain_errors() as exc:
                self._memory[key] = value  # first, so that the message is redacted of it
                self._fall_back(exc)
        self._memory[key] = value

    def delete(self, key: str) -> None:
        note("keychain delete")
        self._memory.pop(key, None)
        keychain = self._keychain()
        if keychain is None:
            return
        try:
            keychain.delete_password(SERVICE, key)
        except deferred.keyring_errors.PasswordDeleteError:
            pass  # nothing stored under this key
        except _keychain_errors() as exc:
            self._fall_back(exc)

    def _keychain(self) -> KeyringBackend | None:
        if self._resolved:
            return self._backend
        with self._lock:
            if not self._resolved:
                # Importing keyring and probing its backends can block on D-Bus too.
                note("keychain set-up")
                try:
                    backend = self._given if self._given is not None else \
                        deferred.keyring.get_keyring()
                except Exception as exc:  # noqa: BLE001 - a broken keyring config must not stop us
                    self._problem = (
                        f"The keychain could not be set up ({_describe(exc)}), {_IN_MEMORY}"
                    )
                else:
                    self._backend, self._problem = _pick(backend)
                self._resolved = True
        return self._backend

    def _fall_back(self, exc: BaseException) -> None:
        self._problem = (
            f"The system keychain ({_name(self._backend)}) stopped working "
            f"({_describe(exc, self._memory.values())}), {_IN_MEMORY}"
        )
        self._backend = None
