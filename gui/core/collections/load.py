"""Opening a collection folder: every file read, every problem listed, nothing refused.

A file that does not parse (bad YAML, an unknown key, a wrong type, an empty request)
becomes a LoadProblem naming the file and line, and a placeholder object that carries
the problem, so the rest of the collection opens and that file is never written over.
Whatever a file holds (a pipe, a link out of the folder or in a loop, invalid UTF-8,
huge numbers, deep nesting) it is one problem, never a stop. Opening writes nothing, but
removes the temporary files of saves that were killed (atomic.remove_stale).
"""

from __future__ import annotations

import os
from _blake2 import blake2b
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from .. import deferred
from ..nogc import paused as paused_gc
from ..storage.atomic import remove_stale
from ..watch import note
from . import schema
from .files import FileProblem, inside, read_file
from .model import (
    COLLECTION_FILE,
    ENVIRONMENTS_DIR,
    FOLDER_FILE,
    REQUEST_SUFFIX,
    Collection,
    CollectionError,
    DiskState,
    Environment,
    Folder,
    LoadProblem,
    RequestItem,
)
from .yamlio import YamlSyntaxError, line_of, load_fast

T = TypeVar("T", Collection, Folder, RequestItem, Environment)
Child = Folder | RequestItem


def digest(data: bytes) -> str:
    """A fingerprint that tells whether a file changed since it was read."""
    # Not hashlib: importing it maps OpenSSL's libcrypto (3.3 MiB resident in an idle
    # window, issue 17); BLAKE2 is built into Python itself.
    return blake2b(data, digest_size=20).hexdigest()


def ordered(items: list[Child], order: list[str] | None) -> list[Child]:
    """`items` with those named in `order` (by file name) first, in that order."""
    if not order:
        return items
    by_name = {item.filename: item for item in items}
    listed = [by_name.pop(name) for name in order if name in by_name]
    return listed + [item for item in items if item.filename in by_name]


class _Reader:
    def __init__(self, root: Path | None = None) -> None:
        self.problems: list[LoadProblem] = []
        self._ids: dict[str, Path] = {}
        #: The collection folder's real path: links that leave it are not followed.
        self.root = os.path.realpath(root) if root is not None else None
        #: Real paths of the folders read, so that a link to one is not read twice.
        self._seen: set[str] = set()

    def read(self, path: Path, parse: Callable[[Any, Path], T], placeholder: Callable[[], T],
             empty_ok: bool = False, folder_inside: bool = False) -> T:
        """The object in `path`, or the placeholder carrying the file's problem.
        `folder_inside`: `path`'s folder is known to be in the collection (files.py)."""
        text, state = "", DiskState()
        try:
            raw = read_file(path, self.root, folder_inside)
            state.digest = digest(raw)
            text = raw.decode("utf-8")
            data = load_fast(text)
            if data is None and not empty_ok:
                raise schema.SchemaError("the file is empty")
            obj = parse(data, path)
        except FileProblem as exc:
            state.problem = LoadProblem(path, None, str(exc))
        except OSError as exc:
            state.problem = LoadProblem(path, None, f"cannot be read: {exc.strerror or exc}")
        except UnicodeDecodeError as exc:
            state.problem = LoadProblem(path, raw.count(b"\n", 0, exc.start) + 1,
                                        "is not UTF-8 text")
        except YamlSyntaxError as exc:
            state.problem = LoadProblem(path, exc.line, f"is not valid YAML: {exc}")
        except schema.SchemaError as exc:
            where = ".".join(str(k) for k in exc.keys)
            state.problem = LoadProblem(path, line_of(text, exc.keys) if exc.keys else None,
                                        f"{where}: {exc}" if where else str(exc))
        except (ValueError, RecursionError) as exc:
            # Whatever else a value can break in the schema's checks: named, not raised.
            state.problem = LoadProblem(path, None,
                                        f"could not be read ({type(exc).__name__})")
        if state.problem is not None:
            self.problems.append(state.problem)
            obj = placeholder()
        obj.disk = state
        return obj

    def claim(self, obj: Folder | RequestItem, path: Path) -> None:
        """Note the object's id; a second file with the same id gets a new one."""
        if obj.id is None or obj.disk.problem is not None:
            return
        first = self._ids.setdefault(obj.id, path)
        if first != path:
            self.problems.append(LoadProblem(path, None, f"has the same id as {first}; "
                                             "it gets a new id when it is saved"))
            obj.id = deferred.uuid.uuid4().hex

    def collection(self, path: Path) -> Collection:
        self.root = os.path.realpath(path)
        settings = path / COLLECTION_FILE
        c = self.read(settings, lambda d, _: schema.read_collection(d, path),
                      lambda: Collection(path, deferred.uuid.uuid4().hex, path.name),
                      folder_inside=True)
        c.root.children = self.children(c.root, is_root=True)
        c.environments = self.environments(c)
        return c

    def children(self, folder: Folder, is_root: bool = False) -> list[Child]:
        dirs, files = [], []
        real = os.path.realpath(folder.path)
        if real in self._seen:
            return []
        self._seen.add(real)
        with os.scandir(folder.path) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    # .git, editors' files, our own temporary files (a killed save's
                    # are removed)
                    remove_stale(folder.path, entry.name)
                    continue
                if entry.is_symlink() and not self._follow(entry):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False  # a link in a loop: read as a file, and named
                if is_dir:
                    if is_root and entry.name == ENVIRONMENTS_DIR:
                        continue
                    if os.path.exists(os.path.join(entry.path, COLLECTION_FILE)):
                        continue  # a collection of its own, opened on its own
                    dirs.append(entry.name)
                elif entry.name.endswith(REQUEST_SUFFIX):
                    files.append(entry.name)
        items: list[Child] = []
        for d in sorted(dirs):
            if os.path.realpath(folder.path / d) in self._seen:
                continue
            noted = len(self.problems)
            sub = self.folder(folder.path / d, folder)
            # Only folders with something of ours are collection folders, not a venv's
            # bin or lib beside the requests; what such a folder holds is not ours to
            # report either.
            if sub.children or sub.disk.digest is not None or sub.disk.problem is not None:
                items.append(sub)
            else:
                del self.problems[noted:]
        # Every folder walked is in the collection (a link out of it is not followed).
        items += [self.request(folder.path / f, folder, folder_inside=True)
                  for f in sorted(files)]
        return ordered(items, folder.order)

    def _follow(self, entry: os.DirEntry[str]) -> bool:
        """Whether a symbolic link in the collection is read: not when it leaves the
        folder (a link to /etc is not part of a collection)."""
        if self.root is None or inside(entry.path, self.root):
            return True
        if entry.name.endswith(REQUEST_SUFFIX) or os.path.isdir(entry.path):
            self.problems.append(LoadProblem(
                Path(entry.path), None, "is a symbolic link to outside the collection "
                "folder; it is not followed"))
        return False

    def folder(self, path: Path, parent: Folder) -> Folder:
        settings = path / FOLDER_FILE
        if settings.exists():
            folder = self.read(settings, lambda d, _: schema.read_folder(d, path),
                               lambda: Folder(path, path.name), empty_ok=True,
                               folder_inside=True)
        else:
            folder = Folder(path, path.name)
        folder.parent = parent
        self.claim(folder, settings)
        folder.children = self.children(folder)
        return folder

    def request(self, path: Path, parent: Folder, folder_inside: bool = False) -> RequestItem:
        item = self.read(path, schema.read_request,
                         lambda: RequestItem(path, path.name.removesuffix(REQUEST_SUFFIX)),
                         folder_inside=folder_inside)
        item.parent = parent
        self.claim(item, path)
        return item

    def environments(self, c: Collection) -> list[Environment]:
        folder = c.path / ENVIRONMENTS_DIR
        if not folder.is_dir():
            return []
        found = []
        checked = self.root is None or inside(folder, self.root)
        for path in sorted(folder.glob("*.yaml")):
            env = self.read(path, schema.read_environment,
                            partial(Environment, path, path.name.removesuffix(".yaml")),
                            folder_inside=checked)
            env.collection = c
            found.append(env)
        return found


def open_collection(path: Path | str) -> tuple[Collection, list[LoadProblem]]:
    """The collection in folder `path` and every problem found reading it.

    CollectionError only when `path` is not a collection at all (no collection.yaml).
    """
    note("collection read")
    path = Path(path)
    if not (path / COLLECTION_FILE).is_file():
        raise CollectionError(f"{path} is not a Gatepost collection: it has no "
                              f"{COLLECTION_FILE}.", path)
    reader = _Reader(path)
    # The tree is built with no garbage to collect, yet its growth triggers full scans of
    # it by the cycle collector: pausing it takes a tenth or more off a large open.
    with paused_gc():
        return reader.collection(path), reader.problems


def reload_request(item: RequestItem) -> LoadProblem | None:
    """Read `item`'s file again (it changed on disk), in place; its problem, if any.

    The id is kept when the file lost it, so keychain entries still match.
    """
    top = item.parent
    while top is not None and top.parent is not None:
        top = top.parent
    reader = _Reader(top.path if top is not None else None)
    assert item.parent is not None
    fresh = reader.request(item.path, item.parent)
    if fresh.disk.problem is not None:
        item.disk = fresh.disk
        return fresh.disk.problem
    item.name, item.spec, item.disk = fresh.name, fresh.spec, fresh.disk
    item.assertions, item.captures = fresh.assertions, fresh.captures
    item.id = fresh.id or item.id
    return None
