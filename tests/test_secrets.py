"""The keychain layer: fake backends for each failure, then a real Secret Service."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringLocked

from gui.core.storage.keychain import SERVICE, SecretStore, secret_key
from tests.secret_service import require_tool

SECRET = "hunter2-Zq9"


class MemoryKeyring(KeyringBackend):
    priority = 1
    # keyring registers every subclass; this keeps these fakes out of its default choice.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's; writes the secret in HOME if ever asked to."""

    priority = 5

    def set_password(self, service: str, username: str, password: str) -> None:
        (Path.home() / "keyring_pass.cfg").write_text(password)


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"Failed to unlock the collection for {password}!")


class ZeroPriorityKeyring(MemoryKeyring):
    priority = 0


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def unique_key() -> str:
    return secret_key(uuid.uuid4().hex, "requests/login", "password")


def test_secret_key_says_where_the_secret_belongs() -> None:
    assert secret_key("c1", "requests/login", "password") == "c1/requests/login/password"


def test_round_trip_in_a_usable_backend() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.set("c1/auth/token", SECRET)
    assert backend.entries == {(SERVICE, "c1/auth/token"): SECRET}
    assert store.get("c1/auth/token") == SECRET
    assert store.persistent and store.problem is None


def test_delete_removes_and_a_missing_key_is_no_error() -> None:
    store = SecretStore(MemoryKeyring())
    store.set("k", SECRET)
    store.delete("k")
    store.delete("k")
    assert store.get("k") is None


def test_default_backend_is_resolved_on_first_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = MemoryKeyring()
    calls: list[int] = []
    monkeypatch.setattr(keyring, "get_keyring", lambda: calls.append(1) or backend)
    store = SecretStore()
    assert calls == []
    store.set("k", SECRET)
    assert calls == [1] and backend.entries[SERVICE, "k"] == SECRET


@pytest.mark.parametrize(
    "backend", [fail.Keyring(), null.Keyring(), ZeroPriorityKeyring()], ids=type
)
def test_no_real_keychain_keeps_secrets_in_memory(backend: KeyringBackend) -> None:
    store = SecretStore(backend)
    store.set("k", SECRET)
    assert store.get("k") == SECRET
    assert not store.persistent
    assert "No system keychain is available" in (store.problem or "")


def test_plain_text_backend_is_never_written(home: Path) -> None:
    store = SecretStore(PlaintextKeyring())
    store.set("k", SECRET)
    assert store.get("k") == SECRET
    assert "plain text" in (store.problem or "") and not store.persistent
    assert files_holding(home, SECRET) == []


def test_plain_text_is_recognised_by_name_from_keyrings_alt() -> None:
    cls = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    store = SecretStore(cls())
    assert not store.persistent
    assert "keyrings.alt.file.PlaintextKeyring" in (store.problem or "")


def test_chainer_uses_its_best_member_that_is_safe(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends.chainer import ChainerBackend

    safe = MemoryKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [PlaintextKeyring(), safe])
    store = SecretStore(ChainerBackend())
    store.set("k", SECRET)
    assert safe.entries == {(SERVICE, "k"): SECRET} and store.persistent
    assert files_holding(home, SECRET) == []


def test_keyring_error_falls_back_to_memory_without_leaking(home: Path) -> None:
    store = SecretStore(LockedKeyring())
    store.set("k", SECRET)
    assert store.get("k") == SECRET and not store.persistent
    assert "KeyringLocked" in (store.problem or "")
    assert SECRET not in (store.problem or "")
    assert files_holding(home, SECRET) == []


def test_after_a_failure_the_session_stays_in_memory() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)
    store.set("before", SECRET)
    backend.get_password = fail.Keyring().get_password  # type: ignore[method-assign]
    assert store.get("before") is None  # went away with the keychain
    store.set("after", SECRET)
    assert store.get("after") == SECRET
    assert (SERVICE, "after") not in backend.entries


def test_other_errors_are_not_hidden() -> None:
    backend = MemoryKeyring()
    backend.get_password = lambda service, username: 1 / 0  # type: ignore[method-assign]
    with pytest.raises(ZeroDivisionError):
        SecretStore(backend).get("k")


def test_unreachable_bus_falls_back_to_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends.SecretService import Keyring

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/gatepost-bus")
    store = SecretStore(Keyring())
    store.set("k", SECRET)
    assert store.get("k") == SECRET and not store.persistent
    assert "SecretService" in (store.problem or "")


def secret_tool_lookup(key: str) -> subprocess.CompletedProcess[str]:
    tool = require_tool("secret-tool")
    # The fixture has pointed DBUS_SESSION_BUS_ADDRESS at its bus in os.environ.
    return subprocess.run(
        [tool, "lookup", "service", SERVICE, "username", key],
        capture_output=True, text=True, timeout=30, check=False,
    )


def test_real_keychain_round_trip(secret_service: KeyringBackend) -> None:
    store, key = SecretStore(secret_service), unique_key()
    store.set(key, SECRET)
    assert store.get(key) == SECRET
    store.delete(key)
    assert store.get(key) is None
    assert store.persistent and store.problem is None


def test_real_keychain_is_read_back_by_secret_tool(secret_service: KeyringBackend) -> None:
    store, key = SecretStore(secret_service), unique_key()
    store.set(key, SECRET)
    found = secret_tool_lookup(key)
    assert (found.returncode, found.stdout) == (0, SECRET)


def test_real_keychain_delete_is_seen_by_secret_tool(secret_service: KeyringBackend) -> None:
    store, key = SecretStore(secret_service), unique_key()
    store.set(key, SECRET)
    store.delete(key)
    store.delete(key)
    assert secret_tool_lookup(key).stdout == ""


def test_real_keychain_replaces_a_value(secret_service: KeyringBackend) -> None:
    store, key = SecretStore(secret_service), unique_key()
    store.set(key, "old")
    store.set(key, SECRET)
    assert secret_tool_lookup(key).stdout == SECRET
