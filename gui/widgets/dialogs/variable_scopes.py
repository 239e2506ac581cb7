"""What the Variables dialog edits, without Qt: one `Scope` per entry of its list
(globals, the collection, each environment) with its edits kept until saved, the
problems that stop a save, and the save itself through gui.core (secret values to the
keychain, `{secret: keychain}` in the files, keychain entries of secrets removed)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import deferred
from ...core.collections import manage as col
from ...core.collections.globalvars import global_key, save_globals

if TYPE_CHECKING:
    from ...core.collections.model import Collection, Environment
    from ...core.storage.keychain import SecretStore
    from ...core.variables import Variable

GLOBALS, COLLECTION, ENVIRONMENT = "globals", "collection", "environment"


@dataclass(eq=False)
class Scope:
    """One entry of the scope list and its edits, kept until saved."""

    kind: str
    name: str
    variables: list[Variable]
    #: As last saved (or as given): what the keychain may hold entries for.
    saved: list[Variable] = field(default_factory=list)
    #: The environment on disk; None for one added in this dialog and not yet saved.
    env: Environment | None = None
    deleted: bool = False

    @property
    def label(self) -> str:
        if self.kind == GLOBALS:
            return "Globals"
        if self.kind == COLLECTION:
            return f"Collection: {self.name}"
        return self.name

    @property
    def renamed(self) -> bool:
        return self.env is not None and self.env.name != self.name


def problems(scope: Scope) -> list[str]:
    """Why the scope's variables cannot be saved as they are."""
    found, seen, told = [], set(), set()
    for v in scope.variables:
        if not v.name:
            if v.value and "unnamed" not in told:
                told.add("unnamed")
                found.append(f"A variable in {scope.label} has a value but no name.")
            continue
        if v.name in seen and v.name not in told:
            told.add(v.name)
            found.append(f"The name “{v.name}” is used more than once in {scope.label}.")
        seen.add(v.name)
    return found


def notes(scope: Scope) -> list[str]:
    """What the person should know about the scope's values (not a problem): a secret
    too short to be masked inside other text (gui/core/http/masking.py's rule)."""
    shortest = deferred.masking.MIN_MASKED
    short = [v.name for v in scope.variables
             if v.secret and v.name and v.value and len(v.value.strip()) < shortest]
    if not short:
        return []
    names = ", ".join("{{" + n + "}}" for n in short)
    return [f"{names}: a secret shorter than {shortest} characters is masked only where "
            "it stands as a whole value (a header, a query or form value, a JSON string), "
            "not inside other text, where masking every match would garble records."]


def kept(variables: list[Variable]) -> list[Variable]:
    """The rows worth saving: blank ones (no name, no value) are dropped."""
    return [copy.copy(v) for v in variables if v.name or v.value]


class ScopeSaver:
    """Applies every scope's edits; `forced(path)` says the person was told a file
    changed on disk and pressed OK again (it is overwritten)."""

    def __init__(self, collection: Collection | None, store: SecretStore,
                 forced: Callable[[Any], bool]) -> None:
        self._collection, self._store, self._forced = collection, store, forced

    def save_all(self, scopes: list[Scope]) -> None:
        """Save every scope; deleted ones leave `scopes` as their files go."""
        store = self._store
        c = self._collection
        # Deletions first, so that a new or renamed environment may take a freed name.
        for scope in [s for s in scopes if s.deleted]:
            env = scope.env
            assert env is not None
            if self._forced(env.path):
                # The user was told the file changed on disk and pressed OK again.
                col.save_environment(env, force=True)
            for key in col.delete(env):
                store.delete(key)
            scopes.remove(scope)
        for scope in scopes:
            if scope.kind == GLOBALS:
                new = kept(scope.variables)
                if new != scope.saved:
                    save_globals(new, store)
                    self._forget_removed(scope, new, global_key)
            elif scope.kind == COLLECTION and c is not None:
                self._save_collection(c, scope)
            elif scope.kind == ENVIRONMENT and c is not None:
                self._save_environment(c, scope)

    def _save_collection(self, c: Collection, scope: Scope) -> None:
        new = kept(scope.variables)
        if new == scope.saved:
            return
        old, c.variables = c.variables, new
        try:
            col.save_collection(c, self._store, force=self._forced(c.settings_path))
        except BaseException:
            c.variables = old
            raise
        self._forget_removed(scope, new, lambda name: col.variable_key(c.namespace, None, name))

    def _save_environment(self, c: Collection, scope: Scope) -> None:
        if scope.env is None:
            scope.env = col.new_environment(c, scope.name)
            scope.saved = []
        env = scope.env
        if scope.renamed:
            old_name = env.name
            try:
                if self._forced(env.path):
                    col.save_environment(env, force=True)
                col.rename(env, scope.name, self._store)
            except BaseException:
                env.name = old_name  # so that a retry renames the file too
                raise
        new = kept(scope.variables)
        if new == scope.saved:
            return
        old, env.variables = env.variables, new
        try:
            col.save_environment(env, self._store, force=self._forced(env.path))
        except BaseException:
            env.variables = old
            raise
        self._forget_removed(scope, new, lambda name: col.variable_key(c.namespace, env, name))

    def _forget_removed(self, scope: Scope, new: list[Variable],
                        key: Callable[[str], str]) -> None:
        """After a save: drop the keychain entries of secrets that are no longer secret
        variables of the scope (removed, renamed, or made plain)."""
        names = {v.name for v in new if v.secret and v.name}
        for v in scope.saved:
            if v.secret and v.name and v.name not in names:
                self._store.delete(key(v.name))
        scope.saved = copy.deepcopy(new)
