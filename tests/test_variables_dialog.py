"""The variables dialog: globals, collection and environment variables saved through the
core, secret values in the keychain only, environments added, renamed and deleted."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QToolButton

from gui.core.collections.globalvars import global_key, load_globals
from gui.core.collections.manage import new_collection, new_environment, open_collection
from gui.core.collections.secrets import variable_key
from gui.core.storage.keychain import SERVICE, SecretStore
from gui.core.variables import Variable
from gui.widgets.dialogs.variables import VariablesDialog
from gui.widgets.dialogs.variables_table import MASK, NAME, SECRET, VALUE
from tests.fakes import MemoryKeyring


@pytest.fixture
def keyring():
    return MemoryKeyring()


@pytest.fixture
def store(keyring):
    return SecretStore(keyring)


@pytest.fixture
def col(tmp_path):
    c = new_collection(tmp_path / "api", "API")
    new_environment(c, "Dev")
    return c


@pytest.fixture
def make(qtbot, store):
    def make(collection=None, globals_=()):
        dialog = VariablesDialog(collection, list(globals_), store)
        qtbot.addWidget(dialog)
        return dialog
    return make


def add_row(table, name, value, secret=False):
    """Type into the blank last row, as a user does."""
    r = table.rowCount() - 1
    table.item(r, NAME).setText(name)
    if secret:
        table.item(r, SECRET).setCheckState(Qt.CheckState.Checked)
    table.set_value(r, value)


def problem(dialog):
    label = dialog.findChild(QLabel, "variablesProblem")
    return label.text() if label.isVisibleTo(dialog) else ""


def test_edited_globals_are_saved(make):
    dialog = make(globals_=[Variable("host", "old.example")])
    dialog.table.set_value(0, "example.org")
    add_row(dialog.table, "port", "8080")
    assert dialog.save()
    assert load_globals()[0] == [Variable("host", "example.org"), Variable("port", "8080")]


def test_a_secret_global_goes_to_the_keychain_only(make, store, data_dir):
    dialog = make()
    add_row(dialog.table, "token", "tok-global-1", secret=True)
    assert dialog.save()
    assert b"tok-global-1" not in (data_dir / "globals.yaml").read_bytes()
    assert store.get(global_key("token")) == "tok-global-1"


def test_collection_and_environment_variables_are_saved(make, col):
    dialog = make(col)
    dialog.select_scope("Collection: API")
    add_row(dialog.table, "base", "https://api.example")
    dialog.select_scope("Dev")
    add_row(dialog.table, "user", "dev-user")
    assert dialog.save()
    opened, _ = open_collection(col.path)
    assert opened.variables == [Variable("base", "https://api.example")]
    assert opened.environments[0].variables == [Variable("user", "dev-user")]


def test_secret_values_are_in_the_keychain_and_a_marker_in_the_files(make, col, keyring):
    dialog = make(col)
    dialog.select_scope("Collection: API")
    add_row(dialog.table, "key", "col-secret-1", secret=True)
    dialog.select_scope("Dev")
    add_row(dialog.table, "token", "env-secret-2", secret=True)
    assert dialog.save()
    env = col.environments[0]
    for path, value in ((col.settings_path, "col-secret-1"), (env.path, "env-secret-2")):
        text = path.read_text()
        assert value not in text and "secret: keychain" in text
    assert keyring.items[(SERVICE, variable_key(col.namespace, None, "key"))] == "col-secret-1"
    assert keyring.items[(SERVICE, variable_key(col.namespace, env, "token"))] == "env-secret-2"


def test_a_secret_value_is_masked_until_shown(make):
    dialog = make(globals_=[Variable("token", "s3cret", secret=True)])
    table = dialog.table
    assert table.item(0, VALUE).text() == MASK
    table.cellWidget(0, 4).findChild(QToolButton, "revealValueButton").click()
    assert table.item(0, VALUE).text() == "s3cret"
    assert table.variables() == [Variable("token", "s3cret", secret=True)]


def test_a_hidden_secret_is_edited_in_a_password_field(qtbot, make):
    dialog = make(globals_=[Variable("token", "old", secret=True)])
    dialog.show()
    dialog.table.editItem(dialog.table.item(0, VALUE))
    editor = dialog.table.findChild(QLineEdit, "variableValueEditor")
    assert editor.echoMode() == QLineEdit.EchoMode.Password and editor.text() == "old"
    editor.setText("new")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.global_variables()[0].value == "new", timeout=2000)
    assert dialog.isVisible() and dialog.table.item(0, VALUE).text() == MASK


def test_ok_takes_the_cell_being_edited(make):
    dialog = make()
    dialog.show()
    dialog.table.editItem(dialog.table.item(0, NAME))
    dialog.table.findChild(QLineEdit).setText("typed")
    assert dialog.save() and load_globals()[0] == [Variable("typed", "")]


def test_an_added_environment_is_created_on_save(make, col):
    dialog = make(col)
    assert dialog.add_environment("Staging")
    add_row(dialog.table, "host", "staging.example")
    assert dialog.save()
    opened, _ = open_collection(col.path)
    assert [e.name for e in opened.environments] == ["Dev", "Staging"]
    assert opened.environments[1].variables == [Variable("host", "staging.example")]


def test_a_renamed_environment_moves_its_file_and_secrets(make, col, store):
    dialog = make(col)
    dialog.select_scope("Dev")
    add_row(dialog.table, "token", "tok-3", secret=True)
    assert dialog.save()
    dialog.rename_environment("Production")
    assert dialog.save() and dialog.scopes()[-1] == "Production"
    env = col.environments[0]
    assert env.path.name == "production.yaml" and not (col.path / "environments/dev.yaml").exists()
    assert store.get(variable_key(col.namespace, env, "token")) == "tok-3"


def test_a_deleted_environment_loses_its_file_and_keychain_entries(make, col, keyring):
    dialog = make(col)
    dialog.select_scope("Dev")
    add_row(dialog.table, "token", "tok-4", secret=True)
    assert dialog.save() and keyring.items
    path = col.environments[0].path
    assert dialog.delete_environment(confirm=False)
    assert dialog.save()
    assert not path.exists() and col.environments == [] and keyring.items == {}


def test_cancel_discards_every_change(make, col):
    dialog = make(col)
    dialog.select_scope("Dev")
    add_row(dialog.table, "user", "nobody")
    dialog.add_environment("Staging")
    dialog.reject()
    assert col.environments[0].variables == [] and len(col.environments) == 1
    assert not (col.path / "environments/staging.yaml").exists()


@pytest.mark.parametrize(("rows", "message"), [
    ([("a", "1"), ("a", "2")], "“a” is used more than once in Globals"),
    ([("", "orphan value")], "has a value but no name"),
])
def test_duplicate_or_missing_names_are_refused(make, data_dir, rows, message):
    dialog = make()
    for name, value in rows:
        add_row(dialog.table, name, value)
    assert message in problem(dialog)
    assert not dialog.save() and not (data_dir / "globals.yaml").exists()


def test_a_file_changed_on_disk_is_reported_then_overwritten(make, col, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    dialog = make(col)
    dialog.select_scope("Dev")
    add_row(dialog.table, "user", "mine")
    env = col.environments[0]
    env.path.write_text("name: Dev\nvariables: [{name: user, value: theirs}]\n")
    assert not dialog.save() and str(env.path) in shown[0]
    assert dialog.variables("Dev") == [Variable("user", "mine")]
    assert dialog.save() and "mine" in env.path.read_text()


def test_a_secret_too_short_to_mask_inside_text_is_said(make):
    dialog = make()
    add_row(dialog.table, "pin", "42", secret=True)
    note = dialog.findChild(QLabel, "variablesNote")
    assert note.isVisibleTo(dialog)
    assert "{{pin}}" in note.text() and "whole value" in note.text()
    assert "42" not in note.text() and problem(dialog) == ""  # a note, not a problem
    assert dialog.save()
