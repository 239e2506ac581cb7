"""The real window, started as `gatepost` in a subprocess, used and closed: the process
must end cleanly (issue 12: exit 134, "Fatal Python error: none_dealloc" on quit)."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui.app import binding_problem, drops_none
from gui.core.collections import manage as col

DRIVER = Path(__file__).with_name("window_driver.py")
ROOT = DRIVER.parent.parent


def run_window(tmp_path: Path, scenario: str, url: str = "http://127.0.0.1:9"
               ) -> subprocess.CompletedProcess[str]:
    """Start the window with one collection open (as a restored session) and drive it."""
    data = tmp_path / "data"
    data.mkdir()
    api = col.new_collection(tmp_path / "api", "Demo API")
    (data / "session.json").write_text(json.dumps({"collections": [str(api.path)],
                                                   "tabs": []}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "GATEPOST_"))}
    env.update(QT_QPA_PLATFORM="offscreen", GATEPOST_DATA_DIR=str(data),
               # Secrets in memory for the session: no keychain daemon involved.
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
               PYTHONPATH=str(ROOT), PYTHONFAULTHANDLER="1")
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", str(DRIVER), scenario, url],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=280)


def explain(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr[-4000:]}"


@pytest.mark.timeout(300)
def test_quit_after_making_requests_exits_cleanly(tmp_path):
    """Right-click → New request, Ctrl+S on Scratch, close the window: exit status 0."""
    proc = run_window(tmp_path, "create")
    assert proc.returncode == 0, explain(proc)
    assert "driver: scratch saved into the collection" in proc.stdout, explain(proc)
    assert "driver: none drift: 0" in proc.stdout, explain(proc)
    assert "Fatal Python error" not in proc.stderr, explain(proc)
    assert "Traceback" not in proc.stderr, explain(proc)
    assert (tmp_path / "api" / "first.request.yaml").is_file()
    assert (tmp_path / "api" / "second.request.yaml").is_file()


@pytest.mark.timeout(300)
def test_whole_life_with_faulthandler(tmp_path, httpbin_url):
    """Start, make requests, send one, reopen it from Sent requests, quit: a clean end,
    and no Qt call on the way takes a reference from None."""
    proc = run_window(tmp_path, "whole", httpbin_url)
    assert proc.returncode == 0, explain(proc)
    assert "driver: sent: 200" in proc.stdout, explain(proc)
    assert "driver: opened from Sent requests" in proc.stdout, explain(proc)
    assert "driver: none drift: 0" in proc.stdout, explain(proc)
    assert "driver: window closed: 0" in proc.stdout, explain(proc)
    assert "Fatal Python error" not in proc.stderr, explain(proc)
    assert "Traceback" not in proc.stderr, explain(proc)


def test_installed_binding_keeps_none_alive():
    assert binding_problem() is None


def test_a_binding_that_drops_none_is_named_before_the_window_opens():
    if sys.version_info >= (3, 12):
        pytest.skip("None is immortal from Python 3.12 on")
    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    calls = 16
    try:
        # What the faulty wheels do on each void call: take a reference from None.
        assert drops_none(lambda: decref(None), calls)
    finally:
        for _ in range(calls):
            incref(None)
    assert not drops_none(lambda: None, calls)
