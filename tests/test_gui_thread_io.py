"""No keychain access and no collection read on the GUI thread (house rule; issues 13.4,
17 and 19.6): collections open without their secrets, which are read in workers when a
send, the Auth tab, a save or Variables… first needs them (gui/widgets/window_io.py)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from gui import launch, tasks
from gui.core import watch
from gui.core.collections import manage as col
from gui.core.collections import store as colstore
from gui.core.model import AuthConfig, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.storage.paths import session_file
from gui.core.variables import Variable
from gui.persistence import Persistence
from gui.widgets.dialogs.certificates import CertificatesDialog
from gui.widgets.dialogs.collection_settings import CollectionSettingsDialog
from gui.widgets.dialogs.variables import VariablesDialog
from gui.widgets.main_window import MainWindow
from gui.widgets.window_io import KEYCHAIN
from tests.fakes import MemoryKeyring
from tests.test_variables_dialog import add_row

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def seen():
    """(what, on the GUI thread?) of every keychain call and collection read."""
    calls: list[tuple[str, bool]] = []
    watch.observer = lambda what: calls.append(
        (what, threading.current_thread() is threading.main_thread()))
    yield calls
    watch.observer = None


@pytest.fixture
def team(tmp_path, httpbin_url):
    """A collection whose secrets are in the keychain: a secret variable, the
    collection's Basic password, a request's own Basic password."""
    keychain = MemoryKeyring()
    store = SecretStore(keychain)
    c = col.new_collection(tmp_path / "team", "Team")
    c.variables = [Variable("base", httpbin_url), Variable("k", "var-secret", secret=True)]
    c.auth = AuthConfig("basic", {"username": "u", "password": "tok-secret"})
    col.save_collection(c, store)
    users = col.new_folder(c.root, "Users")
    who = col.new_request(users, "Who", RequestSpec(
        url="{{base}}/basic-auth/u/tok-secret?k={{k}}", auth=AuthConfig("inherit")))
    login = col.new_request(c.root, "Login", RequestSpec(
        url="{{base}}/basic-auth/u/pw-secret",
        auth=AuthConfig("basic", {"username": "u", "password": "pw-secret"})))
    col.save_request(login, store)
    return c, who, login, keychain


def write_session(c, *tabs):
    from gui.core.storage.paths import data_dir

    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "session.json").write_text(json.dumps({
        "collections": [str(c.path)], "tabs": [str(t.path) for t in tabs]}))


def tab_of(window, item):
    return next(window.tabs.widget(i) for i in range(window.tabs.count())
                if getattr(window.tabs.widget(i), "item", None) is not None
                and window.tabs.widget(i).item.path == item.path)


def test_a_window_session_reads_secrets_and_collections_off_the_gui_thread(
        qtbot, team, seen, monkeypatch):
    c, who, login, keychain = team
    write_session(c, who, login)
    w = MainWindow(Persistence(SecretStore(keychain)), store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    w.restore()  # the session: the collection, read in a worker, and two tabs
    assert w.wait_for_collections()
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["Scratch", "Who", "Login"]
    assert ("collection read", False) in seen
    tasks.wait()
    assert not [what for what, _ in seen if what.startswith("keychain")]  # none read yet

    # The Auth tab of Login: its password is read in a worker, then shown.
    login_tab = tab_of(w, login)
    w.tabs.setCurrentWidget(login_tab)
    login_tab.editor.tabs.setCurrentWidget(login_tab.editor.auth)
    password = login_tab.editor.auth.findChild(QLineEdit, "authField_password")
    qtbot.waitUntil(lambda: password.text() == "pw-secret", timeout=10000)
    assert not login_tab.dirty()  # read from the keychain is not an edit

    # A send: the variable and the inherited password are read in a worker first.
    w.tabs.setCurrentWidget(tab_of(w, who))
    w.send()
    qtbot.waitUntil(lambda: w.job is None and w.last_exchange is not None, timeout=15000)
    assert w.last_exchange.response.status == 200  # the server checked the password
    # As sent, or masked where the server echoes it (a known secret either way).
    assert w.last_exchange.hops[0].request.url.endswith(("k=var-secret", "k=****"))

    # A save: the file and the secret to the keychain, each in a worker.
    w.tabs.setCurrentWidget(login_tab)
    password.setText("pw-changed")
    password.textEdited.emit("pw-changed")
    assert w.save_current()
    assert tasks.wait(KEYCHAIN, 10000)
    assert "pw-changed" in keychain.items.values()
    assert "pw-changed" not in login.path.read_text()

    # Variables…: the secret values it shows are read first, in a worker.
    shown = []
    monkeypatch.setattr("gui.widgets.dialogs.variables.VariablesDialog.exec",
                        lambda dialog: shown.append(c.variables[1].value) or 0)
    w.edit_variables()
    qtbot.waitUntil(lambda: shown == ["var-secret"], timeout=10000)

    assert [what for what, _ in seen if what.startswith("keychain get")]  # the hook works
    assert [what for what, on_gui in seen if on_gui] == []


def test_the_session_file_and_a_changed_request_are_read_and_written_off_the_gui_thread(
        qtbot, team, seen):
    """The session file (read at restore, written at quit), a request file the watcher
    says changed, and Reload: all in workers (issue 13.4)."""
    c, who, _login, keychain = team
    write_session(c, who)
    w = MainWindow(Persistence(SecretStore(keychain)), store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    w.restore()
    assert w.wait_for_collections()
    assert ("session read", False) in seen
    tab = tab_of(w, who)
    who.path.write_text(who.path.read_text().replace("basic-auth", "basic-auth-changed"))
    w._file_changed(str(who.path))
    qtbot.waitUntil(lambda: not tab.changed_bar.isHidden(), timeout=5000)
    tab.reload_button.click()
    assert "basic-auth-changed" in tab.editor.url.text()
    w.close()
    assert ("session write", False) in seen
    assert json.loads((Path(os.environ["GATEPOST_DATA_DIR"]) / "session.json").read_text())
    on_gui = [what for what, gui in seen if gui]
    assert not on_gui, on_gui


def test_a_prompt_for_a_missing_secret_is_kept_from_a_worker(qtbot, team, seen,
                                                             monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    c, _who, _login, _ = team
    fresh = MemoryKeyring()  # another machine: none of the secrets is here
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("typed-here", True))
    w = MainWindow(None, store=SecretStore(fresh))
    qtbot.addWidget(w)
    w.show()
    w.open_collections_later([str(c.path)])
    assert w.wait_for_collections()
    w.open_request(next(r for r in w.sidebar.collections[0].requests() if r.name == "Who"))
    w.send()
    qtbot.waitUntil(lambda: w.job is None and w.last_exchange is not None, timeout=15000)
    assert tasks.wait(KEYCHAIN, 10000)
    assert sorted(fresh.items.values()) == ["typed-here", "typed-here"]  # k, the password
    assert [what for what, on_gui in seen if on_gui] == []


def test_cancel_while_the_secrets_are_read_sends_nothing(qtbot, team):
    c, _who, _login, keychain = team
    w = MainWindow(None, store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    w.open_collection(str(c.path))
    w.open_request(next(r for r in w.sidebar.collections[0].requests() if r.name == "Who"))
    w.send_or_cancel()
    assert w.job is not None and w.editor.send_button.text() == "Cancel"
    w.send_or_cancel()
    assert w.job is None and w.editor.send_button.text() == "Send"
    tasks.wait(KEYCHAIN, 10000)
    qtbot.wait(50)
    assert w.job is None and w.last_exchange is None


def test_idle_with_a_collection_and_tabs_loads_no_keychain_and_few_modules(
        tmp_path, team):
    """A fresh interpreter, as the app starts: the last session (the collection and two
    tabs) restored, then idle. keyring is not imported, nor ssl, nor the proxy code, and
    only the auth schemes shown are (the registry looks one up without importing all)."""
    c, who, login, _ = team
    data = tmp_path / "data"
    data.mkdir()
    (data / "session.json").write_text(json.dumps({
        "collections": [str(c.path)], "tabs": [str(who.path), str(login.path)]}))
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from gui import tasks
        from gui.persistence import Persistence
        from gui.widgets.main_window import MainWindow
        w = MainWindow(Persistence())
        w.show()
        w.restore()
        assert w.wait_for_collections()
        tasks.wait()
        app.processEvents()
        print(w.tabs.count(), "keyring" in sys.modules, "ssl" in sys.modules,
              "http.client" in sys.modules,
              sorted(m for m in sys.modules if m.startswith("gui.core.auth.")))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GATEPOST_DATA_DIR=str(data))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True, timeout=120).stdout
    count, keyring_loaded, ssl_loaded, proxy_code, modules = out.split(" ", 4)
    assert (count, keyring_loaded) == ("3", "False")
    # A collection without certificates or a proxy loads neither's code.
    assert (ssl_loaded, proxy_code) == ("False", "False")
    assert eval(modules) == ["gui.core.auth.base", "gui.core.auth.simple"]


def test_every_built_in_scheme_is_found_by_its_id():
    from gui.core import auth

    for scheme_id in auth._BUILTIN:
        assert auth.get(scheme_id).id == scheme_id
    assert list(auth.schemes())[:len(auth._BUILTIN)] == list(auth._BUILTIN)
    assert all(auth.get(i) is s for i, s in auth.schemes().items())


def test_restore_without_a_saved_request_does_not_load_the_keychain(qtbot, seen):
    persistence = Persistence(SecretStore(MemoryKeyring()))
    with qtbot.waitSignal(persistence.restored, timeout=10000) as restored:
        persistence.restore()
    assert restored.args == [None, "", ""]
    assert not [what for what, _ in seen if what.startswith("keychain")]


# -- saves: collection files and keychain writes ----------------------------------------------


def opened_window(qtbot, c, keychain, seen):
    """A window with the collection open (read in a worker); `seen` from here on."""
    w = MainWindow(None, store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    w.open_collections_later([str(c.path)])
    assert w.wait_for_collections()
    tasks.wait()
    seen.clear()
    return w, w.sidebar.collections[0]


def off_the_gui_thread(seen, *kinds):
    """Each kind of work was done, and none of it on the GUI thread."""
    for kind in kinds:
        assert (kind, False) in seen, kind
    assert [what for what, on_gui in seen if on_gui] == []


def yes(monkeypatch, asked=None):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (
        asked.append(a[2]) if asked is not None else None) or QMessageBox.StandardButton.Yes)


def test_variables_ok_writes_in_a_worker_and_keeps_the_edits_when_it_fails(
        qtbot, team, seen, monkeypatch):
    c, _who, _login, keychain = team
    w, opened = opened_window(qtbot, c, keychain, seen)
    shown, results = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    real_write = colstore.write_atomic

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    def edit_and_ok(dialog):
        dialog.select_scope("Collection: Team")
        add_row(dialog.table, "extra", "extra-secret-1", secret=True)
        assert dialog.add_environment("Prod")
        add_row(dialog.table, "token", "prod-secret-2", secret=True)
        monkeypatch.setattr(colstore, "write_atomic", full)  # the disk is full
        results.append(dialog.save())
        monkeypatch.setattr(colstore, "write_atomic", real_write)
        # A teammate's edit meanwhile: said, then overwritten on the second OK.
        c.settings_path.write_text(c.settings_path.read_text() + "# theirs\n")
        results.append(dialog.save())
        results.append(dialog.save())
        return 1

    monkeypatch.setattr(VariablesDialog, "exec", edit_and_ok)
    w.open_request(opened.requests()[0])  # Variables… edits the current tab's collection
    w.edit_variables()
    qtbot.waitUntil(lambda: len(results) == 3, timeout=10000)
    assert results == [False, False, True]
    assert "No space left" in shown[0] and "Nothing you typed is lost" in shown[0]
    assert str(c.settings_path) in shown[1] and "changed on disk" in shown[1]
    text = c.settings_path.read_text()
    assert "extra" in text and "extra-secret-1" not in text
    assert {"extra-secret-1", "prod-secret-2"} <= set(keychain.items.values())
    assert [e.name for e in opened.environments] == ["Prod"]
    off_the_gui_thread(seen, "keychain set", "collection write")


def test_save_and_the_sidebar_write_in_a_worker(qtbot, team, seen, monkeypatch):
    c, _who, _login, keychain = team
    w, opened = opened_window(qtbot, c, keychain, seen)
    login = next(r for r in opened.requests() if r.name == "Login")
    users = next(f for f in opened.root.children if f.name == "Users")

    # Save, with the file changed on disk: asked, then overwritten.
    tab = w.open_request(login)
    tab.editor.url.setText("{{base}}/anything")
    login.path.write_text(login.path.read_text() + "# theirs\n")
    asked = []
    yes(monkeypatch, asked)
    assert w.save_tab(tab) and "changed on disk" in asked[0]
    assert "/anything" in login.path.read_text()

    sidebar = w.sidebar
    made = sidebar.new_request(users, "Made")
    assert made is not None and made.path.exists()
    assert sidebar.new_folder(opened.root, "Admin").path.is_dir()
    sidebar.rename(made, "Made again")
    assert made.path.name.startswith("made-again")
    copy = sidebar.duplicate(login)  # with its password, copied in the keychain
    assert copy is not None and copy.path.exists()
    assert list(keychain.items.values()).count("pw-secret") == 2
    sidebar.move(copy, users, None)
    assert copy.path.parent == users.path
    # A failure is said in words and changes nothing.
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: warned.append(
        f"{title}: {text}"))
    copy.path.write_text(copy.path.read_text() + "# theirs\n")
    sidebar.delete(copy, confirm=False)
    assert copy.path.exists() and warned[0].startswith("Could not delete") and \
        "changed on disk" in warned[0]
    sidebar.delete(made, confirm=False)
    assert not made.path.exists()
    off_the_gui_thread(seen, "keychain set", "keychain get", "collection write")


def test_certificates_of_a_collection_are_saved_in_a_worker(qtbot, team, seen, monkeypatch):
    c, _who, _login, keychain = team
    w, opened = opened_window(qtbot, c, keychain, seen)
    yes(monkeypatch)  # "these settings have problems (no such file): save anyway?"
    saved = []

    def add_and_ok(dialog):
        dialog.add_certificate("api.example")
        dialog.cert_file.setText("client.p12")
        dialog.passphrase.setText("cert-pass-77")
        saved.append(dialog.save())
        return saved[-1]

    monkeypatch.setattr(CertificatesDialog, "exec", add_and_ok)
    assert w.edit_collection_certificates(opened) is not None
    assert saved == [True]
    text = c.settings_path.read_text()
    assert "client.p12" in text and "cert-pass-77" not in text
    assert "cert-pass-77" in keychain.items.values()
    off_the_gui_thread(seen, "keychain set", "collection write")

    # The global ones: their file and the keychain.
    seen.clear()
    monkeypatch.setattr(CertificatesDialog, "exec", lambda dialog: add_and_ok(dialog) and 0)
    assert w.edit_certificates() is not None
    assert saved == [True, True]
    assert list(keychain.items.values()).count("cert-pass-77") == 2
    off_the_gui_thread(seen, "keychain set")


def test_collection_settings_and_proxy_save_in_a_worker(qtbot, team, seen, monkeypatch):
    c, _who, _login, keychain = team
    w, opened = opened_window(qtbot, c, keychain, seen)
    w.sidebar.settings_requested.emit(opened)
    dialog = w.findChild(CollectionSettingsDialog, "collectionSettingsDialog")
    dialog.tabs.setCurrentIndex(1)
    dialog.auth.set_config(AuthConfig("basic", {"username": "u", "password": "new-pw-55"}))
    closed = []
    dialog.finished.connect(closed.append)
    dialog.findChild(object, "settingsSave").click()
    qtbot.waitUntil(lambda: bool(closed), timeout=10000)
    assert "new-pw-55" in keychain.items.values()

    proxy = w.sidebar.edit_proxy(opened)
    qtbot.waitUntil(lambda: proxy.inherit_mode.isEnabled(), timeout=10000)
    proxy.manual_mode.setChecked(True)
    proxy.url.setText("http://127.0.0.1:3128")
    proxy.username.setText("pu")
    proxy.password.setText("proxy-pw-66")
    proxy.save()
    qtbot.waitUntil(lambda: proxy.saved, timeout=10000)
    assert "127.0.0.1:3128" in c.settings_path.read_text()
    assert "proxy-pw-66" in keychain.items.values()
    tasks.wait()
    off_the_gui_thread(seen, "keychain set", "collection write")


def test_the_oauth2_state_is_read_in_a_worker(qtbot, seen):
    w = MainWindow(None, store=SecretStore(MemoryKeyring()))
    qtbot.addWidget(w)
    w.show()
    seen.clear()
    w.editor.tabs.setCurrentWidget(w.editor.auth)
    combo = w.findChild(QComboBox, "authScheme")
    combo.setCurrentIndex(combo.findData("oauth2"))
    # Its state is its token's, looked up in the keychain.
    qtbot.waitUntil(lambda: "No token yet" in w.editor.auth.state.text(), timeout=10000)
    tasks.wait()
    off_the_gui_thread(seen, "keychain get")


def test_the_session_read_at_launch_is_off_the_gui_thread(tmp_path, monkeypatch, seen):
    """The theme and layout need the session before the first frame; gui/launch.py reads
    it in a thread beside QApplication's construction, not on the GUI thread."""
    monkeypatch.setenv("GATEPOST_DATA_DIR", str(tmp_path))
    session_file().parent.mkdir(parents=True, exist_ok=True)
    session_file().write_text(json.dumps({"appearance": "dark"}))
    assert launch.session_beside()() == {"appearance": "dark"}
    assert seen == [("session read", False)]
