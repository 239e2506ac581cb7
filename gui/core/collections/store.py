"""Saving collection files: only what changed, atomically, never over someone's edit.

Each save
1. refuses a file that did not open (BrokenFileError: it is never written over);
2. reads the file and compares it with what was read or written last (sha256): a file
   changed on disk meanwhile raises ConflictError, unless `force=True` (the user chose to
   overwrite);
3. compares the canonical content of the file with the object's: equal means no write,
   so saving an unchanged request changes no byte;
4. otherwise merges the change into the file's round-trip YAML (comments, key order and
   quoting survive) and writes it with write_atomic;
5. turns an OS error into a CollectionError naming the file; the old file is intact.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage.atomic import write_atomic
from ..watch import note
from . import schema
from .load import digest
from .model import (
    FOLDER_FILE,
    BrokenFileError,
    Collection,
    CollectionError,
    ConflictError,
    DiskState,
    Environment,
    Folder,
    RequestItem,
    collection_of,
)
from .secrets import store_secrets
from .yamlio import YamlSyntaxError, dump, load_fast, load_rt, merge

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore


def _current(path: Path) -> bytes | None:
    note("collection read")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CollectionError(f"{path} could not be read before saving: "
                              f"{exc.strerror or exc}", path) from None


def check_unchanged(path: Path, disk: DiskState, force: bool = False) -> bytes | None:
    """The file's bytes; BrokenFileError or ConflictError as described above."""
    if disk.problem is not None:
        raise BrokenFileError(f"{path} is not saved: it did not open ({disk.problem.message}), "
                              "so it is left as it is. Fix it by hand and reload.", path)
    current = _current(path)
    if not force and (digest(current) if current is not None else None) != disk.digest:
        what = "deleted" if current is None else "changed"
        raise ConflictError(f"{path} was {what} on disk after it was opened. Reload it to "
                            "see that version, or save again to overwrite it.", path)
    return current


def write_file(path: Path, data: bytes) -> None:
    note("collection write")
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise CollectionError(f"{path} could not be saved: {exc.strerror or exc}. The file "
                              "on disk is unchanged and your edits are still open.",
                              path) from exc


def save_file(path: Path, disk: DiskState, new: dict[str, Any],
              canonical: Callable[[Any], dict[str, Any]], force: bool = False) -> bool:
    """Write `new` to `path` as described above; True when the file was written.
    `canonical(parsed_yaml)` gives the canonical dict of what a file holds."""
    current = check_unchanged(path, disk, force)
    text = None
    if current is not None:
        try:
            old_text = current.decode("utf-8")
            old = canonical(load_fast(old_text))
            if old == new:
                return False
            text = dump(merge(load_rt(old_text), old, new))
        except (UnicodeDecodeError, YamlSyntaxError, schema.SchemaError):
            pass  # only reachable with force: the file went bad on disk; write it anew
    data = (text if text is not None else dump(new)).encode("utf-8")
    write_file(path, data)
    disk.digest = digest(data)
    return True


def _id_on_disk(c: Collection) -> bool:
    note("collection read")
    try:
        data = load_fast(c.settings_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return True  # nothing to fix here; the save itself reports the problem
    return isinstance(data, dict) and data.get("id") == c.id


def keep_collection_id(obj: Collection | Folder | RequestItem | Environment) -> None:
    """Before secrets of `obj` go to the keychain: the collection's id, which their keys
    name, written to collection.yaml if that file lacks it."""
    c = collection_of(obj)
    if c is not obj and c.disk.problem is None and not _id_on_disk(c):
        save_collection(c)


def _secrets(obj: Collection | Folder | RequestItem | Environment,
             store: SecretStore | None) -> None:
    if store is None:
        return
    keep_collection_id(obj)
    store_secrets(obj, store)


def save_request(item: RequestItem, store: SecretStore | None = None,
                 force: bool = False) -> bool:
    """Write the request's file if it changed; its secrets to `store` when given."""
    _secrets(item, store)
    return save_file(item.path, item.disk, schema.request_data(item),
                     lambda d: schema.request_data(schema.read_request(d, item.path)), force)


def save_folder(folder: Folder, store: SecretStore | None = None, force: bool = False) -> bool:
    """Write folder.yaml if it changed (the root folder: collection.yaml)."""
    if folder.collection is not None:
        return save_collection(folder.collection, store, force)
    _secrets(folder, store)
    path = folder.path / FOLDER_FILE
    new = schema.folder_data(folder)

    def canonical(data: Any) -> dict[str, Any]:
        return schema.folder_data(schema.read_folder(data, folder.path))

    if folder.disk.digest is None and not path.exists() and new == canonical(None):
        return False  # nothing to say that the folder's name does not say already
    return save_file(path, folder.disk, new, canonical, force)


def save_collection(c: Collection, store: SecretStore | None = None,
                    force: bool = False) -> bool:
    """Write collection.yaml if it changed; the collection's auth and variable secrets
    (not its environments') to `store` when given."""
    written = save_file(c.settings_path, c.disk, schema.collection_data(c),
                        lambda d: schema.collection_data(schema.read_collection(d, c.path)),
                        force)
    if store is not None:
        store_secrets(c, store)
    return written


def save_environment(env: Environment, store: SecretStore | None = None,
                     force: bool = False) -> bool:
    _secrets(env, store)
    return save_file(env.path, env.disk, schema.environment_data(env),
                     lambda d: schema.environment_data(schema.read_environment(d, env.path)),
                     force)
