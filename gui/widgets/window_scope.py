"""What a tab's request sees: the workspace that prepares every send, globals, the
current collection and environment, inherited auth. A mixin of MainWindow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QLineEdit

from .. import deferred
from .request.tab import PrepareError, RequestTab

if TYPE_CHECKING:
    from ..core.collections.model import Collection, Environment
    from ..core.model import RequestSpec
    from ..core.workspace import SecretPrompt, Workspace

NO_ENVIRONMENT = "No environment"


class ScopeMixin:
    @property
    def workspace(self) -> Workspace:
        """Prepares every send (gui/core/workspace.py); secrets it lacks are asked for
        with a dialog."""
        if self._workspace is None:
            self._workspace = deferred.workspace.Workspace(self.store(), ask=self._ask_secret)
            # What a prompt asked for goes to the keychain from a worker.
            self._workspace.keep = lambda key, value: self.store_later([(key, value)])
        return self._workspace

    def globals(self) -> list:
        known = self.workspace.globals_loaded
        variables = self.workspace.globals()
        problem = self.workspace.globals_problem
        if problem is not None and not known:
            self.statusBar().showMessage(f"{problem.path}: {problem.message}")
        return variables

    def current_collection(self) -> Collection | None:
        item = self.tab.item if self.tabs.count() else None
        if item is None:
            return None  # without importing the collection model at start-up

        return deferred.collection_model.collection_of(item)

    def current_environment(self) -> Environment | None:
        collection = self.current_collection()
        if collection is None:
            return None
        name = self._environments.get(collection.id)
        return next((e for e in collection.environments if e.name == name), None)

    def _update_environments(self) -> None:
        collection = self.current_collection()
        self.environment.clear()
        self.environment.addItem(NO_ENVIRONMENT)
        if collection is not None:
            for env in collection.environments:
                self.environment.addItem(env.name)
            current = self._environments.get(collection.id)
            if current:
                self.environment.setCurrentText(current)
        self.environment.setEnabled(collection is not None)

    def _environment_chosen(self, _index: int) -> None:
        collection = self.current_collection()
        if collection is not None:
            name = self.environment.currentText()
            self._environments[collection.id] = "" if name == NO_ENVIRONMENT else name
            self.editor.refresh_variables()

    def set_environment(self, name: str) -> None:
        self.environment.setCurrentText(name)
        self._environment_chosen(0)

    def _scope(self, tab: RequestTab) -> dict[str, str]:
        """The variables a tab's request sees, for marking them where they are typed."""
        workspace = self.workspace
        if not workspace.globals_loaded:
            # The globals file and its secrets are read in a worker; the marks are
            # redone once they are in.
            self._read_globals_later()
            environment = self.current_environment()
            merged = {} if tab.item is None else deferred.variables.layer(
                deferred.collection_model.collection_of(tab.item).variables,
                environment.variables if environment is not None else [])
            merged.update(self._shown_run_variables())
            return merged
        return workspace.scope(tab.item, self.current_environment(),
                               self._shown_run_variables())

    def _collection_tls(self, tab: RequestTab) -> Any:
        return self.workspace.collection_tls(tab.item)

    def _auth_context(self, tab: RequestTab, scheme: str | None = None) -> Any:
        return self.workspace.auth_context(tab.item,
                                           scheme or tab.editor.auth.config().scheme)

    def _prepare(self, tab: RequestTab, spec: RequestSpec
                 ) -> tuple[RequestSpec, tuple[str, ...], Any]:
        """The spec to send, as the core Workspace prepares it for every sender."""

        try:
            # Values captured by earlier sends by hand are above every scope.
            overrides, secret_overrides = self._run_overrides()
            plan = self.workspace.plan(spec, tab.item, self.current_environment(),
                                       overrides, secret_overrides)
        except deferred.workspace.PlanError as exc:
            raise PrepareError(self.run_variables.explain(str(exc))) from None
        self._remember_checks(tab, overrides, plan.secrets)
        if plan.asked_auth and tab.item is not None:
            # What was asked went to the keychain, not the file: shown in the empty
            # field and no unsaved change (set_config also undid edits to other fields).
            tab.add_secrets(tab.item.spec.auth)
        return plan.spec, plan.secrets, plan.context

    def _ask_secret(self, prompt: SecretPrompt) -> str | None:
        value, ok = QInputDialog.getText(self, prompt.title, prompt.message,
                                         QLineEdit.EchoMode.Password)
        return value if ok and value else None

    def _show_inherited(self, tab: RequestTab) -> None:
        if tab.item is None:
            return
        source = deferred.inherit.auth_source(tab.item)
        if isinstance(source, deferred.collection_model.RequestItem):
            # Its own scheme: "Inherit" would take the nearest parent's.
            source = deferred.inherit.auth_source(tab.item.parent) if tab.item.parent else source
            if isinstance(source, deferred.collection_model.RequestItem):
                return
        scheme = source.auth.scheme
        try:
            label = deferred.auth.get(scheme).label
        except deferred.auth.AuthError:
            label = scheme
        where = (f"the collection {source.name!r}"
                 if isinstance(source, deferred.collection_model.Collection)
                 else f"the folder {source.name!r}")
        tab.editor.auth.set_inherit_note(f"Inherits {label} from {where}.")
