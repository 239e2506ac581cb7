"""The cookie jar in the window: login then call, the Settings switch, the Cookies tab,
the cookie manager, and a restart, against httpbin."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.core.storage.keychain import SecretStore
from gui.widgets.dialogs.cookies import CookieEditor
from tests.fakes import MemoryKeyring


def send(qtbot, window, url):
    window.editor.url.setText(url)
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=30000)
    return window.last_exchange


def cookies_seen(exchange):
    assert exchange.error is None, exchange.error
    return json.loads(exchange.response.text())["cookies"]


def cookie_rows(window):
    table = window.response.cookies
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def new_window(qtbot, store):
    from gui.widgets.main_window import MainWindow

    window = MainWindow(store=store)
    qtbot.addWidget(window)
    window.show()
    return window


def open_manager(qtbot, window):
    dialog = window.edit_cookies()
    qtbot.waitUntil(lambda: dialog.jar is not None, timeout=10000)
    return dialog


def test_a_login_cookie_goes_with_the_next_request(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/cookies/set?session=abc")
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {"session": "abc"}
    rows = cookie_rows(window)
    assert rows[0][0] == "session" and rows[0][-1] == "from jar"
    assert window.response.tabs.tabText(2) == "Cookies (1)"


def test_the_settings_switch_sends_without_the_jar(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/cookies/set?session=abc")
    window.editor.options.cookie_jar.setChecked(False)
    assert window.editor.spec().options.use_cookie_jar is False
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {}
    window.editor.options.cookie_jar.setChecked(True)
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {"session": "abc"}


def test_refused_and_set_cookies_are_told_apart_in_the_tab(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/response-headers?Set-Cookie=ok%3D1"
                        "&Set-Cookie=bad%3D1%3B%20Domain%3Dco.uk")
    jar_column = {row[0]: row[-1] for row in cookie_rows(window)}
    assert jar_column["ok"] == "set"
    assert jar_column["bad"].startswith("refused: Domain=co.uk")


def test_the_manager_lists_deletes_adds_and_clears(qtbot, window, httpbin_url, monkeypatch):
    send(qtbot, window, f"{httpbin_url}/cookies/set?a=1&b=2")
    dialog = open_manager(qtbot, window)
    assert "memory" in dialog.note.text() or "keychain" in dialog.note.text()
    domain = dialog.tree.topLevelItem(0)
    assert domain.text(0) == "127.0.0.1 (2)"
    assert [domain.child(i).text(0) for i in range(2)] == ["a", "b"]
    dialog.tree.setCurrentItem(domain.child(0))
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    dialog.wait()
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {"b": "2"}

    def filled(editor):
        editor.name.setText("added")
        editor.value.setText("by-hand")
        assert editor.domain.text() == "127.0.0.1"  # the selected domain, preset
        return 1

    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    monkeypatch.setattr(CookieEditor, "exec", filled)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.wait()
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == \
        {"added": "by-hand", "b": "2"}

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(0))
    qtbot.mouseClick(dialog.clear_domain_button, Qt.MouseButton.LeftButton)
    dialog.wait()
    assert dialog.tree.topLevelItemCount() == 0
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {}
    dialog.close()


def test_editing_checks_the_cookie_before_ok(qtbot):
    editor = CookieEditor(None)
    qtbot.addWidget(editor)
    ok = editor.buttons.button(editor.buttons.StandardButton.Ok)
    assert not ok.isEnabled() and editor.problem.text()
    editor.name.setText("sid")
    editor.domain.setText("api.example.com")
    assert ok.isEnabled() and editor.problem.text() == ""
    editor.value.setText("a;b")
    assert not ok.isEnabled() and ";" in editor.problem.text()


def test_a_restart_keeps_the_jar_encrypted(qtbot, httpbin_url, data_dir):
    keychain = SecretStore(MemoryKeyring())
    first = new_window(qtbot, keychain)
    # Percent-encoded in the URL (which Sent requests keeps as typed), so that only
    # the cookie holds the value as such.
    encoded = "".join(f"%{ord(ch):02X}" for ch in "w1nd0w-secret-99")
    send(qtbot, first, f"{httpbin_url}/cookies/set?sid={encoded}")
    first.close()
    again = new_window(qtbot, keychain)
    assert cookies_seen(send(qtbot, again, f"{httpbin_url}/cookies")) == \
        {"sid": "w1nd0w-secret-99"}
    dialog = open_manager(qtbot, again)
    assert "keychain" in dialog.note.text()
    dialog.close()
    again.close()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jar" for p in files)
    for path in files:
        assert b"w1nd0w-secret-99" not in path.read_bytes(), path


def test_a_collection_has_its_own_jar(qtbot, tmp_path, httpbin_url):
    from gui.core.collections import manage as col
    from gui.core.model import RequestSpec
    from gui.core.storage.cookiestore import JarStore

    c = col.new_collection(tmp_path / "api", "Shop")
    col.new_request(c.root, "Login", RequestSpec(url=f"{httpbin_url}/cookies/set?shop=1"))
    col.new_request(c.root, "Whoami", RequestSpec(url=f"{httpbin_url}/cookies"))
    keychain = SecretStore(MemoryKeyring())
    window = new_window(qtbot, keychain)
    window.open_collection(str(c.path))
    opened = window.sidebar.collections[0]

    def run(name):
        window.open_request(next(r for r in opened.requests() if r.name == name))
        window.send()
        qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                        timeout=30000)
        return window.last_exchange

    run("Login")
    assert cookies_seen(run("Whoami")) == {"shop": "1"}
    window.tabs.setCurrentIndex(0)  # the scratch tab: requests outside collections
    assert cookies_seen(send(qtbot, window, f"{httpbin_url}/cookies")) == {}
    # Kept under the folder's keychain namespace, never in the collection's folder.
    assert [k.name for k in JarStore(keychain).jar(opened.namespace).all()] == ["shop"]
    assert not [p for p in c.path.rglob("*") if "jar" in p.name or "cookie" in p.name]
    dialog = open_manager(qtbot, window)
    assert [dialog.jars.itemText(i) for i in range(dialog.jars.count())] == \
        ["Requests outside collections", "Shop"]
    dialog.close()
