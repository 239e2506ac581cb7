"""The request editor builds its Settings form when first needed (issue 17: each widget
under the application's style sheet costs start-up time and memory in every tab); until
then the request's options pass through untouched."""

from __future__ import annotations

from gui.core.model import Options, RequestSpec, Timeouts
from gui.widgets.request.editor import SETTINGS, RequestEditor

CHANGED = Options(timeouts=Timeouts(connect=2.5, read=7.0, write=7.0, pool=2.5),
                  follow_redirects=False, max_redirects=3, verify_tls=False,
                  max_time=None, use_cookie_jar=False)


def editor_with(qtbot, options: Options) -> RequestEditor:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_spec(RequestSpec(url="http://127.0.0.1/", options=options))
    return editor


def test_options_pass_through_while_the_settings_form_is_not_built(qtbot):
    editor = editor_with(qtbot, CHANGED)
    assert editor._options is None
    assert editor.spec().options == CHANGED


def test_opening_settings_shows_the_requests_options_and_changes_nothing(qtbot):
    editor = editor_with(qtbot, CHANGED)
    before = editor.spec()
    with qtbot.assertNotEmitted(editor.edited):
        editor.tabs.setCurrentIndex(SETTINGS)
    assert editor._options is not None
    assert not editor.options.follow.isChecked()
    assert editor.spec() == before


def test_an_edit_in_the_built_form_is_an_edit_of_the_request(qtbot):
    editor = editor_with(qtbot, Options())
    with qtbot.waitSignal(editor.edited, timeout=1000):
        editor.options.follow.setChecked(False)
    assert editor.spec().options.follow_redirects is False
    editor.set_spec(RequestSpec(url="http://127.0.0.1/", options=CHANGED))
    assert editor.spec().options == CHANGED


def test_headers_pass_through_and_are_counted_before_the_table_is_built(qtbot):
    from gui.core.model import Row
    from gui.widgets.request.editor import HEADERS

    editor = RequestEditor()
    qtbot.addWidget(editor)
    rows = [Row("Accept", "application/json"), Row("X-Off", "1", enabled=False),
            Row("X-Trace", "{{trace}}")]
    editor.set_spec(RequestSpec(url="http://127.0.0.1/", headers=rows))
    assert editor._headers is None
    assert editor.spec().headers == rows
    assert editor.tabs.tabText(HEADERS) == "Headers (2)"
    before = editor.spec()
    with qtbot.assertNotEmitted(editor.edited):
        editor.tabs.setCurrentIndex(HEADERS)
    assert editor._headers is not None and editor.spec() == before


def test_a_header_table_built_late_marks_unknown_variables(qtbot):
    from gui.core.model import Row
    from gui.widgets.rowtable import VALUE

    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.scope_provider = lambda: {}
    editor.set_spec(RequestSpec(url="http://127.0.0.1/", headers=[Row("X-Trace", "{{trace}}")]))
    table = editor.headers
    assert "trace" in (table.item(0, VALUE).toolTip() or "")
