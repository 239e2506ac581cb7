"""Small things from a new user's tour (issue 15): the Previous tab keys as people say
them, Ctrl+S on Scratch names the request after its URL and writes no default
timeouts, Import… stays in the sidebar, File → Export…"""

from __future__ import annotations

from gui.core.collections import manage as col
from gui.widgets.window_collections import _name_from_url
from tests.test_window_first_hour import answer_save_dialog, choose, ctrl_s, window  # noqa: F401


def test_previous_tab_reads_ctrl_shift_tab(window):  # noqa: F811
    action = window.findChild(object, "actionPreviousTab")
    assert action.shortcut().toString() == "Ctrl+Shift+Tab"
    listed = dict(window.shortcuts())
    assert "Ctrl+Shift+Tab" in listed["Previous tab"]
    assert not any("Backtab" in keys for keys in listed.values())


def test_a_name_from_the_url():
    assert _name_from_url("https://api.test/v1/users/42", "GET") == "GET users 42"
    assert _name_from_url("https://api.test/v1/users", "POST") == "POST users"
    assert _name_from_url("https://api.test/", "GET") == "New request"
    assert _name_from_url("https://api.test/items/{{id}}", "GET") == "New request"


def test_ctrl_s_on_scratch_suggests_a_name_and_writes_no_default_timeouts(
        qtbot, window, tmp_path):  # noqa: F811
    c = col.new_collection(tmp_path / "api", "API")
    window.open_collection(str(c.path))
    window.tabs.setCurrentIndex(0)
    window.editor.url.setText("http://127.0.0.1:9/users/42")
    seen: list = []
    answer_save_dialog(choose("API", "(top level)", "GET users 42"), seen)
    ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: window.tabs.count() == 2, timeout=10000)
    assert seen == [("API", "(top level)", "GET users 42")]
    text = window.tab.item.path.read_text()
    assert "/users/42" in text and "options" not in text and "timeouts" not in text


def test_import_stays_in_the_sidebar_and_file_export_exports(qtbot, window, tmp_path):  # noqa: F811
    button = window.sidebar.import_button
    assert button.accessibleName() == "Import requests from other tools"
    assert not button.isVisible()  # the empty state has its own Import…
    c = col.new_collection(tmp_path / "api", "API")
    window.open_collection(str(c.path))
    assert button.isVisible()
    asked: list = []
    window.sidebar.import_requested.disconnect()  # no file chooser, offscreen
    window.sidebar.import_requested.connect(asked.append)
    button.click()
    assert asked == [[]]
    exported: list = []
    window.export_postman = lambda obj, path=None: exported.append(obj)
    window.findChild(object, "actionExport").trigger()
    assert len(exported) == 1 and exported[0].path == c.path
