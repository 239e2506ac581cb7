"""What the headers/params/form tables and the variables table share (RowTable): the
blank last row, the enabled box, ✕ and Delete, and `edited` for the user's changes only."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from gui.core.model import Row
from gui.core.variables import Variable
from gui.widgets.dialogs.variables_table import VariablesTable
from gui.widgets.kvtable import KeyValueTable
from gui.widgets.rowtable import ENABLED, NAME, VALUE


class Headers:
    """A KeyValueTable driven through its own API."""

    def make(self):
        return KeyValueTable("headersTable", "Headers")

    def load(self, table, names):
        table.set_rows([Row(n, f"{n}-value") for n in names])

    def names(self, table):
        return [r.name for r in table.rows()]

    def type_value(self, table, r, text):
        table.item(r, VALUE).setText(text)


class Variables:
    """A VariablesTable: its value is typed through set_value, as the delegate does."""

    def make(self):
        return VariablesTable()

    def load(self, table, names):
        table.set_variables([Variable(n, f"{n}-value") for n in names])

    def names(self, table):
        return [v.name for v in table.variables()]

    def type_value(self, table, r, text):
        table.set_value(r, text)


@pytest.fixture(params=[Headers, Variables], ids=["KeyValueTable", "VariablesTable"])
def kind(request):
    return request.param()


@pytest.fixture
def table(qtbot, kind):
    t = kind.make()
    qtbot.addWidget(t)
    return t


@pytest.fixture
def edits(table):
    seen = []
    table.edited.connect(lambda: seen.append(True))
    return seen


def remove_button(table, r):
    return table.cellWidget(r, table.columnCount() - 1).findChild(QToolButton, "removeRowButton")


def blank_is_last(table):
    last = table.rowCount() - 1
    return (table.item(last, NAME).text() == "" and not remove_button(table, last).isEnabled()
            and all(remove_button(table, r).isEnabled() for r in range(last)))


def test_loading_keeps_one_blank_row_last_and_is_no_edit(table, kind, edits):
    kind.load(table, ["a", "b"])
    assert table.rowCount() == 3 and blank_is_last(table)
    assert kind.names(table) == ["a", "b"] and edits == []
    kind.load(table, [])
    assert table.rowCount() == 1 and blank_is_last(table) and kind.names(table) == []


@pytest.mark.parametrize("column", ["name", "value"])
def test_typing_into_the_blank_row_adds_a_row_and_a_new_blank(table, kind, edits, column):
    kind.load(table, ["a"])
    if column == "name":
        table.item(1, NAME).setText("b")
    else:
        kind.type_value(table, 1, "typed")
    assert table.rowCount() == 3 and blank_is_last(table)
    assert kind.names(table) == ["a", "b" if column == "name" else ""]
    assert edits


def test_unticking_the_blank_row_adds_no_row(table, kind, edits):
    kind.load(table, ["a"])
    table.item(1, ENABLED).setCheckState(Qt.CheckState.Unchecked)
    assert table.rowCount() == 2 and edits == [True]


def test_the_remove_button_removes_its_own_row(table, kind, edits):
    kind.load(table, ["a", "b", "c"])
    remove_button(table, 0).click()
    remove_button(table, 1).click()  # "c", now that "a" is gone
    assert kind.names(table) == ["b"] and blank_is_last(table) and len(edits) == 2
    remove_button(table, 1).click()  # the blank row's button is disabled
    assert table.rowCount() == 2


def test_delete_removes_the_selected_rows_but_never_the_blank_one(qtbot, table, kind, edits):
    kind.load(table, ["a", "b", "c"])
    table.show()
    qtbot.waitExposed(table)
    table.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    table.clearSelection()
    for r in (0, 2, 3):  # "a", "c" and the blank row
        table.selectionModel().select(
            table.model().index(r, NAME),
            table.selectionModel().SelectionFlag.Select
            | table.selectionModel().SelectionFlag.Rows)
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert kind.names(table) == ["b"] and blank_is_last(table) and len(edits) == 2
