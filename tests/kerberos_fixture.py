"""A throw-away MIT Kerberos realm on 127.0.0.1 for the Negotiate tests.

Loaded as a pytest plugin (``pytest_plugins`` in conftest.py). Nothing starts until a test
asks for `kerberos_realm`; then a KDC runs from a temporary directory with its own
krb5.conf and kdc.conf until the session ends. The process environment points every
Kerberos library in this process (and in the `gatepost` processes the tests start) at
that realm: KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME (a user ticket already in it),
KRB5_KTNAME (the acceptor's keytab for HTTP/127.0.0.1 and HTTP/localhost).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers import stop_process

REALM = "GATEPOST.TEST"
USER = "alice"
PASSWORD = "alice-kerberos-pw-7c1d"
SERVICE_HOSTS = ("127.0.0.1", "localhost")
START_TIMEOUT = 30.0  # seconds; generous for a loaded machine, normally well under 1
# Debian keeps the KDC programs in /usr/sbin, which is not on every user's PATH.
_SBIN = os.pathsep.join(("/usr/local/sbin", "/usr/sbin", "/sbin"))
_PACKAGES = {"krb5kdc": "krb5-kdc", "kdb5_util": "krb5-kdc",
             "kadmin.local": "krb5-admin-server", "kinit": "krb5-user"}


@dataclass(frozen=True)
class Realm:
    name: str
    directory: Path
    port: int
    user: str
    password: str
    keytab: Path
    ccache: Path
    env: dict[str, str]

    @property
    def principal(self) -> str:
        return f"{self.user}@{self.name}"

    def kinit(self, ccache: Path) -> None:
        """A fresh ticket for the user in `ccache`, from the password."""
        run_tool(["kinit", self.principal], {**self.env, "KRB5CCNAME": f"FILE:{ccache}"},
                 stdin=self.password + "\n")


def find_tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=_SBIN)


def run_tool(args: list[str], env: dict[str, str], stdin: str = "") -> str:
    path = find_tool(args[0])
    assert path is not None, args[0]
    done = subprocess.run([path, *args[1:]], input=stdin, capture_output=True, text=True,
                          env=env, timeout=START_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()}")
    return done.stdout


#: What a test needs set to use the realm (client and acceptor alike).
ENV_NAMES = ("KRB5_CONFIG", "KRB5_KDC_PROFILE", "KRB5CCNAME", "KRB5_KTNAME", "KRB5RCACHEDIR")


def _free_port() -> int:
    """A port free for both TCP and UDP: the KDC listens on both."""
    while True:
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(type=socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def _write_config(directory: Path, port: int) -> tuple[Path, Path]:
    krb5_conf, kdc_conf = directory / "krb5.conf", directory / "kdc.conf"
    # No DNS at all: the client must ask for HTTP/<host as typed>, which is what the
    # keytab holds. TCP only (udp_preference_limit = 1): one port to poll and no lost
    # datagrams on a busy machine.
    krb5_conf.write_text(f"""\
[libdefaults]
    default_realm = {REALM}
    dns_lookup_realm = false
    dns_lookup_kdc = false
    rdns = false
    dns_canonicalize_hostname = false
    udp_preference_limit = 1
    forwardable = true

[realms]
    {REALM} = {{
        kdc = 127.0.0.1:{port}
    }}

[domain_realm]
    127.0.0.1 = {REALM}
    localhost = {REALM}
""")
    # Without kdc_listen the KDC would take port 88 on every interface.
    kdc_conf.write_text(f"""\
[kdcdefaults]
    kdc_listen = 127.0.0.1:{port}
    kdc_tcp_listen = 127.0.0.1:{port}

[realms]
    {REALM} = {{
        database_name = {directory}/principal
        key_stash_file = {directory}/stash
        kdc_listen = 127.0.0.1:{port}
        kdc_tcp_listen = 127.0.0.1:{port}
        max_life = 2h
    }}

[logging]
    kdc = FILE:{directory}/kdc.log
    default = FILE:{directory}/krb5.log
""")
    return krb5_conf, kdc_conf


def _wait_for_port(process: subprocess.Popen[bytes], port: int, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"krb5kdc exited ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"krb5kdc did not listen on port {port} in time") from None
            time.sleep(0.02)


def _log_tail(directory: Path) -> str:
    texts = [p.read_text(errors="replace").strip() for p in
             (directory / "kdc.out", directory / "kdc.log") if p.exists()]
    return "\n".join(t for t in texts if t)[-2000:] or "(nothing)"


@pytest.fixture(scope="session")
def kerberos_realm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Realm]:
    """A running KDC for GATEPOST.TEST, the user's ticket in KRB5CCNAME, the service keys
    in KRB5_KTNAME. Skipped when the MIT Kerberos programs are not installed."""
    missing = [name for name in _PACKAGES if find_tool(name) is None]
    if missing:
        packages = sorted({_PACKAGES[name] for name in missing})
        pytest.skip(f"{', '.join(missing)} not installed, so there is no KDC to test Kerberos "
                    f"against: apt-get install {' '.join(packages)} "
                    "(sh resources/setup.sh test does it).")
    directory = tmp_path_factory.mktemp("kerberos")
    port = _free_port()
    krb5_conf, kdc_conf = _write_config(directory, port)
    keytab, ccache = directory / "http.keytab", directory / "ccache"
    env = {
        **os.environ,
        "KRB5_CONFIG": str(krb5_conf),
        "KRB5_KDC_PROFILE": str(kdc_conf),
        "KRB5CCNAME": f"FILE:{ccache}",
        "KRB5_KTNAME": f"FILE:{keytab}",
        # The acceptor's replay cache would otherwise go to /var/tmp.
        "KRB5RCACHEDIR": str(directory),
    }
    realm = Realm(REALM, directory, port, USER, PASSWORD, keytab, ccache, env)
    deadline = time.monotonic() + START_TIMEOUT
    kdc: subprocess.Popen[bytes] | None = None
    try:
        run_tool(["kdb5_util", "create", "-s", "-r", REALM, "-P", "master-key-pw", "-W"], env)
        services = [f"HTTP/{host}" for host in SERVICE_HOSTS]
        script = "".join([f"addprinc -pw {PASSWORD} {USER}\n",
                          *(f"addprinc -randkey {s}\n" for s in services),
                          f"ktadd -k {keytab} {' '.join(services)}\n"])
        run_tool(["kadmin.local", "-r", REALM], env, stdin=script)
        for attempt in range(3):
            with (directory / "kdc.out").open("wb") as out:
                kdc = subprocess.Popen([find_tool("krb5kdc") or "krb5kdc", "-n", "-r", REALM],
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                       env=env)
            try:
                _wait_for_port(kdc, port, deadline)
                break
            except RuntimeError:
                # The free port may have been taken between choosing and binding it:
                # choose another and start again.
                stop_process(kdc)
                if attempt == 2:
                    raise
                port = realm.port = _free_port()
                _write_config(directory, port)
        realm.kinit(ccache)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        if kdc is not None:
            stop_process(kdc)
        pytest.fail(f"could not start a Kerberos KDC: {exc}\nKDC logs: {_log_tail(directory)}")
    try:
        yield realm
    finally:
        stop_process(kdc)


@pytest.fixture
def kerberos_env(kerberos_realm: Realm, monkeypatch: pytest.MonkeyPatch) -> Realm:
    """The realm's KRB5_* variables, for the one test that asks for them: a session-wide
    setting would reach every later test (and `gatepost` processes they start)."""
    for name in ENV_NAMES:
        monkeypatch.setenv(name, kerberos_realm.env[name])
    return kerberos_realm
