"""A response body of any size: in memory while small, then in a temporary file.

Views read it by range (`read(offset, size)`), so a 200 MB body never has to be one
Python object, let alone three.

The spool file has no name: `tempfile.TemporaryFile` opens it with O_TMPFILE on Linux
(or unlinks it at once elsewhere on POSIX; on Windows it is opened delete-on-close), so
the system frees it however the process ends, SIGKILL included.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from typing import BinaryIO

#: Bodies larger than this go to a temporary file as they arrive.
SPILL_AT = 16 * 1024 * 1024
#: Free space a spooling body leaves on the temporary folder's disk.
KEEP_FREE = 256 * 1024 * 1024
#: How often (in bytes written) the free space is looked at again.
CHECK_SPACE_EVERY = 16 * 1024 * 1024


class BodyLimitError(Exception):
    """A body stopped growing: past its size limit, or the disk is nearly full. What
    fitted is kept."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _size(n: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            value = n / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


class BodyData:
    """`limit` bounds the size (None: no bound); a write past it keeps what fits and
    raises BodyLimitError. `what` names the body in that message."""

    def __init__(self, spill_at: int = SPILL_AT, limit: int | None = None,
                 what: str = "The body") -> None:
        self._spill_at = spill_at
        self._limit = limit
        self._what = what
        self._memory = bytearray()
        self._file: BinaryIO | None = None
        self._lock = threading.Lock()  # written by a worker, read by the window
        self._space_checked_at = 0
        self.size = 0

    @classmethod
    def of(cls, data: bytes) -> BodyData:
        """A small body already in memory, kept as it is (no copy)."""
        body = cls()
        # bytes, not a bytearray: a body that is complete is never appended to, and
        # copying a large one only to satisfy the attribute's usual type would cost.
        body._memory = data  # type: ignore[assignment]
        body.size = len(data)
        return body

    @property
    def in_memory(self) -> bool:
        return self._file is None

    def write(self, chunk: bytes) -> None:
        over = self._limit is not None and self.size + len(chunk) > self._limit
        if over:
            assert self._limit is not None
            chunk = chunk[: max(self._limit - self.size, 0)]
        with self._lock:
            if self._file is None and self.size + len(chunk) > self._spill_at:
                self._check_space(len(chunk) + self.size)
                self._file = tempfile.TemporaryFile(prefix="gatepost-body-")
                # Bodies are dropped, not closed, when an exchange is forgotten: close
                # the file then, to give its space back before the process ends.
                weakref.finalize(self, self._file.close)
                self._file.write(self._memory)
                self._memory = bytearray()
                self._space_checked_at = self.size
            if self._file is None:
                if isinstance(self._memory, bytes):
                    self._memory = bytearray(self._memory)
                self._memory += chunk
            else:
                if self.size + len(chunk) - self._space_checked_at >= CHECK_SPACE_EVERY:
                    self._check_space(len(chunk))
                    self._space_checked_at = self.size
                self._file.seek(0, os.SEEK_END)
                self._file.write(chunk)
            self.size += len(chunk)
        if over:
            raise BodyLimitError("too_large", (
                f"{self._what} is larger than the limit of {_size(self._limit or 0)}: "
                "the download stopped there and what came is kept."))

    def _check_space(self, needed: int) -> None:
        """Refuse to grow the spool into the last KEEP_FREE bytes of the disk."""
        try:
            free = shutil.disk_usage(tempfile.gettempdir()).free
        except OSError:
            return
        if free - needed < KEEP_FREE:
            raise BodyLimitError("disk_full", (
                f"{self._what} stopped at {_size(self.size)}: the temporary folder "
                f"{tempfile.gettempdir()} has only {_size(free)} free. What came is kept."))

    def read(self, offset: int = 0, size: int = -1) -> bytes:
        """Bytes from `offset`; `size` -1 means to the end."""
        with self._lock:
            end = self.size if size < 0 else min(self.size, offset + size)
            if offset >= end:
                return b""
            if self._file is None:
                if isinstance(self._memory, bytes) and offset == 0 and end == self.size:
                    return self._memory
                return bytes(self._memory[offset:end])
            # Under the lock, so the writer's position is restored before it writes.
            self._file.seek(offset)
            return self._file.read(end - offset)

    def bytes(self) -> bytes:
        return self.read()

    def chunks(self, size: int = 1024 * 1024):
        """The body in pieces of `size`, for writing it out without holding it whole."""
        offset = 0
        while True:
            piece = self.read(offset, size)
            if not piece:
                return
            yield piece
            offset += len(piece)

    def save_to(self, path: str | os.PathLike[str]) -> None:
        with self._lock:
            if self._file is None:
                with open(path, "wb") as out:
                    out.write(self._memory)
                return
        with open(path, "wb") as out:
            for piece in self.chunks():
                out.write(piece)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._memory = bytearray()
            self.size = 0
