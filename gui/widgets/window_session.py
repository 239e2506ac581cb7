"""The scratch request and the session across restarts: what was open (collections,
tabs, environments), Sent requests opened again into Scratch. A mixin of MainWindow."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from .. import deferred, tasks
from ..core.model import RequestSpec
from ..core.storage.paths import session_file
from ..core.watch import note
from ..frame import place, read_session
from . import theme
from .request.tab import RequestTab
from .window_io import COLLECTIONS

if TYPE_CHECKING:
    from ..core.http.exchange import Exchange


def _write_session(payload: bytes) -> None:
    note("session write")
    deferred.atomic.write_atomic(session_file(), payload)


def _sizes(value: object) -> list[int] | None:
    if isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, int) and v >= 0 for v in value) and sum(value) > 0:
        return list(value)
    return None


def _paths(value: object) -> list[str]:
    """The paths in a list from the session file; anything else in it is left out."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class SessionMixin:
    #: The request tabs' editor/response split the person chose last (new tabs take it).
    request_split: list[int] | None = None
    #: Scratch's file is being read (`restore`): until it is, Scratch holds nothing of
    #: the person's, and saving it would overwrite the file with an empty request.
    _scratch_restoring = False
    #: The session being restored: True until its file is read, then its data, until
    #: its collections and tabs are back. A window closed meanwhile keeps what it names.
    _session_restoring: bool | dict = False

    def restore_layout(self, data: dict) -> None:
        """Window geometry, the sidebar's width and the editor/response split, before
        the first paint. A geometry from a bigger or absent screen is brought back."""

        place(self.window(), data)  # the frame in the app, this window in tests
        sizes = _sizes(data.get("sidebar"))
        if sizes:
            self.split.setSizes(sizes)
        self.request_split = _sizes(data.get("request_split"))
        if self.request_split:
            for i in range(self.tabs.count()):
                self.tabs.widget(i).set_split(self.request_split)
        if data.get("left_pane") == 1:
            self.left.setCurrentIndex(1)

    def remember_split(self, sizes: list[int]) -> None:
        self.request_split = list(sizes)

    def forget_secrets(self, scheme_id: str, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, "Forget saved secrets",
                "Remove this scheme's secrets from the system keychain and clear them "
                "here?") != QMessageBox.StandardButton.Yes:
            return
        self.scratch.editor.auth.clear_secrets(scheme_id)
        if self.persistence is not None:
            self.persistence.forget(scheme_id)

    def restore(self, session: dict | None = None) -> None:
        """Bring back the last session: the scratch request (file and keychain) and the
        open collections and tabs, read in workers (`wait_for_collections` in tests).
        `session`: the session file's data, when the caller has read it already
        (gui/launch.py); else it is read here, in a worker."""
        if self.persistence is not None:
            self._scratch_restoring = True
            self.persistence.restore()
        if session is None:
            self._restore_session()
        else:
            self._session_read(session)

    @staticmethod
    def request_in_front(session: dict) -> bool:
        """Whether restoring `session` puts a request's tab in front rather than
        Scratch (`_restore_tabs`: "current", else the last tab)."""
        current = session.get("current")
        return isinstance(current, str) or (
            "current" not in session and bool(_paths(session.get("tabs"))))

    def _restored(self, spec: RequestSpec | None, note: str, problem: str) -> None:
        self._scratch_restoring = False
        # Into Scratch's editor once it exists: behind a restored tab, when first shown.
        if spec is not None and not self.scratch.built:
            self.scratch.method_hint = spec.method
            self._retitle(self.scratch)
        self.scratch.when_built(lambda: self._restore_scratch(spec, note))
        if problem:
            self.statusBar().showMessage(problem)

    def _restore_scratch(self, spec: RequestSpec | None, note: str) -> None:
        scratch = self.scratch.editor
        if spec is not None and not scratch.url.text():
            scratch.set_spec(spec)
        if note:  # "": the keychain was not needed; the Auth tab asks when it is
            scratch.auth.set_storage_note(note)

    def save(self) -> None:
        # A Scratch never shown holds what its file holds, one not restored yet nothing
        # of the person's: nothing to write.
        if self.persistence is not None and self.scratch.built and \
                not self._scratch_restoring:
            self.persistence.save(self.scratch.editor.spec())

    def _sent(self, spec: RequestSpec, exchange: Exchange, secrets: tuple[str, ...]) -> None:
        # The spec as sent holds secret values (variables resolved): the history masks
        # these and the scheme's own secret fields.
        self.sent_requests.record(spec, exchange, secrets)
        self._keep_scratch(spec)

    def _keep_scratch(self, spec: RequestSpec) -> None:
        self._scratch_kept = [*self._scratch_kept[-19:], deferred.serialize.spec_to_dict(spec)]

    def scratch_edited(self) -> bool:
        """Whether Scratch holds work found nowhere else (not empty, not as last sent,
        saved or opened), which replacing it would lose."""

        current = deferred.serialize.spec_to_dict(self.scratch.editor.spec())
        return (current != deferred.serialize.spec_to_dict(RequestSpec())
                and current not in self._scratch_kept)

    def open_spec(self, spec: RequestSpec) -> bool:
        """A sent request opened again: into the scratch tab, ready to send. Over an
        edited Scratch it asks first; False when the person kept Scratch as it was."""

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

    def _save_session(self) -> None:
        tabs = []
        for i in range(1, self.tabs.count()):
            tab = self.tabs.widget(i)
            if isinstance(tab, RequestTab) and tab.item is not None:
                tabs.append(str(tab.item.path))

        current = self.tab.item
        opened = {"collections": [str(c.path) for c in self.sidebar.collections],
                  "tabs": tabs, "environments": self._environments,
                  "current": str(current.path) if current is not None else None}
        restoring = self._session_restoring
        if restoring is True:
            return  # closed before the last session's file was read: it stays as it is
        if isinstance(restoring, dict):
            # Closed before its collections were back: what it named, not an empty list.
            opened = {key: restoring.get(key, opened[key]) for key in opened}
        data = {**opened, "appearance": theme.mode(),
                "geometry": bytes(self.window().saveGeometry().toBase64()).decode("ascii"),
                "sidebar": self.split.sizes(), "request_split": self.request_split,
                "left_pane": self.left.currentIndex()}
        payload = json.dumps(data, indent=2).encode()
        try:
            # Written in a worker while the closing window keeps painting (a slow disk).
            tasks.call(lambda _task: _write_session(payload), COLLECTIONS)
        except OSError as exc:
            self.statusBar().showMessage(f"The session could not be saved: {exc.strerror}")

    def _restore_session(self) -> None:
        """The session file is read in a worker, in the lane that then reads the
        collections it names (`wait_for_collections` covers both)."""
        self._opening += 1
        self._session_restoring = True

        def done(data: dict) -> None:
            self._opening -= 1
            self._session_read(data)

        def error(_exc: BaseException) -> None:
            self._opening -= 1
            if not self._gone():
                self._session_is_back()

        tasks.run(lambda _task: read_session(), done, error,
                  lane_name=COLLECTIONS)

    def _session_read(self, data: dict) -> None:
        if self._gone():
            return
        if data:
            self._session_restoring = data
            self._restore_from(data)
        else:
            self._session_is_back()

    def _restore_from(self, data: dict) -> None:
        environments = data.get("environments")
        self._environments = {k: v for k, v in environments.items() if isinstance(k, str)
                              and isinstance(v, str)} if isinstance(environments, dict) else {}
        # Read in a worker: the window stays responsive while a large collection loads;
        # one that cannot be opened is named, and the rest are restored.
        self.open_collections_later(_paths(data.get("collections")),
                                    lambda _opened, failed: self._restore_tabs(data, failed),
                                    quiet=True)

    def _restore_tabs(self, data: dict, not_opened: list[str]) -> None:
        by_path = {str(r.path): r for c in self.sidebar.collections for r in c.requests()}
        last = None
        for path in _paths(data.get("tabs")):
            if path in by_path:
                # Behind: only the tab in front is built now (RequestTab's `lazy`).
                last = self.open_request(by_path[path], behind=True)
        current = data.get("current")
        if isinstance(current, str) and current in by_path:
            self.open_request(by_path[current])
        elif "current" in data and current is None:
            self.tabs.setCurrentIndex(0)  # Scratch was the tab in front
        elif last is not None:
            self.tabs.setCurrentWidget(last)  # a session without "current": the last one
        self._update_environments()
        if not_opened:
            self.statusBar().showMessage("Not reopened: " + "; ".join(not_opened))
        self._session_is_back()

    def _session_is_back(self) -> None:
        self._session_restoring = False
        self.session_restored.emit()
