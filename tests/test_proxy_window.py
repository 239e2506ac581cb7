"""The window's Proxy… dialog: loaded and saved off the GUI thread, the password in the
keychain only, and the next send goes through the proxy, shown on its hop."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from gui.core.http.proxies import GLOBAL_PASSWORD_KEY
from tests.proxy_fixture import socks5_proxy
from tests.test_window import send_and_wait, type_url


@pytest.fixture
def engine_reset():
    """The window's engine is the process's: put its proxy back to the default after."""
    yield
    from gui import worker
    from gui.core.http.proxies import ProxySettings

    if worker._engine is not None:
        worker._engine.configure_proxy(ProxySettings())


def open_dialog(qtbot, window):
    qtbot.mouseClick(window.proxy_button, Qt.MouseButton.LeftButton)
    from gui.widgets.dialogs.proxy import ProxyDialog

    dialog = window.findChild(ProxyDialog, "proxyDialog")
    qtbot.waitUntil(lambda: dialog.url.isEnabled() or dialog.system_mode.isEnabled(),
                    timeout=10000)
    return dialog


def test_proxy_dialog_saves_and_the_next_send_uses_it(qtbot, window, httpbin_url, data_dir,
                                                      engine_reset):
    with socks5_proxy(("sockser", "socks-pw-77")) as (url, server):
        dialog = open_dialog(qtbot, window)
        assert dialog.system_mode.isChecked()
        dialog.manual_mode.setChecked(True)
        dialog.url.setText("socks5://127.0.0.1:notaport")
        assert "does not parse" in dialog.problems.text()
        dialog.save()  # refused: the problem stays said, nothing typed is lost
        assert not dialog.saved and dialog.url.text() == "socks5://127.0.0.1:notaport"
        dialog.url.setText(url)
        dialog.username.setText("sockser")
        dialog.password.setText("socks-pw-77")
        assert dialog.problems.text() == ""
        dialog.save()
        qtbot.waitUntil(lambda: dialog.saved, timeout=10000)
        saved = json.loads((data_dir / "proxy.json").read_text())
        assert saved == {"mode": "manual", "url": url, "bypass": "", "auth": "any",
                         "username": "sockser"}
        assert "socks-pw-77" not in (data_dir / "proxy.json").read_text()
        assert window.store().get(GLOBAL_PASSWORD_KEY) == "socks-pw-77"

        type_url(qtbot, window, f"{httpbin_url}/get")
        send_and_wait(qtbot, window)
        hop = window.last_exchange.hops[0]
        assert window.last_exchange.error is None, window.last_exchange.error
        assert hop.proxy == url and server.targets
        assert f"(via {url})" in window.response.hops.item(0, 3).text()

        # Opened again: what was saved, the password read back from the keychain.
        again = open_dialog(qtbot, window)
        qtbot.waitUntil(lambda: again.url.text() == url, timeout=10000)
        assert again.password.text() == "socks-pw-77"
        again.reject()


def test_a_collection_proxy_from_its_context_menu(qtbot, tmp_path, httpbin_url, data_dir,
                                                  engine_reset):
    from gui.core.collections import manage as col
    from gui.core.http.proxies import collection_password_key
    from gui.core.model import RequestSpec
    from gui.core.storage.keychain import SecretStore
    from gui.widgets.dialogs.proxy import ProxyDialog
    from gui.widgets.main_window import MainWindow
    from tests.fakes import MemoryKeyring

    c = col.new_collection(tmp_path / "api", "Proxied API")
    col.new_request(c.root, "Get", RequestSpec(url=f"{httpbin_url}/get"))
    keychain = MemoryKeyring()
    window = MainWindow(store=SecretStore(keychain))
    qtbot.addWidget(window)
    window.show()
    opened = window.open_collection(str(c.path))
    with socks5_proxy(("colluser", "coll-pw-31")) as (url, server):
        dialog = window.sidebar.edit_proxy(opened)
        assert isinstance(dialog, ProxyDialog)
        qtbot.waitUntil(lambda: dialog.inherit_mode.isEnabled(), timeout=10000)
        assert dialog.inherit_mode.isChecked()  # no proxy of its own yet
        dialog.manual_mode.setChecked(True)
        dialog.url.setText("http://colluser:coll-pw-31@127.0.0.1:3128")
        assert "credentials" in dialog.problems.text()
        dialog.url.setText(url)
        dialog.username.setText("colluser")
        dialog.password.setText("coll-pw-31")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.saved, timeout=10000)
        text = (c.path / "collection.yaml").read_text()
        assert f"url: {url}" in text and "colluser" in text and "coll-pw-31" not in text
        key = collection_password_key(opened.namespace)
        assert window.store().get(key) == "coll-pw-31"
        # The window's own settings stay the system's: only this collection's requests
        # go through its proxy.
        assert not (data_dir / "proxy.json").exists()

        window.open_request(opened.requests()[0])
        send_and_wait(qtbot, window)
        ex = window.last_exchange
        assert ex.error is None, ex.error
        assert ex.hops[0].proxy == url and server.targets

        # Back to "as every request": the key goes, and so does the keychain entry.
        again = window.sidebar.edit_proxy(opened)
        qtbot.waitUntil(lambda: again.url.text() == url, timeout=10000)
        assert again.password.text() == "coll-pw-31"
        again.inherit_mode.setChecked(True)
        again.save()
        qtbot.waitUntil(lambda: again.saved, timeout=10000)
    assert "proxy:" not in (c.path / "collection.yaml").read_text()
    assert opened.proxy is None and window.store().get(key) is None
