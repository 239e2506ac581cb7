"""The Tests tab: assertions and captures written in the window, checked after each send
by hand against httpbin; captured values seen by the next request; secret captures
masked everywhere and written nowhere."""

import pytest
from PySide6.QtCore import Qt

from gui.core.collections import manage as col
from gui.core.model import RequestSpec, Row
from gui.core.runner import declare
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable
from gui.persistence import Persistence
from gui.widgets.main_window import MainWindow
from gui.widgets.request.checks_table import (
    A_EXPECTED,
    A_OPERATOR,
    A_QUERY,
    C_NAME,
    C_QUERY,
    C_SECRET,
)
from tests.fakes import MemoryKeyring


@pytest.fixture
def keychain():
    return MemoryKeyring()


@pytest.fixture
def api(tmp_path, httpbin_url):
    c = col.new_collection(tmp_path / "api", "Checks API")
    c.variables = [Variable("base", httpbin_url)]
    col.save_collection(c)
    col.new_request(c.root, "Get", RequestSpec(url="{{base}}/get"))
    # The server makes the token up: only the capture ever knows it.
    col.new_request(c.root, "Login", RequestSpec(url="{{base}}/uuid"))
    col.new_request(c.root, "Fetch", RequestSpec(
        url="{{base}}/anything/users/{{user_id}}",
        headers=[Row("Authorization", "Bearer {{token}}")]))
    return c.path


def make(qtbot, keychain, persistence=False):
    w = MainWindow(Persistence(SecretStore(keychain)) if persistence else None,
                   store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


def request_named(window, name):
    return next(r for c in window.sidebar.collections for r in c.requests() if r.name == name)


def type_in(table, row, column, text):
    """As a person typing into a cell (the blank row becomes a real one)."""
    table.item(row, column).setText(text)


def add_assertion(tests, query, operator, expected):
    table = tests.assertions
    r = table.rowCount() - 1
    type_in(table, r, A_QUERY, query)
    type_in(table, r, A_OPERATOR, operator)
    type_in(table, r, A_EXPECTED, expected)


def add_capture(tests, name, query, secret=False):
    table = tests.captures
    r = table.rowCount() - 1
    type_in(table, r, C_NAME, name)
    type_in(table, r, C_QUERY, query)
    if secret:
        table.item(r, C_SECRET).setCheckState(Qt.CheckState.Checked)


def send_and_check(qtbot, window):
    tab = window.tab
    window.send()
    qtbot.waitUntil(lambda: tab.job is None and tab.last_exchange is not None, timeout=15000)
    qtbot.waitUntil(lambda: tab.editor.tests.results.rowCount() > 0, timeout=15000)
    return tab


def results(tests):
    t = tests.results
    return [tuple(t.item(r, c).text() for c in range(4)) for r in range(t.rowCount())]


def test_assertions_typed_in_the_tests_tab_pass_and_fail_after_a_send(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Get"))
    tests = tab.editor.tests
    w.show_tests(tab)
    assert not tab.dirty()
    add_assertion(tests, "status", "equals", "200")
    assert tab.dirty() and tab.title().startswith("●")
    add_assertion(tests, "header Content-Type", "contains", "json")
    add_assertion(tests, "jmespath headers.Host", "equals", "example.org")
    assert tests.problems() == []
    assert tab.editor.tabs.tabText(5) == "Tests (3)"
    send_and_check(qtbot, w)
    got = results(tests)
    assert [r[0] for r in got] == ["✓", "✓", "✗"]
    assert got[2][2] == "example.org" and got[2][3].startswith("127.0.0.1")
    assert tab.editor.tabs.tabText(5) == "Tests (1 failed)"
    label = tab.response.checks_label
    assert label.isVisible() and "1 of 3 tests failed" in label.text()
    # Saved with the request: the file holds them as a person writes them.
    assert w.save_current() and not tab.dirty()
    text = request_named(w, "Get").path.read_text()
    assert "assertions:" in text and "query: jmespath headers.Host" in text
    assert "equals: example.org" in text and "equals: 200" in text
    reopened = col.open_collection(api)[0].requests()
    get = next(r for r in reopened if r.name == "Get")
    assert [a.op for a in get.assertions] == ["equals", "contains", "equals"]
    assert get.assertions[0].expected == 200


def test_a_row_that_does_not_parse_is_named_and_is_not_saved(qtbot, keychain, api):
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Get"))
    tests = tab.editor.tests
    add_assertion(tests, "status", "equals", "200")
    add_assertion(tests, "jmespath user.[", "equals", "1")
    add_capture(tests, "bad name!", "status")
    problems = tests.problems()
    assert problems[0].startswith("Assertion 2: query: the JMESPath 'user.[' does not parse")
    assert problems[1].startswith("Capture 1: name: 'bad name!' is not a variable name")
    assert not tests.problem.isHidden() and "user.[" in tests.problem.text()
    before = request_named(w, "Get").path.read_text()
    assert not w.save_current()
    assert request_named(w, "Get").path.read_text() == before
    assert tests.assertions.item(1, A_QUERY).text() == "jmespath user.["  # kept as typed
    assert tab.editor.tabs.currentWidget() is tests
    # Sent anyway: the rows that parse are checked, the others said so.
    send_and_check(qtbot, w)
    assert [r[0] for r in results(tests)] == ["✓"]
    assert "Not checked: Assertion 2" in tests.results_note.text()


def test_an_unchanged_assertion_keeps_its_spelling_and_a_changed_one_its_operator(
        qtbot, keychain, api, tmp_path):
    item = next(r for r in col.open_collection(api)[0].requests() if r.name == "Get")
    item.assertions = declare.assertions_from_data([{"query": "status", "==": 200},
                                                    {"query": "size", "gt": 2}])
    col.save_request(item)
    w = make(qtbot, keychain)
    w.open_collection(str(api))
    tab = w.open_request(request_named(w, "Get"))
    tests = tab.editor.tests
    assert tests.assertions.item(0, A_OPERATOR).text() == "equals"
    type_in(tests.assertions, 1, A_EXPECTED, "3")
    assert w.save_current()
    text = request_named(w, "Get").path.read_text()
    assert "==: 200" in text and "gt: 3" in text


def test_a_capture_sent_by_hand_reaches_the_next_request_and_a_secret_one_is_never_shown(
        qtbot, keychain, api, data_dir, tmp_path):
    w = make(qtbot, keychain, persistence=True)
    w.open_collection(str(api))
    # The next request names the capture that should set its variable, before any.
    w.open_request(request_named(w, "Fetch"))
    w.send()
    qtbot.waitUntil(lambda: "unknown variable {{user_id}}" in w.editor.problem.text(),
                    timeout=10000)
    login = w.open_request(request_named(w, "Login"))
    add_assertion(login.editor.tests, "jmespath uuid", "matches", "^[0-9a-f-]{36}$")
    add_capture(login.editor.tests, "user_id", "jmespath length(uuid)")
    add_capture(login.editor.tests, "token", "jmespath uuid", secret=True)
    assert w.save_current()
    send_and_check(qtbot, w)
    got = results(login.editor.tests)
    assert [r[0] for r in got] == ["✓", "✓", "✓"]
    assert ("capture user_id from jmespath length(uuid)" in got[0][1]) and got[0][3] == "36"
    token = w.run_variables.overrides()[0]["token"]
    assert len(token) == 36 and w.run_variables.overrides()[1] == (token,)
    assert got[1][3] == "****"
    assert "{{user_id}}" in w.statusBar().currentMessage()

    fetch = w.open_request(request_named(w, "Fetch"))
    assert "Sends:" in fetch.editor.url.toolTip() and "/users/36" in fetch.editor.url.toolTip()
    w.send()
    qtbot.waitUntil(lambda: fetch.job is None and fetch.last_exchange is not None,
                    timeout=15000)
    exchange = fetch.last_exchange
    assert exchange.response.status == 200
    assert exchange.hops[0].request.url.endswith("/anything/users/36")
    assert dict(exchange.hops[0].request.headers)["Authorization"] == "Bearer ****"

    # Where each value came from, in the Variables dialog's panel, the secret masked.
    from gui.widgets.dialogs.variables import VariablesDialog
    from gui.widgets.run_variables import RunVariablesPanel

    dialog = VariablesDialog(w.current_collection(), w.globals(), w.store(), w)
    w.add_run_variables(dialog)
    panel = dialog.findChild(RunVariablesPanel)
    assert panel.names() == ["user_id", "token"]
    assert panel.values() == ["36", "****"]
    assert panel.table.item(0, 2).text() == "Login" and panel.table.item(0, 3).text()

    # Shown nowhere in clear (but in the body it came from): the tests' results, the
    # status bar, the URL's tool tip, the request as sent in the Timeline.
    shown = [w.statusBar().currentMessage(), fetch.editor.url.toolTip(),
             fetch.response.hop_detail.toPlainText().split("\n\n")[0],
             *(c for r in got for c in r)]
    assert [t for t in shown if token in t] == []
    # Written nowhere: the collection's files, the data folder (history, session).
    w.save_current()
    w.close()
    for folder in (api, data_dir):
        for path in folder.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path

    panel.clear_button.click()
    assert panel.names() == [] and w.run_variables.overrides() == ({}, ())
