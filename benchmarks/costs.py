"""What each piece the window can load costs in memory: RSS (and time) a fresh process
gains by loading it on top of a QApplication, which every Gatepost window has anyway.
One process per piece, so a piece's figure includes what it pulls in and nothing that
another piece loaded first. docs/benchmarks.md lists them so the next change knows what
it spends by loading one of them before it is needed.

`python -m benchmarks.costs`
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

#: name -> code run after the QApplication exists. Each is what the window does when
#: the piece is first needed.
PIECES = {
    "keychain (keyring, its backends)":
        "from gui.core.storage.keychain import SecretStore; SecretStore().problem",
    "cryptography (alone)":
        "from cryptography.hazmat.primitives.ciphers import Cipher",
    "httpx (import)": "import httpx",
    "engine (httpx, httpcore, TLS context)":
        "from gui.core.http.engine import Engine; from gui.core.model import Options; "
        "Engine()._acquire(Options())",
    "syntax colouring (pygments, JSON lexer)":
        "from gui.core.highlight import spans; spans('{\"a\": [1, 2]}', 'json')",
    "YAML reader (PyYAML, libyaml)": "import gui.core.collections.yamlio",
    "YAML writer (ruamel.yaml, first save)":
        "from gui.core.collections.yamlio import dump; dump({})",
    "collections (open one)": "import gui.core.collections.manage",
    "auth scheme lookup (one: Bearer)": "from gui.core import auth; auth.get('bearer')",
    "auth schemes registry (all, the picker)": "from gui.core import auth; auth.schemes()",
    "OAuth 2 / JOSE (joserfc)": "from gui.core import auth; auth.get('oauth2'); "
                                "import joserfc.jwt",
    "Sent requests database (sqlite3)":
        "import tempfile, pathlib; from gui.core.storage.history import SentRequests; "
        "SentRequests(pathlib.Path(tempfile.mkdtemp()) / 'h.sqlite').list()",
    "certificate parsing (tlsconfig)": "import gui.core.tls.config",
    "proxy settings (urllib.request)": "import gui.core.http.proxies",
    "response area (response_view, body_view)": "import gui.widgets.response.view",
}

PROBE = r"""
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:"))
before, started = rss(), time.perf_counter()
exec(sys.argv[1])
print(rss() - before, time.perf_counter() - started)
"""


def cost(code: str, cache: str, runs: int = 3) -> tuple[float, float]:
    """(MiB, ms) medians, from compiled bytecode as an installed program runs."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", PROBE, code], env=env, check=True,
                   capture_output=True)  # compiles what the piece imports
    mib, ms = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE, code], env=env, check=True,
                             capture_output=True, text=True).stdout.split()
        mib.append(int(out[0]) / 1024)
        ms.append(float(out[1]) * 1000)
    return statistics.median(mib), statistics.median(ms)


def main() -> None:
    print("what each piece costs on top of a QApplication (RSS, time to load; median of 3)")
    cache = tempfile.mkdtemp(prefix="gatepost-pycache-")
    for name, code in PIECES.items():
        try:
            mib, ms = cost(code, cache)
        except subprocess.CalledProcessError as exc:
            print(f"  {name:<44} failed: {(exc.stderr or '').strip().splitlines()[-1:]}")
            continue
        print(f"  {name:<44} {mib:5.1f} MiB {ms:6.0f} ms", flush=True)


if __name__ == "__main__":
    main()
