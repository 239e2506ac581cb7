"""What a new user hit in the first hour (issue 12): where Ctrl+S on Scratch saves, Sent
requests opened over an edited Scratch, New collection in a folder that holds files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.core import collection as col
from gui.core.secrets import SecretStore
from gui.widgets.main_window import MainWindow
from gui.widgets.save_dialog import SaveLocationDialog
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
    assert seen == [("First API", "(top level)", "me")]
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
