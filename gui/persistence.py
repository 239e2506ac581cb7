"""Keep the window's request across restarts: the file in the data folder, secrets in
the keychain. Keychain calls can block on D-Bus, so they run in a worker thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from . import deferred, tasks
from .core.storage.keychain import SecretStore, secret_key
from .core.storage.paths import current_request_file

if TYPE_CHECKING:
    from .core.model import RequestSpec


def storage_note(store: SecretStore) -> str:
    if store.problem:
        return store.problem
    return "Secret fields are stored in your system keychain, never in files."


#: Saves, restores and forgets of the scratch request run one at a time, in order.
LANE = "scratch"


def _has_secret_fields(spec: RequestSpec) -> bool:
    try:
        return bool(deferred.auth.get(spec.auth.scheme).secret_names())
    except deferred.auth.AuthError:
        return False


class Persistence(QObject):
    #: (the saved request or None, a note on where secrets are stored, a problem or "")
    restored = Signal(object, str, str)
    saved = Signal(str)

    def __init__(self, store: SecretStore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store

    def store(self) -> SecretStore:
        if self._store is None:
            self._store = SecretStore()
        return self._store

    def restore(self) -> None:
        def work(_task: tasks.Task[tuple]) -> tuple:
            problem = ""
            try:
                spec = deferred.scratch.load_current()
            except (deferred.serialize.FormatError, OSError) as exc:
                spec, problem = None, f"The saved request could not be read: {exc}"
                # Keep the damaged file for the user rather than overwrite it later.
                damaged = current_request_file()
                kept = damaged.with_name(damaged.name + ".damaged")
                try:
                    damaged.replace(kept)
                    problem += f" It was kept as {kept}."
                except OSError:
                    pass
            if spec is None or not _has_secret_fields(spec):
                # Nothing to read: the keychain (keyring and its D-Bus stack, ~11 MiB)
                # is not even loaded. The Auth tab asks for the note when it needs it.
                return spec, "", problem
            store = self.store()
            deferred.scratch.load_auth_secrets(spec.auth, store)
            return spec, storage_note(store), problem

        def failed(exc: BaseException) -> None:
            # Said, and the window told its restore is over (it saves Scratch again).
            self.restored.emit(None, "", f"The saved request could not be read: {exc}")

        tasks.run(work, lambda result: self.restored.emit(*result), failed, lane_name=LANE)

    def save(self, spec: RequestSpec) -> None:
        def work(_task: tasks.Task[str]) -> str:
            problem = ""
            try:
                deferred.scratch.save_current(spec)
            except OSError as exc:
                problem = f"The request could not be saved: {exc.strerror}"
            deferred.scratch.store_auth_secrets(spec.auth, self.store())
            return problem or storage_note(self.store())

        tasks.run(work, self.saved.emit, lane_name=LANE)

    def forget(self, scheme_id: str) -> None:
        """Remove the keychain entries of the window's request for this scheme."""
        def work(_task: tasks.Task[str]) -> str:
            scheme = deferred.auth.get(scheme_id)
            scratch, place = deferred.scratch.SCRATCH, deferred.scratch.auth_place(scheme_id)
            for name in scheme.secret_names():
                self.store().delete(secret_key(scratch, place, name))
            if any(a.name == "clear" for a in scheme.actions):
                # What the scheme keeps beyond its fields (OAuth 2 tokens) goes too.
                scheme.run_action("clear", {},
                                  deferred.auth.AuthContext(self.store(), scratch, place))
            return storage_note(self.store())

        tasks.run(work, self.saved.emit, lane_name=LANE)

    def wait(self, msecs: int = 5000) -> bool:
        return tasks.wait(LANE, msecs)
