"""The request open in the window, kept across restarts (until collections hold it).

Secrets are not in the file: they are in the keychain, under `secret_key(SCRATCH,
auth_place(scheme), field)`, which is also where `gatepost send --auth-field X=keyring`
looks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..auth import AuthError, get
from ..model import AuthConfig, RequestSpec
from ..serialize import FormatError, spec_from_dict, spec_to_dict
from .atomic import write_atomic
from .keychain import secret_key
from .paths import current_request_file

if TYPE_CHECKING:
    from .keychain import SecretStore

#: The keychain namespace of the request that is not in any collection; never given to
#: a collection (gui/core/collections/owners.py RESERVED).
SCRATCH = "scratch"


def auth_place(scheme_id: str) -> str:
    return f"current/auth/{scheme_id}"


def save_current(spec: RequestSpec, path: Path | None = None) -> None:
    data = json.dumps(spec_to_dict(spec), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path or current_request_file(), data.encode())


def load_current(path: Path | None = None) -> RequestSpec | None:
    """The saved request, None when there is none; FormatError when it is damaged."""
    path = path or current_request_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return spec_from_dict(json.loads(text))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path} does not parse at line {exc.lineno}: {exc.msg}") from None
    except FormatError as exc:
        raise FormatError(f"{path}: {exc}") from None


def _secret_fields(config: AuthConfig, namespace: str,
                   place: str | None) -> list[tuple[str, str]]:
    """(field name, keychain key) of each secret field of the config's scheme."""
    try:
        names = get(config.scheme).secret_names()
    except AuthError:
        return []
    place = place or auth_place(config.scheme)
    return [(name, secret_key(namespace, place, name)) for name in names]


def load_auth_secrets(config: AuthConfig, store: SecretStore, namespace: str = SCRATCH,
                      place: str | None = None) -> None:
    """Fill the config's empty secret fields from the keychain, in place. `namespace`:
    SCRATCH, or a collection's `Collection.namespace` (never its id)."""
    for name, key in _secret_fields(config, namespace, place):
        if not config.values.get(name):
            value = store.get(key)
            if value is not None:
                config.values[name] = value


def store_auth_secrets(config: AuthConfig, store: SecretStore, namespace: str = SCRATCH,
                       place: str | None = None) -> None:
    """Put the config's secret fields in the keychain; an emptied field is removed."""
    for name, key in _secret_fields(config, namespace, place):
        value = config.values.get(name)
        if value:
            if store.get(key) != value:
                store.set(key, str(value))
        else:
            store.delete(key)
