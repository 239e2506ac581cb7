"""One open request: its editor over its response, and its send/cancel cycle.

A tab edits either the scratch request (kept across restarts, not in any collection) or
a request of a collection (`item`); the window decides how a spec is prepared for
sending (variables, inherited headers and auth) through `prepare`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ... import deferred
from ...worker import SendJob
from ..empty_state import EmptyState
from .editor import RequestEditor

if TYPE_CHECKING:
    from ...core.collections.model import RequestItem
    from ...core.http.exchange import Exchange
    from ...core.model import AuthConfig, RequestSpec
    from ...core.present import Presentation
    from ...core.tls.config import TlsSettings
    from ...worker import Dispatcher
    from ..response.view import ResponseView

#: (the spec as edited) -> (the spec to send, secret values to mask, the AuthContext for
#: schemes that keep tokens or None); raises PrepareError with a message for the user.
Prepare = Callable[["RequestSpec"], "tuple[RequestSpec, tuple[str, ...], Any]"]


#: Editor and response heights at first (scaled to the room there is).
DEFAULT_SPLIT = (230, 470)


class PrepareError(Exception):
    """The request cannot be sent as it is (e.g. an unknown variable); says why."""


class _Reading:
    """A send waiting for its secrets to be read: the tab is busy, Cancel stops it."""


class RequestTab(QWidget):
    #: A message for the window's status bar.
    status = Signal(str)
    #: (the spec that was sent, its exchange, secrets to mask): for the sent-requests list.
    sent = Signal(object, object, object)
    #: The title or the unsaved mark changed.
    title_changed = Signal()
    #: The person moved the editor/response split (the sizes): new tabs take it.
    split_moved = Signal(object)
    #: Reload (the bar that says the file changed on disk): the window reads it again.
    reload_requested = Signal()

    def __init__(self, dispatcher: Dispatcher, item: RequestItem | None = None,
                 prepare: Prepare | None = None, parent: QWidget | None = None,
                 lazy: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("requestTab")
        self.item = item
        self.prepare = prepare
        #: The certificates of the request's collection (gui/core/collections/tls.py), or None.
        self.tls_provider: Callable[[], TlsSettings | None] | None = None
        #: The send in flight: its job, or _Reading while its secrets are read.
        self.job: SendJob | _Reading | None = None
        #: Before a send: `before_send(resume)` is True when the request's secrets are
        #: at hand, else False and it reads them (the window does, in a worker) and
        #: calls `resume` once they are. None: nothing to read.
        self.before_send: Callable[[Callable[[], None]], bool] | None = None
        #: Whether the item's own secrets from the keychain are in the editor (they are
        #: read when first needed, not when the tab opens).
        self.secrets_read = False
        self.last_exchange: Exchange | None = None
        #: The secret values the last exchange was masked with, and when it was sent:
        #: what Save as HAR… needs.
        self.last_secrets: tuple[str, ...] = ()
        self.last_started: Any = None
        self._dispatcher = dispatcher
        self._saved: dict | None = None
        #: The Tests tab as last loaded or saved (assertions and captures are the item's).
        self._saved_tests: tuple = ((), ())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Built the first time the file changes on disk: hidden until then, yet about
        # 60 KiB in each tab (issue 17.2).
        self._changed_bar: QWidget | None = None
        dispatcher.done.connect(self._finished)
        dispatcher.progress.connect(self._progress)
        dispatcher.events.connect(self._events)
        self._editor: RequestEditor | None = None
        self._response: ResponseView | None = None
        self._split = list(DEFAULT_SPLIT)
        self._on_built: list[Callable[[], Any]] = []
        #: A Scratch tab not built yet: the method it will show (its file's, once read).
        self.method_hint = "GET"
        # A lazy tab (one a session reopens behind the tab in front) builds its editor
        # when first shown or used: each built tab holds about 1 MiB of widgets, which a
        # tab never looked at would keep for nothing (issue 17.2).
        if not lazy:
            self._build()

    @property
    def changed_bar(self) -> QWidget:
        """The bar over the editor that says the file changed on disk (hidden)."""
        if self._changed_bar is None:
            bar = self._changed_bar = QWidget(objectName="changedOnDiskBar")
            row = QHBoxLayout(bar)
            row.setContentsMargins(6, 2, 6, 2)
            reload = QPushButton("Reload", objectName="reloadButton",
                                 accessibleName="Reload the request from disk")
            keep = QPushButton("Keep mine", objectName="keepMineButton",
                               accessibleName="Keep my version")
            row.addWidget(QLabel("This request changed on disk."), 1)
            row.addWidget(reload)
            row.addWidget(keep)
            reload.clicked.connect(self.reload_requested)
            keep.clicked.connect(bar.hide)
            bar.hide()
            self.layout().insertWidget(0, bar)
        return self._changed_bar

    @property
    def reload_button(self) -> QPushButton:
        return self.changed_bar.findChild(QPushButton, "reloadButton")

    @property
    def keep_button(self) -> QPushButton:
        return self.changed_bar.findChild(QPushButton, "keepMineButton")

    def hide_changed(self) -> None:
        if self._changed_bar is not None:
            self._changed_bar.hide()

    @property
    def editor(self) -> RequestEditor:
        if self._editor is None:
            self._build()
        assert self._editor is not None
        return self._editor

    @property
    def built(self) -> bool:
        """Whether the editor exists (a lazy tab's is built when first shown or used)."""
        return self._editor is not None

    def when_built(self, then: Callable[[], Any]) -> None:
        """Call `then` once the editor exists: now, or when the tab builds it."""
        if self._editor is not None:
            then()
        else:
            self._on_built.append(then)

    def method(self) -> str:
        """The request's method as edited (as loaded while the tab is not built)."""
        if self._editor is not None:
            return self.editor.method.currentText()
        return self.item.spec.method if self.item is not None else self.method_hint

    def showEvent(self, event: Any) -> None:
        if self._editor is None:
            self._build()
        super().showEvent(event)

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical, objectName="mainSplitter")
        self._editor = RequestEditor()
        # The response area is built when it is first needed: a label paints faster
        # than five tabs of views, and start-up is a benchmark target.
        self._placeholder = EmptyState(
            "responsePlaceholder", "send", "No response yet",
            "Send the request to see its response here: every hop, redirects and auth "
            f"challenges included.<br><br><b>{_keys('Ctrl+Return')}</b> send · "
            f"<b>{_keys('Ctrl+L')}</b> the URL · <b>{_keys('Ctrl+P')}</b> go to a request")
        self._splitter = splitter
        splitter.addWidget(self.editor)
        splitter.addWidget(self._placeholder)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        # The response gets the larger share: that is what a person reads.
        splitter.setSizes(self._split)
        splitter.splitterMoved.connect(lambda *_: self.split_moved.emit(splitter.sizes()))
        self.layout().addWidget(splitter)
        if self.isVisible():  # built while shown: at once, not at the next event
            splitter.show()
        self._editor.send_requested.connect(self.send_or_cancel)
        self._editor.edited.connect(self.title_changed)
        if self.item is not None:
            self.load(self.item.spec)
        callbacks, self._on_built = self._on_built, []
        for then in callbacks:
            then()

    @property
    def response(self) -> ResponseView:
        if self._editor is None:
            self._build()
        if self._response is None:
            self._response = deferred.response_view.ResponseView()
            sizes = self._splitter.sizes()
            self._splitter.replaceWidget(1, self._response)
            self._placeholder.deleteLater()
            self._response.har_requested.connect(self.save_har)
            self._response.python_requested.connect(self.copy_python)
            self._splitter.setSizes(sizes)
        return self._response

    # -- export ----------------------------------------------------------------------------

    def save_har(self, path: Any = None) -> Any:
        """Save as HAR…: the last exchange, masked with this request's secrets."""
        if self.last_exchange is None or not self.last_exchange.hops:
            self.status.emit("Nothing sent yet: send the request, then save its exchange.")
            return None
        return deferred.export_actions.save_har(self, self.last_exchange, self.last_secrets,
                                                self.last_started, self.status.emit, path)

    def copy_python(self) -> str:
        """Copy as Python (httpx): the request as edited, variables left as references."""
        actions = deferred.export_actions
        script = actions.copy_python(actions.as_saved(self.editor.spec(), self.item),
                                     self.last_secrets)
        self.status.emit("Copied the request as a Python script (httpx); secrets are read "
                         "from environment variables, named at its top.")
        return script

    # -- identity and unsaved changes ------------------------------------------------------

    def title(self) -> str:
        name = self.item.name if self.item is not None else "Scratch"
        return ("● " if self.dirty() else "") + name

    def load(self, spec: RequestSpec) -> None:
        self.editor.set_spec(spec)
        self.secrets_read = False
        if self.item is not None:
            self.editor.tests.set_checks(self.item.assertions, self.item.captures)
        self._saved = deferred.serialize.spec_to_dict(self.editor.spec())
        self._saved_tests = self.editor.tests.snapshot()
        self.title_changed.emit()

    def mark_saved(self) -> None:
        self._saved = deferred.serialize.spec_to_dict(self.editor.spec())
        self._saved_tests = self.editor.tests.snapshot()
        self.title_changed.emit()

    def add_secrets(self, auth: AuthConfig) -> None:
        """The item's secret values, read from the keychain after the tab opened: shown
        where a field is still empty, and not an unsaved change (`auth` is the item's
        saved auth, filled)."""
        self.editor.auth.add_secrets(auth)
        self.secrets_read = True
        saved = self._saved.get("auth") if self._saved is not None else None
        if saved is not None and saved.get("scheme") == auth.scheme:
            saved.update(deferred.serialize.auth_to_dict(auth))

    def dirty(self) -> bool:
        if self.item is None or self._saved is None or self._editor is None:
            return False

        return deferred.serialize.spec_to_dict(self.editor.spec()) != self._saved or \
            self.editor.tests.snapshot() != self._saved_tests

    # -- sending ---------------------------------------------------------------------------

    def set_split(self, sizes: list[int]) -> None:
        """The editor/response heights (the person's last choice, from the window)."""
        self._split = list(sizes)
        if self._editor is not None:
            self._splitter.setSizes(sizes)

    def send_or_cancel(self) -> None:
        if self.job is not None:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        if isinstance(self.job, _Reading):
            return
        if self.before_send is not None:
            reading = _Reading()
            if not self.before_send(lambda: self._resume(reading)):
                self.job = reading
                self.editor.set_running(True)
                self.status.emit("Reading the request's secrets…")
                return
        self._send()

    def _resume(self, reading: _Reading) -> None:
        if self.job is not reading:
            return  # cancelled meanwhile
        self.job = None
        self.editor.set_running(False)
        self._send()

    def _send(self) -> None:
        spec = self.editor.spec()
        secrets: tuple[str, ...] = ()
        context = None
        if self.prepare is not None:
            try:
                spec, secrets, context = self.prepare(spec)
            except PrepareError as exc:
                self.editor.show_problems(str(exc))
                self.status.emit("Not sent: fix the request first.")
                return
        problems = deferred.validate.check(spec)
        if problems:
            self.editor.show_problems(problems)
            self.status.emit("Not sent: fix the request first.")
            return
        self.editor.clear_problems()
        self.start(spec, secrets, context)

    def start(self, spec: RequestSpec, secrets: tuple[str, ...] = (),
              context: Any = None) -> None:
        tls = self.tls_provider() if self.tls_provider is not None else None
        job = SendJob(spec, secrets, context, tls, self._collection_proxy())
        self.job = job
        self.editor.set_running(True)
        self.response.show_sending(spec.method, spec.url)
        self.status.emit("Sending…")
        job.start(self._dispatcher)

    def _collection_proxy(self) -> Any:
        """The proxy of the request's collection (None: the global one); no keychain
        read here, the worker reads the password."""
        if self.item is None:
            return None

        try:
            return deferred.workspace.Workspace.collection_proxy(self.item)
        except deferred.collection_model.CollectionError:
            return None  # the request left its collection (deleted): sent as scratch

    def cancel(self) -> None:
        """Stop the request in flight; the tab is free again at once. A streaming
        response is stopped instead: what arrived stays on screen."""
        job = self.job
        if job is None:
            return
        if isinstance(job, _Reading):
            self.job = None
            self.editor.set_running(False)
            self.status.emit("Cancelled.")
            return
        job.cancel()
        if job.streaming:
            job.stopped = True
            self.status.emit("Stopping the stream…")
            return
        self.job = None
        self.editor.set_running(False)
        self.response.show_cancelled()
        self.status.emit("Cancelled.")

    def _progress(self, job: SendJob, received: int, total: int | None, rate: float) -> None:
        if job is self.job:
            self.response.show_progress(received, total, rate)

    def _events(self, job: SendJob, chunk: bytes) -> None:
        if job is self.job:
            self.editor.send_button.setText("Stop")
            self.editor.send_button.setAccessibleName("Stop the stream")
            self.response.show_events(chunk)

    def _finished(self, job: SendJob, exchange: Exchange, shown: Presentation | None) -> None:
        if job is not self.job:  # another tab's job, or a cancelled one finishing late
            return
        self.job = None
        if job.stopped and exchange.error is not None and exchange.error.kind == "cancelled":
            exchange.error = None  # the user ended the stream; nothing went wrong
        self.last_exchange = exchange

        # The scheme's own secrets too: a server may echo a credential in a body.
        self.last_secrets = deferred.masking.spec_secrets(job.spec, job.secrets)
        clock = deferred.datetime
        self.last_started = clock.datetime.now(clock.UTC) - clock.timedelta(seconds=exchange.total)
        self.editor.set_running(False)

        # The view keeps the request for Copy as curl: masked, never as resolved.
        self.response.show_exchange(exchange, shown,
                                    deferred.masking.mask_spec(job.spec, job.secrets))
        self.status.emit(f"Failed: {exchange.error.message}" if exchange.error else "Done.")
        self.editor.auth.refresh_state()  # a refreshed token shows its new expiry
        self.sent.emit(job.spec, exchange, job.secrets)


def _keys(sequence: str) -> str:
    """A shortcut as this platform writes it (⌘ on macOS); Return reads as Enter."""
    native = QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)
    return native.replace("Return", "Enter")
