"""The look (issue 15): light and dark, method badges, the status pill, the menu bar and
its shortcuts, the layout kept across restarts. Asserted on widgets, not pixels."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication

from gui.core.collections import manage as col
from gui.core.model import RequestSpec
from gui.widgets import theme
from gui.widgets.icons import BadgeEngine, app_icon, icon


@pytest.fixture(autouse=True)
def light_again():
    yield
    theme.apply(QApplication.instance(), theme.LIGHT)


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def keys(window, name: str) -> set[str]:
    return {k.toString() for k in action(window, name).shortcuts()}


def test_view_menu_switches_between_light_and_dark(window):
    action(window, "actionAppearanceDark").trigger()
    assert theme.mode() == theme.DARK and theme.is_dark()
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window).name()
    assert window_colour == theme.DARK_COLOURS.window
    assert action(window, "actionAppearanceDark").isChecked()
    action(window, "actionAppearanceLight").trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Base).name() == \
        theme.LIGHT_COLOURS.base
    assert not action(window, "actionAppearanceDark").isChecked()


def test_switching_appearance_keeps_every_tabs_method(qtbot):
    """Found under Xvfb: View → Appearance → Dark turned a POST tab (and a typed
    PROPFIND) into GET, because recolouring the method list put the list's current
    item back in the box."""
    from gui.widgets.request.editor import RequestEditor

    post, typed = RequestEditor(), RequestEditor()
    for editor in (post, typed):
        qtbot.addWidget(editor)
    post.set_spec(RequestSpec(method="POST", url="http://127.0.0.1/"))
    typed.method.setEditText("PROPFIND")
    theme.apply(QApplication.instance(), theme.DARK)
    theme.apply(QApplication.instance(), theme.LIGHT)
    assert post.spec().method == "POST"
    assert typed.spec().method == "PROPFIND"


def test_system_appearance_follows_the_platform_scheme(window):
    action(window, "actionAppearanceSystem").trigger()
    assert theme.mode() == theme.SYSTEM
    assert theme.is_dark() == theme.system_is_dark()


def test_an_unknown_appearance_falls_back_to_the_system_one():
    theme.apply(QApplication.instance(), "sepia")
    assert theme.mode() == theme.SYSTEM


@pytest.mark.parametrize("colours", [theme.LIGHT_COLOURS, theme.DARK_COLOURS])
def test_every_text_colour_meets_wcag_aa(colours):
    pairs = [(colours.text, colours.base), (colours.text, colours.window),
             (colours.muted, colours.base), (colours.muted, colours.window),
             (colours.on_accent, colours.accent), (colours.on_selection, colours.selection),
             (colours.error, colours.base), (colours.warning, colours.base),
             (colours.success, colours.base), (colours.error, colours.window),
             (colours.success, colours.window)]
    dark = colours is theme.DARK_COLOURS
    pairs += [(pair[1] if dark else pair[0], colours.base)
              for pair in theme.METHOD_COLOURS.values()]
    pairs += [("#ffffff", pill) for pill in theme.STATUS_COLOURS.values()]
    for fore, back in pairs:
        assert theme.contrast(fore, back) >= 4.5, (fore, back)


@pytest.mark.parametrize("colours", [theme.LIGHT_COLOURS, theme.DARK_COLOURS])
def test_syntax_colours_meet_wcag_aa(colours):
    dark = colours is theme.DARK_COLOURS
    for kind, pair in theme.SYNTAX_COLOURS.items():  # a body is drawn on the base colour
        assert theme.contrast(pair[dark], colours.base) >= 4.5, (kind, pair[dark])


def test_an_unknown_variable_in_the_url_is_framed_in_the_themes_warning_colour(qtbot):
    from gui.widgets.request.editor import RequestEditor

    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.url.setText("https://{{host}}/get")
    assert theme.LIGHT_COLOURS.warning in editor.url.styleSheet()
    theme.apply(QApplication.instance(), theme.DARK)
    assert theme.DARK_COLOURS.warning in editor.url.styleSheet()
    editor.url.setText("https://example.org/get")
    assert editor.url.styleSheet() == ""


def test_the_certificates_and_cookies_dialogs_speak_in_the_themes_colours_in_dark(qtbot):
    from gui.core.storage.keychain import SecretStore
    from gui.core.tls.config import TlsSettings
    from gui.widgets.dialogs.certificates import CertificatesDialog
    from gui.widgets.dialogs.cookies import CookieEditor
    from tests.fakes import MemoryKeyring

    def colour(label) -> str:
        label.ensurePolished()
        return label.palette().color(QPalette.ColorRole.WindowText).name()

    theme.apply(QApplication.instance(), theme.DARK)
    dark = theme.DARK_COLOURS
    dialog = CertificatesDialog(TlsSettings(), SecretStore(MemoryKeyring()))
    qtbot.addWidget(dialog)
    dialog.add_certificate()  # no file yet: said as a problem
    assert dialog.clients.status.text() and colour(dialog.clients.status) == dark.error
    editor = CookieEditor(None)
    qtbot.addWidget(editor)
    assert colour(editor.problem) == dark.error
    for label in (dialog.clients.status, editor.problem):
        assert theme.contrast(colour(label), dark.window) >= 4.5


def test_the_changed_on_disk_bar_takes_the_themes_notice_colour(window):
    theme.apply(QApplication.instance(), theme.DARK)
    bar = window.tab.changed_bar
    bar.ensurePolished()
    assert bar.palette().color(QPalette.ColorRole.Window).name() == theme.DARK_COLOURS.notice_bg


def test_method_colours_follow_the_convention_and_unknown_ones_are_neutral():
    light = {m: theme.method_colour(m) for m in ("GET", "post", "DELETE", "PROPFIND")}
    assert light["GET"] == theme.METHOD_COLOURS["GET"][0]
    assert light["post"] == theme.METHOD_COLOURS["POST"][0]
    assert light["PROPFIND"] == theme.NEUTRAL_METHOD[0]
    assert len({light["GET"], light["post"], light["DELETE"]}) == 3


def test_badges_are_short_and_readable():
    assert BadgeEngine("DELETE").label() == "DEL"
    assert BadgeEngine("options").label() == "OPT"
    assert BadgeEngine("PATCH").label() == "PATCH"
    assert BadgeEngine("PROPFIND").label() == "PROP…"
    assert BadgeEngine("  ").label() == "?"


def test_icons_draw_at_100_and_200_percent():
    from PySide6.QtCore import QSize

    for scale in (1.0, 2.0):
        pixmap = icon("send").pixmap(QSize(16, 16), scale)
        assert pixmap.width() == int(16 * scale) and pixmap.devicePixelRatio() == scale
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() for x in range(image.width())
                   for y in range(image.height()))
    assert not app_icon().isNull()


def test_a_missing_icon_draws_nothing_and_does_not_raise():
    assert icon("no-such-icon").pixmap(16, 16).toImage().pixelColor(8, 8).alpha() == 0


def test_sidebar_tabs_and_picker_show_the_method(qtbot, window, tmp_path):
    api = col.new_collection(tmp_path / "api", "API")
    col.new_request(api.root, "Remove", RequestSpec(method="DELETE", url="http://x/1"))
    window.open_collection(str(api.path))
    item = next(i for i in window.sidebar._items() if i.text(0) == "Remove")
    assert not item.icon(0).isNull()
    assert item.data(0, Qt.ItemDataRole.AccessibleTextRole) == "DELETE Remove"
    tab = window.open_request(window.sidebar.collections[0].requests()[0])
    index = window.tabs.indexOf(tab)
    assert window.tabs.tabBar().tabData(index) == "DELETE"
    assert not window.tabs.tabIcon(index).isNull()
    assert theme.method_colour("DELETE") in window.editor.method.lineEdit().styleSheet()
    window.editor.method.setCurrentText("GET")
    assert theme.method_colour("GET") in window.editor.method.lineEdit().styleSheet()
    assert window.tabs.tabBar().tabData(index) == "GET"


def test_status_pill_by_class_with_time_size_and_hops(qtbot, window, httpbin_url):
    window.editor.url.setText(f"{httpbin_url}/status/503")
    window.send()
    qtbot.waitUntil(lambda: window.job is None, timeout=15000)
    status = window.response.status
    assert status.text().startswith("503")
    assert theme.STATUS_COLOURS[5] in status.styleSheet()
    assert "border-radius" in status.styleSheet()  # a pill, not a line of text
    assert re.search(r"ms|s\b", window.response.meta.text())
    assert "1 hop" in window.response.meta.text()


def test_elapsed_time_counts_while_in_flight(qtbot, window, httpbin_url):
    window.editor.url.setText(f"{httpbin_url}/delay/10")
    window.send()
    qtbot.waitUntil(lambda: re.fullmatch(r"\d+\.\d s", window.response.meta.text())
                    is not None, timeout=5000)
    first = window.response.meta.text()
    qtbot.waitUntil(lambda: window.response.meta.text() != first, timeout=5000)
    window.cancel()
    assert window.response.meta.text() == ""


def test_menu_bar_has_the_standard_menus_and_keys(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Request", "Help"]
    assert "Ctrl+Q" in keys(window, "actionQuit")
    assert {"Ctrl+Return", "Ctrl+Enter"} <= keys(window, "actionSend")
    assert "Esc" in keys(window, "actionCancel")
    assert {"Ctrl+N", "Ctrl+S", "Ctrl+W", "Ctrl+O", "Ctrl+F", "Ctrl+L"} <= (
        keys(window, "actionNewRequest") | keys(window, "actionSave")
        | keys(window, "actionCloseTab") | keys(window, "actionOpenCollection")
        | keys(window, "actionFind") | keys(window, "actionFocusUrl"))
    assert {"Ctrl+P", "Ctrl+K"} <= keys(window, "actionQuickSwitch")
    listed = dict(window.shortcuts())
    assert "Ctrl+Q" in listed["Quit"]


def test_ctrl_q_closes_the_window(qtbot, window):
    qtbot.keyClick(window, "q", modifier=QKeySequence("Ctrl+Q")[0].keyboardModifiers())
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def test_next_and_previous_tab_wrap_around(window, tmp_path):
    api = col.new_collection(tmp_path / "api", "API")
    col.new_request(api.root, "One", RequestSpec(url="http://x/1"))
    window.open_collection(str(api.path))
    window.open_request(window.sidebar.collections[0].requests()[0])
    assert window.tabs.currentIndex() == 1
    action(window, "actionNextTab").trigger()
    assert window.tabs.currentIndex() == 0
    action(window, "actionPreviousTab").trigger()
    assert window.tabs.currentIndex() == 1


def test_zoom_in_out_and_back(window):
    before = QApplication.font().pointSizeF()
    action(window, "actionZoomIn").trigger()
    assert QApplication.font().pointSizeF() == before + 1
    action(window, "actionZoomReset").trigger()
    assert QApplication.font().pointSizeF() == before


def test_quick_switcher_finds_a_request_by_part_of_its_url(window, tmp_path):
    from gui.widgets.dialogs.quick_switcher import QuickSwitcher

    api = col.new_collection(tmp_path / "api", "API")
    col.new_request(api.root, "Users", RequestSpec(url="http://x/users"))
    col.new_request(api.root, "Orders", RequestSpec(url="http://x/orders/7"))
    window.open_collection(str(api.path))
    switcher = QuickSwitcher(window.sidebar.collections[0].requests(), window)
    switcher.query.setText("orders/7")
    assert switcher.list.count() == 1 and switcher.chosen().name == "Orders"
    switcher.deleteLater()


def test_layout_is_restored_and_brought_back_on_screen(window):
    room = window.screen().availableGeometry()
    window.move(room.right() + 3000, room.bottom() + 3000)
    window.restore_layout({"sidebar": [340, 900], "request_split": [200, 500],
                           "geometry": "not base64 at all ☃"})
    assert room.intersects(window.frameGeometry())
    assert window.request_split == [200, 500]
    window.restore_layout({"sidebar": "junk", "request_split": [-1, 2]})
    assert window.request_split is None
