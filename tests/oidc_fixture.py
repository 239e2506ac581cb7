"""A pytest plug-in: a real OpenID provider (npm `oidc-provider`, tests/oidc) on 127.0.0.1.

`oidc_provider` (session scope) installs the npm package the first time (`npm ci` into
tests/oidc/node_modules), starts `node tests/oidc/provider.mjs` on a free port, waits
until discovery answers, and stops the process at the end. Tests that use it are
skipped, saying why, when Node.js or npm is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "oidc"
START_TIMEOUT = 60.0
INSTALL_TIMEOUT = 600.0


@dataclass(frozen=True)
class OIDCProvider:
    issuer: str
    log: Path

    @property
    def resource(self) -> str:
        """The protected resource: 401 invalid_token for an expired token."""
        return f"{self.issuer}/api/resource"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    def url(self, path: str) -> str:
        return f"{self.issuer}{path}"


def install(npm: str) -> None:
    """`npm ci` (the lock file's exact versions) when node_modules is missing."""
    if (HERE / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    command = [npm, "ci" if (HERE / "package-lock.json").exists() else "install",
               "--no-audit", "--no-fund", "--loglevel=error"]
    done = subprocess.run(command, cwd=HERE, capture_output=True, text=True,
                          timeout=INSTALL_TIMEOUT, check=False)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} in {HERE} failed:\n{done.stdout}\n{done.stderr}")


def _ready_line(log: Path) -> str | None:
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("READY "):
            return line.split(" ", 1)[1].strip()
    return None


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    import httpx

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are needed for the OpenID provider (tests/oidc)")
    install(npm)
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    env = {**os.environ, "NODE_ENV": "test", "DEBUG": ""}
    with log.open("wb") as out:
        process = subprocess.Popen([node, "provider.mjs"], cwd=HERE, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        issuer = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the OpenID provider exited ({process.returncode}):\n"
                            f"{log.read_text(errors='replace')}")
            issuer = issuer or _ready_line(log)
            if issuer:
                try:
                    r = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
                    if r.status_code == 200 and r.json().get("issuer") == issuer:
                        break
                except httpx.HTTPError:
                    pass
            time.sleep(0.05)
        else:
            pytest.fail(f"the OpenID provider did not answer discovery within "
                        f"{START_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')}")
        yield OIDCProvider(issuer, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
