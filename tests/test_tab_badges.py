"""The request editor's tab badges ("Headers (3)") are read by a screen reader as words
("Headers, 3 set"), through each tab's accessible name."""

from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from gui.widgets.request.editor import AUTH, BODY, HEADERS, PARAMS, RequestEditor


def spoken(editor, index):
    return editor.tabs.tabBar().accessibleTabName(index)


def test_badges_are_said_in_words(qtbot):
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_spec(RequestSpec(
        url="http://example.test/?a=1&b=2", headers=[Row("X-A", "1"), Row("X-B", "2"),
                                                     Row("X-C", "3"), Row("X-D", "", False)],
        body=Body(BodyKind.JSON, text="{}"),
        auth=AuthConfig("basic", {"username": "u"})))
    assert editor.tabs.tabText(HEADERS) == "Headers (3)"
    assert spoken(editor, HEADERS) == "Headers, 3 set"
    assert spoken(editor, PARAMS) == "Params, 2 set"
    assert spoken(editor, BODY) == "Body, json"
    assert spoken(editor, AUTH) == "Auth, Basic"
    assert editor.tabs.tabToolTip(HEADERS) == "Headers, 3 set"
    editor.set_spec(RequestSpec(url="http://example.test/"))
    assert spoken(editor, HEADERS) == "Headers" and editor.tabs.tabToolTip(HEADERS) == ""
