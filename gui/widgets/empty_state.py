"""An empty state: where a list or a pane has nothing yet, an icon, a line saying what
will appear there, a line saying how, and the buttons that get there (as Postman's and
Yaak's empty panes do), instead of a blank rectangle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .icons import icon

#: (text, icon name, objectName, accessible name, slot)
Action = tuple[str, str, str, str, Callable[[], object]]
ICON_SIZE = QSize(32, 32)


class EmptyState(QWidget):
    def __init__(self, name: str, icon_name: str, title: str, text: str,
                 actions: Sequence[Action] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName=name)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 24, 16, 24)
        layout.setSpacing(8)
        layout.addStretch(1)
        self.icon = QLabel(objectName=f"{name}Icon", alignment=Qt.AlignmentFlag.AlignCenter)
        self.icon.setPixmap(icon(icon_name, "muted").pixmap(ICON_SIZE))
        layout.addWidget(self.icon)
        self.title = QLabel(title, objectName=f"{name}Title", wordWrap=True,
                            alignment=Qt.AlignmentFlag.AlignCenter)
        self.title.setProperty("tone", "heading")
        layout.addWidget(self.title)
        self.text = QLabel(text, objectName=f"{name}Text", wordWrap=True,
                           alignment=Qt.AlignmentFlag.AlignCenter)
        self.text.setProperty("tone", "muted")
        self.text.setTextFormat(Qt.TextFormat.RichText if "<" in text else
                                Qt.TextFormat.PlainText)
        layout.addWidget(self.text)
        self.buttons: dict[str, QPushButton] = {}
        if actions:
            row = QHBoxLayout()
            row.setSpacing(4)
            row.addStretch(1)
            for label, icon_name_, object_name, accessible, slot in actions:
                button = QPushButton(icon(icon_name_), label, objectName=object_name,
                                     accessibleName=accessible)
                button.clicked.connect(lambda _=False, s=slot: s())
                row.addWidget(button)
                self.buttons[object_name] = button
            row.addStretch(1)
            layout.addSpacing(4)
            layout.addLayout(row)
        layout.addStretch(2)

    def set_text(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.setAccessibleName(title)
        self.text.setText(text)
