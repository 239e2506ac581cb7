"""Collections: folders of plain YAML files a team keeps in git (docs/collections.md).

This module is the public face: the tree types, opening and saving (re-exported from
colmodel / colload / colstore / colsecrets), and the operations that add, rename,
duplicate, delete and move. Every operation writes at once; none holds a file open.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from .. import deferred
from ..model import AuthConfig, RequestSpec
from ..storage.scratch import load_auth_secrets
from ..watch import note
from .load import open_collection, reload_request
from .model import (
    COLLECTION_FILE,
    ENVIRONMENTS_DIR,
    FOLDER_FILE,
    REQUEST_SUFFIX,
    BrokenFileError,
    Collection,
    CollectionError,
    ConflictError,
    DiskState,
    Environment,
    Folder,
    LoadProblem,
    RequestItem,
    collection_of,
)
from .secrets import auth_place, fill_secrets, secret_keys, variable_key, variable_place
from .store import (
    check_unchanged,
    save_collection,
    save_environment,
    save_folder,
    save_request,
)

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore

__all__ = ["BrokenFileError", "Collection", "CollectionError", "ConflictError", "Environment",
           "Folder", "LoadProblem", "RequestItem", "auth_place", "collection_of", "delete",
           "duplicate", "fill_secrets", "move", "new_collection", "new_environment",
           "new_folder", "new_request", "open_collection", "reload_request", "rename",
           "save_collection",
           "save_environment", "save_folder", "save_request", "secret_keys", "slugify",
           "variable_key", "variable_place"]

Item = Folder | RequestItem


def slugify(name: str) -> str:
    """A file name part for `name`: lower case, words joined by `-`, at most 60 chars."""
    slug = re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")[:60].strip("-_")
    return slug or "untitled"


def _unique(folder: Path, slug: str, suffix: str, taken: Path | None = None) -> Path:
    """`folder/slug+suffix`, or with -2, -3… when that exists (`taken` may be reused)."""
    reserved = {ENVIRONMENTS_DIR} if (folder / COLLECTION_FILE).exists() and not suffix else set()
    for n in range(1, 10_000):
        path = folder / f"{slug}{'' if n == 1 else f'-{n}'}{suffix}"
        if path == taken or (path.name not in reserved and not os.path.lexists(path)):
            return path
    raise CollectionError(f"{folder} has too many items called {slug!r}.", folder)


def _default_order(children: list[Item]) -> list[Item]:
    folders = sorted((c for c in children if isinstance(c, Folder)), key=lambda c: c.filename)
    requests = sorted((c for c in children if isinstance(c, RequestItem)),
                      key=lambda c: c.filename)
    return [*folders, *requests]


def _attach(item: Item, folder: Folder, index: int | None = None) -> None:
    """Put `item` among the folder's children, keeping the order on disk in step."""
    item.parent = folder
    if index is None and folder.order is None:
        folder.children = _default_order([*folder.children, item])
        return
    if index is None:
        folder.children.append(item)
    else:
        folder.children.insert(index, item)
    folder.order = [c.filename for c in folder.children]
    save_folder(folder)


def _detach(item: Item) -> None:
    folder = item.parent
    if folder is None:
        raise CollectionError(f"{item.path} is the collection itself.", item.path)
    folder.children.remove(item)
    if folder.order is not None and item.filename in folder.order:
        folder.order.remove(item.filename)
        save_folder(folder)


def _repath(item: Item, path: Path) -> None:
    item.path = path
    if isinstance(item, Folder):
        for child in item.children:
            _repath(child, path / child.filename)


def _rename_on_disk(item: Item | Environment, path: Path) -> None:
    note("collection write")
    try:
        os.rename(item.path, path)
    except OSError as exc:
        raise CollectionError(f"{item.path} could not be renamed to {path.name}: "
                              f"{exc.strerror or exc}", item.path) from exc


def new_collection(path: Path | str, name: str) -> Collection:
    """Make a collection in folder `path` (created if needed; may hold other files)."""
    path = Path(path)
    if (path / COLLECTION_FILE).exists():
        raise CollectionError(f"{path} is already a collection.", path)
    note("collection write")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CollectionError(f"{path} could not be made: {exc.strerror or exc}", path) from exc
    c = Collection(path, deferred.uuid.uuid4().hex, name)
    save_collection(c)
    return c


def new_folder(parent: Folder, name: str) -> Folder:
    path = _unique(parent.path, slugify(name), "")
    note("collection write")
    try:
        path.mkdir()
    except OSError as exc:
        raise CollectionError(f"{path} could not be made: {exc.strerror or exc}", path) from exc
    folder = Folder(path, name, id=deferred.uuid.uuid4().hex, parent=parent)
    save_folder(folder)
    _attach(folder, parent)
    return folder


def new_request(folder: Folder, name: str, spec: RequestSpec | None = None) -> RequestItem:
    """A new request file in `folder`; by default a GET that inherits the folder's auth."""
    item = RequestItem(_unique(folder.path, slugify(name), REQUEST_SUFFIX), name,
                       spec if spec is not None else RequestSpec(auth=AuthConfig("inherit")),
                       deferred.uuid.uuid4().hex, folder)
    save_request(item)
    _attach(item, folder)
    return item


def new_environment(c: Collection, name: str) -> Environment:
    env = Environment(_unique(c.path / ENVIRONMENTS_DIR, slugify(name), ".yaml"), name,
                      collection=c)
    save_environment(env)
    c.environments = sorted([*c.environments, env], key=lambda e: e.path.name)
    return env


def rename(obj: Item | Environment | Collection, name: str,
           store: SecretStore | None = None) -> None:
    """Rename: the name in the file, and the file or folder name when its slug changes.
    An environment's secret variables move with it in the keychain when `store` is given."""
    if isinstance(obj, Collection) or (isinstance(obj, Folder) and obj.collection is not None):
        c = collection_of(obj)
        c.name = name
        save_collection(c)
        return
    old_slug = slugify(obj.name)
    obj.name = name
    if isinstance(obj, Environment):
        _rename_environment(obj, old_slug, store)
        return
    if isinstance(obj, RequestItem):
        save_request(obj)
    else:
        save_folder(obj)
    if slugify(name) == old_slug:
        return
    suffix = REQUEST_SUFFIX if isinstance(obj, RequestItem) else ""
    old_name = obj.filename
    path = _unique(obj.path.parent, slugify(name), suffix, taken=obj.path)
    _rename_on_disk(obj, path)
    _repath(obj, path)
    folder = obj.parent
    if folder is not None and folder.order is not None and old_name in folder.order:
        folder.order[folder.order.index(old_name)] = obj.filename
        save_folder(folder)


def _rename_environment(env: Environment, old_slug: str, store: SecretStore | None) -> None:
    save_environment(env)
    if slugify(env.name) == old_slug:
        return
    old = copy.copy(env)
    path = _unique(env.path.parent, slugify(env.name), ".yaml", taken=env.path)
    _rename_on_disk(env, path)
    env.path = path
    if store is not None:
        cid = collection_of(env).namespace  # this machine's, never the file's id
        for v in env.variables:
            value = store.get(variable_key(cid, old, v.name)) if v.secret else None
            if value is not None:
                store.set(variable_key(cid, env, v.name), value)
                store.delete(variable_key(cid, old, v.name))


def duplicate(obj: Item | Environment, store: SecretStore | None = None) -> Item | Environment:
    """A copy named "<name> copy" beside the original (a folder with all it holds), with
    new ids. With `store`, secrets are copied in the keychain too."""
    if isinstance(obj, Environment):
        env = new_environment(collection_of(obj), f"{obj.name} copy")
        env.variables = copy.deepcopy(obj.variables)
        if store is not None:
            fill_secrets(obj, store)
            env.variables = copy.deepcopy(obj.variables)
        save_environment(env, store)
        return env
    if obj.parent is None:
        raise CollectionError("A whole collection is copied by copying its folder.", obj.path)
    return _copy(obj, obj.parent, f"{obj.name} copy", store,
                 obj.parent.children.index(obj) + 1 if obj.parent.order is not None else None)


def _copy(obj: Item, into: Folder, name: str, store: SecretStore | None,
          index: int | None = None) -> Item:
    # The keychain namespace this machine gave the collection, never the file's id.
    cid = collection_of(obj).namespace if store is not None else ""
    if isinstance(obj, RequestItem):
        spec = copy.deepcopy(obj.spec)
        if store is not None and obj.id is not None:
            load_auth_secrets(spec.auth, store, cid, auth_place(obj))
        item = new_request(into, name, spec)
        item.assertions = copy.deepcopy(obj.assertions)
        item.captures = copy.deepcopy(obj.captures)
        save_request(item, store)
        made: Item = item
    else:
        made = folder = new_folder(into, name)
        folder.headers, folder.auth = copy.deepcopy(obj.headers), copy.deepcopy(obj.auth)
        if store is not None and obj.id is not None:
            load_auth_secrets(folder.auth, store, cid, auth_place(obj))
        for child in obj.children:
            _copy(child, folder, child.name, store)
        folder.order = [c.filename for c in folder.children] if obj.order is not None else None
        save_folder(folder, store)
    if index is not None:
        move(made, into, index)
    return made


def _files(obj: Item) -> list[tuple[Path, DiskState]]:
    if isinstance(obj, RequestItem):
        return [(obj.path, obj.disk)]
    files = [(obj.path / FOLDER_FILE, obj.disk)]
    for child in obj.children:
        files += _files(child)
    return files


def delete(obj: Item | Environment) -> list[str]:
    """Delete a request, a folder with all it holds, or an environment. Returns the
    keychain keys that may belong to it, for the UI to offer to remove them. Raises
    ConflictError, deleting nothing, when a file changed on disk since it was read."""
    keys = secret_keys(obj)
    files = [(obj.path, obj.disk)] if isinstance(obj, Environment) else _files(obj)
    for path, disk in files:
        check_unchanged(path, DiskState(disk.digest))  # a broken file may go; a changed one not
    note("collection write")
    try:
        shutil.rmtree(obj.path) if isinstance(obj, Folder) else obj.path.unlink()
    except OSError as exc:
        raise CollectionError(f"{obj.path} could not be deleted: {exc.strerror or exc}",
                              obj.path) from exc
    if isinstance(obj, Environment):
        collection_of(obj).environments.remove(obj)
    else:
        _detach(obj)
    return keys


def move(item: Item, folder: Folder, index: int | None = None) -> None:
    """Move `item` into `folder`, at `index` among its children when given (which makes
    the folder's order explicit); within one folder, only the order changes."""
    if item.parent is None:
        raise CollectionError("The collection itself cannot be moved.", item.path)
    node: Folder | None = folder
    while node is not None:
        if node is item:
            raise CollectionError(f"{item.name} cannot be moved into itself.", item.path)
        node = node.parent
    if item.parent is folder:
        children = [c for c in folder.children if c is not item]
        children.insert(len(children) if index is None else index, item)
        folder.children = children
        folder.order = [c.filename for c in children]
        save_folder(folder)
        return
    suffix = REQUEST_SUFFIX if isinstance(item, RequestItem) else ""
    path = _unique(folder.path, item.filename.removesuffix(suffix), suffix)
    _rename_on_disk(item, path)
    _detach(item)
    _repath(item, path)
    _attach(item, folder, index)

