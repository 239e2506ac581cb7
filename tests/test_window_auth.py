"""The Auth tab driven as a user drives it, and secrets across a restart."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from gui.core.storage.keychain import SecretStore
from gui.persistence import Persistence
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


def make_window(qtbot, store=None):
    w = MainWindow(Persistence(store) if store is not None else None)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def window(qtbot):
    return make_window(qtbot)


def open_auth(window, scheme_id):
    window.editor.tabs.setCurrentWidget(window.editor.auth)
    combo = window.findChild(QComboBox, "authScheme")
    combo.setCurrentIndex(combo.findData(scheme_id))
    return window.editor.auth


def fill(qtbot, window, **values):
    for name, value in values.items():
        field = window.findChild(QWidget, f"authField_{name}")
        if isinstance(field, QComboBox):
            field.setCurrentText(value)
        else:
            field.clear()
            qtbot.keyClicks(field, value)


def send(qtbot, window, url):
    window.editor.url.setText(url)
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    return window.last_exchange


def test_form_is_drawn_from_the_declared_fields(window):
    open_auth(window, "apikey")
    for name in ("name", "value", "location"):
        assert window.findChild(QWidget, f"authField_{name}") is not None
    assert window.findChild(QLineEdit, "authField_value").echoMode() == QLineEdit.EchoMode.Password


def test_reveal_toggle_shows_the_secret(qtbot, window):
    open_auth(window, "bearer")
    field = window.findChild(QLineEdit, "authField_token")
    qtbot.mouseClick(window.findChild(QWidget, "reveal_token"), Qt.MouseButton.LeftButton)
    assert field.echoMode() == QLineEdit.EchoMode.Normal


def test_digest_chain_in_history(qtbot, window, httpbin_url):
    open_auth(window, "digest")
    fill(qtbot, window, username="u", password="pw")
    ex = send(qtbot, window, f"{httpbin_url}/digest-auth/auth/u/pw/SHA-256")
    assert window.response.status.text() == "200 OK"
    hops = window.response.hops
    assert [hops.item(r, 1).text() for r in range(hops.rowCount())] == ["request", "challenge"]
    assert hops.item(0, 7).text() == "challenge: Digest"
    hops.selectRow(0)
    assert "Digest: realm=" in window.response.hop_detail.toPlainText()
    assert dict(ex.hops[1].request.headers)["Authorization"].startswith('Digest username="u"')


def test_basic_wrong_password_shows_the_401(qtbot, window, httpbin_url):
    open_auth(window, "basic")
    fill(qtbot, window, username="u", password="nope")
    send(qtbot, window, f"{httpbin_url}/basic-auth/u/pw")
    assert window.response.status.text() == "401 UNAUTHORIZED"


def test_missing_required_field_is_explained_inline(qtbot, window):
    open_auth(window, "bearer")
    window.editor.url.setText("http://127.0.0.1:9/")
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)  # nothing sent
    assert "auth: Bearer token: Token is required" in window.editor.problem.text()
    assert window.editor.tabs.currentWidget() is window.editor.auth


def test_switching_schemes_keeps_what_was_typed(qtbot, window):
    open_auth(window, "basic")
    fill(qtbot, window, username="kept")
    open_auth(window, "bearer")
    open_auth(window, "basic")
    assert window.findChild(QLineEdit, "authField_username").text() == "kept"


def test_secret_comes_back_after_a_restart_from_the_keychain_only(qtbot, data_dir):
    keychain = MemoryKeyring()
    first = make_window(qtbot, SecretStore(keychain))
    open_auth(first, "basic")
    fill(qtbot, first, username="u", password="restart-pw")
    first.editor.url.setText("http://example.test/")
    first.close()
    saved = (data_dir / "current-request.json").read_text()
    assert "restart-pw" not in saved and json.loads(saved)["auth"]["scheme"] == "basic"
    assert "restart-pw" in keychain.items.values()

    second = make_window(qtbot, SecretStore(keychain))
    with qtbot.waitSignal(second.persistence.restored, timeout=10000):
        second.restore()
    open_auth(second, "basic")
    assert second.findChild(QLineEdit, "authField_password").text() == "restart-pw"
    assert second.editor.url.text() == "http://example.test/"


def test_no_keychain_says_so_and_keeps_secrets_in_memory(qtbot, data_dir):
    from keyring.backends.fail import Keyring as FailKeyring

    window = make_window(qtbot, SecretStore(FailKeyring()))
    with qtbot.waitSignal(window.persistence.restored, timeout=10000):
        window.restore()
    open_auth(window, "bearer")  # no saved request: the note is asked for now
    note = window.findChild(QWidget, "secretStorageNote")
    qtbot.waitUntil(lambda: "memory" in note.text().lower(), timeout=10000)
    fill(qtbot, window, token="mem-only")
    window.close()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert "mem-only" not in path.read_text(errors="replace")


def test_forget_removes_the_keychain_entries(qtbot):
    keychain = MemoryKeyring()
    window = make_window(qtbot, SecretStore(keychain))
    open_auth(window, "bearer")
    fill(qtbot, window, token="to-forget")
    window.save()
    window.persistence.wait()
    assert "to-forget" in keychain.items.values()
    with qtbot.waitSignal(window.persistence.saved, timeout=10000):
        window.forget_secrets("bearer", confirm=False)
    assert "to-forget" not in keychain.items.values()
    assert window.findChild(QLineEdit, "authField_token").text() == ""


def test_restart_with_a_real_secret_service(qtbot, secret_service, data_dir):
    first = make_window(qtbot, SecretStore(secret_service))
    open_auth(first, "apikey")
    fill(qtbot, first, name="X-Key", value="real-keychain-value")
    first.close()
    assert "real-keychain-value" not in (data_dir / "current-request.json").read_text()
    second = make_window(qtbot, SecretStore(secret_service))
    with qtbot.waitSignal(second.persistence.restored, timeout=10000):
        second.restore()
    open_auth(second, "apikey")
    assert second.findChild(QLineEdit, "authField_value").text() == "real-keychain-value"
    note = second.findChild(QWidget, "secretStorageNote").text()
    assert "system keychain" in note


def test_oauth2_get_new_token_then_send_then_restart(qtbot, oidc_provider, data_dir):
    keychain = MemoryKeyring()
    first = make_window(qtbot, SecretStore(keychain))
    panel = open_auth(first, "oauth2")
    fill(qtbot, first, grant="client_credentials", issuer=oidc_provider.issuer,
         client_id="service", client_secret="service-secret:with/odd&chars")
    with qtbot.waitSignal(panel.action_done, timeout=30000) as done:
        qtbot.mouseClick(first.findChild(QWidget, "authAction_get_token"),
                         Qt.MouseButton.LeftButton)
    assert done.args[0], done.args[1]
    assert "xpires" in panel.state.text()
    ex = send(qtbot, first, oidc_provider.resource)
    assert ex.response.status == 200
    sent = dict(ex.hops[-1].request.headers)["Authorization"]
    assert sent == "Bearer ****"
    first.close()
    second = make_window(qtbot, SecretStore(keychain))
    with qtbot.waitSignal(second.persistence.restored, timeout=10000):
        second.restore()
    panel = open_auth(second, "oauth2")
    # The token is back, read from the keychain in a worker.
    qtbot.waitUntil(lambda: "xpires" in panel.state.text(), timeout=10000)
