"""The Auth tab's scheme picker: what carries over a switch, and where Inherit is offered."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from gui.core.collections import manage as col
from gui.core.model import AuthConfig, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.widgets.main_window import MainWindow
from gui.widgets.request.auth_panel import AuthPanel
from tests.fakes import MemoryKeyring


def shown_panel(qtbot):
    panel = AuthPanel()
    qtbot.addWidget(panel)
    panel.show()
    return panel


def pick(panel, scheme_id):
    panel.scheme.setCurrentIndex(panel.scheme.findData(scheme_id))


def field(panel, name):
    return panel.findChild(QLineEdit, f"authField_{name}")


def type_into(qtbot, panel, **values):
    for name, value in values.items():
        field(panel, name).clear()
        qtbot.keyClicks(field(panel, name), value)


def offered(combo):
    """The schemes the person can pick: in the list and enabled."""
    model = combo.model()
    return [combo.itemData(i) for i in range(combo.count())
            if not combo.view().isRowHidden(i) and model.item(i).isEnabled()]


def test_user_name_and_password_carry_over_to_a_scheme_with_the_same_fields(qtbot):
    panel = shown_panel(qtbot)
    pick(panel, "basic")
    type_into(qtbot, panel, username="alice", password="pw-typed")
    pick(panel, "digest")
    assert (field(panel, "username").text(), field(panel, "password").text()) == (
        "alice", "pw-typed")
    assert panel.config() == AuthConfig("digest", {"username": "alice", "password": "pw-typed"})
    # Through a scheme without them, too.
    pick(panel, "bearer")
    type_into(qtbot, panel, token="tok")
    pick(panel, "ntlm")
    assert field(panel, "username").text() == "alice"
    # What was typed for the other scheme stays its own.
    pick(panel, "bearer")
    assert field(panel, "token").text() == "tok" and field(panel, "username") is None


def test_the_latest_typed_credentials_win_and_a_loaded_config_is_not_mixed_in(qtbot):
    panel = shown_panel(qtbot)
    pick(panel, "basic")
    type_into(qtbot, panel, username="first")
    pick(panel, "digest")
    type_into(qtbot, panel, username="second")
    pick(panel, "basic")
    assert field(panel, "username").text() == "second"
    # Another request's config replaces the form: nothing of the old one carries into it.
    panel.set_config(AuthConfig("digest", {"username": "loaded", "password": "p2"}))
    assert field(panel, "username").text() == "loaded"
    pick(panel, "basic")
    assert field(panel, "username").text() == "loaded"


def test_scratch_does_not_offer_inherit(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.editor.tabs.setCurrentWidget(window.editor.auth)
    combo = window.findChild(QComboBox, "authScheme")
    assert "inherit" not in offered(combo) and "basic" in offered(combo)
    # Not by keyboard either: from None, Down goes to the next scheme that is offered.
    combo.setCurrentIndex(combo.findData("none"))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == combo.itemData(combo.findData("inherit") + 1)


def test_a_scratch_request_saved_with_inherit_still_shows_it(qtbot):
    panel = shown_panel(qtbot)
    panel.set_config(AuthConfig("inherit"))
    assert panel.scheme.currentData() == "inherit"
    assert "inherits nothing" in panel.help.text()


def test_a_request_in_a_collection_offers_inherit(qtbot, tmp_path):
    keychain = MemoryKeyring()
    c = col.new_collection(tmp_path / "api", "API")
    col.new_request(c.root, "Health", RequestSpec(url="http://127.0.0.1:9/get",
                                                  auth=AuthConfig("inherit")))
    window = MainWindow(store=SecretStore(keychain))
    qtbot.addWidget(window)
    window.show()
    window.open_collection(str(c.path))
    item = next(r for r in window.sidebar.collections[0].requests() if r.name == "Health")
    tab = window.open_request(item)
    tab.editor.tabs.setCurrentWidget(tab.editor.auth)
    assert "inherit" in offered(tab.editor.auth.scheme)
    assert tab.editor.auth.scheme.currentData() == "inherit"
    assert "Inherits" in tab.editor.auth.help.text()


def test_incomplete_netrc_is_said_in_the_window(qtbot, window, httpbin_url, tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("machine 127.0.0.1 login u\n")
    window.editor.tabs.setCurrentWidget(window.editor.auth)
    panel = window.editor.auth
    pick(panel, "netrc")
    type_into(qtbot, panel, file=str(rc))
    assert "127.0.0.1 has a login but no password" in panel.notes.text()
    window.editor.url.setText(f"{httpbin_url}/basic-auth/u/pw")
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    status = window.response.status.text()
    assert status.startswith("Error:") and str(rc) in status and "127.0.0.1" in status
    assert window.last_exchange.hops == []
