"""Collections without a window: a collection folder opened for `gatepost send
--collection` and `gatepost run` (and the tests), and its requests and environments
found by what a person types on a command line. Every failure is a PlanError, one
line naming the folder, file or name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..workspace import PlanError

# Not from manage: a run reads and sends, it needs no saving code (store, ruamel).
from .load import open_collection
from .model import CollectionError
from .owners import bind
from .secrets import fill_secrets

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore
    from .model import Collection, Environment, RequestItem
    from .owners import Choice


def load_collection(path: Path | str, store: SecretStore,
                    owner_choice: Choice | None = None) -> Collection:
    """A collection folder opened for a headless send or run, its secrets filled from
    the keychain. Files that do not parse are named in the PlanError only when the
    request needs them (`find_request`); a folder that is no collection is refused, and
    so is one whose id another folder owns on this machine unless `owner_choice` says
    what it is (gui/core/collections/owners.py): nobody is asked."""
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise PlanError(f"{folder}: no such collection folder.")
    try:
        collection, problems = open_collection(folder)
    except (CollectionError, OSError) as exc:
        raise PlanError(str(exc)) from None
    collection_problems = [p for p in problems if p.path == collection.settings_path]
    if collection_problems:
        raise PlanError(str(collection_problems[0]))
    collection_problems_by_path = {p.path: p for p in problems}
    # Kept on this one object for find_request, which names a broken file only when the
    # request asked for needs it; not a model field, since nothing else reads it.
    collection.problems = collection_problems_by_path  # type: ignore[attr-defined]
    try:
        bind(collection, owner_choice)  # before any secret is read
    except CollectionError as exc:
        raise PlanError(str(exc)) from None
    for obj in (collection, *collection.root.walk()):
        fill_secrets(obj, store)
    return collection


def find_request(collection: Collection, ref: str) -> RequestItem:
    """A request of `collection` by its file (relative to the collection folder, or
    absolute) or by its names in the tree ("Users/Get user"). PlanError when none or
    several match."""
    problems = getattr(collection, "problems", {})
    requests = collection.requests()
    target = Path(ref).expanduser()
    candidates = [target if target.is_absolute() else collection.path / target]
    for path in candidates:
        for item in requests:
            if same_file(item.path, path):
                if item.disk.problem is not None:
                    raise PlanError(str(item.disk.problem))
                return item
        if path in problems:
            raise PlanError(str(problems[path]))
    by_name = [item for item in requests if "/".join(_names(item)) == ref.strip("/")]
    if not by_name:
        by_name = [item for item in requests if item.name == ref]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        listed = ", ".join(str(i.path.relative_to(collection.path)) for i in by_name)
        raise PlanError(f"{ref!r} names {len(by_name)} requests in {collection.path}: "
                        f"{listed}. Give the file instead.")
    raise PlanError(f"{collection.path} has no request {ref!r} (give its file, relative to "
                    "the collection folder, or its names, e.g. 'Folder/Request').")


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _names(item: RequestItem) -> list[str]:
    names = [item.name]
    node = item.parent
    while node is not None and node.parent is not None:
        names.append(node.name)
        node = node.parent
    return list(reversed(names))


def find_environment(collection: Collection, name: str) -> Environment:
    """An environment by its name or its file's slug; PlanError naming the ones there."""
    for env in collection.environments:
        if name in (env.name, env.slug):
            return env
    names = ", ".join(repr(e.name) for e in collection.environments) or "none"
    raise PlanError(f"{collection.path} has no environment {name!r} (it has: {names}).")


def describe(obj: Any) -> str:
    """How a message names a collection object: its file."""
    return str(getattr(obj, "path", obj))
