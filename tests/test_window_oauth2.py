"""OAuth 2.0 through the window's Auth tab, against the real OpenID provider: the browser
grant (PKCE, the loopback listener), the device grant (code shown, person approving
elsewhere), and Cancel while waiting for the browser."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from gui import auth_actions
from gui.core.storage.keychain import SecretStore
from tests.fakes import MemoryKeyring
from tests.test_oauth2 import Browser, _device_user
from tests.test_window_auth import fill, make_window, open_auth, send

WAIT = 60000


def get_new_token(qtbot, window, panel):
    with qtbot.waitSignal(panel.action_done, timeout=WAIT) as done:
        qtbot.mouseClick(window.findChild(QWidget, "authAction_get_token"),
                         Qt.MouseButton.LeftButton)
    return done.args


@pytest.fixture
def browser(monkeypatch):
    """The person's browser: what Gatepost opens is walked by a scripted Browser."""
    person = Browser("alice")
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        threading.Thread(target=person.authorize, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr(auth_actions.webbrowser, "open", open_url)
    person.opened = opened
    yield person
    person.close()


def test_authorization_code_with_pkce_from_the_window(qtbot, oidc_provider, browser,
                                                     data_dir):
    window = make_window(qtbot, SecretStore(MemoryKeyring()))
    panel = open_auth(window, "oauth2")
    fill(qtbot, window, grant="authorization_code_pkce", issuer=oidc_provider.issuer,
         client_id="pkce", scope="openid")
    ok, message = get_new_token(qtbot, window, panel)
    assert ok, message
    assert "code_challenge_method=S256" in browser.opened[0]
    assert "close this tab" in browser.final.text
    assert '"sub": "alice"' in panel.state.text() and "xpires" in panel.state.text()
    ex = send(qtbot, window, oidc_provider.resource)
    assert ex.response.status == 200 and '"sub":"alice"' in ex.response.text().replace(
        " ", "")
    assert dict(ex.hops[-1].request.headers)["Authorization"] == "Bearer ****"


def test_device_code_from_the_window(qtbot, oidc_provider, data_dir):
    window = make_window(qtbot, SecretStore(MemoryKeyring()))
    panel = open_auth(window, "oauth2")
    fill(qtbot, window, grant="device_code", issuer=oidc_provider.issuer,
         client_id="device", scope="openid")
    approve = _device_user(oidc_provider, "device")
    with qtbot.waitSignal(panel.action_done, timeout=WAIT) as done:
        qtbot.mouseClick(window.findChild(QWidget, "authAction_get_token"),
                         Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.device.isVisible(), timeout=WAIT)
        code, url = panel._code, panel._device_url
        assert code in panel.device_label.text()
        qtbot.mouseClick(window.findChild(QWidget, "copyDeviceCode"),
                         Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == code
        # The person types the code on another device.
        threading.Thread(target=approve, args=(code, url, url), daemon=True).start()
    ok, message = done.args
    assert ok, message
    assert not panel.device.isVisible()
    assert "xpires" in panel.state.text()
    ex = send(qtbot, window, oidc_provider.resource)
    assert ex.response.status == 200 and "erin" in ex.response.text()


def test_cancel_while_waiting_for_the_browser(qtbot, oidc_provider, monkeypatch, data_dir):
    monkeypatch.setattr(auth_actions.webbrowser, "open", lambda url: True)  # never signs in
    window = make_window(qtbot, SecretStore(MemoryKeyring()))
    panel = open_auth(window, "oauth2")
    fill(qtbot, window, grant="authorization_code_pkce", issuer=oidc_provider.issuer,
         client_id="pkce", scope="openid")
    with qtbot.waitSignal(panel.action_done, timeout=WAIT) as done:
        qtbot.mouseClick(window.findChild(QWidget, "authAction_get_token"),
                         Qt.MouseButton.LeftButton)
        cancel = window.findChild(QWidget, "authActionCancel")
        qtbot.waitUntil(lambda: "browser" in panel.state.text().lower(), timeout=WAIT)
        assert cancel.isVisible()
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    ok, message = done.args
    assert not ok and "cancel" in message.lower()
    assert window.findChild(QWidget, "authAction_get_token").isEnabled()
