"""Where to save the Scratch request: its name, the collection and the folder, with the
last place chosen preselected (Ctrl+S on Scratch never picks a collection silently)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ...core.collections.model import Folder, collection_of

if TYPE_CHECKING:
    from ...core.collections.model import Collection

TOP_LEVEL = "(top level)"


def folders_of(collection: Collection) -> list[tuple[str, Folder]]:
    """The collection's root and every folder below it, labelled by their path."""
    out: list[tuple[str, Folder]] = [(TOP_LEVEL, collection.root)]

    def visit(folder: Folder, prefix: str) -> None:
        for child in folder.children:
            if isinstance(child, Folder) and child.disk.problem is None:
                label = f"{prefix}{child.name}"
                out.append((label, child))
                visit(child, label + " / ")

    visit(collection.root, "")
    return out


class SaveLocationDialog(QDialog):
    def __init__(self, collections: list[Collection], preselect: Folder | None,
                 name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveLocationDialog")
        self.setWindowTitle("Save the request")
        self.setMinimumWidth(460)  # room for a folder path
        self._collections = collections
        self._folders: list[Folder] = []
        form = QFormLayout(self)
        form.addRow(QLabel("Save the Scratch request as a file in a collection."))
        self.name = QLineEdit(name, objectName="saveName", accessibleName="Request name")
        self.name.selectAll()
        form.addRow("Name:", self.name)
        self.collection = QComboBox(objectName="saveCollection", accessibleName="Collection")
        for c in collections:
            self.collection.addItem(c.name)
            self.collection.setItemData(self.collection.count() - 1, str(c.path),
                                        Qt.ItemDataRole.ToolTipRole)
        form.addRow("Collection:", self.collection)
        self.folder = QComboBox(objectName="saveFolder", accessibleName="Folder")
        form.addRow("Folder:", self.folder)
        self.where = QLabel(objectName="saveWhere", wordWrap=True)
        form.addRow(self.where)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.collection.currentIndexChanged.connect(self._fill_folders)
        self.folder.currentIndexChanged.connect(self._show_where)
        self.name.textChanged.connect(self._show_where)

        start = collection_of(preselect) if preselect is not None else None
        index = next((i for i, c in enumerate(collections) if c is start), 0)
        self.collection.setCurrentIndex(index)
        self._fill_folders(index)
        if preselect is not None and preselect in self._folders:
            self.folder.setCurrentIndex(self._folders.index(preselect))
        self._show_where()
        self.name.setFocus()

    def _fill_folders(self, index: int) -> None:
        self.folder.clear()
        self._folders = []
        if 0 <= index < len(self._collections):
            for label, folder in folders_of(self._collections[index]):
                self.folder.addItem(label)
                self._folders.append(folder)
        self._show_where()

    def _show_where(self) -> None:
        folder = self.chosen_folder()
        name = self.name.text().strip()
        ok = folder is not None and bool(name)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)
        self.where.setText(f"Into {folder.path}" if folder is not None else "")

    def chosen_folder(self) -> Folder | None:
        index = self.folder.currentIndex()
        return self._folders[index] if 0 <= index < len(self._folders) else None

    def accept(self) -> None:
        if self.chosen_folder() is not None and self.name.text().strip():
            super().accept()


def ask_save_location(parent: QWidget, collections: list[Collection],
                      preselect: Folder | None, name: str) -> tuple[Folder, str] | None:
    """The folder and name the person chose, or None when they cancelled."""
    dialog = SaveLocationDialog(collections, preselect, name, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        folder = dialog.chosen_folder()
        return (folder, dialog.name.text().strip()) if folder is not None else None
    finally:
        dialog.deleteLater()
