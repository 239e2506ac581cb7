"""A secret asked for at send time (a cloned collection: secrets are never in its files)
goes to the keychain, not into the request's file: it is no unsaved change, so quitting
or closing the tab asks nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from gui.core.storage.keychain import SecretStore
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


@pytest.fixture
def window(qtbot):
    w = MainWindow(None, store=SecretStore(MemoryKeyring()))
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_password_asked_for_when_sending_leaves_the_tab_clean(qtbot, window, tmp_path,
                                                                  httpbin_url, monkeypatch):
    folder = tmp_path / "cloned"
    folder.mkdir()
    (folder / "collection.yaml").write_text("version: 1\nid: c0\nname: Cloned\n")
    (folder / "digest.request.yaml").write_text(
        f"name: Digest\nmethod: GET\nurl: '{httpbin_url}/digest-auth/auth/u/p'\n"
        "auth:\n  scheme: digest\n  values:\n    username: u\n"
        "    password: {secret: keychain}\nid: r0\n")
    window.open_collection(str(folder))
    window.open_request(window.sidebar.collections[0].requests()[0])
    tab = window.tabs.currentWidget()
    assert not tab.dirty()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("p", True))
    window.send()
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    assert window.last_exchange.response.status == 200
    assert not tab.dirty()
    assert not tab.title().startswith("●")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[2]), QMessageBox.StandardButton.Cancel)[1])
    assert window.close_tab(window.tabs.currentIndex())
    assert asked == []
