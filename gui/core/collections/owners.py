"""Which collection folder owns which keychain namespace, on this machine.

A collection's `id` comes from its collection.yaml, which anyone can copy: a folder that
presents the id of a collection the person already uses must not reach that
collection's keychain entries. So keychain keys are not built from the id but from a
*namespace* (`secret_key(namespace, place, field)`), which this module hands out and
records in the data folder (`paths.collection_owners_file()`), per folder (its resolved
real path) and id:

- a folder and id seen for the first time get a fresh namespace `<id>@<random>`: a
  teammate's fresh clone asks once for each secret, as before, and a stranger's folder
  can never name an existing entry;
- the same folder and id later get the same namespace back;
- a folder presenting an id that another folder owns is a conflict (`OwnerConflict`),
  decided by the person before any secret is read: `Choice.COPY` (a different
  collection: a fresh namespace) or `Choice.MOVED` (the same collection moved here:
  the owner's namespace now belongs to this folder, and the old folder would have to
  be claimed again). The answer is recorded. Headless callers (`gatepost send`, the
  runner) never prompt: without an explicit choice the conflict is refused.

Migration, once, when the record does not exist yet: the folders the window had open
(the session file) keep the bare id as their namespace, so their existing keychain
entries keep working. The first of two such folders with the same id gets it.

Namespaces `scratch` (the scratch request) and `globals` (global variables) are never
given to a collection. Only the opener binds (`bind`); `Collection.namespace` binds on
first use with the headless rule, so a code path that forgot to bind fails closed.
"""

from __future__ import annotations

import json
import os
import re
import threading
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..storage.atomic import write_atomic
from ..storage.paths import collection_owners_file, session_file
from ..storage.scratch import SCRATCH
from .globalvars import GLOBALS
from .model import COLLECTION_FILE, CollectionError
from .yamlio import YamlSyntaxError, load_fast

if TYPE_CHECKING:
    from .model import Collection

FORMAT = 1
#: Namespaces of keychain entries that are not a collection's.
RESERVED = frozenset({SCRATCH, GLOBALS})
_LOCK = threading.Lock()


class Choice(StrEnum):
    """The person's answer when a folder presents an id another folder owns."""

    #: A different collection (a clone, a copy, a stranger's): its own secrets.
    COPY = "copy"
    #: The same collection, moved here: the secrets follow it.
    MOVED = "moved"


class OwnerConflict(CollectionError):
    """The folder's collection.yaml has an id that another folder owns on this machine."""

    def __init__(self, folder: Path, collection_id: str, owner: Path) -> None:
        super().__init__(
            f"{folder} has the id of the collection in {owner} (id {collection_id}), whose "
            "secrets on this machine belong to that folder; it was not opened. Choose "
            "whether it is a copy or that collection moved here.", folder)
        self.folder, self.collection_id, self.owner = folder, collection_id, owner


def folder_key(folder: Path | str) -> str:
    """A folder as the record knows it: its real path (links resolved, case folded
    where the file system ignores case)."""
    return os.path.normcase(os.path.realpath(folder))


def _fresh(collection_id: str) -> str:
    # The readable part cannot hold `/`: a key is `<namespace>/<place>/<field>`.
    readable = re.sub(r"[^A-Za-z0-9._-]", "_", collection_id)[:64] or "collection"
    # What secrets.token_hex does, without the libcrypto that `secrets` maps via hmac.
    return f"{readable}@{os.urandom(8).hex()}"


def _entries(data: Any, where: Path) -> list[dict[str, str]]:
    keys = ("folder", "id", "namespace")
    entries = data.get("folders") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and all(isinstance(e.get(k), str) and e[k] for k in keys)
            for e in entries):
        raise CollectionError(f"{where} is damaged (not the list of collection folders "
                              "Gatepost writes); move it away and open the collections "
                              "again: each then asks once for its secrets.", where)
    return [{k: e[k] for k in keys} for e in entries]


def _load(where: Path) -> list[dict[str, str]] | None:
    """The record, None when there is none yet."""
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise CollectionError(f"{where} cannot be read: {exc}", where) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CollectionError(f"{where} is damaged (line {exc.lineno}: {exc.msg}); move it "
                              "away and open the collections again: each then asks once "
                              "for its secrets.", where) from None
    return _entries(data, where)


def _save(where: Path, entries: list[dict[str, str]]) -> None:
    data = json.dumps({"version": FORMAT, "folders": entries}, indent=2) + "\n"
    try:
        write_atomic(where, data.encode())
    except OSError as exc:
        raise CollectionError(f"{where} could not be written ({exc.strerror or exc}), so "
                              "the collection was not opened.", where) from None


def _session_id(folder: str) -> str | None:
    """The id in a session folder's collection.yaml, read without opening the rest."""
    try:
        data = load_fast((Path(folder) / COLLECTION_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return None
    cid = data.get("id") if isinstance(data, dict) else None
    return cid if isinstance(cid, str) and cid else None


def _migrated() -> list[dict[str, str]]:
    """The record made once from the folders open in the last session: their entries,
    named by the bare id until now, stay theirs."""
    try:
        folders = json.loads(session_file().read_text(encoding="utf-8")).get("collections")
    except (OSError, ValueError, AttributeError):
        return []
    entries: list[dict[str, str]] = []
    taken: set[str] = set()
    for folder in folders if isinstance(folders, list) else []:
        cid = _session_id(folder) if isinstance(folder, str) else None
        if cid is None or cid in taken or cid in RESERVED or "/" in cid:
            continue
        taken.add(cid)
        entries.append({"folder": folder_key(folder), "id": cid, "namespace": cid})
    return entries


def claim(folder: Path | str, collection_id: str, choice: Choice | None = None,
          record: Path | None = None) -> str:
    """The keychain namespace of the collection `collection_id` in `folder`, recorded.

    OwnerConflict when another folder owns the id and `choice` does not say what this
    folder is; CollectionError when the record cannot be read or written. `record`
    defaults to `paths.collection_owners_file()`.
    """
    where = record or collection_owners_file()
    key = folder_key(folder)
    with _LOCK:
        entries = _load(where)
        if entries is None:
            # Saved at once, so that the migration happens exactly once.
            entries = _migrated()
            _save(where, entries)
        for entry in entries:
            if entry["folder"] == key and entry["id"] == collection_id:
                return entry["namespace"]
        owner = next((e for e in entries if e["id"] == collection_id), None)
        if owner is not None and choice is None:
            raise OwnerConflict(Path(folder), collection_id, Path(owner["folder"]))
        if owner is not None and choice is Choice.MOVED:
            owner["folder"] = key
            namespace = owner["namespace"]
        else:
            namespace = _fresh(collection_id)
            entries.append({"folder": key, "id": collection_id, "namespace": namespace})
        assert namespace not in RESERVED
        _save(where, entries)
        return namespace


def bind(collection: Collection, choice: Choice | None = None,
         record: Path | None = None) -> str:
    """Give `collection` its namespace (see `claim`) before any of its secrets is read;
    returns it. A collection whose collection.yaml did not parse has no id of its own:
    it gets a namespace for this session only, recorded nowhere."""
    if collection.disk.problem is not None:
        namespace = _fresh(collection.id)
    else:
        namespace = claim(collection.path, collection.id, choice, record)
    collection.namespace = namespace
    return namespace


def owners(record: Path | None = None) -> list[tuple[Path, str, str]]:
    """(folder, id, namespace) of every recorded collection, for tools and tests."""
    with _LOCK:
        entries = _load(record or collection_owners_file()) or []
    return [(Path(e["folder"]), e["id"], e["namespace"]) for e in entries]
