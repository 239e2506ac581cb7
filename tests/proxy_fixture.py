"""Real proxies on 127.0.0.1 for the proxy tests: Squid (Debian's package) and a small
SOCKS5 server.

Squid runs in the foreground (`squid -N`) from a generated configuration in its own
folder, on its own port: without authentication, with Basic (basic_ncsa_auth and an
htpasswd file made with `openssl passwd`), Digest (digest_file_auth), NTLM
(ntlm_fake_auth: it runs the whole NTLM handshake and accepts any password, so it
tests the legs, not the password) or Negotiate (negotiate_kerberos_auth, against the
loopback KDC of tests/kerberos_fixture.py: the keytab and krb5.conf are copied into
Squid's folder). Run as root, Squid drops to the `proxy` user, so its folder is made
readable by that user.
The SOCKS5 server (RFC 1928, user/password RFC 1929) is plain Python in a thread.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import socketserver
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.servers import free_port, stop_process

SQUID_HELPERS = Path("/usr/lib/squid")
USER, PASSWORD = "proxyuser", "proxy-pw-4f1e9a"
START_TIMEOUT = 60.0  # seconds: Squid starts in about one, a loaded machine is slower


@dataclass(frozen=True)
class Proxy:
    url: str
    port: int
    folder: Path
    tls_port: int | None = None

    @property
    def tls_url(self) -> str:
        return f"https://127.0.0.1:{self.tls_port}"

    def log(self) -> str:
        path = self.folder / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""


def squid_missing() -> str | None:
    """Why Squid cannot run here, or None."""
    if shutil.which("squid", path=os.pathsep.join((os.environ.get("PATH", ""),
                                                     "/usr/sbin"))) is None:
        return "squid is not installed (apt-get install squid; resources/setup.sh test)"
    return None


def _squid() -> str:
    return shutil.which("squid", path=os.pathsep.join((os.environ.get("PATH", ""),
                                                        "/usr/sbin"))) or "squid"


def _auth_lines(auth: str, folder: Path, realm: Any = None) -> list[str]:
    if auth == "basic":
        hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], check=True,
                                capture_output=True, text=True).stdout.strip()
        (folder / "passwd").write_text(f"{USER}:{hashed}\n")
        return [f"auth_param basic program {SQUID_HELPERS / 'basic_ncsa_auth'} "
                f"{folder / 'passwd'}",
                "auth_param basic realm gatepost-proxy",
                "auth_param basic credentialsttl 1 second"]
    if auth == "digest":
        (folder / "digest").write_text(f"{USER}:{PASSWORD}\n")
        return [f"auth_param digest program {SQUID_HELPERS / 'digest_file_auth'} "
                f"{folder / 'digest'}",
                "auth_param digest realm gatepost-proxy",
                "auth_param digest nonce_garbage_interval 5 minutes"]
    if auth == "ntlm":
        return [f"auth_param ntlm program {SQUID_HELPERS / 'ntlm_fake_auth'}",
                "auth_param ntlm children 2"]
    if auth == "negotiate":
        keytab = folder / "http.keytab"
        shutil.copyfile(realm.keytab, keytab)
        shutil.copyfile(realm.env["KRB5_CONFIG"], folder / "krb5.conf")
        return [f"auth_param negotiate program {SQUID_HELPERS / 'negotiate_kerberos_auth'} "
                f"-k {keytab} -s GSS_C_NO_NAME",
                "auth_param negotiate children 2",
                "auth_param negotiate keep_alive on"]
    return []


@contextlib.contextmanager
def squid_proxy(auth: str = "none", realm: Any = None, tls: Any = None) -> Iterator[Proxy]:
    """`realm`: the kerberos_realm fixture, for Negotiate. `tls`: a trustme CA; Squid
    then also listens with TLS (an https:// proxy) on `Proxy.tls_port`."""
    folder = Path(tempfile.mkdtemp(prefix=f"gatepost-squid-{auth}-"))
    port = free_port()
    tls_port = free_port() if tls is not None else None
    lines = [
        f"http_port 127.0.0.1:{port}",
        *_tls_lines(tls, tls_port, folder),
        f"pid_filename {folder / 'squid.pid'}",
        f"cache_log {folder / 'cache.log'}",
        f"access_log stdio:{folder / 'access.log'}",
        f"coredump_dir {folder}",
        "cache deny all",
        "cache_mem 4 MB",
        "shutdown_lifetime 0 seconds",
        "visible_hostname gatepost-test-proxy",
        "pinger_enable off",
        "netdb_filename none",
        "forwarded_for delete",
        "via off",
        *_auth_lines(auth, folder, realm),
        "acl loopback src 127.0.0.0/8",
    ]
    if auth != "none":
        lines += ["acl authed proxy_auth REQUIRED", "http_access deny !authed"]
    lines += ["http_access allow loopback", "http_access deny all"]
    if os.geteuid() == 0:
        lines.append("cache_effective_user proxy")
    conf = folder / "squid.conf"
    conf.write_text("\n".join(line for line in lines if line) + "\n")
    if os.geteuid() == 0:
        user = pwd.getpwnam("proxy")
        folder.chmod(0o755)
        for path in [folder, *folder.iterdir()]:
            os.chown(path, user.pw_uid, user.pw_gid)
    env = None
    if realm is not None:
        # The helper reads these (as the proxy user: from Squid's own folder).
        env = {**os.environ, "KRB5_CONFIG": str(folder / "krb5.conf"),
               "KRB5_KTNAME": f"FILE:{folder / 'http.keytab'}", "KRB5RCACHEDIR": str(folder),
               "KRB5RCACHETYPE": "none"}
    process = subprocess.Popen([_squid(), "-N", "-f", str(conf)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, process, folder)
        if tls_port is not None:
            _wait_for(tls_port, process, folder)
        yield Proxy(f"http://127.0.0.1:{port}", port, folder, tls_port)
    finally:
        stop_process(process)
        shutil.rmtree(folder, ignore_errors=True)


def squid_tls_missing() -> str | None:
    """Why Squid cannot listen with TLS here (Debian's is built with GnuTLS), or None."""
    missing = squid_missing()
    if missing:
        return missing
    found = subprocess.run([_squid(), "-v"], capture_output=True, text=True).stdout
    if "--with-gnutls" not in found and "--with-openssl" not in found:
        return "this squid is built without TLS, so it cannot be an https:// proxy"
    return None


def _tls_lines(ca: Any, port: int | None, folder: Path) -> list[str]:
    if ca is None:
        return []
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.cert_chain_pems[0].write_to_path(str(folder / "proxy-cert.pem"))
    cert.private_key_pem.write_to_path(str(folder / "proxy-key.pem"))
    return [f"https_port 127.0.0.1:{port} tls-cert={folder / 'proxy-cert.pem'} "
            f"tls-key={folder / 'proxy-key.pem'}"]


def _wait_for(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "cache.log").read_text(errors="replace") \
                if (folder / "cache.log").exists() else ""
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"squid exited ({process.returncode}):\n{err}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("squid did not start listening in time")


# -- SOCKS5 --------------------------------------------------------------------------------

class _Socks5Handler(socketserver.BaseRequestHandler):
    server: _Socks5Server

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def handle(self) -> None:
        with contextlib.suppress(OSError, ConnectionError, struct.error):
            self._handle()

    def _handle(self) -> None:
        version, count = self._read(2)
        methods = self._read(count)
        wanted = 2 if self.server.credentials else 0
        if version != 5 or wanted not in methods:
            self.request.sendall(b"\x05\xff")
            return
        self.request.sendall(bytes((5, wanted)))
        if wanted == 2:
            _, ulen = self._read(2)
            user = self._read(ulen).decode()
            (plen,) = self._read(1)
            password = self._read(plen).decode()
            ok = (user, password) == self.server.credentials
            self.request.sendall(b"\x01\x00" if ok else b"\x01\x01")
            if not ok:
                return
        _, _command, _, kind = self._read(4)
        if kind == 1:
            host = socket.inet_ntoa(self._read(4))
        elif kind == 3:
            (length,) = self._read(1)
            host = self._read(length).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, self._read(16))
        (port,) = struct.unpack("!H", self._read(2))
        self.server.targets.append((host, port))
        try:
            upstream = socket.create_connection((host, port), timeout=10)
        except OSError:
            self.request.sendall(b"\x05\x05\x00\x01" + bytes(6))
            return
        self.request.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") +
                             struct.pack("!H", 0))
        _relay(self.request, upstream)


def _relay(a: socket.socket, b: socket.socket) -> None:
    def pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    other = threading.Thread(target=pump, args=(b, a), daemon=True)
    other.start()
    pump(a, b)
    other.join(30)
    b.close()


class _Socks5Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, credentials: tuple[str, str] | None) -> None:
        super().__init__(("127.0.0.1", 0), _Socks5Handler)
        self.credentials = credentials
        self.targets: list[tuple[str, int]] = []


@contextlib.contextmanager
def socks5_proxy(credentials: tuple[str, str] | None = None
                 ) -> Iterator[tuple[str, _Socks5Server]]:
    server = _Socks5Server(credentials)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"socks5://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
