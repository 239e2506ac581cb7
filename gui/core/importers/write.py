"""An ImportResult written as a Gatepost collection.

The files are the collection store's (`colschema` data, `yamlio.dump`: the documented
format, byte for byte what a save would write), made in a hidden folder beside the target,
flushed to disk once, then renamed into place: a person or a crash sees no collection or
the whole of it, and 5,000 requests do not cost 5,000 fsyncs. Every secret — a secret
auth field's value, a secret variable's — goes to the keychain through the same
`store_secrets` the window uses, so an imported collection's YAML never holds one.
Descriptions and scripts Gatepost cannot run are kept beside the collection in
`IMPORT-NOTES.md`, so nothing is dropped silently.
"""

from __future__ import annotations

import copy
import errno
import os
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..collections import schema
from ..collections.load import digest
from ..collections.manage import (
    CollectionError,
    new_environment,
    open_collection,
    save_collection,
    save_environment,
    slugify,
)
from ..collections.model import (
    COLLECTION_FILE,
    ENVIRONMENTS_DIR,
    FOLDER_FILE,
    REQUEST_SUFFIX,
    Collection,
    Environment,
    Folder,
    RequestItem,
)
from ..collections.owners import bind
from ..collections.secrets import store_secrets
from ..nogc import paused
from . import ImportedFolder, ImportedRequest, ImportFailed, ImportResult
from ._fastyaml import dump_fast

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore
    from ..variables import Variable

NOTES_FILE = "IMPORT-NOTES.md"
_BINARY = getattr(os, "O_BINARY", 0)


def target_problem(folder: Path) -> str | None:
    """Why a collection cannot be written into `folder` without asking, or None."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder."
    if folder.is_dir() and any(folder.iterdir()):
        return f"{folder} is not empty."
    return None


def combine(results: list[ImportResult]) -> ImportResult:
    """Several files imported as one collection: the one collection file's tree, every
    file's environments, globals and notices (each notice names its file)."""
    collections = [r for r in results if r.root is not None]
    if len(collections) > 1:
        names = ", ".join(repr(r.name) for r in collections)
        raise ImportFailed(f"{len(collections)} collections were given ({names}); import "
                           "each into its own folder.")
    if len(results) == 1:
        return results[0]
    base = copy.copy(collections[0]) if collections else ImportResult(
        " + ".join(dict.fromkeys(r.source for r in results)), results[0].name)
    base.environments = [e for r in results for e in r.environments]
    base.globals = [g for r in results for g in r.globals]
    base.notices = [n for r in results for n in r.notices]
    return base


def write(result: ImportResult, folder: Path | str, store: SecretStore | None = None,
          allow_nonempty: bool = False) -> Collection:
    """Create the collection of `result` in `folder` (made if needed) and return it
    opened. Refuses a non-empty folder unless `allow_nonempty` (the person said yes);
    even then, nothing already there is overwritten. With `store` None, secret values
    are not kept anywhere (the files still never hold them)."""
    if result.root is None:
        raise ImportFailed(f"{result.source} {result.name!r} holds no requests: import it "
                           "into an existing collection's folder (add_to) instead.")
    folder = Path(folder).expanduser().absolute()
    problem = target_problem(folder)
    if problem and (not allow_nonempty or not folder.is_dir()):
        raise ImportFailed(f"{problem} Choose an empty or new folder for the collection.")
    if (folder / COLLECTION_FILE).exists():
        raise ImportFailed(f"{folder} is already a collection; choose an empty or new "
                           "folder.")
    taken = {p.name.casefold() for p in folder.iterdir()} if folder.is_dir() else set()
    with paused():  # a large tree of objects, and no garbage (gui/core/nogc.py)
        collection = _build(result, folder, taken)
        files = _render(collection, result)
        _place(folder, files)
    try:
        bind(collection)
        if store is not None:
            _store(collection, store)
    except Exception as exc:  # noqa: BLE001 - CollectionError, keychain failures
        raise ImportFailed(f"The collection was written in {folder}, but its secrets could "
                           f"not be kept: {exc}") from None
    return collection


def add_to(result: ImportResult, folder: Path | str, store: SecretStore | None = None
           ) -> Collection:
    """Environments (and globals, as collection variables) of an environment or globals
    export added to the existing collection in `folder`; names already there are kept."""
    try:
        collection, problems = open_collection(Path(folder).expanduser())
        broken = [p for p in problems if p.path == collection.settings_path]
        if broken:
            raise ImportFailed(str(broken[0]))
        bind(collection)
        for imported in result.environments:
            env = new_environment(collection, imported.name)
            env.variables = copy.deepcopy(imported.variables)
            save_environment(env, store)
        if result.globals:
            collection.variables += _missing(collection.variables, result.globals)
            save_collection(collection, store)
    except (CollectionError, OSError) as exc:
        raise ImportFailed(f"{folder}: {exc}") from None
    return collection


def _missing(have: list[Variable], more: list[Variable]) -> list[Variable]:
    names = {v.name for v in have}
    return [copy.deepcopy(v) for v in more if v.name not in names]


def _unique(slug: str, suffix: str, taken: set[str]) -> str:
    for n in range(1, 100_000):
        name = f"{slug}{'' if n == 1 else f'-{n}'}{suffix}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name
    raise ImportFailed(f"Too many items called {slug!r} in one folder.")


def _build(result: ImportResult, path: Path, taken: set[str]) -> Collection:
    """The collection in memory, every file name chosen, nothing on disk yet."""
    assert result.root is not None
    c = Collection(path, uuid.uuid4().hex, result.name or result.root.name or "Imported")
    c.headers = copy.deepcopy(result.root.headers)
    c.auth = copy.deepcopy(result.root.auth)
    c.description = result.root.description.strip("\n")
    if c.auth.scheme == "inherit":
        c.auth.scheme = "none"
    c.variables = copy.deepcopy(result.variables) + _missing(result.variables, result.globals)
    taken |= {COLLECTION_FILE, ENVIRONMENTS_DIR, NOTES_FILE.casefold()}
    _children(result.root, c.root, taken)
    names: set[str] = set()
    for imported in result.environments:
        filename = _unique(slugify(imported.name), ".yaml", names)
        c.environments.append(Environment(path / ENVIRONMENTS_DIR / filename, imported.name,
                                          copy.deepcopy(imported.variables), c))
    return c


def _children(source: ImportedFolder, target: Folder, taken: set[str]) -> None:
    for child in source.children:
        if isinstance(child, ImportedRequest):
            name = _unique(slugify(child.name), REQUEST_SUFFIX, taken)
            # The request's spec is taken over, not copied: 5,000 deep copies cost
            # a noticeable part of an import, and the result is not used afterwards.
            target.children.append(RequestItem(target.path / name, child.name, child.spec,
                                               uuid.uuid4().hex, target))
        else:
            name = _unique(slugify(child.name), "", taken)
            folder = Folder(target.path / name, child.name, copy.deepcopy(child.headers),
                            copy.deepcopy(child.auth), uuid.uuid4().hex, parent=target,
                            description=child.description.strip("\n"))
            target.children.append(folder)
            _children(child, folder, set())
    default = sorted(target.children, key=lambda c: (isinstance(c, RequestItem), c.filename))
    if target.children != default:
        # The source's order (Postman mixes folders and requests) is kept explicitly.
        target.order = [c.filename for c in target.children]


def _render(c: Collection, result: ImportResult) -> list[tuple[str, bytes | None]]:
    """Every file of the collection as (path relative to its folder, bytes; None for a
    folder); the objects' disk states set as a save would set them."""
    files: list[tuple[str, bytes | None]] = []
    top = len(str(c.path)) + 1

    def add(path: Path, data: dict[str, object],
            obj: Collection | Folder | RequestItem | Environment) -> None:
        raw = dump_fast(data).encode("utf-8")
        files.append((str(path)[top:], raw))
        obj.disk.digest = digest(raw)

    add(c.settings_path, schema.collection_data(c), c)
    for item in c.root.walk():
        if isinstance(item, Folder):
            files.append((str(item.path)[top:], None))
            data = schema.folder_data(item)
            if data != schema.folder_data(Folder(item.path, item.path.name)):
                add(item.path / FOLDER_FILE, data, item)
        else:
            add(item.path, schema.request_data(item), item)
    for env in c.environments:
        add(env.path, schema.environment_data(env), env)
    notes = _notes(result)
    if notes:
        files.append((NOTES_FILE, notes.encode("utf-8")))
    return files


def _umask() -> int:
    """The process's umask, read without setting it (os.umask would change it for every
    thread for a moment); 022 where the system does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


#: Files written by one thread; more go to a few threads (_place).
_SERIAL_FILES = 256
#: Threads writing files at most: creating a file is the kernel's work (the GIL is free
#: meanwhile), and a file system that is slow to create them (allocating inodes after
#: many deletions, a network share) takes about half the time with two.
_WRITERS = 4
#: Files one thread writes in a row.
_BATCH = 64


def _write_new(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if not hasattr(os, "sync"):
            os.fsync(fd)  # Windows: no single flush of everything
    finally:
        os.close(fd)


def _write_batch(batch: list[tuple[str, bytes]]) -> None:
    for path, data in batch:
        _write_new(path, data)


def _write_all(writes: list[tuple[str, bytes]]) -> None:
    """Create every file; the first OSError is raised once all writers are done."""
    workers = min(_WRITERS, os.cpu_count() or 1)
    if len(writes) <= _SERIAL_FILES or workers < 2:
        _write_batch(writes)
        return
    batches = [writes[i:i + _BATCH] for i in range(0, len(writes), _BATCH)]
    with ThreadPoolExecutor(workers, thread_name_prefix="import-write") as pool:
        # The pool's end waits for every batch: none writes into a removed folder.
        results = [pool.submit(_write_batch, batch) for batch in batches]
    for result in results:
        result.result()


def _place(folder: Path, files: list[tuple[str, bytes | None]]) -> None:
    """Write `files` into a hidden folder beside `folder`, flush, and move them in."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.import-",
                                        dir=folder.parent))
    except OSError as exc:
        raise ImportFailed(f"{folder} could not be made: {exc.strerror or exc}") from None
    try:
        # mkdtemp makes it private (0700); the collection folder it becomes is shared
        # like any folder the person makes (a team's git checkout): the umask decides.
        os.chmod(staging, 0o777 & ~_umask())
        made = {str(staging)}
        writes: list[tuple[str, bytes]] = []
        for relative, data in files:
            target = os.path.join(staging, relative)
            if data is None:
                os.makedirs(target, exist_ok=True)
                made.add(target)
                continue
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            writes.append((target, data))
        _write_all(writes)
        if hasattr(os, "sync"):
            os.sync()  # once for every file, before any of them is visible
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # Windows cannot rename onto an empty folder
        if not folder.exists():
            os.replace(staging, folder)
        else:
            for entry in sorted(staging.iterdir()):
                if os.path.lexists(folder / entry.name):  # made meanwhile: not ours
                    raise FileExistsError(errno.EEXIST, f"{entry.name} appeared meanwhile")
                os.rename(entry, folder / entry.name)
            staging.rmdir()
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ImportFailed(f"The collection could not be written in {folder}: "
                           f"{exc.strerror or exc}") from None


def _store(c: Collection, store: SecretStore) -> None:
    objects: list[Collection | Folder | RequestItem | Environment] = [
        c, *c.root.walk(), *c.environments]
    for obj in objects:
        store_secrets(obj, store)


def _notes(result: ImportResult) -> str:
    """IMPORT-NOTES.md: everything that needs attention, then the descriptions."""
    lines: list[str] = [f"# Imported from {result.source}: {result.name}", ""]
    if result.notices:
        lines += ["## Needs attention", ""]
        lines += [f"- {notice}" for notice in result.notices]
        lines.append("")
        kept = [n for n in result.notices if n.details.strip()]
        if kept:
            lines += ["## Scripts and other text kept", ""]
            for notice in kept:
                fence = "`" * max(3, _longest_backticks(notice.details) + 1)
                lines += [f"### {notice.where}", "", notice.message, "", fence,
                          notice.details.rstrip(), fence, ""]
    described = _descriptions(result.root) if result.root is not None else []
    if described:
        lines += ["## Descriptions", ""]
        for where, text in described:
            lines += [f"### {where}", "", text.strip(), ""]
    return "\n".join(lines) if len(lines) > 2 else ""


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


def _descriptions(folder: ImportedFolder, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    where = f"{prefix}{folder.name}"
    if folder.description.strip():
        out.append((where, folder.description))
    for child in folder.children:
        if isinstance(child, ImportedFolder):
            out += _descriptions(child, f"{where} / ")
        elif child.description.strip():
            out.append((f"{where} / {child.name}", child.description))
    return out
