"""The Auth form's widgets, drawn from a scheme's declared fields: a check box, a
choice, a line of text, a secret with Show, a file with Browse…; and the values they hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QWidget,
)

from ... import deferred

if TYPE_CHECKING:
    from ...core.auth.base import Field


def field_input(f: Field, value: Any, changed: Callable[[], None],
                parent: QWidget) -> tuple[QWidget, QWidget]:
    """The widget for a field's form row, and the one that holds its value; `changed`
    is called on every change (a file chosen with Browse… over `parent` too)."""
    name = f"authField_{f.name}"
    if f.kind is deferred.auth_base.FieldKind.FLAG:
        box = QCheckBox(objectName=name, accessibleName=f.label, checked=bool(value))
        box.setToolTip(f.help)
        box.toggled.connect(lambda *_: changed())
        return box, box
    if f.kind is deferred.auth_base.FieldKind.CHOICE:
        combo = QComboBox(objectName=name, accessibleName=f.label)
        combo.addItems(list(f.choices))
        combo.setCurrentText(str(value))
        combo.setToolTip(f.help)
        combo.currentTextChanged.connect(lambda *_: changed())
        return combo, combo
    edit = QLineEdit(str(value), objectName=name, accessibleName=f.label)
    edit.setPlaceholderText(f.placeholder)
    edit.setToolTip(f.help)
    edit.textEdited.connect(lambda *_: changed())
    if f.kind is deferred.auth_base.FieldKind.TEXT:
        return edit, edit
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    button = QToolButton(row)
    if f.kind is deferred.auth_base.FieldKind.SECRET:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        button.setObjectName(f"reveal_{f.name}")
        button.setText("Show")
        button.setCheckable(True)
        button.setAccessibleName(f"Show {f.label}")
        button.toggled.connect(lambda on: (
            edit.setEchoMode(QLineEdit.EchoMode.Normal if on else
                             QLineEdit.EchoMode.Password),
            button.setText("Hide" if on else "Show")))
    else:
        button.setObjectName(f"browse_{f.name}")
        button.setText("Browse…")
        button.setAccessibleName(f"Choose {f.label}")
        button.clicked.connect(lambda: _browse(edit, f.label, changed, parent))
    layout.addWidget(button)
    return row, edit


def _browse(edit: QLineEdit, label: str, changed: Callable[[], None],
            parent: QWidget) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, f"Choose {label}")
    if path:
        edit.setText(path)
        changed()


def field_values(inputs: dict[str, QWidget]) -> dict[str, Any]:
    """What each field's widget holds, by field name."""
    values: dict[str, Any] = {}
    for name, editor in inputs.items():
        if isinstance(editor, QCheckBox):
            values[name] = editor.isChecked()
        elif isinstance(editor, QComboBox):
            values[name] = editor.currentText()
        elif isinstance(editor, QLineEdit):
            values[name] = editor.text()
    return values
