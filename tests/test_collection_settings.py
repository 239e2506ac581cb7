"""Collection and folder settings in the window: name, headers, auth, the links to the
collection's other settings, conflicts with a file changed on disk; New collection asks
for the name first."""

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from gui import tasks
from gui.core.collections import manage as col
from gui.core.model import AuthConfig, RequestSpec, Row
from gui.core.storage.keychain import SecretStore
from gui.widgets.dialogs.collection_settings import LANE, CollectionSettingsDialog
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


@pytest.fixture
def keychain():
    return MemoryKeyring()


@pytest.fixture
def window(qtbot, keychain):
    w = MainWindow(None, store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def api(tmp_path, window):
    c = col.new_collection(tmp_path / "api", "Test API")
    users = col.new_folder(c.root, "Users")
    col.new_request(users, "Who am I", RequestSpec(url="http://127.0.0.1:1/basic-auth",
                                                   auth=AuthConfig("inherit")))
    return window.open_collection(str(c.path))


def settings_of(window, obj) -> CollectionSettingsDialog:
    window.sidebar.settings_requested.emit(obj)
    # A dialog closed just before may not be deleted yet (deleteLater): the open one.
    shown = [d for d in window.findChildren(CollectionSettingsDialog, "collectionSettingsDialog")
             if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def type_header(dialog, name, value):
    from gui.widgets.rowtable import NAME, VALUE

    table = dialog.headers
    row = table.rowCount() - 1
    table.item(row, NAME).setText(name)
    table.item(table.rowCount() - 2, VALUE).setText(value)


def save_and_wait(qtbot, dialog) -> bool:
    """Press Save; True when the dialog closed (saved), False when it stayed open."""
    closed = []
    dialog.finished.connect(closed.append)
    dialog.findChild(object, "settingsSave").click()
    tasks.wait(LANE, 10000)
    qtbot.waitUntil(lambda: bool(closed) or not dialog._saving, timeout=10000)
    return bool(closed)


def test_sidebar_menu_offers_settings_of_collections_and_folders(qtbot, window, api):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMenu

    seen = []

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append([a.text() for a in menu.actions()])
        menu.close()

    for obj in (api, api.root.children[0]):
        item = window.sidebar.item_for(obj)
        QTimer.singleShot(0, read_and_close)
        window.sidebar._menu(window.sidebar.tree.visualItemRect(item).center())
    assert len(seen) == 2 and all("Settings…" in texts for texts in seen)


def test_collection_name_headers_and_auth_saved_secret_in_the_keychain(
        qtbot, window, api, keychain):
    dialog = settings_of(window, api)
    assert dialog.is_collection and dialog.windowTitle() == "Collection settings — Test API"
    dialog.name.setText("Renamed API")
    type_header(dialog, "X-Team", "core")
    dialog.tabs.setCurrentIndex(1)
    dialog.auth.set_config(AuthConfig("basic", {"username": "ann", "password": "s3cret-pw"}))
    assert save_and_wait(qtbot, dialog)
    text = api.settings_path.read_text()
    assert "Renamed API" in text and "X-Team" in text and "basic" in text
    assert "s3cret-pw" not in text
    store = SecretStore(keychain)
    from gui.core.collections.secrets import auth_place
    from gui.core.storage.keychain import secret_key

    assert store.get(secret_key(api.namespace, auth_place(api), "password")) == "s3cret-pw"
    assert api.headers == [Row("X-Team", "core")] and api.name == "Renamed API"
    assert window.sidebar.tree.topLevelItem(0).text(0) == "Renamed API"
    # Requests that inherit now say where their auth comes from.
    window.open_request(api.requests()[0])
    assert "Basic" in window.editor.auth._inherit_note


def test_folder_settings_rename_its_folder_and_inherit_by_default(qtbot, window, api):
    users = api.root.children[0]
    dialog = settings_of(window, users)
    assert not dialog.is_collection
    dialog.tabs.setCurrentIndex(1)
    assert dialog.auth.config().scheme == "inherit"
    assert dialog.auth.help.text().startswith("Inherits ") and "'Test API'" in \
        dialog.auth.help.text()
    type_header(dialog, "X-Folder", "yes")
    dialog.name.setText("People")
    assert save_and_wait(qtbot, dialog)
    assert users.name == "People" and users.path.name == "people"
    assert "X-Folder" in (users.path / "folder.yaml").read_text()
    assert users.children[0].path.parent == users.path
    reopened, problems = col.open_collection(api.path)
    assert not problems and reopened.root.children[0].headers == [Row("X-Folder", "yes")]


def test_changed_on_disk_is_asked_about(qtbot, window, api, monkeypatch):
    api.settings_path.write_text(api.settings_path.read_text() + "# a teammate's edit\n")
    dialog = settings_of(window, api)
    type_header(dialog, "X-Mine", "1")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or
                        QMessageBox.StandardButton.No)
    assert not save_and_wait(qtbot, dialog)
    assert asked and "changed on disk" in asked[0]
    assert "left as it is" in dialog.problem.text()
    assert api.headers == [] and "X-Mine" not in api.settings_path.read_text()
    # What was typed is still there; overwriting is a choice.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert save_and_wait(qtbot, dialog)
    assert "X-Mine" in api.settings_path.read_text()


def test_an_empty_name_cannot_be_saved(qtbot, window, api):
    dialog = settings_of(window, api)
    dialog.name.setText("  ")
    assert not dialog.save_button.isEnabled()


def test_links_open_the_collections_variables_and_proxy(qtbot, window, api, monkeypatch):
    from gui.widgets.dialogs.proxy import ProxyDialog
    from gui.widgets.dialogs.variables import VariablesDialog

    opened = []
    monkeypatch.setattr(VariablesDialog, "exec", lambda self: opened.append(
        self._collection) or 0)
    dialog = settings_of(window, api.root.children[0])
    dialog.variables_button.click()
    assert opened == [api]
    dialog.proxy_button.click()
    proxy = dialog.findChild(ProxyDialog)
    assert proxy is not None and proxy.collection is api
    proxy.reject()
    shown = []
    monkeypatch.setattr(type(window), "edit_collection_certificates",
                        lambda self, c: shown.append(c))
    dialog.certificates_requested.disconnect()
    dialog.certificates_requested.connect(window.edit_collection_certificates)
    dialog.certificates_button.click()
    assert shown == [api]


def test_edit_menu_opens_the_selected_collections_settings(qtbot, window, api):
    window.sidebar.tree.setCurrentItem(window.sidebar.item_for(api.requests()[0]))
    window.findChild(object, "actionCollectionSettings").trigger()
    dialog = window.findChild(CollectionSettingsDialog)
    assert dialog is not None and dialog.obj is api.root.children[0]


def test_edit_menu_without_a_collection_says_so(qtbot, window):
    window.findChild(object, "actionCollectionSettings").trigger()
    assert window.findChild(CollectionSettingsDialog) is None
    assert "collection first" in window.statusBar().currentMessage()


def test_new_collection_asks_the_name_before_the_folder(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    order = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: order.append("name") or ("Shop", True))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda _p, title, *a, **k: order.append(title) or str(tmp_path / "new"))
    window.sidebar.new_button.click()
    assert order[0] == "name" and "'Shop'" in order[1]
    assert (tmp_path / "new" / "collection.yaml").is_file()


def test_description_tab_edits_the_collection_and_folder_descriptions(qtbot, window, api):
    dialog = settings_of(window, api)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    box = dialog.description
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Description"
    assert box.accessibleName() == "Collection description" and "Markdown" in \
        box.placeholderText()
    box.setPlainText("Billing API.\n\nAsk #billing for a key.\n")
    assert save_and_wait(qtbot, dialog)
    assert api.description == "Billing API.\n\nAsk #billing for a key."
    assert "description: |-\n  Billing API.\n\n  Ask #billing" in api.settings_path.read_text()
    users = api.root.children[0]
    dialog = settings_of(window, users)
    assert dialog.description.toPlainText() == ""
    dialog.description.setPlainText("People")
    assert save_and_wait(qtbot, dialog)
    assert "description: People" in (users.path / "folder.yaml").read_text()
    # Shown again as saved the next time.
    assert settings_of(window, api).description.toPlainText() == api.description
