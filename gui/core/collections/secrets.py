"""Where a collection's secrets live in the keychain, and moving them in and out.

Keys are `secret_key(collection.namespace, place, field)` (gui/core/storage/keychain.py): the
namespace this machine gave the collection's folder (gui/core/collections/owners.py), never the
id from collection.yaml, which any folder can copy.

- auth of the collection: place `collection/auth/<scheme>`, of a folder
  `folders/<folder id>/auth/<scheme>`, of a request `requests/<request id>/auth/<scheme>`;
  ids, not paths, so that renaming or moving a request keeps its secrets;
- a secret variable: place `collection` or `env/<environment slug>`, field `var/<name>`.

Storing never deletes: a value that is empty in memory may simply not have been read
from the keychain yet. Deleting is explicit (`delete` returns the keys to offer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import deferred
from ..auth import AuthError, get, schemes
from ..storage.keychain import secret_key
from ..storage.scratch import load_auth_secrets
from ..variables import Variable
from .model import Collection, Environment, Folder, RequestItem, collection_of

if TYPE_CHECKING:
    from ..model import AuthConfig
    from ..storage.keychain import SecretStore

Owner = Collection | Folder | RequestItem


def _auth_of(obj: Owner) -> AuthConfig:
    return obj.spec.auth if isinstance(obj, RequestItem) else obj.auth


def _base(obj: Owner) -> str | None:
    if isinstance(obj, Collection) or (isinstance(obj, Folder) and obj.collection is not None):
        return "collection"
    if obj.id is None:
        return None
    return f"{'requests' if isinstance(obj, RequestItem) else 'folders'}/{obj.id}"


def ensure_id(obj: Folder | RequestItem) -> str:
    """The object's id, made now if its file has none (written at its next save)."""
    if obj.id is None:
        obj.id = deferred.uuid.uuid4().hex
    return obj.id


def auth_place(obj: Owner, scheme: str | None = None) -> str:
    """The keychain place of the auth secrets of a collection, folder or request."""
    if isinstance(obj, Folder | RequestItem) and _base(obj) is None:
        ensure_id(obj)
    return f"{_base(obj)}/auth/{scheme or _auth_of(obj).scheme}"


def variable_place(env: Environment | None) -> str:
    """The keychain place of secret variables: the collection's, or an environment's."""
    return "collection" if env is None else f"env/{env.slug}"


def variable_key(namespace: str, env: Environment | None, name: str) -> str:
    """The key of a secret variable; `namespace` is `Collection.namespace`."""
    return secret_key(namespace, variable_place(env), f"var/{name}")


def _auth_keys(obj: Owner, namespace: str) -> list[str]:
    if _base(obj) is None:
        return []
    return [secret_key(namespace, auth_place(obj, s.id), name)
            for s in schemes().values() for name in s.secret_names()]


def _variable_keys(namespace: str, env: Environment | None, variables: list[Variable]) -> list[str]:
    return [variable_key(namespace, env, v.name) for v in variables if v.secret and v.name]


def secret_keys(obj: Owner | Environment) -> list[str]:
    """Every keychain key that may belong to `obj` (and, for a folder, all it holds):
    the secret fields of every auth scheme at its place, and its secret variables."""
    c = collection_of(obj)
    if isinstance(obj, Environment):
        return _variable_keys(c.namespace, obj, obj.variables)
    keys = _auth_keys(obj, c.namespace)
    if isinstance(obj, Collection):
        keys += _variable_keys(c.namespace, None, obj.variables)
        for env in obj.environments:
            keys += _variable_keys(c.namespace, env, env.variables)
        obj = obj.root
    if isinstance(obj, Folder):
        for child in obj.walk():
            keys += _auth_keys(child, c.namespace)
    return keys


def fill_secrets(obj: Owner | Environment, store: SecretStore) -> None:
    """Fill empty secret values of `obj` from the keychain (a collection: its auth, its
    variables and every environment's). Keychain reads may block: not on the GUI thread."""
    c = collection_of(obj)
    if isinstance(obj, Environment | Collection):
        env = obj if isinstance(obj, Environment) else None
        for v in obj.variables:
            if v.secret and v.name and not v.value:
                v.value = store.get(variable_key(c.namespace, env, v.name)) or ""
        if isinstance(obj, Environment):
            return
        for env in obj.environments:
            fill_secrets(env, store)
    if _base(obj) is not None:
        load_auth_secrets(_auth_of(obj), store, c.namespace, auth_place(obj))


def store_secrets(obj: Owner | Environment, store: SecretStore) -> None:
    """Put the non-empty secret values of `obj` in the keychain (not its children's)."""
    store_pairs(secret_pairs(obj), store)


def store_pairs(pairs: list[tuple[str, str]], store: SecretStore) -> None:
    """Keychain writes of `secret_pairs`, skipping the values already there: a worker's
    job (they block on D-Bus)."""
    for key, value in pairs:
        if store.get(key) != value:
            store.set(key, value)


def secret_pairs(obj: Owner | Environment) -> list[tuple[str, str]]:
    """(keychain key, value) of the non-empty secret values of `obj` (not its
    children's). No keychain access; a folder or request without an id gets one now,
    which its next save writes."""
    c = collection_of(obj)
    pairs: list[tuple[str, str]] = []
    if isinstance(obj, Environment | Collection):
        env = obj if isinstance(obj, Environment) else None
        pairs += [(variable_key(c.namespace, env, v.name), v.value) for v in obj.variables
                  if v.secret and v.name and v.value]
    if not isinstance(obj, Environment):
        config = _auth_of(obj)
        try:
            names = get(config.scheme).secret_names()
        except AuthError:
            names = []
        pairs += [(secret_key(c.namespace, auth_place(obj), n), str(config.values[n]))
                  for n in names if config.values.get(n)]
    return pairs
