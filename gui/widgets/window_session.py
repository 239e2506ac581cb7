"""The scratch request and the session across restarts: what was open (collections,
tabs, environments), Sent requests opened again into Scratch. A mixin of MainWindow."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .request_tab import RequestTab

if TYPE_CHECKING:
    from ..core.exchange import Exchange
    from ..core.model import RequestSpec


class SessionMixin:
    def forget_secrets(self, scheme_id: str, confirm: bool = True) -> None:
        from PySide6.QtWidgets import QMessageBox

        if confirm and QMessageBox.question(
                self, "Forget saved secrets",
                "Remove this scheme's secrets from the system keychain and clear them "
                "here?") != QMessageBox.StandardButton.Yes:
            return
        self.scratch.editor.auth.clear_secrets(scheme_id)
        if self.persistence is not None:
            self.persistence.forget(scheme_id)

    def restore(self) -> None:
        """Bring back the last session: the scratch request (file and keychain,
        off-thread), the open collections and tabs."""
        if self.persistence is not None:
            self.persistence.restore()
        self._restore_session()

    def _restored(self, spec: RequestSpec | None, note: str, problem: str) -> None:
        scratch = self.scratch.editor
        if spec is not None and not scratch.url.text():
            scratch.set_spec(spec)
        scratch.auth.set_storage_note(note)
        if problem:
            self.statusBar().showMessage(problem)

    def save(self) -> None:
        if self.persistence is not None:
            self.persistence.save(self.scratch.editor.spec())

    def _sent(self, spec: RequestSpec, exchange: Exchange, secrets: tuple[str, ...]) -> None:
        # The spec as sent holds secret values (variables resolved): the history masks
        # these and the scheme's own secret fields.
        self.sent_requests.record(spec, exchange, secrets)
        self._keep_scratch(spec)

    def _keep_scratch(self, spec: RequestSpec) -> None:
        from ..core.serialize import spec_to_dict

        self._scratch_kept = [*self._scratch_kept[-19:], spec_to_dict(spec)]

    def scratch_edited(self) -> bool:
        """Whether Scratch holds work found nowhere else (not empty, not as last sent,
        saved or opened), which replacing it would lose."""
        from ..core.model import RequestSpec
        from ..core.serialize import spec_to_dict

        current = spec_to_dict(self.scratch.editor.spec())
        return current != spec_to_dict(RequestSpec()) and current not in self._scratch_kept

    def open_spec(self, spec: RequestSpec) -> bool:
        """A sent request opened again: into the scratch tab, ready to send. Over an
        edited Scratch it asks first; False when the person kept Scratch as it was."""
        from PySide6.QtWidgets import QMessageBox

        if self.scratch_edited():
            buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
            text = ("Scratch holds a request that is not saved anywhere. Replace it with "
                    "the one from Sent requests?")
            if self.sidebar.collections:
                buttons |= QMessageBox.StandardButton.Save
                text += " Save keeps it in a collection first."
            answer = QMessageBox.question(self, "Replace Scratch", text, buttons,
                                          QMessageBox.StandardButton.Cancel)
            if answer == QMessageBox.StandardButton.Save:
                if not self._save_scratch_into_collection(self.scratch):
                    return False
            elif answer != QMessageBox.StandardButton.Discard:
                return False
        self.tabs.setCurrentIndex(0)
        self.scratch.editor.set_spec(spec)
        self._keep_scratch(self.scratch.editor.spec())
        self.statusBar().showMessage("Opened from Sent requests (secrets are not kept "
                                     "there: fill them in again).")
        return True

    def _session_file(self):  # type: ignore[no-untyped-def]
        from ..core.paths import data_dir

        return data_dir() / "session.json"

    def _save_session(self) -> None:
        from ..core.atomic import write_atomic

        tabs = []
        for i in range(1, self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is not None:
                tabs.append(str(tab.item.path))
        data = {"collections": [str(c.path) for c in self.sidebar.collections],
                "tabs": tabs, "environments": self._environments}
        try:
            write_atomic(self._session_file(), json.dumps(data, indent=2).encode())
        except OSError as exc:
            self.statusBar().showMessage(f"The session could not be saved: {exc.strerror}")

    def _restore_session(self) -> None:
        try:
            data = json.loads(self._session_file().read_text())
        except (OSError, ValueError):
            return
        self._environments = dict(data.get("environments") or {})
        for path in data.get("collections") or []:
            self.open_collection(path)
        by_path = {str(r.path): r for c in self.sidebar.collections for r in c.requests()}
        for path in data.get("tabs") or []:
            if path in by_path:
                self.open_request(by_path[path])
        self._update_environments()
