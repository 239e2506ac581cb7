"""The runner's left side: which requests (a checkable tree of the folder run), the
environment, iterations, data file, delay, and the Run / Stop / Re-run failed buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.collections.model import Folder, RequestItem

if TYPE_CHECKING:
    from ...core.collections.model import Collection

NO_ENVIRONMENT = "No environment"
ROLE = Qt.ItemDataRole.UserRole


class RunSetup(QWidget):
    """Its widgets are the runner's (RunnerView gives them its own names)."""

    def __init__(self, collection: Collection, folder: Folder, environment: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection, self.folder = collection, folder
        setup = QVBoxLayout(self)
        setup.setContentsMargins(8, 8, 4, 8)
        setup.addWidget(QLabel("<b>Requests</b>"))
        self.tree = QTreeWidget(objectName="runnerRequests",
                                accessibleName="Requests to run")
        self.tree.setHeaderHidden(True)
        self._fill_tree(self.tree.invisibleRootItem(), self.folder)
        self.tree.expandAll()
        setup.addWidget(self.tree, 1)
        pick = QHBoxLayout()
        for text, state in (("All", Qt.CheckState.Checked), ("None", Qt.CheckState.Unchecked)):
            button = QPushButton(text, accessibleName=f"Select {text.lower()}")
            button.clicked.connect(lambda _=False, s=state: self._check_all(s))
            pick.addWidget(button)
        pick.addStretch(1)
        setup.addLayout(pick)
        form = QFormLayout()
        self.environment = QComboBox(objectName="runnerEnvironment",
                                     accessibleName="Environment")
        self.environment.addItems([NO_ENVIRONMENT,
                                   *(e.name for e in self.collection.environments)])
        if environment:
            self.environment.setCurrentText(environment)
        self.iterations = QSpinBox(objectName="runnerIterations", accessibleName="Iterations")
        self.iterations.setRange(1, 100000)
        self.iterations.setToolTip("With a data file: 1 runs once per row")
        self.data_file = QLineEdit(objectName="runnerDataFile", accessibleName="Data file")
        self.data_file.setPlaceholderText("CSV or JSON: one iteration per row")
        browse = QPushButton("Browse…", objectName="runnerBrowse",
                             accessibleName="Choose a data file")
        browse.clicked.connect(self._browse)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_file, 1)
        data_row.addWidget(browse)
        self.delay = QSpinBox(objectName="runnerDelay", accessibleName="Delay in milliseconds")
        self.delay.setRange(0, 600000)
        self.delay.setSuffix(" ms")
        self.bail = QCheckBox("Stop at the first failure", objectName="runnerBail")
        form.addRow("Environment:", self.environment)
        form.addRow("Iterations:", self.iterations)
        form.addRow("Data file:", data_row)
        form.addRow("Delay:", self.delay)
        form.addRow(self.bail)
        setup.addLayout(form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run", objectName="runnerRun",
                                      accessibleName="Run the chosen requests")
        self.stop_button = QPushButton("Stop", objectName="runnerStop",
                                       accessibleName="Stop the run")
        self.rerun_button = QPushButton("Re-run failed", objectName="runnerRerun",
                                        accessibleName="Run the failed requests again")
        self.run_button.setDefault(True)
        for button in (self.run_button, self.stop_button, self.rerun_button):
            buttons.addWidget(button)
        setup.addLayout(buttons)

    def _fill_tree(self, parent: QTreeWidgetItem, folder: Folder) -> None:
        for child in folder.children:
            node = QTreeWidgetItem(parent, [child.name])
            node.setData(0, ROLE, child)
            flags = node.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if isinstance(child, Folder):
                flags |= Qt.ItemFlag.ItemIsAutoTristate
                node.setFlags(flags)
                self._fill_tree(node, child)
            else:
                node.setFlags(flags)
                node.setToolTip(0, f"{child.spec.method} {child.spec.url}")
            node.setCheckState(0, Qt.CheckState.Checked)

    def _check_all(self, state: Qt.CheckState) -> None:
        root = self.tree.invisibleRootItem()
        for i in range(root.childCount()):
            root.child(i).setCheckState(0, state)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Data file", str(self.collection.path),
                                              "Data (*.csv *.json);;All files (*)")
        if path:
            self.data_file.setText(path)

    def chosen(self) -> list[RequestItem]:
        """The checked requests, in the collection's order."""
        checked: set[int] = set()
        stack = [self.tree.invisibleRootItem()]
        while stack:
            node = stack.pop()
            for i in range(node.childCount()):
                child = node.child(i)
                stack.append(child)
                obj = child.data(0, ROLE)
                if isinstance(obj, RequestItem) and \
                        child.checkState(0) == Qt.CheckState.Checked:
                    checked.add(id(obj))
        return [item for item in self.collection.requests() if id(item) in checked]
