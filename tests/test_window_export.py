"""Export from the window: a collection or folder as a Postman v2.1 file (read back by
the importer, secrets left out and said), an exchange as HAR (no secret in it, even one
the server echoed), a request as a Python httpx script (secrets from the environment)."""

import base64
import json

import pytest
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui import tasks
from gui.core import importers
from gui.core.collections import manage as col
from gui.core.model import AuthConfig, RequestSpec, Row
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring

PASSWORD = "pw-folder-8e1d"
TOKEN = "tok-secret-5a7c93"


@pytest.fixture
def keychain():
    return MemoryKeyring()


@pytest.fixture
def api(tmp_path, httpbin_url, keychain):
    store = SecretStore(keychain)
    c = col.new_collection(tmp_path / "api", "Test API")
    c.variables = [Variable("base", httpbin_url), Variable("token", TOKEN, secret=True)]
    col.save_collection(c, store)
    users = col.new_folder(c.root, "Users")
    users.auth = AuthConfig("basic", {"username": "u", "password": PASSWORD})
    col.save_folder(users, store)
    col.new_request(users, "Who am I", RequestSpec(url="{{base}}/headers",
                                                   auth=AuthConfig("inherit")))
    col.new_request(c.root, "Echo", RequestSpec(
        url="{{base}}/anything?q=1", headers=[Row("X-Token", "{{token}}")]))
    return c.path


def make(qtbot, keychain):
    w = MainWindow(None, store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


def request_named(window, name):
    return next(r for c in window.sidebar.collections for r in c.requests() if r.name == name)


def wait_for(qtbot, path):
    qtbot.waitUntil(path.exists, timeout=15000)
    tasks.wait("export", 15000)


def test_a_collection_exported_reads_back_without_its_secrets(qtbot, keychain, api, tmp_path,
                                                               monkeypatch):
    w = make(qtbot, keychain)
    collection = w.open_collection(str(api))
    out = tmp_path / "out" / "test-api.postman_collection.json"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    w.sidebar.export_requested.emit(collection)  # the context menu's Export…
    wait_for(qtbot, out)
    qtbot.waitUntil(lambda: "Exported 2 requests" in w.statusBar().currentMessage())
    text = out.read_text()
    assert PASSWORD not in text and TOKEN not in text
    result = importers.read(out)
    assert result.name == "Test API"
    assert sorted(r.name for r in result.root.requests()) == ["Echo", "Who am I"]
    assert [f.name for f in result.root.folders()] == ["Users"]
    # What was left out is said.
    notes = w.findChild(QMessageBox, "exportNotes")
    assert notes is not None and "secret" in notes.detailedText().lower()


def test_a_folder_exported_holds_only_its_requests(qtbot, keychain, api, tmp_path):
    w = make(qtbot, keychain)
    collection = w.open_collection(str(api))
    users = next(f for f in collection.root.children if f.name == "Users")
    out = tmp_path / "users.json"
    w.export_postman(users, out)
    wait_for(qtbot, out)
    data = json.loads(out.read_text())
    assert data["info"]["schema"].endswith("v2.1.0/collection.json")
    assert [r.name for r in importers.read(out).root.requests()] == ["Who am I"]
    assert PASSWORD not in out.read_text()


def test_an_export_that_cannot_be_written_is_said(qtbot, keychain, api, tmp_path,
                                                  monkeypatch):
    w = make(qtbot, keychain)
    collection = w.open_collection(str(api))
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: said.append(text))
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "x.json"  # its folder is a file
    w.export_postman(collection, out)
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert str(out) in said[0] and "Nothing was written" in said[0]
    assert not out.exists()


def test_save_as_har_holds_no_secret(echo_unmasked, qtbot, keychain, api, tmp_path,
                                     monkeypatch):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    for name in ("Who am I", "Echo"):
        tab = w.open_request(request_named(w, name))
        tab.send()
        qtbot.waitUntil(lambda t=tab: t.job is None and t.last_exchange is not None,
                        timeout=15000)
        assert tab.last_exchange.error is None
        if name == "Echo":  # httpbin echoes the token back in the body: masked there too
            assert TOKEN in tab.last_exchange.response.text()
        out = tmp_path / f"{name}.har"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, o=out, **k: (str(o), ""))
        assert tab.response.har_button.isEnabled()
        tab.response.har_button.click()
        wait_for(qtbot, out)
        text = out.read_text()
        assert PASSWORD not in text and TOKEN not in text
        # httpbin's /headers echoes the Authorization header: its encoded password too.
        assert base64.b64encode(f"u:{PASSWORD}".encode()).decode()[4:16] not in text
        har = json.loads(text)
        assert har["log"]["version"] == "1.2" and har["log"]["entries"]
        qtbot.waitUntil(lambda: "Saved the exchange" in w.statusBar().currentMessage())


def test_copy_as_python_keeps_secrets_out(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Who am I"))
    w.findChild(QAction, "actionCopyPython").trigger()
    script = QGuiApplication.clipboard().text()
    assert script.startswith("#!/usr/bin/env python3")
    assert PASSWORD not in script
    # The folder's Basic auth is inherited; its password is read from the environment.
    assert "httpx.BasicAuth" in script and "GATEPOST_PASSWORD" in script
    assert "env('base')" in script  # {{base}} stays a reference
    compile(script, "export.py", "exec")
    tab = w.open_request(request_named(w, "Echo"))
    tab.response.python_requested.emit()  # the Timeline's button
    script = QGuiApplication.clipboard().text()
    assert TOKEN not in script and "env('token')" in script
