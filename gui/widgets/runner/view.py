"""The runner: Run… on a collection or folder. Choose requests, environment, iterations
and a data file; a results table that fills as the run goes (gui/core/runner's Run, in a
worker through gui/tasks.py); Stop; Re-run failed; a row opens its exchange below.

Results cross to the GUI thread in batches (at most ten a second), and the table is a
model that grows by whole batches, so a run of thousands of requests leaves the window
responsive. The run uses the collection's own cookie jar, as a send by hand does.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ... import deferred, worker
from ...core.collections.model import Collection, collection_of
from ...core.workspace import Workspace
from ...tasks import run
from ..request.check_results import fill_results, masked_results, results_table
from .results import ResultsModel, summary
from .setup import RunSetup

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...core.collections.model import Folder, RequestItem
    from ...core.runner.run import RequestResult, Run
    from ...core.storage.cookiestore import JarStore
    from ...core.storage.keychain import SecretStore
    from ...tasks import Task
    from ..response.view import ResponseView

NO_ENVIRONMENT = "No environment"
#: How often results already in are handed to the GUI thread (seconds).
BATCH_INTERVAL = 0.1
ROLE = Qt.ItemDataRole.UserRole


class RunnerView(QWidget):
    """A window of its own; `jars` gives the window's cookie jars (called in the worker)."""

    def __init__(self, target: Collection | Folder, store: SecretStore,
                 jars: Callable[[], JarStore] | None = None, environment: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)

        self.collection = collection_of(target)
        self.folder = target.root if isinstance(target, Collection) else target
        self._store, self._jars = store, jars
        self.run: Run | None = None
        self.task: Task[Any] | None = None
        self._pending: list[RequestResult] = []
        self._lock = threading.Lock()
        self._started = 0.0
        self._shown: ResponseView | None = None
        self._shown_exchange: Any = None
        self._last_batch = 0.0
        self._task_progress: Callable[[Any], None] = lambda _value: None
        self._missing: list[str] = []
        name = self.collection.name if self.folder.parent is None else \
            f"{self.folder.name} ({self.collection.name})"
        self.setObjectName("runnerView")
        self.setWindowTitle(f"Run {name}")
        self.setAccessibleName(f"Runner: {name}")
        self.resize(1180, 760)
        self._build(environment)

    # -- layout ------------------------------------------------------------------------

    def _build(self, environment: str) -> None:
        split = QSplitter(Qt.Orientation.Horizontal, objectName="runnerSplitter")
        self.setup = left = RunSetup(self.collection, self.folder, environment)
        for name in ("tree", "environment", "iterations", "data_file", "delay", "bail",
                     "run_button", "stop_button", "rerun_button"):
            setattr(self, name, getattr(left, name))
        self.run_button.clicked.connect(lambda: self.start())
        self.stop_button.clicked.connect(self.stop)
        self.rerun_button.clicked.connect(self.rerun_failed)
        split.addWidget(left)

        right = QWidget()
        results = QVBoxLayout(right)
        results.setContentsMargins(4, 8, 8, 8)
        top = QHBoxLayout()
        self.summary = QLabel("Choose the requests and press Run.",
                              objectName="runnerSummary", accessibleName="Run summary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(objectName="runnerProgress",
                                     accessibleName="Run progress")
        self.progress.setMaximumWidth(240)
        self.progress.hide()
        top.addWidget(self.summary, 1)
        top.addWidget(self.progress)
        results.addLayout(top)
        self.model = ResultsModel()
        self.table = QTableView(objectName="runnerResults", accessibleName="Run results")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 48), (1, 70), (3, 60), (4, 80), (5, 150), (6, 90)):
            self.table.setColumnWidth(column, width)
        self.table.clicked.connect(lambda index: self.open_result(index.row()))
        self.table.activated.connect(lambda index: self.open_result(index.row()))
        self.detail = QSplitter(Qt.Orientation.Vertical, objectName="runnerDetail")
        self.detail.addWidget(self.table)
        bottom = QWidget()
        self._detail_layout = QVBoxLayout(bottom)
        self._detail_layout.setContentsMargins(0, 4, 0, 0)
        self.detail_title = QLabel("Click a result to see its exchange.",
                                   objectName="runnerDetailTitle")
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self._detail_layout.addWidget(self.detail_title)
        self.checks = results_table("runnerChecks", "Checks of the chosen result")
        self.checks.setMaximumHeight(130)
        self.checks.hide()
        self._detail_layout.addWidget(self.checks)
        self.detail.addWidget(bottom)
        self.detail.setSizes([360, 320])
        results.addWidget(self.detail, 1)
        split.addWidget(right)
        split.setSizes([320, 860])
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)
        self._set_running(False)

    def chosen(self) -> list[RequestItem]:
        return self.setup.chosen()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.rerun_button.setEnabled(not running and any(
            r.outcome != "passed" for r in self.model.results))
        self.tree.setEnabled(not running)

    # -- running -----------------------------------------------------------------------

    def start(self, items: list[RequestItem] | None = None) -> bool:
        """Run `items` (the checked requests when None); False with a message when the
        run cannot start."""
        if self.task is not None:
            return False
        items = self.chosen() if items is None else items
        if not items:
            self.summary.setText("Nothing to run: check at least one request.")
            return False
        broken = deferred.runner_run.problems(items)
        if broken:
            self.summary.setText("These files do not parse; nothing was sent:\n"
                                 + "\n".join(broken))
            return False
        name = self.environment.currentText()
        environment = next((e for e in self.collection.environments if e.name == name), None)
        # Not asked for in the middle of a run (a send by hand asks): said instead.
        self._missing = sorted({v.name for v in (*self.collection.variables, *(
            environment.variables if environment is not None else ()))
            if v.secret and v.enabled and not v.value})
        settings = deferred.runner_run.RunSettings(
            environment, iterations=self.iterations.value()
            if self.iterations.value() > 1 else None,
            bail=self.bail.isChecked(), delay=self.delay.value() / 1000)
        # Secrets the keychain lacks are not asked for in the middle of a run: such a
        # request fails and names them (a send by hand asks).
        the_run = deferred.runner_run.Run(Workspace(self._store), None,  # type: ignore[arg-type]
                                          items, settings, on_result=self._collect)
        self.run, self._pending = the_run, []
        self.model.clear()
        self._clear_detail()
        self._started = time.perf_counter()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.summary.setText(f"Running {len(items)} request{'s' if len(items) != 1 else ''}…")
        self._set_running(True)
        data_path, namespace = self.data_file.text().strip(), self.collection.namespace
        self.task = run(lambda task: self._work(task, the_run, data_path, namespace),
                        on_done=lambda totals: self._alive() and self._finished(totals),
                        on_error=lambda exc: self._alive() and self._failed(exc),
                        on_progress=lambda _: self._alive() and self._drain())
        return True

    def _work(self, task: Task[Any], the_run: Run, data_path: str, namespace: str) -> Any:
        """In the worker: load the data file, take the engine and the jar, run."""
        if data_path:
            the_run.settings.data = deferred.runner_data.load_data(data_path)
        jars = self._jars() if self._jars is not None else None
        jar = jars.jar(namespace) if jars is not None else None
        if jar is None:
            jar = deferred.cookiejar.CookieJar()
        the_run.settings.jar = jar
        the_run.engine = worker.engine()
        self._task_progress = task.progress
        try:
            return the_run.run()
        finally:
            if jars is not None:
                jars.save(jar)

    def _alive(self) -> bool:
        """False once the window closed under a run: the run is stopped then."""
        if isValid(self):
            return True
        if self.run is not None:
            self.run.stop()
        return False

    def _collect(self, result: RequestResult) -> None:
        """In the worker, after each request: keep it; wake the GUI thread at most ten
        times a second."""
        the_run = self.run
        if the_run is not None and the_run.secrets:
            # A secret capture's value is masked wherever a check shows it, as in reports.
            masked_results(result.checks, tuple(the_run.secrets))
        with self._lock:
            self._pending.append(result)
            due = time.monotonic() - self._last_batch >= BATCH_INTERVAL
            if due:
                self._last_batch = time.monotonic()
        if due:
            self._task_progress(None)

    def _drain(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        self.model.append(batch)
        the_run = self.run
        if the_run is not None and the_run.total:
            self.progress.setRange(0, the_run.total)
            self.progress.setValue(len(self.model.results))
        self._show_summary(running=True)

    def _show_summary(self, running: bool) -> None:
        interrupted = self.run is not None and self.run.interrupted
        total = self.run.total if self.run is not None else 0
        self.summary.setText(summary(self.model.results, total, running, interrupted,
                                     time.perf_counter() - self._started))

    def _finished(self, _totals: Any) -> None:
        self.task = None
        self._drain()
        self.progress.hide()
        self._show_summary(running=False)
        if self.run is not None and self.run.bailed:
            self.summary.setText(self.summary.text() + " (stopped at the first failure)")
        if self._missing:
            names = ", ".join("{{" + n + "}}" for n in self._missing)
            self.summary.setText(
                f"{self.summary.text()}\nThe secret variable{'s' if len(self._missing) > 1 else ''}"
                f" {names} had no value on this machine and went empty: send a request "
                "that uses it by hand once (you are asked for it), or set it in Variables….")
        self._set_running(False)

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._drain()
        self.progress.hide()
        self.summary.setText(str(exc) if isinstance(exc, deferred.runner_data.DataError)
                             else f"The run stopped: {exc}")
        self._set_running(False)

    def stop(self) -> None:
        if self.run is not None and self.task is not None:
            self.run.stop()
            self.summary.setText("Stopping…")

    def rerun_failed(self) -> bool:
        failed = {id(r.item) for r in self.model.results if r.outcome != "passed"}
        items = [item for item in self.collection.requests() if id(item) in failed]
        return bool(items) and self.start(items)

    def wait(self, msecs: int = 30000) -> bool:
        """Tests: until the run has finished and its results are shown."""
        deadline = QDeadlineTimer(msecs)
        while self.task is not None and not deadline.hasExpired():
            QCoreApplication.processEvents()
            time.sleep(0.005)
        return self.task is None

    def keyPressEvent(self, event: Any) -> None:
        """Esc (not taken by the view with focus, e.g. Find) stops a run in progress, as
        in a tab; with nothing running it closes the window."""
        if event.key() == Qt.Key.Key_Escape:
            if self.task is not None:
                self.stop()
            else:
                self.close()
            return
        # A window of its own: Ctrl+W (or the platform's Close) closes it, as a tab.
        if event.matches(QKeySequence.StandardKey.Close) or (
                event.key() == Qt.Key.Key_W
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:
        if self.run is not None and self.task is not None:
            self.run.stop()
            self.task.cancel()
            self.task = None
        super().closeEvent(event)

    # -- one result --------------------------------------------------------------------

    def _clear_detail(self) -> None:
        self.detail_title.setText("Click a result to see its exchange.")
        self.checks.hide()
        if self._shown is not None:
            self._shown.hide()

    def open_result(self, row: int) -> None:
        """Show a result's checks and its exchange (Body, Headers, Timeline…)."""
        if not 0 <= row < len(self.model.results):
            return
        result = self.model.results[row]
        what = f"<b>{result.name}</b> (iteration {result.iteration}) — {result.outcome}"
        if result.error:
            what += f": {result.error}"
        self.detail_title.setText(what)
        fill_results(self.checks, result.checks)
        self.checks.setVisible(bool(result.checks))
        exchange = result.exchange
        if exchange is None:
            if self._shown is not None:
                self._shown.hide()
            return
        view = self.response_view
        view.show()
        final = exchange.response
        if final is None:
            view.show_exchange(exchange, None)
            return

        def shown(presentation: Any) -> None:
            # Formatted in a worker; a later click wins.
            if self._alive() and self._shown_exchange is exchange:
                view.show_exchange(exchange, presentation)

        self._shown_exchange = exchange
        run(lambda _task: _present(final), on_done=shown)

    @property
    def response_view(self) -> ResponseView:
        if self._shown is None:
            self._shown = deferred.response_view.ResponseView()
            self._detail_layout.addWidget(self._shown, 1)
        return self._shown


def _present(response: Any) -> Any:
    return deferred.present.present(response)
