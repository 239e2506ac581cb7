"""Collections in the window: tree, tabs, saving, variables, inheritance, restarts."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from gui.core.collections import manage as col
from gui.core.model import AuthConfig, RequestSpec, Row
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable
from gui.persistence import Persistence
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


@pytest.fixture
def keychain():
    return MemoryKeyring()


@pytest.fixture
def api(tmp_path, httpbin_url, keychain):
    c = col.new_collection(tmp_path / "api", "Test API")
    c.variables = [Variable("base", httpbin_url)]
    c.headers = [Row("X-Team", "core")]
    col.save_collection(c)
    users = col.new_folder(c.root, "Users")
    users.auth = AuthConfig("basic", {"username": "u", "password": "pw-folder"})
    col.save_folder(users, SecretStore(keychain))
    col.new_request(users, "Who am I", RequestSpec(url="{{base}}/basic-auth/u/pw-folder",
                                                   auth=AuthConfig("inherit")))
    col.new_request(c.root, "Health", RequestSpec(url="{{base}}/get"))
    return c.path


def make(qtbot, keychain, persistence=False):
    w = MainWindow(Persistence(SecretStore(keychain)) if persistence else None,
                   store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


def request_named(window, name):
    return next(r for c in window.sidebar.collections for r in c.requests() if r.name == name)


def send(qtbot, window):
    window.send()
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    return window.last_exchange


def test_tree_shows_folders_and_requests_and_filters(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    labels = [i.text(0) for i in w.sidebar._items()]
    assert "Test API" in labels and "Users" in labels
    w.sidebar.filter.setText("health")
    shown = [i.text(0) for i in w.sidebar._items() if not i.isHidden()]
    assert any("Health" in t for t in shown) and not any("Who am I" in t for t in shown)


def test_variables_and_inheritance_are_applied(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Who am I"))
    ex = send(qtbot, w)
    assert ex.response.status == 200  # folder's Basic auth, {{base}} resolved
    sent = dict(ex.hops[0].request.headers)
    assert sent["X-Team"] == "core" and sent["Authorization"] == "Basic ****"
    assert w.editor.auth._inherit_note == "Inherits Basic from the folder 'Users'."


def test_unknown_variable_is_named_and_nothing_is_sent(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Health"))
    w.editor.url.setText("{{nowhere}}/get")
    w.send()  # the secrets are read first, in a worker; then the plan says what is wrong
    qtbot.waitUntil(lambda: "{{nowhere}}" in w.editor.problem.text(), timeout=10000)
    assert w.job is None


def test_environment_overrides_the_collection(qtbot, keychain, api, httpbin_url):
    w = make(qtbot, keychain)
    c = w.open_collection(str(api))
    env = col.new_environment(c, "Staging")
    env.variables = [Variable("path", "anything")]
    col.save_environment(env)
    w.open_request(request_named(w, "Health"))
    w.editor.url.setText("{{base}}/{{path}}")
    w.set_environment("Staging")
    assert json.loads(send(qtbot, w).response.body)["url"] == f"{httpbin_url}/anything"


def test_unsaved_mark_and_ctrl_s(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Health"))
    w.editor.url.setText("{{base}}/headers")
    assert w.tabs.tabText(w.tabs.currentIndex()).startswith("● ")
    # The window's shortcuts are its menu actions (gui/widgets/window_menus.py).
    keys = {k.toString() for a in w.actions() for k in a.shortcuts()}
    assert {"Ctrl+S", "Ctrl+N", "Ctrl+W"} <= keys
    assert w.save_current()  # what Ctrl+S does
    assert not w.tabs.tabText(w.tabs.currentIndex()).startswith("●")
    assert "{{base}}/headers" in tab.item.path.read_text()


def test_secret_variable_asked_for_once_then_from_the_keychain(qtbot, keychain, api,
                                                                monkeypatch):
    c, _ = col.open_collection(api)
    c.variables.append(Variable("token", "", secret=True))
    col.save_collection(c)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(1), ("tok-from-user", True))[1])
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Health"))
    w.editor.url.setText("{{base}}/get?t={{token}}")
    ex = send(qtbot, w)
    # Sent: the echo holds exactly the secret, which the record shows masked.
    assert json.loads(ex.response.body)["args"]["t"] == "****"
    assert "tok-from-user" not in json.dumps(ex.to_dict()["hops"])
    assert "tok-from-user" in keychain.items.values() and asked == [1]
    assert "tok-from-user" not in (api / "collection.yaml").read_text()


def test_changed_on_disk_offers_reload(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Health"))
    text = tab.item.path.read_text().replace("{{base}}/get", "{{base}}/uuid")
    tab.item.path.write_text(text)
    # The file is read in a worker (never on the GUI thread): the bar comes after it.
    w._file_changed(str(tab.item.path))
    qtbot.waitUntil(lambda: not tab.changed_bar.isHidden(), timeout=5000)
    qtbot.mouseClick(tab.reload_button, Qt.MouseButton.LeftButton)
    assert w.editor.url.text() == "{{base}}/uuid"


def test_delete_asks_and_offers_to_forget_secrets(qtbot, keychain, api, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    item = request_named(w, "Health")
    w.sidebar.delete(item)
    assert not item.path.exists()
    assert all(r.name != "Health" for r in w.sidebar.collections[0].requests())


def test_move_between_folders(qtbot, keychain, api):
    w = make(qtbot, keychain)
    c = w.open_collection(str(api))
    item = request_named(w, "Health")
    users = next(f for f in c.root.children if getattr(f, "name", "") == "Users")
    w.sidebar.move(item, users, None)
    assert item.path.parent.name == "users" and item.path.exists()


def test_dropping_a_request_on_a_folder_moves_its_file(qtbot, keychain, api):
    """The drop as the tree receives it from a drag: a QDropEvent over the target row."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tree = w.sidebar.tree
    before = request_named(w, "Health").path
    assert before.exists()
    rows = {i.text(0): i for i in w.sidebar._items()}
    source = next(i for label, i in rows.items() if "Health" in label)
    target = rows["Users"]
    tree.setCurrentItem(source)
    mime = tree.mimeData([source])
    point = QPointF(tree.visualItemRect(target).center())
    event = QDropEvent(point, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(event)
    moved = request_named(w, "Health")
    assert moved.path.parent.name == "users" and moved.path.exists()
    assert not before.exists()
    # The tree is rebuilt from the collection: Health now sits under Users.
    users = next(i for i in w.sidebar._items() if i.text(0) == "Users")
    assert any("Health" in users.child(n).text(0) for n in range(users.childCount()))


def test_broken_file_is_reported_and_left_alone(qtbot, keychain, api, monkeypatch):
    bad = api / "bad.request.yaml"
    bad.write_text("method: GET\nurl: [unclosed\n")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    assert "bad.request.yaml" in warnings[0] and "line" in warnings[0]
    assert request_named(w, "Health") is not None
    assert bad.read_text() == "method: GET\nurl: [unclosed\n"


def test_session_comes_back_after_a_restart(qtbot, keychain, api):
    first = make(qtbot, keychain, persistence=True)
    first.open_collection(str(api))
    first.open_request(request_named(first, "Health"))
    first.close()
    second = make(qtbot, keychain, persistence=True)
    second.restore()
    second.persistence.wait()
    assert second.wait_for_collections()
    assert [c.name for c in second.sidebar.collections] == ["Test API"]
    assert second.tabs.count() == 2 and second.tabs.tabText(1) == "Health"


def test_url_variables_show_their_value_and_unknown_ones_are_marked(qtbot, keychain, api,
                                                                    httpbin_url):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Health"))
    assert w.editor.url.toolTip() == f"Sends: {httpbin_url}/get"
    w.editor.url.setText("{{base}}/{{missing}}")
    assert w.editor.url.toolTip() == "Unknown variable: {{missing}}"
    assert w.editor.url.property("unknownVariables") is True


def test_unknown_variables_are_marked_in_headers_params_and_body(qtbot, keychain, api):
    from gui.core.model import Body, BodyKind
    from gui.widgets.kvtable import UNKNOWN_COLOUR

    w = make(qtbot, keychain)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Health"))
    editor = w.editor
    editor.set_spec(RequestSpec(
        url="{{base}}/post", method="POST",
        headers=[Row("X-Known", "{{base}}"), Row("X-Token", "Bearer {{token}}")],
        body=Body(BodyKind.JSON, text='{"user": "{{user}}", "base": "{{base}}"}')))
    known, unknown = editor.headers.item(0, 2), editor.headers.item(1, 2)
    assert unknown.toolTip() == "Unknown variable: {{token}}"
    assert unknown.foreground().color().name() == UNKNOWN_COLOUR
    assert known.toolTip() == "Uses {{base}}"
    assert known.foreground().color().name() != UNKNOWN_COLOUR
    marks = editor.body.text.extraSelections()
    assert [editor.body.text.toPlainText()[m.cursor.selectionStart():m.cursor.selectionEnd()]
            for m in marks] == ["{{user}}"]
    # Typing the missing variable's definition elsewhere is not needed: editing the
    # cell re-marks it at once.
    unknown.setText("Bearer {{base}}")
    assert unknown.toolTip() == "Uses {{base}}"
    editor.body.text.setPlainText('{"base": "{{base}}"}')
    assert editor.body.text.extraSelections() == []
    # Marking is not an edit of the request.
    edits = []
    editor.edited.connect(lambda: edits.append(1))
    editor.refresh_variables()
    assert edits == []


def test_cloned_collection_asks_for_a_missing_auth_secret_once(qtbot, api, monkeypatch):
    fresh = MemoryKeyring()  # a teammate's machine: the folder's password is not there
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(a[2]), ("pw-folder", True))[1])
    w = make(qtbot, fresh)
    w.open_collection(str(api))
    w.open_request(request_named(w, "Who am I"))
    assert send(qtbot, w).response.status == 200
    assert "Password of 'Users'" in asked[0]
    assert "pw-folder" in fresh.items.values()
    assert send(qtbot, w).response.status == 200 and len(asked) == 1
