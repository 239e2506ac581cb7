"""A spooled body leaves no file behind, however `gatepost send` ends (issue 19)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gui.core.http.bodydata import BodyData
from tests.hostile_servers import hostile_server

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(),
                                reason="needs /proc to see the child's open files")


def _spool_fds(pid: int, folder: Path) -> list[str]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_mid_spool_leaves_no_file(tmp_path, sig):
    spool = tmp_path / "spool"
    spool.mkdir()
    env = {**os.environ, "TMPDIR": str(spool)}
    with hostile_server() as url:
        child = subprocess.Popen([sys.executable, "-m", "gui", "send", url + "/endless"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            # Past 16 MB the body is spooled: wait for the child to hold a file there.
            give_up = time.monotonic() + 120
            while not _spool_fds(child.pid, spool):
                assert child.poll() is None, child.stderr.read().decode()
                assert time.monotonic() < give_up, "the body was never spooled"
                time.sleep(0.05)
            child.send_signal(sig)
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stderr.close()
    assert list(spool.iterdir()) == []


def test_spooled_body_has_no_name_and_reads_back(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    body = BodyData(spill_at=10)
    body.write(b"0123456789")
    body.write(b"abcdef")
    assert not body.in_memory
    assert list(tmp_path.iterdir()) == []
    assert body.read(8, 4) == b"89ab"
    body.write(b"XYZ")  # appends after a read moved the position
    assert body.bytes() == b"0123456789abcdefXYZ"
    out = tmp_path / "saved.bin"
    body.save_to(out)
    assert out.read_bytes() == b"0123456789abcdefXYZ"
    body.close()
