"""A response body of any size: in memory while small, then in a temporary file.

Views read it by range (`read(offset, size)`), so a 200 MB body never has to be one
Python object, let alone three.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref

#: Bodies larger than this go to a temporary file as they arrive.
SPILL_AT = 16 * 1024 * 1024


class BodyData:
    def __init__(self, spill_at: int = SPILL_AT) -> None:
        self._spill_at = spill_at
        self._memory = bytearray()
        self._file: tempfile._TemporaryFileWrapper[bytes] | None = None
        self._lock = threading.Lock()  # written by a worker, read by the window
        self.size = 0

    @classmethod
    def of(cls, data: bytes) -> BodyData:
        """A small body already in memory, kept as it is (no copy)."""
        body = cls()
        body._memory = data  # type: ignore[assignment]
        body.size = len(data)
        return body

    @property
    def in_memory(self) -> bool:
        return self._file is None

    def write(self, chunk: bytes) -> None:
        with self._lock:
            if self._file is None and self.size + len(chunk) > self._spill_at:
                self._file = tempfile.NamedTemporaryFile(prefix="gatepost-body-",
                                                         delete=True)
                # Bodies are dropped, not closed, when an exchange is forgotten: close
                # (and so delete) the file then.
                weakref.finalize(self, self._file.close)
                self._file.write(self._memory)
                self._memory = bytearray()
            if self._file is None:
                if isinstance(self._memory, bytes):
                    self._memory = bytearray(self._memory)
                self._memory += chunk
            else:
                self._file.write(chunk)
            self.size += len(chunk)

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
            self._file.flush()
            with open(self._file.name, "rb") as fh:
                fh.seek(offset)
                return fh.read(end - offset)

    def bytes(self) -> bytes:
        return self.read()

    def save_to(self, path: str | os.PathLike[str]) -> None:
        with self._lock:
            if self._file is None:
                with open(path, "wb") as out:
                    out.write(self._memory)
                return
            self._file.flush()
            shutil.copyfile(self._file.name, path)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._memory = bytearray()
            self.size = 0
