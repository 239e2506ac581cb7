"""Checks and runs in the window: a send by hand checks the Tests tab's assertions and
takes its captures into the window's run variables (which the next sends see), and
Run… opens the runner on a collection or folder. A mixin of MainWindow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from .. import deferred
from ..tasks import run
from .request.check_results import masked_results
from .request.tests_tab import TestsProblem

if TYPE_CHECKING:
    from ..core.http.exchange import Exchange
    from ..core.model import Assertion, Capture
    from .request.tab import RequestTab
    from .run_variables import WindowRunVariables
    from .runner.view import RunnerView


@dataclass
class PendingChecks:
    """What a send by hand is checked against, taken when it was prepared: the Tests
    tab as it was then, and the variables the request saw."""

    assertions: list[Assertion]
    captures: list[Capture]
    problems: list[str]
    scope: dict[str, str]
    request: str
    file: str
    secrets: tuple[str, ...] = field(default=())


class RunsMixin:
    @property
    def run_variables(self) -> WindowRunVariables:
        """Values captured by sends by hand, for this window's session only."""
        variables = getattr(self, "_run_variables", None)
        if variables is None:
            variables = self._run_variables = deferred.run_variables.WindowRunVariables(self)
            variables.changed.connect(self._refresh_all_variables)
        return variables

    def _refresh_all_variables(self) -> None:
        """Every open request marks {{variables}} again: a capture may define one."""
        for editor in self.built_editors():
            editor.refresh_variables()

    def _run_overrides(self) -> tuple[dict[str, str], tuple[str, ...]]:
        variables = getattr(self, "_run_variables", None)
        return variables.overrides() if variables is not None else ({}, ())

    def _shown_run_variables(self) -> dict[str, str]:
        """The run variables as the editor may mark and show them (secrets masked)."""
        variables = getattr(self, "_run_variables", None)
        return variables.shown() if variables is not None else {}

    # -- a send by hand ------------------------------------------------------------------

    def _remember_checks(self, tab: RequestTab, overrides: dict[str, str],
                         secrets: tuple[str, ...]) -> None:
        """Called as a tab's send is prepared: what its response will be checked with."""
        assertions, captures, problems = tab.editor.tests.parsed()
        if not assertions and not captures and not problems:
            tab.pending_checks = None  # type: ignore[attr-defined]
            return

        item = tab.item
        tab.pending_checks = PendingChecks(  # type: ignore[attr-defined]
            assertions, captures, problems,
            self.workspace.scope(item, self.current_environment(), overrides),
            deferred.runner_run.tree_name(item) if item is not None else "Scratch",
            deferred.runner_run.relative(item) if item is not None else "the scratch request",
            secrets)

    def _check_sent(self, tab: RequestTab, exchange: Exchange) -> None:
        """After a send by hand: the captures taken and the assertions checked (in a
        worker: a JMESPath or XPath over a large body takes time), then shown."""
        pending: PendingChecks | None = getattr(tab, "pending_checks", None)
        tab.pending_checks = None  # type: ignore[attr-defined]
        if pending is None:
            tab.editor.tests.clear_results()
            tab.response.show_checks(0, 0)
            return
        if exchange.error is not None:
            tab.editor.tests.clear_results(f"Not checked: the request failed "
                                          f"({exchange.error.message}).")
            tab.response.show_checks(0, 0)
            return

        def check(_task: Any) -> Any:
            response = deferred.queries.Response(exchange, pending.scope, pending.secrets)
            results, got = deferred.runner_run.check_exchange(
                pending, response, pending.file)  # type: ignore[arg-type]
            return masked_results(results, (*pending.secrets, *got.secrets)), got

        run(check, on_done=lambda done: self._checked(tab, exchange, pending, *done),
            on_error=lambda exc: self.statusBar().showMessage(f"Checks not run: {exc}"))

    def _checked(self, tab: RequestTab, exchange: Exchange, pending: PendingChecks,
                 results: list, got: Any) -> None:
        self.run_variables.update(got, pending.request, pending.file)
        try:
            if tab.last_exchange is not exchange:
                return  # the tab was sent again (or closed) meanwhile
        except RuntimeError:
            return
        note = "\n".join(f"Not checked: {p}" for p in pending.problems)
        passed, failed = tab.editor.tests.show_results(results, note)
        label = tab.response.checks_label
        if not label.property("linked"):
            label.setProperty("linked", True)
            label.linkActivated.connect(lambda _link: self.show_tests(tab))
        tab.response.show_checks(passed, failed)
        if got.values:
            names = ", ".join("{{" + n + "}}" for n in got.values)
            self.statusBar().showMessage(f"Captured {names} for the next requests.")

    def show_tests(self, tab: RequestTab) -> None:
        tab.editor.tabs.setCurrentWidget(tab.editor.tests)

    def _tests_to_save(self, tab: RequestTab) -> tuple[list, list] | None:
        """The Tests tab's assertions and captures for a save; None (and the reason
        shown, the tab left as typed) when a row does not parse."""

        try:
            return tab.editor.tests.checks()
        except TestsProblem as exc:
            self.show_tests(tab)
            QMessageBox.warning(self, "Not saved", f"{exc}\n\nYour changes are still here.")
            return None

    # -- the runner ----------------------------------------------------------------------

    def run_collection(self, target: Any) -> RunnerView:
        """Run… on a collection or folder: the runner, in a window of its own."""

        collection = deferred.collection_model.collection_of(target)
        folder = target.root if isinstance(target, deferred.collection_model.Collection) else target
        view = deferred.runner_view.RunnerView(folder, self.store(), self.cookie_jars,
                                               self._environments.get(collection.id, ""), self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._runners = [r for r in getattr(self, "_runners", []) if _valid(r)] + [view]
        view.show()
        return view

    def close_runners(self) -> None:
        """With the window: every runner closes, its run stopped."""
        for view in getattr(self, "_runners", []):
            if _valid(view):
                view.close()
        self._runners = []

    def add_run_variables(self, dialog: Any) -> None:
        """The Variables dialog also lists the run variables, with a Clear."""

        panel = deferred.run_variables.RunVariablesPanel(self.run_variables, dialog)
        panel.setMaximumHeight(200)
        dialog.layout().insertWidget(1, panel)


def _valid(widget: Any) -> bool:
    return bool(isValid(widget)) and widget.isVisible()
