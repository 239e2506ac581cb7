"""Keep the window's request across restarts: the file in the data folder, secrets in
the keychain. Keychain calls can block on D-Bus, so they run in a worker thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:
    from .core.model import RequestSpec
    from .core.secrets import SecretStore


def storage_note(store: SecretStore) -> str:
    if store.problem:
        return store.problem
    return "Secret fields are stored in your system keychain, never in files."


class _Task(QRunnable):
    def __init__(self, fn) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self._fn = fn

    def run(self) -> None:
        self._fn()


class Persistence(QObject):
    #: (the saved request or None, a note on where secrets are stored, a problem or "")
    restored = Signal(object, str, str)
    saved = Signal(str)

    def __init__(self, store: SecretStore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # saves happen in order

    def store(self) -> SecretStore:
        if self._store is None:
            from .core.secrets import SecretStore

            self._store = SecretStore()
        return self._store

    def restore(self) -> None:
        def work() -> None:
            from .core.paths import current_request_file
            from .core.serialize import FormatError
            from .core.state import load_auth_secrets, load_current

            problem = ""
            try:
                spec = load_current()
            except (FormatError, OSError) as exc:
                spec, problem = None, f"The saved request could not be read: {exc}"
                # Keep the damaged file for the user rather than overwrite it later.
                damaged = current_request_file()
                kept = damaged.with_name(damaged.name + ".damaged")
                try:
                    damaged.replace(kept)
                    problem += f" It was kept as {kept}."
                except OSError:
                    pass
            store = self.store()
            if spec is not None:
                load_auth_secrets(spec.auth, store)
            self.restored.emit(spec, storage_note(store), problem)

        self.pool.start(_Task(work))

    def save(self, spec: RequestSpec) -> None:
        def work() -> None:
            from .core.state import save_current, store_auth_secrets

            problem = ""
            try:
                save_current(spec)
            except OSError as exc:
                problem = f"The request could not be saved: {exc.strerror}"
            store_auth_secrets(spec.auth, self.store())
            self.saved.emit(problem or storage_note(self.store()))

        self.pool.start(_Task(work))

    def forget(self, scheme_id: str) -> None:
        """Remove the keychain entries of the window's request for this scheme."""
        def work() -> None:
            from .core.auth import get
            from .core.secrets import secret_key
            from .core.state import SCRATCH, auth_place

            scheme = get(scheme_id)
            for name in scheme.secret_names():
                self.store().delete(secret_key(SCRATCH, auth_place(scheme_id), name))
            if any(a.name == "clear" for a in scheme.actions):
                # What the scheme keeps beyond its fields (OAuth 2 tokens) goes too.
                from .core.auth import AuthContext

                scheme.run_action("clear", {}, AuthContext(self.store(), SCRATCH,
                                                           auth_place(scheme_id)))
            self.saved.emit(storage_note(self.store()))

        self.pool.start(_Task(work))

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
