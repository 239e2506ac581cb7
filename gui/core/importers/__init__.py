"""Importers: other tools' files turned into Gatepost collections.

Each format is one module of this package with three names:

- ``LABEL``: what the format is called in messages ("Postman collection v2.1");
- ``sniff(path, head) -> bool``: whether the file (or folder) is in this format, judged
  from its content (``head``: the first 64 KB of a file, decoded leniently; ``""`` for
  a folder), never from its name alone;
- ``read(path) -> ImportResult``: the file read into the neutral tree below, every
  item that could not be mapped listed as a ``Notice``; ``ImportFailed`` when the file
  cannot be read at all.

Adding a format is adding a module: `formats()` finds every module here. Nothing from a
file is ever executed: JSON through `json`, YAML through the safe loader in
`gui/core/collections/yamlio.py`, scripts kept as text. Writing the result to disk is
`importers.write` (the collection store does the files and the keychain).
"""

from __future__ import annotations

import json
import pkgutil
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType

from ..model import AuthConfig, RequestSpec, Row
from ..nogc import paused
from ..variables import Variable

#: Files larger than this are refused before they are read (a 50 MB HAR is a mistake).
MAX_FILE_SIZE = 32 * 1024 * 1024
_HEAD = 64 * 1024
#: Modules of this package that are not formats.
_NOT_FORMATS = frozenset({"write", "common"})


class ImportFailed(Exception):
    """The file cannot be imported at all; the message names the file (and the line or
    JSON path where there is one)."""


@dataclass
class Notice:
    """Something the person should look at: what could not be mapped, and where."""

    #: Where it came from: the item's path in the tree ("Users / Get user") or a JSON
    #: path ("item[3].request.auth").
    where: str
    message: str
    #: Text kept for the person beside the collection (IMPORT-NOTES.md), e.g. a script.
    details: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class ImportedRequest:
    name: str
    #: The request; `spec.auth` is `AuthConfig("inherit")` to take the parent's.
    spec: RequestSpec
    description: str = ""


@dataclass
class ImportedFolder:
    name: str
    headers: list[Row] = field(default_factory=list)
    #: "inherit" takes the parent's (a collection's root: "none" when it has none).
    auth: AuthConfig = field(default_factory=lambda: AuthConfig("inherit"))
    description: str = ""
    children: list[ImportedFolder | ImportedRequest] = field(default_factory=list)

    def requests(self) -> list[ImportedRequest]:
        out: list[ImportedRequest] = []
        for child in self.children:
            out += child.requests() if isinstance(child, ImportedFolder) else [child]
        return out

    def folders(self) -> list[ImportedFolder]:
        out: list[ImportedFolder] = []
        for child in self.children:
            if isinstance(child, ImportedFolder):
                out += [child, *child.folders()]
        return out


@dataclass
class ImportedEnvironment:
    name: str
    variables: list[Variable] = field(default_factory=list)


@dataclass
class ImportResult:
    """What one file held. A collection file gives a `root` (its name, headers and auth
    are the collection's); an environment or globals export gives only `environments`
    or `globals`."""

    #: The format's LABEL.
    source: str
    name: str = ""
    root: ImportedFolder | None = None
    variables: list[Variable] = field(default_factory=list)
    environments: list[ImportedEnvironment] = field(default_factory=list)
    globals: list[Variable] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def summary(self) -> str:
        """One line a person reads first: what will be created."""
        parts = []
        if self.root is not None:
            requests, folders = len(self.root.requests()), len(self.root.folders())
            parts += [f"{requests} request{'s' * (requests != 1)}",
                      f"{folders} folder{'s' * (folders != 1)}"]
        if self.environments or self.root is not None:
            n = len(self.environments)
            parts.append(f"{n} environment{'s' * (n != 1)}")
        if self.globals:
            parts.append(f"{len(self.globals)} global variable"
                         f"{'s' * (len(self.globals) != 1)}")
        what = ", ".join(parts) or "nothing to import"
        attention = (f"; {len(self.notices)} item{'s' * (len(self.notices) != 1)} need"
                     f"{'s' * (len(self.notices) == 1)} attention" if self.notices else "")
        return f"{self.source} {self.name!r}: {what}{attention}"


@dataclass
class Preview:
    """What the window shows before anything is written: the result, its one-line
    summary, and each notice as a line."""

    result: ImportResult
    summary: str
    notices: list[str]


def preview(path: Path | str) -> Preview:
    """`path` read for the confirmation step (ImportFailed when it cannot be); nothing
    is written. Writing is `importers.write.write(preview.result, folder, store)`."""
    result = read(path)
    return Preview(result, result.summary(), [str(n) for n in result.notices])


def formats() -> dict[str, ModuleType]:
    """Every format module by name, in a stable order."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _NOT_FORMATS:
            continue
        found[info.name] = import_module(f".{info.name}", __name__)
    return found


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_SIZE:
        raise ImportFailed(f"{path} is {size / (1024 * 1024):.0f} MB; files over "
                           f"{MAX_FILE_SIZE / (1024 * 1024):.0f} MB are not imported.")


def _head(path: Path) -> str:
    if path.is_dir():
        return ""
    try:
        _check_size(path)
        with path.open("rb") as fh:
            return fh.read(_HEAD).decode("utf-8", errors="replace")
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """A whole file as text for a format module: the size limit checked again (the file
    may have grown since it was sniffed), bad UTF-8 named with its offset."""
    try:
        _check_size(path)
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path} is not UTF-8 text (byte {exc.start}).") from None


def read_json(path: Path) -> object:
    """A whole JSON file parsed; ImportFailed naming the file, line and column."""
    text = read_text(path)
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFailed(f"{path} nests too deeply to be read.") from None
    except json.JSONDecodeError as exc:
        what = ("ends before the JSON does (a truncated file?)" if exc.pos >= len(text.rstrip())
                else f"is not valid JSON: {exc.msg}")
        raise ImportFailed(f"{path}, line {exc.lineno} column {exc.colno}: {what}.") \
            from None


def detect(path: Path | str) -> ModuleType:
    """The format module that reads `path`; ImportFailed naming what it tried."""
    path = Path(path)
    if not path.exists():
        raise ImportFailed(f"{path}: no such file or folder.")
    head = _head(path)
    for module in formats().values():
        if module.sniff(path, head):
            return module
    labels = ", ".join(m.LABEL for m in formats().values())
    raise ImportFailed(f"{path} is not a file Gatepost can import (it reads: {labels}).")


def read(path: Path | str) -> ImportResult:
    """`path` read by the format it is in; ImportFailed when it cannot be."""
    module = detect(path)
    try:
        with paused():  # a large file is a large tree, and no garbage (gui/core/nogc.py)
            return module.read(Path(path))
    except ImportFailed:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError) as exc:
        # A format module's bug on odd input must still end in a sentence.
        raise ImportFailed(f"{path} could not be read as a {module.LABEL}: "
                           f"{type(exc).__name__}: {exc}") from None
