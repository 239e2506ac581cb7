"""Editing variables: globals, the collection's, and each environment's.

The table of one scope is `VariablesTable` (gui/widgets/dialogs/variables_table.py); the
scopes' edits and their saving are gui/widgets/dialogs/variable_scopes.py.

`VariablesDialog` edits every scope at once and changes nothing until OK (or `save()`):
variable edits, and environments added, renamed or deleted, are all applied then,
through gui.core (secret values to the keychain, `{secret: keychain}` in the files).
Cancel discards them. The save runs in a worker (gui/tasks.py `call`) while the dialog
stays open and busy. A save that fails names the file and keeps the dialog open with
every edit still there; pressing OK again retries (and overwrites a file that changed
on disk, as the message says).

Secret values are shown as the caller passes them: pass the globals from
`load_globals(store)` and a collection whose secrets `fill_secrets` has filled (the
window has them anyway). An empty secret value means "not changed": the keychain keeps
what it had, as everywhere in gui.core.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ... import tasks
from ...core.collections.model import CollectionError, ConflictError
from .variable_scopes import (
    COLLECTION,
    ENVIRONMENT,
    GLOBALS,
    Scope,
    ScopeSaver,
    kept,
    notes,
    problems,
)
from .variables_table import VariablesTable

if TYPE_CHECKING:
    from ...core.collections.model import Collection
    from ...core.storage.keychain import SecretStore
    from ...core.variables import Variable

class VariablesDialog(QDialog):
    #: Everything was saved (OK or `save()`).
    saved = Signal()

    def __init__(self, collection: Collection | None, globals_: list[Variable],
                 store: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("variablesDialog")
        self.setAccessibleName("Variables")
        self.setWindowTitle("Variables")
        self.resize(820, 480)
        self._collection = collection
        self._store = store
        #: Files that changed on disk and that the user was told about: OK overwrites.
        self._conflicts: set[str] = set()
        self._scopes: list[Scope] = [
            Scope(GLOBALS, "Globals", copy.deepcopy(globals_), copy.deepcopy(globals_))]
        if collection is not None:
            self._scopes.append(Scope(COLLECTION, collection.name,
                                      copy.deepcopy(collection.variables),
                                      copy.deepcopy(collection.variables)))
            for env in collection.environments:
                self._scopes.append(Scope(ENVIRONMENT, env.name, copy.deepcopy(env.variables),
                                          copy.deepcopy(env.variables), env))
        self._current: Scope | None = None
        self._build()
        self._fill_scope_list(self._scopes[0])

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.scope_list = QListWidget(objectName="variableScopes",
                                      accessibleName="Variable scopes")
        self.scope_list.setToolTip("Globals apply everywhere; the collection's override "
                                   "them, and the chosen environment's override both")
        left_layout.addWidget(self.scope_list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add", objectName="addEnvironment",
                                      accessibleName="Add an environment")
        self.rename_button = QPushButton("Rename", objectName="renameEnvironment",
                                         accessibleName="Rename the environment")
        self.delete_button = QPushButton("Delete", objectName="deleteEnvironment",
                                         accessibleName="Delete the environment")
        for button in (self.add_button, self.rename_button, self.delete_button):
            button.setVisible(self._collection is not None)
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.scope_title = QLabel("", objectName="variablesScopeTitle",
                                  accessibleName="Scope being edited")
        right_layout.addWidget(self.scope_title)
        self.table = VariablesTable()
        right_layout.addWidget(self.table, 1)
        self.problem = QLabel("", objectName="variablesProblem",
                              accessibleName="Problem with the variables")
        self.problem.setWordWrap(True)
        self.problem.setProperty("tone", "error")
        self.problem.setVisible(False)
        right_layout.addWidget(self.problem)
        self.note = QLabel("", objectName="variablesNote",
                           accessibleName="Note on the variables")
        self.note.setWordWrap(True)
        self.note.setProperty("tone", "muted")
        self.note.setVisible(False)
        right_layout.addWidget(self.note)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([200, 620])
        layout.addWidget(splitter, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            objectName="variablesButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setAccessibleName(
            "Save the variables")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            "Discard the changes")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.scope_list.currentRowChanged.connect(self._scope_chosen)
        self.table.edited.connect(self._table_edited)
        self.add_button.clicked.connect(lambda: self.add_environment())
        self.rename_button.clicked.connect(lambda: self.rename_environment())
        self.delete_button.clicked.connect(lambda: self.delete_environment())

    # -- scopes ---------------------------------------------------------------------------

    def _visible(self) -> list[Scope]:
        return [s for s in self._scopes if not s.deleted]

    def _fill_scope_list(self, current: Scope | None = None) -> None:
        """Rebuild the scope list and show `current` (or the first scope)."""
        visible = self._visible()
        row = visible.index(current) if current in visible else 0
        self.scope_list.blockSignals(True)
        try:
            self.scope_list.clear()
            for scope in visible:
                item = QListWidgetItem(scope.label)
                if scope.kind == ENVIRONMENT:
                    item.setToolTip(f"Environment {scope.name}")
                    item.setData(Qt.ItemDataRole.AccessibleTextRole,
                                 f"Environment {scope.name}")
                self.scope_list.addItem(item)
            self.scope_list.setCurrentRow(row)
        finally:
            self.scope_list.blockSignals(False)
        self._scope_chosen(row)

    def scopes(self) -> list[str]:
        """The scope list's labels, in order: Globals, Collection: <name>, environments."""
        return [s.label for s in self._visible()]

    def select_scope(self, label: str) -> None:
        """Show the scope whose label (see `scopes`) or environment name is `label`."""
        for row, scope in enumerate(self._visible()):
            if label in (scope.label, scope.name if scope.kind == ENVIRONMENT else None):
                self.scope_list.setCurrentRow(row)
                return
        raise KeyError(label)

    def _scope_chosen(self, row: int) -> None:
        visible = self._visible()
        if not 0 <= row < len(visible):
            self._current = None
            return
        scope = self._current = visible[row]
        self.table.set_variables(scope.variables)
        self.scope_title.setText(scope.label if scope.kind != ENVIRONMENT
                                 else f"Environment: {scope.name}")
        broken = self._broken(scope)
        self.table.setEnabled(broken is None)
        is_env = scope.kind == ENVIRONMENT
        self.rename_button.setEnabled(is_env)
        self.delete_button.setEnabled(is_env)
        if broken is not None:
            self._show_problem(broken)
        else:
            self._check(scope)

    def _broken(self, scope: Scope) -> str | None:
        disk = None
        if scope.kind == COLLECTION and self._collection is not None:
            disk = self._collection.disk
        elif scope.env is not None:
            disk = scope.env.disk
        if disk is not None and disk.problem is not None:
            return (f"{disk.problem} — this file did not open, so it is not edited here. "
                    "Fix it by hand and reload the collection.")
        return None

    def _table_edited(self) -> None:
        if self._current is not None:
            self._current.variables = self.table.variables()
            self._check(self._current)

    def _check(self, scope: Scope) -> bool:
        found = problems(scope)
        self._show_problem("\n".join(found))
        said = "\n".join(notes(scope))
        self.note.setText(said)
        self.note.setVisible(bool(said))
        return not found

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def variables(self, label: str) -> list[Variable]:
        """The variables of a scope as edited so far (label as in `select_scope`)."""
        for scope in self._visible():
            if label in (scope.label, scope.name if scope.kind == ENVIRONMENT else None):
                return kept(scope.variables)
        raise KeyError(label)

    def global_variables(self) -> list[Variable]:
        """The globals as edited (after `save()`, as saved): for the window's scope."""
        return kept(self._scopes[0].variables)

    # -- environments -------------------------------------------------------------------------

    def _env_name_problem(self, name: str, scope: Scope | None = None) -> str | None:
        if not name:
            return "An environment needs a name."
        for other in self._visible():
            if (other is not scope and other.kind == ENVIRONMENT
                    and other.name.casefold() == name.casefold()):
                return f"There is already an environment called “{other.name}”."
        return None

    def _ask_name(self, title: str, text: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, "Environment name:", text=text)
        return name.strip() if ok else None

    def add_environment(self, name: str | None = None) -> bool:
        """Add an environment (asking its name when None); created when saved."""
        if self._collection is None:
            return False
        if name is None:
            name = self._ask_name("Add an environment")
            if name is None:
                return False
        name = name.strip()
        problem = self._env_name_problem(name)
        if problem is not None:
            self._show_problem(problem)
            return False
        scope = Scope(ENVIRONMENT, name, [])
        self._scopes.append(scope)
        self._fill_scope_list(scope)
        return True

    def _current_env(self) -> Scope | None:
        scope = self._current
        return scope if scope is not None and scope.kind == ENVIRONMENT else None

    def rename_environment(self, name: str | None = None) -> bool:
        """Rename the selected environment (asking when None); renamed when saved."""
        scope = self._current_env()
        if scope is None:
            return False
        if name is None:
            name = self._ask_name("Rename the environment", scope.name)
            if name is None:
                return False
        name = name.strip()
        problem = self._env_name_problem(name, scope)
        if problem is not None:
            self._show_problem(problem)
            return False
        scope.name = name
        self._fill_scope_list(scope)
        return True

    def delete_environment(self, confirm: bool = True) -> bool:
        """Delete the selected environment, after asking when `confirm`; its file and
        its keychain entries go when saved."""
        scope = self._current_env()
        if scope is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self, "Delete the environment",
                f"Delete the environment “{scope.name}” and its variables? Its file and "
                "its secret values in the keychain are removed when you press OK.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        row = self._visible().index(scope)
        if scope.env is None:
            self._scopes.remove(scope)
        else:
            scope.deleted = True
        visible = self._visible()
        self._fill_scope_list(visible[min(row, len(visible) - 1)])
        return True

    # -- saving -----------------------------------------------------------------------------

    def accept(self) -> None:
        if self.save():
            super().accept()

    def save(self) -> bool:
        """Validate, then apply every change through gui.core. False, with the problem
        shown (inline, or in a message box for a file that could not be written), when
        something was not saved; the edits stay, and saving again retries."""
        self.table.commit_editing()
        for scope in self._visible():
            if self._broken(scope) is None and problems(scope):
                self._fill_scope_list(scope)
                return False
        saver = ScopeSaver(self._collection, self._store, self._forced)
        try:
            # Files and keychain in a worker; the dialog waits, open, for the outcome.
            tasks.call(lambda _task: saver.save_all(self._scopes), tasks.KEYCHAIN)
        except (CollectionError, OSError) as exc:
            self._report(exc)
            return False
        self._conflicts.clear()
        self._fill_scope_list(self._current)
        self.saved.emit()
        return True

    def _forced(self, path) -> bool:
        return str(path) in self._conflicts

    def _report(self, exc: Exception) -> None:
        path = getattr(exc, "path", None) or getattr(exc, "filename", None)
        if isinstance(exc, ConflictError) and path is not None:
            self._conflicts.add(str(path))
        message = str(exc)
        if path is not None and str(path) not in message:
            message = f"{path}: {message}"
        self._show_problem(message)
        QMessageBox.warning(self, "Variables not saved",
                            f"{message}\n\nNothing you typed is lost: the dialog stays open.")
