"""File → Import… (and files dropped on the sidebar): another tool's file read in a
worker and shown before anything is written — the summary, the tree of folders and
requests, the environments, and every item that needs attention with where it came
from — then written where the person says, in a worker, and opened.

A collection goes into a new folder named after it, inside a parent the person picks; a
folder that already holds files is written into only after asking. An environments or
globals export is added to an open collection or to the global variables. Errors are
sentences in the dialog; Cancel writes nothing. The formats are the core's
(gui/core/importers): this dialog only shows and asks. What will be created is drawn by
import_preview.py; whether the new folder can go where asked, import_target.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from ... import deferred
from ... import tasks as module
from .. import import_actions as actions
from ..icons import BADGE_SIZE, icon
from .import_preview import fill_tree

if TYPE_CHECKING:
    from ...core.collections.model import Collection
    from ...core.importers import ImportResult
    from ...core.storage.keychain import SecretStore
    from ...tasks import Task

LANE = "import"


class ImportDialog(QDialog):
    #: The new collection's folder, written (the window opens it).
    imported = Signal(object)  # Path
    #: Environments or variables were added to this open collection's folder: the
    #: collection as read back from disk, to take them from.
    added = Signal(object, object)  # Collection (open), Collection (read back)
    #: This many variables were added to the globals.
    globals_added = Signal(int)

    def __init__(self, paths: list[Path], collections: list[Collection],
                 current: Collection | None, store: SecretStore,
                 parent: QWidget | None = None, start_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import")
        self.resize(720, 620)
        self.paths = [Path(p) for p in paths]
        self.result: ImportResult | None = None
        self._collections = collections
        self._store = store
        self._task: Task[Any] | None = None
        self._writing = False
        layout = QVBoxLayout(self)
        source = ", ".join(str(p) for p in self.paths)
        self.source = QLabel(f"From {source}", objectName="importSource")
        self.source.setProperty("tone", "muted")
        self.source.setWordWrap(True)
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.source)
        self.summary = QLabel("Reading…", objectName="importSummary")
        self.summary.setProperty("tone", "heading")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.busy = QProgressBar(objectName="importBusy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        layout.addWidget(self.busy)

        split = QSplitter(Qt.Orientation.Vertical, objectName="importSplit")
        self.tree = QTreeWidget(objectName="importTree",
                                accessibleName="What will be created")
        self.tree.setHeaderHidden(True)

        self.tree.setIconSize(BADGE_SIZE)  # the method badges are wider than icons
        self.tree.setIndentation(14)
        split.addWidget(self.tree)
        attention = QWidget()
        box = QVBoxLayout(attention)
        box.setContentsMargins(0, 4, 0, 0)
        self.notices_label = QLabel("Needs attention", objectName="importNoticesLabel")
        self.notices_label.setProperty("tone", "heading")
        box.addWidget(self.notices_label)
        self.notices = QListWidget(objectName="importNotices",
                                   accessibleName="Items that need attention")
        self.notices.setWordWrap(True)
        self.notices.setSpacing(2)
        self.notices.setAlternatingRowColors(True)
        box.addWidget(self.notices)
        split.addWidget(attention)
        split.setSizes([300, 180])
        layout.addWidget(split, 1)

        # Where a collection goes: a new folder inside a parent.
        self.where = QWidget(objectName="importWhere")
        form = QFormLayout(self.where)
        form.setContentsMargins(0, 6, 0, 0)
        parent_row = QHBoxLayout()
        self.parent_edit = QLineEdit(str(start_dir or Path.home()), objectName="importParent",
                                     accessibleName="Folder to make the collection in")
        self.choose_parent = QPushButton("Choose…", objectName="importChooseParent")
        self.choose_parent.clicked.connect(self._choose_parent)
        parent_row.addWidget(self.parent_edit, 1)
        parent_row.addWidget(self.choose_parent)
        form.addRow("Inside:", parent_row)
        self.name_edit = QLineEdit(objectName="importFolderName",
                                   accessibleName="Name of the new folder")
        form.addRow("New folder:", self.name_edit)
        self.target_label = QLabel("", objectName="importTarget")
        self.target_label.setProperty("tone", "muted")
        self.target_label.setWordWrap(True)
        form.addRow("", self.target_label)
        for edit in (self.parent_edit, self.name_edit):
            edit.textChanged.connect(self._show_target)
        self.where.hide()
        layout.addWidget(self.where)

        # Where environments or globals go: an open collection, or the globals.
        self.into = QWidget(objectName="importInto")
        into = QVBoxLayout(self.into)
        into.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.to_collection = QRadioButton("Add to the collection", objectName="importToCollection")
        self.collection_combo = QComboBox(objectName="importCollectionCombo",
                                          accessibleName="Collection to add to")
        for c in collections:
            self.collection_combo.addItem(c.name, c)
        if current is not None and current in collections:
            self.collection_combo.setCurrentIndex(collections.index(current))
        row.addWidget(self.to_collection)
        row.addWidget(self.collection_combo, 1)
        into.addLayout(row)
        self.to_globals = QRadioButton("Add to the global variables (every collection sees them)",
                                       objectName="importToGlobals")
        into.addWidget(self.to_globals)
        group = QButtonGroup(self)
        group.addButton(self.to_collection)
        group.addButton(self.to_globals)
        self.to_collection.setEnabled(bool(collections))
        self.collection_combo.setEnabled(bool(collections))
        if not collections:
            self.collection_combo.setPlaceholderText("no collection is open")
        self.into.hide()
        layout.addWidget(self.into)

        self.message = QLabel("", objectName="importMessage", accessibleName="Import problem")
        self.message.setProperty("tone", "error")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")

        self.import_button.setIcon(icon("download"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_writing)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._task = tasks().run(lambda _task: actions.read_sources(self.paths), self._read,
                                 self._read_failed)

    # -- reading ----------------------------------------------------------------------

    def _read_failed(self, exc: BaseException) -> None:
        self._task = None
        self.busy.hide()
        self.summary.setText("Nothing can be imported from this file.")
        self.findChild(QSplitter, "importSplit").hide()
        self._say(actions.sentence(exc))
        # Only the sentence is left to read: no empty panes between it and the title.
        self.message.show()
        self.resize(self.width(), max(self.layout().totalHeightForWidth(self.width()),
                                      self.minimumSizeHint().height()))

    def _read(self, result: ImportResult) -> None:
        self._task = None
        self.busy.hide()
        self.result = result
        self.summary.setText(result.summary())
        fill_tree(self.tree, result)
        self.notices.clear()
        for notice in result.notices:
            self.notices.addItem(str(notice))
            if notice.details:
                self.notices.item(self.notices.count() - 1).setToolTip(notice.details)
        self.notices_label.setText(f"Needs attention ({len(result.notices)})" if
                                   result.notices else "Nothing needs attention.")
        self.notices.setVisible(bool(result.notices))
        if result.root is not None:
            name = result.name or result.root.name or "Imported"
            parent = Path(self.parent_edit.text()).expanduser()
            self.name_edit.setText(deferred.new_collection.fresh_subfolder(parent, name).name)
            self.where.show()
            self._show_target()
        else:
            self.into.show()
            (self.to_collection if self._collections else self.to_globals).setChecked(True)
        self.import_button.setEnabled(True)
        self.import_button.setDefault(True)

    # -- where it goes ------------------------------------------------------------------

    def target(self) -> Path:
        return Path(self.parent_edit.text().strip()).expanduser() / self.name_edit.text().strip()

    def _show_target(self) -> None:
        if self.name_edit.text().strip():
            self.target_label.setText(f"Creates {self.target()}")
        else:
            self.target_label.setText("Name the new folder.")

    def _choose_parent(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder to make the collection in",
                                                  self.parent_edit.text())
        if chosen:
            self.parent_edit.setText(chosen)

    def _target_problem(self) -> tuple[str | None, bool]:
        """(why the collection cannot go where asked, or None; whether the person agreed
        to a folder that already holds files)."""
        return deferred.import_target.where_problem(
            self.parent_edit.text(), self.name_edit.text(), self._collections, self)

    # -- writing ------------------------------------------------------------------------

    def start_writing(self) -> None:
        """Import: write what was read where the person said, in a worker."""
        result = self.result
        if result is None or self._writing:
            return
        self.message.hide()
        store = self._store
        if result.root is not None:
            problem, agreed = self._target_problem()
            if problem is not None:
                self._say(problem)
                return
            target = self.target()

            def work(_task: Task[Any]) -> Any:
                return deferred.import_write.write(result, target, store, allow_nonempty=agreed)

            done = self._written
        elif self.to_collection.isChecked():
            collection = self.collection_combo.currentData()
            if collection is None:
                self._say("Open a collection first, or add these to the global variables.")
                return

            def work(_task: Task[Any]) -> Any:
                return deferred.import_write.add_to(result, collection.path, store)

            def done(fresh: Any) -> None:
                self.added.emit(collection, fresh)
                self.accept()
        else:
            def work(_task: Task[Any]) -> Any:
                return actions.add_to_globals(result, store)

            def done(count: Any) -> None:
                self.globals_added.emit(count)
                self.accept()
        self._set_writing(True)
        self._task = tasks().run(work, done, self._write_failed, lane_name=LANE)

    def _written(self, collection: Collection) -> None:
        self._set_writing(False)
        self.imported.emit(collection.path)
        self.accept()

    def _write_failed(self, exc: BaseException) -> None:
        self._set_writing(False)
        self._say(actions.sentence(exc))

    def _set_writing(self, writing: bool) -> None:
        self._writing = writing
        self.busy.setVisible(writing)
        for widget in (self.import_button, self.where, self.into):
            widget.setEnabled(not writing)
        # What is being written is finished, not abandoned half-way.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not writing)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def reject(self) -> None:
        if self._writing:
            return
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().reject()


def tasks() -> Any:
    return module
