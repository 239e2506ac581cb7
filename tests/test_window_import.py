"""Import in the window: File → Import… and files dropped on the sidebar show what will be
made before anything is written, ask before a folder that holds files, open the result;
environments and globals go to an open collection or the globals; a pasted curl command
becomes the request (Ctrl+Z puts back what was there)."""

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from gui import tasks
from gui.core.collections import manage as col
from gui.core.collections.globalvars import load_globals
from gui.core.storage.keychain import SecretStore
from gui.widgets.dialogs.import_collection import ImportDialog
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring

POSTMAN = Path(__file__).parent / "data" / "import" / "postman"
FULL = POSTMAN / "full.postman_collection.json"


@pytest.fixture
def keychain():
    return MemoryKeyring()


def make(qtbot, keychain):
    w = MainWindow(None, store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def read_in(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.message.isVisible(),
                    timeout=15000)
    return dialog


def import_into(qtbot, window, dialog, parent: Path, name: str | None = None):
    dialog.parent_edit.setText(str(parent))
    if name is not None:
        dialog.name_edit.setText(name)
    from shiboken6 import isValid

    before = len(window.sidebar.collections)
    message = dialog.message
    dialog.import_button.click()
    # The dialog closes once written; the collection is then read in a worker.
    qtbot.waitUntil(lambda: len(window.sidebar.collections) > before or
                    (isValid(message) and message.isVisible()), timeout=15000)


def test_import_menu_shows_the_file_then_writes_and_opens_it(qtbot, keychain, tmp_path,
                                                             monkeypatch):
    w = make(qtbot, keychain)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(FULL)], ""))
    action = w.findChild(QAction, "actionImport")
    assert action is not None and action.text() == "&Import…"
    action.trigger()
    dialog = w.findChild(ImportDialog, "importDialog")
    read_in(qtbot, dialog)
    # Shown before anything is written: the summary, the tree, each notice with its place.
    assert dialog.summary.text().startswith("Postman collection v2.1 'Shop API': 10 requests")
    top = dialog.tree.topLevelItem(0)
    assert top.text(0) == "Shop API"
    assert [top.child(i).text(0) for i in range(3)] == ["Products", "Login (form)",
                                                         "Upload cover"]
    notices = [dialog.notices.item(i).text() for i in range(dialog.notices.count())]
    assert len(notices) == len(dialog.result.notices) == 7
    assert any(n.startswith("Products / Create product: test script") for n in notices)
    assert dialog.name_edit.text() == "shop-api"
    assert not (tmp_path / "shop-api").exists()

    import_into(qtbot, w, dialog, tmp_path)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    collection = w.sidebar.collections[-1]
    assert collection.name == "Shop API" and collection.path == tmp_path / "shop-api"
    names = {r.name for r in collection.requests()}
    assert {"List products", "Get review", "Ping", "Search (GraphQL)"} <= names
    assert len(names) == 10
    assert w.sidebar.item_for(collection) is w.sidebar.tree.currentItem()
    assert (tmp_path / "shop-api" / "IMPORT-NOTES.md").is_file()
    assert "Imported 10 requests" in w.statusBar().currentMessage()
    # The collection's secret variable went to the keychain, not into a file.
    for path in files_in(tmp_path / "shop-api"):
        assert "var-apikey-c0ffee42" not in path.read_text(errors="replace"), path
    assert "var-apikey-c0ffee42" in keychain.items.values()


def test_a_folder_that_holds_files_is_asked_about(qtbot, keychain, tmp_path, monkeypatch):
    w = make(qtbot, keychain)
    target = tmp_path / "work"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    asked = []

    def answer(reply):
        def question(_parent, _title, text, *a, **k):
            asked.append(text)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    dialog = read_in(qtbot, w.import_files([FULL]))
    import_into(qtbot, w, dialog, tmp_path, "work")
    assert asked and "notes.txt" in asked[0]
    assert dialog.isVisible() and "choose another name" in dialog.message.text()
    assert files_in(target) == [target / "notes.txt"] and not w.sidebar.collections

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    import_into(qtbot, w, dialog, tmp_path, "work")
    assert w.sidebar.collections[-1].path == target
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "collection.yaml").is_file()


def test_a_bad_file_is_a_sentence_and_nothing_is_written(qtbot, keychain, tmp_path):
    w = make(qtbot, keychain)
    bad = POSTMAN / "truncated.postman_collection.json"
    dialog = read_in(qtbot, w.import_files([bad]))
    assert dialog.message.isVisible()
    text = dialog.message.text()
    assert str(bad) in text and "truncated" in text and "Traceback" not in text
    assert not dialog.import_button.isEnabled()
    other = tmp_path / "some.txt"
    other.write_text("hello, not an export\n")
    second = read_in(qtbot, w.import_files([other]))
    assert "is not a file Gatepost can import" in second.message.text()
    second.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert files_in(tmp_path) == [other]


def test_cancel_writes_nothing(qtbot, keychain, tmp_path):
    w = make(qtbot, keychain)
    dialog = read_in(qtbot, w.import_files([FULL]))
    dialog.parent_edit.setText(str(tmp_path))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    tasks.wait("import", 5000)
    assert list(tmp_path.iterdir()) == [] and not w.sidebar.collections


def test_a_file_dropped_on_the_sidebar_opens_the_dialog(qtbot, keychain, tmp_path):
    w = make(qtbot, keychain)
    data = QMimeData()
    env_file = POSTMAN / "staging.postman_environment.json"
    data.setUrls([QUrl.fromLocalFile(str(FULL)), QUrl.fromLocalFile(str(env_file))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    w.sidebar.tree.dropEvent(event)
    dialog = read_in(qtbot, w.findChild(ImportDialog, "importDialog"))
    # Dropped together: one collection with the environment, each notice naming its file.
    assert dialog.paths == [FULL, env_file] and dialog.result.name == "Shop API"
    assert [e.name for e in dialog.result.environments] == ["Staging"]
    notices = [dialog.notices.item(i).text() for i in range(dialog.notices.count())]
    assert any(n.startswith("staging.postman_environment.json: Staging:") for n in notices)
    import_into(qtbot, w, dialog, tmp_path)
    assert [e.name for e in w.sidebar.collections[-1].environments] == ["Staging"]


def test_an_environment_goes_to_the_open_collection_or_the_globals(qtbot, keychain, tmp_path):
    w = make(qtbot, keychain)
    c = col.new_collection(tmp_path / "api", "API")
    col.new_request(c.root, "Health")
    w.open_collection(str(c.path))
    w.open_request(w.sidebar.collections[0].requests()[0])
    env_file = POSTMAN / "staging.postman_environment.json"
    dialog = read_in(qtbot, w.import_files([env_file]))
    assert dialog.into.isVisible() and not dialog.where.isVisible()
    assert dialog.to_collection.isChecked()
    assert dialog.collection_combo.currentText() == "API"
    assert dialog.tree.topLevelItem(0).text(0) == "Environments (1)"
    dialog.import_button.click()
    opened = w.sidebar.collections[0]
    qtbot.waitUntil(lambda: any(e.name == "Staging" for e in opened.environments),
                    timeout=15000)
    assert (c.path / "environments" / "staging.yaml").is_file()
    assert "Staging" in [w.environment.itemText(i) for i in range(w.environment.count())]

    globals_file = POSTMAN / "workspace.postman_globals.json"
    dialog = read_in(qtbot, w.import_files([globals_file]))
    dialog.to_globals.setChecked(True)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "global variable" in w.statusBar().currentMessage(),
                    timeout=15000)
    names = {v.name for v in load_globals()[0]}
    assert len(names) == 2 and {v.name for v in dialog.result.globals} == names


# -- a curl command pasted into the URL field -----------------------------------------------


def paste(qtbot, widget, text):
    QGuiApplication.clipboard().setText(text)
    widget.setFocus()
    widget.selectAll()
    qtbot.keySequence(widget, QKeySequence.StandardKey.Paste)


def test_a_pasted_curl_command_becomes_the_request_and_ctrl_z_puts_it_back(qtbot, keychain):
    w = make(qtbot, keychain)
    editor = w.editor
    editor.url.setText("https://before.test/kept")
    paste(qtbot, editor.url,
          "curl -X PATCH 'https://api.test/items/7?verbose=1' \\\n  -H 'X-Team: core' "
          "-H 'Content-Type: application/json' \\\n  -d '{\"name\": \"seven\"}' -u ann:pw1 "
          "--proxy http://proxy.test:3128")
    spec = editor.spec()
    assert spec.method == "PATCH" and spec.url == "https://api.test/items/7?verbose=1"
    assert [(r.name, r.value) for r in spec.params] == [("verbose", "1")]
    headers = {r.name: r.value for r in spec.headers}
    assert headers["X-Team"] == "core" and headers["Content-Type"] == "application/json"
    assert spec.body.text == '{"name": "seven"}'
    assert spec.auth.scheme == "basic" and spec.auth.values["username"] == "ann"
    note = editor.curl_paste.note
    assert note.isVisible() and "proxy" in note.text().lower() and "Ctrl+Z" in note.text()

    qtbot.keySequence(editor.url, QKeySequence.StandardKey.Undo)
    spec = editor.spec()
    assert spec.method == "GET" and spec.url == "https://before.test/kept"
    assert spec.headers == [] and spec.auth.scheme == "none" and not note.isVisible()


def test_a_curl_command_typed_by_hand_waits_for_enter(qtbot, keychain):
    w = make(qtbot, keychain)
    editor = w.editor
    editor.url.setFocus()
    qtbot.keyClicks(editor.url, "curl -I https://api.test/x")
    assert editor.spec().method == "GET" and editor.url.text().startswith("curl")
    qtbot.keyClick(editor.url, Qt.Key.Key_Return)
    assert editor.spec().method == "HEAD" and editor.url.text() == "https://api.test/x"
    assert w.job is None  # turned into the request, not sent


def test_an_unreadable_curl_command_is_said_and_kept(qtbot, keychain):
    w = make(qtbot, keychain)
    editor = w.editor
    paste(qtbot, editor.url, "curl 'https://api.test/x -H \"A: b\"")
    assert editor.url.text() == "curl 'https://api.test/x -H \"A: b\""
    assert editor.problem.isVisible() and "curl command cannot be read" in \
        editor.problem.text() and "quot" in editor.problem.text()
    paste(qtbot, editor.url, "curl --frobnicate https://api.test/x")
    assert editor.url.text() == "curl --frobnicate https://api.test/x"
    assert "--frobnicate" in editor.problem.text()
    assert editor.spec().method == "GET"
