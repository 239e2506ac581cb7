"""The main window: a request editor over a response view, and the send/cancel cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from .request_editor import RequestEditor
from .response_view import ResponseView

if TYPE_CHECKING:
    from ..core.exchange import Exchange
    from ..core.model import RequestSpec
    from ..core.present import Presentation
    from ..persistence import Persistence
    from ..worker import Dispatcher, SendJob


class MainWindow(QMainWindow):
    def __init__(self, persistence: Persistence | None = None) -> None:
        """`persistence` keeps the request across restarts; None keeps nothing."""
        super().__init__()
        self.persistence = persistence
        self.setObjectName("mainWindow")
        self.setWindowTitle("Gatepost")
        self.setAccessibleName("Gatepost")
        self.resize(1100, 760)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        splitter = QSplitter(Qt.Orientation.Vertical, objectName="mainSplitter")
        self.editor = RequestEditor()
        self.response = ResponseView()
        splitter.addWidget(self.editor)
        splitter.addWidget(self.response)
        splitter.setSizes([300, 460])
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("statusBar")
        self.statusBar().showMessage("Ready")

        self.job: SendJob | None = None
        self._dispatcher: Dispatcher | None = None
        self.last_exchange: Exchange | None = None
        self.editor.send_requested.connect(self.send_or_cancel)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.send_or_cancel)
        QShortcut(QKeySequence("Escape"), self, activated=self.cancel)
        if persistence is not None:
            persistence.setParent(self)
            persistence.restored.connect(self._restored)
            persistence.saved.connect(self.editor.auth.set_storage_note)
        self.editor.auth.forget_requested.connect(self.forget_secrets)

    def restore(self) -> None:
        """Bring back the request of the last session (file and keychain, off-thread)."""
        if self.persistence is not None:
            self.persistence.restore()

    def _restored(self, spec: RequestSpec | None, note: str, problem: str) -> None:
        if spec is not None and not self.editor.url.text():
            self.editor.set_spec(spec)
        self.editor.auth.set_storage_note(note)
        if problem:
            self.statusBar().showMessage(problem)

    def forget_secrets(self, scheme_id: str, confirm: bool = True) -> None:
        from PySide6.QtWidgets import QMessageBox

        if confirm and QMessageBox.question(
                self, "Forget saved secrets",
                "Remove this scheme's secrets from the system keychain and clear them "
                "here?") != QMessageBox.StandardButton.Yes:
            return
        self.editor.auth.clear_secrets(scheme_id)
        if self.persistence is not None:
            self.persistence.forget(scheme_id)

    def save(self) -> None:
        if self.persistence is not None:
            self.persistence.save(self.editor.spec())

    def closeEvent(self, event) -> None:
        if self.persistence is not None:
            self.save()
            self.persistence.wait(5000)
        if self.job is not None:
            self.cancel()
        super().closeEvent(event)

    def send_or_cancel(self) -> None:
        if self.job is not None:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        from ..core.validate import check

        spec = self.editor.spec()
        problems = check(spec)
        if problems:
            self.editor.show_problems(problems)
            self.statusBar().showMessage("Not sent: fix the request first.")
            return
        self.editor.clear_problems()
        self.save()
        self.start(spec)

    def start(self, spec: RequestSpec) -> None:
        from ..worker import Dispatcher, SendJob

        if self._dispatcher is None:
            self._dispatcher = Dispatcher(self)
            self._dispatcher.done.connect(self._finished)
            self._dispatcher.progress.connect(self._progress)
            self._dispatcher.events.connect(self._events)
        job = SendJob(spec)
        self.job = job
        self.editor.set_running(True)
        self.response.show_sending(spec.method, spec.url)
        self.statusBar().showMessage("Sending…")
        job.start(self._dispatcher)

    def cancel(self) -> None:
        """Stop the request in flight; the window is free again at once. A streaming
        response is stopped instead: what arrived stays on screen."""
        job = self.job
        if job is None:
            return
        job.cancel()
        if job.streaming:
            job.stopped = True
            self.statusBar().showMessage("Stopping the stream…")
            return
        self.job = None
        self.editor.set_running(False)
        self.response.show_cancelled()
        self.statusBar().showMessage("Cancelled.")

    def _progress(self, job: SendJob, received: int, total: int | None, rate: float) -> None:
        if job is self.job:
            self.response.show_progress(received, total, rate)

    def _events(self, job: SendJob, chunk: bytes) -> None:
        if job is self.job:
            self.editor.send_button.setText("Stop")
            self.editor.send_button.setAccessibleName("Stop the stream")
            self.response.show_events(chunk)

    def _finished(self, job: SendJob, exchange: Exchange, shown: Presentation | None) -> None:
        if job is not self.job:  # a cancelled job finishing late
            return
        self.job = None
        if job.stopped and exchange.error is not None and exchange.error.kind == "cancelled":
            exchange.error = None  # the user ended the stream; nothing went wrong
        self.last_exchange = exchange
        self.editor.set_running(False)
        self.response.show_exchange(exchange, shown, job.spec)
        self.statusBar().showMessage(
            f"Failed: {exchange.error.message}" if exchange.error else "Done.")
