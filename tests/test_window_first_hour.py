"""What a new user hit in the first hour (issue 12): where Ctrl+S on Scratch saves, Sent
requests opened over an edited Scratch, New collection in a folder that holds files."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.core.collections import manage as col
from gui.core.storage.keychain import SecretStore
from gui.widgets.dialogs.save_request import SaveLocationDialog
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


@pytest.fixture
def window(qtbot):
    w = MainWindow(None, store=SecretStore(MemoryKeyring()))
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def two_collections(tmp_path):
    first = col.new_collection(tmp_path / "first", "First API")
    second = col.new_collection(tmp_path / "second", "Second API")
    col.new_folder(second.root, "Users")
    return first.path, second.path


def answer_save_dialog(act, seen: list) -> None:
    """Act on the save dialog once it is up (it is modal: exec() runs its own loop)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SaveLocationDialog):
            seen.append((dialog.collection.currentText(), dialog.folder.currentText(),
                         dialog.name.text()))
            act(dialog)
        else:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def choose(collection: str, folder: str, name: str):
    def act(dialog: SaveLocationDialog) -> None:
        dialog.collection.setCurrentText(collection)
        dialog.folder.setCurrentText(folder)
        dialog.name.setText(name)
        QTest.keyClick(dialog.name, Qt.Key.Key_Return)
    return act


def ctrl_s(qtbot, window) -> None:
    # Shortcuts reach the active window only; offscreen, a closed dialog leaves none.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    QTest.keyClick(window.editor.url, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


# -- Ctrl+S on Scratch asks where ---------------------------------------------------------


def test_ctrl_s_on_scratch_asks_where_and_saves_there(qtbot, window, two_collections):
    first, second = two_collections
    window.open_collection(str(first))
    window.open_collection(str(second))
    window.tabs.setCurrentIndex(0)
    window.editor.url.setText("http://127.0.0.1:9/users/me")
    seen: list = []
    answer_save_dialog(choose("Second API", "Users", "Me"), seen)
    ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10000)
    # Nothing selected: the dialog started on the first collection, named after the URL.
    assert seen == [("First API", "(top level)", "GET me")]
    saved = second / "users" / "me.request.yaml"
    assert saved.is_file() and "/users/me" in saved.read_text()
    assert not list(first.glob("*.request.yaml"))
    assert window.tab.item.path == saved and not window.tab.dirty()
    assert str(saved) in window.statusBar().currentMessage()


def test_the_last_place_chosen_is_preselected(qtbot, window, two_collections):
    first, second = two_collections
    window.open_collection(str(first))
    window.open_collection(str(second))
    window.tabs.setCurrentIndex(0)
    window.editor.url.setText("http://127.0.0.1:9/a")
    seen: list = []
    answer_save_dialog(choose("Second API", "Users", "A"), seen)
    ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10000)
    window.tabs.setCurrentIndex(0)
    window.sidebar.tree.setCurrentItem(window.sidebar.tree.topLevelItem(0))  # "First API"
    window.editor.url.setText("http://127.0.0.1:9/b")
    answer_save_dialog(lambda d: d.reject(), seen)
    ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert seen[1][:2] == ("Second API", "Users")
    # Cancelled: nothing written, Scratch as it was.
    assert window.tabs.count() == 2 and window.scratch.editor.url.text().endswith("/b")
    assert not (second / "users" / "b.request.yaml").exists()


def test_the_selected_folder_is_preselected_the_first_time(qtbot, window, two_collections):
    _, second = two_collections
    window.open_collection(str(second))
    users = window.sidebar.collections[0].root.children[0]
    window.sidebar.tree.setCurrentItem(window.sidebar.item_for(users))
    window.tabs.setCurrentIndex(0)
    window.editor.url.setText("http://127.0.0.1:9/")
    seen: list = []
    answer_save_dialog(lambda d: d.reject(), seen)
    ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    assert seen == [("Second API", "Users", "New request")]


def test_save_dialog_needs_a_name(qtbot, tmp_path):
    c = col.new_collection(tmp_path / "c", "C")
    dialog = SaveLocationDialog([c], None, "")
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QDialogButtonBox

    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    dialog.name.setText("  x ")
    assert save.isEnabled() and dialog.chosen_folder() is c.root
    assert str(c.path) in dialog.where.text()


# -- Sent requests over an edited Scratch -------------------------------------------------


def send_and_record(qtbot, window, url: str) -> None:
    window.tabs.setCurrentIndex(0)
    window.editor.url.setText(url)
    window.send()
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    panel = window.sent_requests
    assert panel.wait_for_recording(10000)
    qtbot.waitUntil(lambda: len(panel.entries()) >= 1, timeout=5000)


def test_opening_a_sent_request_over_an_edited_scratch_asks(qtbot, window, httpbin_url,
                                                            monkeypatch):
    send_and_record(qtbot, window, f"{httpbin_url}/get?n=1")
    window.editor.url.setText(f"{httpbin_url}/anything?typed=by-hand")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[2]), QMessageBox.StandardButton.Cancel)[1])
    window.sent_requests.open_row(0)
    assert len(asked) == 1 and "not saved anywhere" in asked[0]
    assert window.scratch.editor.url.text().endswith("typed=by-hand")  # kept
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.sent_requests.open_row(0)
    assert window.scratch.editor.url.text() == f"{httpbin_url}/get?n=1"


def test_no_question_when_scratch_is_as_sent(qtbot, window, httpbin_url, monkeypatch):
    send_and_record(qtbot, window, f"{httpbin_url}/get?n=1")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[2]), QMessageBox.StandardButton.Cancel)[1])
    window.editor.url.setText("")
    window.editor.url.setText(f"{httpbin_url}/get?n=1")  # as sent: nothing to lose
    with qtbot.waitSignal(window.sent_requests.open_requested, timeout=5000):
        window.sent_requests.open_row(0)
    assert asked == []


def test_save_first_keeps_scratch_in_a_collection(qtbot, window, httpbin_url, tmp_path,
                                                  monkeypatch):
    c = col.new_collection(tmp_path / "keep", "Keep")
    window.open_collection(str(c.path))
    send_and_record(qtbot, window, f"{httpbin_url}/get?n=1")
    window.editor.url.setText(f"{httpbin_url}/anything/draft")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Save)
    answer_save_dialog(choose("Keep", "(top level)", "Draft"), [])
    window.sent_requests.open_row(0)
    assert "/anything/draft" in (c.path / "draft.request.yaml").read_text()
    assert window.scratch.editor.url.text() == f"{httpbin_url}/get?n=1"


# -- New collection -----------------------------------------------------------------------


def new_collection_in(qtbot, window, monkeypatch, folder, name: str, button: str | None):
    """Press New…, pick `folder`, type `name`; `button` answers the question asked when
    the folder holds files (None: no question expected)."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    asked: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            target = next(b for b in box.buttons() if button and b.text().startswith(button))
            target.click()
        elif button is not None:
            QTimer.singleShot(20, poll)
    if button is not None:
        QTimer.singleShot(0, poll)
    window.sidebar.new_button.click()
    return asked


@pytest.fixture
def project(tmp_path):
    """A folder that already holds a project: a virtualenv and sources."""
    folder = tmp_path / "project"
    for d in ("venv/bin", "venv/lib", "src"):
        (folder / d).mkdir(parents=True)
    (folder / "README.md").write_text("mine\n")
    return folder


def test_new_collection_in_a_folder_with_files_asks_and_makes_a_folder_inside(
        qtbot, window, monkeypatch, project):
    asked = new_collection_in(qtbot, window, monkeypatch, project, "My API", "New folder")
    assert asked and "already holds files (README.md, src, venv)" in asked[0]
    assert not (project / "collection.yaml").exists()
    assert (project / "my-api" / "collection.yaml").is_file()
    [c] = window.sidebar.collections
    assert c.path == project / "my-api" and c.root.children == []


def test_new_collection_cancelled_writes_nothing(qtbot, window, monkeypatch, project):
    new_collection_in(qtbot, window, monkeypatch, project, "My API", "Cancel")
    assert sorted(os.listdir(project)) == ["README.md", "src", "venv"]
    assert window.sidebar.collections == []


def test_new_collection_in_the_folder_itself_lists_no_foreign_folders(
        qtbot, window, monkeypatch, project):
    new_collection_in(qtbot, window, monkeypatch, project, "My API", "Use this folder")
    assert (project / "collection.yaml").is_file()
    window.sidebar.collections.clear()
    window.open_collection(str(project))
    labels = [i.text(0) for i in window.sidebar._items()]
    assert labels == ["My API"]  # not venv, bin, lib, src


def test_new_collection_in_an_empty_folder_asks_nothing(qtbot, window, monkeypatch,
                                                        tmp_path):
    (tmp_path / "fresh" / ".git").mkdir(parents=True)
    asked = new_collection_in(qtbot, window, monkeypatch, tmp_path / "fresh", "Fresh", None)
    assert asked == [] and (tmp_path / "fresh" / "collection.yaml").is_file()


def test_new_collection_on_a_collection_offers_to_open_it(qtbot, window, monkeypatch,
                                                           tmp_path):
    existing = col.new_collection(tmp_path / "there", "Already")
    before = (existing.path / "collection.yaml").read_bytes()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    new_collection_in(qtbot, window, monkeypatch, existing.path, "Other", None)
    assert window.wait_for_collections()
    assert [c.name for c in window.sidebar.collections] == ["Already"]
    assert (existing.path / "collection.yaml").read_bytes() == before


def test_a_collection_inside_an_open_one_shows_once(qtbot, window, monkeypatch, tmp_path):
    outer = col.new_collection(tmp_path / "outer", "Outer")
    users = col.new_folder(outer.root, "Users")
    window.open_collection(str(outer.path))
    # One of Outer's folders cannot become a collection of its own...
    asked = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: asked.append(a[2]))
    new_collection_in(qtbot, window, monkeypatch, users.path, "Inner", None)
    assert asked and "already part of the open collection 'Outer'" in asked[0]
    assert not (users.path / "collection.yaml").exists()
    # ...and one made inside it by other means is listed once, as itself.
    inner = col.new_collection(outer.path / "inner", "Inner")
    col.new_request(inner.root, "Ping")
    window.sidebar.collections.clear()
    window.open_collection(str(outer.path))
    window.open_collection(str(inner.path))
    window.open_collection(str(inner.path) + "/")  # the same folder, spelt differently
    labels = [i.text(0).split()[-1] for i in window.sidebar._items()]
    assert sorted(labels) == ["Inner", "Outer", "Ping", "Users"]
