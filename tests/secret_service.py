"""A real Secret Service for the tests: a private D-Bus session bus and gnome-keyring.

Loaded as a pytest plugin (``pytest_plugins = ["tests.secret_service"]``). Nothing starts
until a test asks for the `secret_service` fixture; then both daemons run, with HOME and
the XDG directories in a temporary directory, until the session ends.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.SecretService import Keyring

from tests.servers import stop_process

SECRETS_BUS_NAME = "org.freedesktop.secrets"
START_TIMEOUT = 30.0  # seconds; generous for a loaded machine, normally well under 1
_PACKAGES = {"dbus-daemon": "dbus", "gnome-keyring-daemon": "gnome-keyring",
             "secret-tool": "libsecret-tools"}


def require_tool(name: str) -> str:
    """The path of the program `name`; skip (when allowed) or fail when it is missing."""
    path = shutil.which(name)
    if path:
        return path
    message = (
        f"{name} is not installed, so the keychain tests cannot run against a real Secret "
        f"Service. Install it with `apt-get install {_PACKAGES.get(name, name)}` "
        "(or run `sh resources/setup.sh test`)."
    )
    if os.environ.get("GATEPOST_ALLOW_SKIP_KEYRING") == "1":
        pytest.skip(message)
    pytest.fail(message + " Set GATEPOST_ALLOW_SKIP_KEYRING=1 to skip these tests instead.")


def _log_tail(path: Path) -> str:
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    return text[-2000:] or "(nothing)"


def _read_address(bus: subprocess.Popen[bytes], deadline: float) -> str:
    assert bus.stdout is not None
    line = b""
    while not line.endswith(b"\n"):
        ready, _, _ = select.select([bus.stdout], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(bus.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            raise RuntimeError("dbus-daemon printed no address")
        line += chunk
    return line.decode().strip()


def _wait_for_secrets(
    address: str, keyring_daemon: subprocess.Popen[bytes], deadline: float
) -> None:
    from jeepney import DBusAddress, MessageType, new_method_call
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    service = DBusAddress(
        "/org/freedesktop/secrets", bus_name=SECRETS_BUS_NAME,
        interface="org.freedesktop.Secret.Service",
    )
    with open_dbus_connection(bus=address) as connection:

        def answer(message: object) -> object:
            timeout = max(0.1, deadline - time.monotonic())
            reply = connection.send_and_get_reply(message, timeout=timeout)
            return None if reply.header.message_type == MessageType.error else reply.body[0]

        while keyring_daemon.poll() is None:
            # The name can be owned a moment before the unlocked login collection is the
            # default one; a write in that moment would fail.
            if answer(message_bus.NameHasOwner(SECRETS_BUS_NAME)) and answer(
                new_method_call(service, "ReadAlias", "s", ("default",))
            ) not in (None, "/"):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{SECRETS_BUS_NAME} did not appear on the bus in time")
            time.sleep(0.02)
        raise RuntimeError(f"gnome-keyring-daemon exited ({keyring_daemon.returncode})")


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keyring]:
    """A SecretService keyring backend talking to a private, unlocked gnome-keyring."""
    dbus_daemon = require_tool("dbus-daemon")
    keyring_daemon_path = require_tool("gnome-keyring-daemon")
    home = tmp_path_factory.mktemp("keyring-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    dirs = {"HOME": home, "XDG_RUNTIME_DIR": runtime, "XDG_DATA_HOME": home / "data",
            "XDG_CONFIG_HOME": home / "config", "XDG_CACHE_HOME": home / "cache"}
    env = {**os.environ, **{name: str(path) for name, path in dirs.items()}}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    bus_log, keyring_log = home / "dbus-daemon.log", home / "gnome-keyring.log"
    deadline = time.monotonic() + START_TIMEOUT
    started: list[subprocess.Popen[bytes]] = []
    with pytest.MonkeyPatch.context() as patch:
        try:
            with bus_log.open("wb") as log:
                bus = subprocess.Popen(
                    [dbus_daemon, "--session", "--nofork", "--nopidfile", "--print-address=1"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env,
                )
            started.append(bus)
            address = _read_address(bus, deadline)
            env["DBUS_SESSION_BUS_ADDRESS"] = address
            patch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
            with keyring_log.open("wb") as log:
                keyring_daemon = subprocess.Popen(
                    [keyring_daemon_path, "--foreground", "--unlock", "--components=secrets"],
                    stdin=subprocess.PIPE, stdout=log, stderr=log, env=env,
                )
            started.append(keyring_daemon)
            assert keyring_daemon.stdin is not None
            # --unlock: without it the first write waits for a prompt no one can answer.
            keyring_daemon.stdin.write(b"gatepost-test-login")
            keyring_daemon.stdin.close()
            _wait_for_secrets(address, keyring_daemon, deadline)
        except Exception as exc:  # noqa: BLE001 - any failure here is reported with the logs
            for process in reversed(started):
                stop_process(process)
            pytest.fail(
                f"could not start a private Secret Service: {exc}\n"
                f"dbus-daemon said: {_log_tail(bus_log)}\n"
                f"gnome-keyring-daemon said: {_log_tail(keyring_log)}"
            )
        try:
            yield Keyring()
        finally:
            for process in reversed(started):
                stop_process(process)
