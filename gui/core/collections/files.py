"""Reading a collection's files as a shared folder may hold them: a file that is a pipe,
a link out of the folder, or a few gigabytes is named and not read, never followed or
waited on."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Larger collection files are not read: a request file is a few kilobytes, and a
#: malformed one of this size still opens in a second or two.
MAX_FILE_SIZE = 16 * 1024 * 1024


class FileProblem(Exception):
    """Why a file of the collection is not read; the message follows its name."""


def inside(path: str | os.PathLike[str], root: str) -> bool:
    """Whether `path`, with every symbolic link followed, is in the folder `root` (a
    real path)."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


#: Opening for reading never waits (a FIFO would wait for a writer) nor leaks to a child.
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
#: Where the system has it: open a file only if it is no symbolic link (Windows: 0).
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_file(path: Path, root: str | None = None, folder_inside: bool = False) -> bytes:
    """The bytes of a collection file; FileProblem (or OSError) when it is not one to
    read. `root` is the collection folder's real path: links out of it are refused.

    `folder_inside`: the caller has checked that the folder holding `path` is in `root`
    (the open walks the tree that way). Then a file that is no link is opened without
    resolving its whole path again (one open, no lstat per part of the path); a link
    (the open refuses to follow it) is checked as above and opened."""
    fd = None
    if folder_inside and _NOFOLLOW:
        try:
            fd = os.open(path, _READ | _NOFOLLOW)
        except OSError:
            pass  # a link (or no file, or no access): the full way below says which
    if fd is None:
        if root is not None and not inside(path, root):
            raise FileProblem("is a symbolic link to a file outside the collection "
                              "folder; it is not followed")
        fd = os.open(path, _READ)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("is not a regular file (a pipe, device or socket); it is "
                              "not read")
        if info.st_size > MAX_FILE_SIZE:
            raise FileProblem(f"is larger than {MAX_FILE_SIZE >> 20} MB; collection files "
                              "that large are not read")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_SIZE:
            piece = os.read(fd, 1 << 20)
            if not piece:
                return b"".join(chunks)
            chunks.append(piece)
            size += len(piece)
        raise FileProblem(f"is larger than {MAX_FILE_SIZE >> 20} MB; collection files "
                          "that large are not read")
    finally:
        os.close(fd)
