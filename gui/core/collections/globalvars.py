"""Global variables: the lowest scope, shared by every collection, in the data folder.

`data_dir()/globals.yaml` has the environment file's schema (docs/collections.md); secret
values are in the keychain under `secret_key("globals", "globals", "var/<name>")`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..storage.atomic import write_atomic
from ..storage.keychain import secret_key
from ..storage.paths import data_dir
from ..variables import Variable
from ..watch import note
from . import schema
from .model import CollectionError, LoadProblem
from .yamlio import YamlSyntaxError, dump, load_fast

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore

GLOBALS = "globals"


def globals_file() -> Path:
    return data_dir() / "globals.yaml"


def global_key(name: str) -> str:
    return secret_key(GLOBALS, GLOBALS, f"var/{name}")


def load_globals(store: SecretStore | None = None) -> tuple[list[Variable], LoadProblem | None]:
    """The global variables (secret values from `store` when given), and the problem
    with the file if it does not parse (then the list is empty and saving refuses)."""
    path = globals_file()
    try:
        data = load_fast(path.read_text(encoding="utf-8"))
        env = schema.read_environment(data if data is not None else {}, path)
    except FileNotFoundError:
        return [], None
    except (OSError, UnicodeDecodeError) as exc:
        return [], LoadProblem(path, None, f"cannot be read: {exc}")
    except (YamlSyntaxError, schema.SchemaError) as exc:
        return [], LoadProblem(path, getattr(exc, "line", None), str(exc))
    if store is not None:
        for v in env.variables:
            if v.secret and v.name:
                v.value = store.get(global_key(v.name)) or ""
    return env.variables, None


def save_globals(variables: list[Variable], store: SecretStore | None = None) -> None:
    """Write the globals (secrets as markers; their values to `store` when given).
    Refuses to replace a globals file that does not parse."""
    path = globals_file()
    if path.exists() and load_globals()[1] is not None:
        raise CollectionError(f"{path} does not parse, so it is left as it is. Fix it by "
                              "hand first.", path)
    if store is not None:
        for v in variables:
            if v.secret and v.name and v.value and store.get(global_key(v.name)) != v.value:
                store.set(global_key(v.name), v.value)
    data = {"name": "Globals", "variables": schema.variables_data(variables)}
    note("globals write")
    try:
        write_atomic(path, dump(data).encode("utf-8"))
    except OSError as exc:
        raise CollectionError(f"{path} could not be saved: {exc.strerror or exc}",
                              path) from exc
