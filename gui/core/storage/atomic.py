"""Atomic file writes: a reader or a crash sees the old file or the new one, never half."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

#: `.<name>.<pid>.<random>.tmp`: the pid says whether the save that wrote it still runs.
_TEMPORARY = re.compile(r"^\..+?\.(?:(\d+)\.)?[A-Za-z0-9_]{8}\.tmp$")
#: A temporary file whose writer cannot be told (older name, or a reused pid) is stale
#: after this long; no save takes a fraction of it.
STALE_AFTER = 3600.0


def _umask() -> int:
    # Read without changing it where the system says (a change is process-wide).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over.

    The file keeps its permissions (a new one gets those the umask gives, as any other
    program's would): mkstemp's private 0600 must not replace a shared 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                               dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a save of this process, in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def is_temporary(name: str) -> bool:
    return _TEMPORARY.match(name) is not None


def remove_stale(folder: str | os.PathLike[str], name: str) -> bool:
    """Remove `name` in `folder` if it is the temporary file of a save that was killed
    (its process is gone, or it is older than STALE_AFTER); whether it was removed."""
    match = _TEMPORARY.match(name)
    if match is None:
        return False
    path = os.path.join(folder, name)
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    old = time.time() - info.st_mtime > STALE_AFTER
    pid = match.group(1)
    if not old and (pid is None or _alive(int(pid))):
        return False
    try:
        os.unlink(path)
    except OSError:
        return False
    return True
