"""The runner view against httpbin: Run… on a collection, results as they come, Stop,
Re-run failed, a row's exchange, and a window that keeps turning through a long run."""

import itertools
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from gui.core.collections import manage as col
from gui.core.model import RequestSpec, Row
from gui.core.runner import declare
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable
from gui.widgets.main_window import MainWindow
from tests.fakes import MemoryKeyring


@pytest.fixture
def keychain():
    return MemoryKeyring()


def _request(folder, name, spec, assertions=(), captures=()):
    item = col.new_request(folder, name, spec)
    item.assertions = declare.assertions_from_data(list(assertions))
    item.captures = declare.captures_from_data(list(captures))
    col.save_request(item)
    return item


@pytest.fixture
def flow(tmp_path, httpbin_url):
    """login -> create -> fetch, the last one failing its assertion."""
    c = col.new_collection(tmp_path / "flow", "Flow")
    c.variables = [Variable("base", httpbin_url)]
    c.root.order = ["login.request.yaml", "users"]
    col.save_collection(c)
    _request(c.root, "Login", RequestSpec(url="{{base}}/uuid"),
             [{"query": "status", "equals": 200}],
             [{"name": "token", "query": "jmespath uuid", "secret": True}])
    users = col.new_folder(c.root, "Users")
    users.order = ["create.request.yaml", "fetch.request.yaml"]
    col.save_folder(users)
    _request(users, "Create", RequestSpec(
        "POST", "{{base}}/anything/users", headers=[Row("Authorization", "Bearer {{token}}")]),
        [{"query": "jmespath headers.Authorization", "starts_with": "Bearer "},
         {"query": "status", "in": [200, 201]}],
        [{"name": "user_id", "query": "jmespath length(headers.Authorization)"}])
    _request(users, "Fetch", RequestSpec(url="{{base}}/status/404?id={{user_id}}"),
             [{"query": "status", "equals": 200}])
    return c.path


def make(qtbot, keychain):
    w = MainWindow(store=SecretStore(keychain))
    qtbot.addWidget(w)
    w.show()
    return w


def open_runner(qtbot, w, path, folder=None):
    w.open_collection(str(path))
    collection = w.sidebar.collections[-1]
    target = collection if folder is None else next(
        f for f in collection.root.children if f.name == folder)
    return w.run_collection(target)  # the window closes it with itself


def outcomes(view):
    return [(r.name, r.outcome) for r in view.model.results]


def test_run_a_collection_see_results_rerun_failed_and_open_an_exchange(
        qtbot, keychain, flow):
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, flow)
    assert [item.name for item in view.chosen()] == ["Login", "Create", "Fetch"]
    assert view.start()
    assert not view.run_button.isEnabled() and view.stop_button.isEnabled()
    assert view.wait()
    assert outcomes(view) == [("Login", "passed"), ("Users/Create", "passed"),
                              ("Users/Fetch", "failed")]
    table = view.model
    assert [table.data(table.index(r, 3)) for r in range(3)] == ["200", "200", "404"]
    assert table.data(table.index(1, 5)) == "2 passed"
    assert table.data(table.index(2, 5)) == "0 passed, 1 failed"
    assert view.summary.text().startswith("Done: 3 requests · 2 passed · 1 failed")
    assert view.rerun_button.isEnabled()
    # The capture chained: it read the echoed header from the record, where the secret
    # token is masked ("Bearer ****", 11 characters), so the fetch's id is 11.
    fetch = view.model.results[2].exchange
    assert fetch.hops[0].request.url.endswith("?id=11")
    create = view.model.results[1].exchange
    assert dict(create.hops[0].request.headers)["Authorization"] == "Bearer ****"

    # A click on a row opens its exchange: status, body, the Timeline's hops.
    index = table.index(2, 2)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), _left(), pos=rect.center())
    qtbot.waitUntil(lambda: view._shown is not None and view._shown.hops.rowCount() == 1,
                    timeout=10000)
    assert view._shown.status.text().startswith("404")
    assert "Users/Fetch" in view.detail_title.text() and "failed" in view.detail_title.text()
    assert view.checks.rowCount() == 1 and view.checks.item(0, 0).text() == "✗"
    assert view.checks.item(0, 3).text() == "404"
    # Checks of the secret capture show it masked.
    view.open_result(0)
    assert [view.checks.item(r, 3).text() for r in range(view.checks.rowCount())] == \
        ["****", "200"]

    # Re-run failed: only the request that failed runs again.
    assert view.rerun_failed()
    assert view.wait()
    assert [r.name for r in view.model.results] == ["Users/Fetch"]


def test_stop_ends_the_run_at_once_and_keeps_what_came(qtbot, keychain, tmp_path,
                                                         httpbin_url):
    c = col.new_collection(tmp_path / "slow", "Slow")
    c.variables = [Variable("base", httpbin_url)]
    col.save_collection(c)
    _request(c.root, "Quick", RequestSpec(url="{{base}}/get"), [{"query": "status",
                                                                  "equals": 200}])
    _request(c.root, "Slow", RequestSpec(url="{{base}}/delay/8"))
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, c.path)
    view.iterations.setValue(3)
    assert view.start()
    qtbot.waitUntil(lambda: len(view.run.results) == 1, timeout=10000)
    started = time.monotonic()
    view.stop_button.click()
    assert view.wait(10000)
    assert time.monotonic() - started < 5  # not the 8 s the server would take
    assert outcomes(view) == [("Quick", "passed"), ("Slow", "interrupted")]
    assert view.summary.text().startswith("Stopped: 2 requests")
    assert view.run_button.isEnabled() and not view.stop_button.isEnabled()


def test_the_window_keeps_turning_through_a_long_run(qtbot, keychain, tmp_path,
                                                     httpbin_url):
    c = col.new_collection(tmp_path / "many", "Many")
    c.variables = [Variable("base", httpbin_url)]
    col.save_collection(c)
    for name in ("One", "Two"):
        _request(c.root, name, RequestSpec(url="{{base}}/get?n=" + name),
                 [{"query": "status", "equals": 200},
                  {"query": "header Content-Type", "contains": "json"}])
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, c.path)
    view.iterations.setValue(150)  # 300 requests
    ticks: list[float] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    try:
        assert view.start()
        assert view.wait(120000)
    finally:
        timer.stop()
    assert len(view.model.results) == 300
    assert all(r.outcome == "passed" for r in view.model.results)
    assert view.model.rowCount() == 300
    # The event loop turned all along: no gap between two ticks near a second.
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10 and max(gaps) < 1.0, max(gaps)


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_run_keeps_cookies_in_the_collections_jar(qtbot, keychain, tmp_path,
                                                     httpbin_url):
    c = col.new_collection(tmp_path / "jar", "Jar")
    c.variables = [Variable("base", httpbin_url)]
    c.root.order = ["set.request.yaml", "read.request.yaml"]
    col.save_collection(c)
    _request(c.root, "Set", RequestSpec(url="{{base}}/cookies/set?session=run-abc"))
    _request(c.root, "Read", RequestSpec(url="{{base}}/cookies"),
             [{"query": "jmespath cookies.session", "equals": "run-abc"}])
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, c.path)
    assert view.start() and view.wait()
    assert outcomes(view) == [("Set", "passed"), ("Read", "passed")]
    jar = w.cookie_jars().jar(w.sidebar.collections[-1].namespace)
    assert [ck.value for ck in jar.all() if ck.name == "session"] == ["run-abc"]


def test_bad_input_is_said_and_nothing_is_sent(qtbot, keychain, flow, tmp_path):
    data = tmp_path / "rows.csv"
    data.write_text("id,name\n1,a\n2\n")
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, flow)
    view.data_file.setText(str(data))
    assert view.start() and view.wait()
    assert view.model.results == []
    assert "rows.csv" in view.summary.text() and "line 3" in view.summary.text()
    assert view.run_button.isEnabled()
    # Nothing chosen, and a file that does not parse: refused before anything is sent.
    view.data_file.clear()
    view.setup._check_all(_unchecked())
    assert not view.start() and "check at least one request" in view.summary.text()
    broken = flow / "users" / "fetch.request.yaml"
    broken.write_text(broken.read_text().replace("equals: 200", "equals: 200\n    gt: 1"))
    view.close()
    w2 = make(qtbot, keychain)
    view = open_runner(qtbot, w2, flow)
    assert not view.start()
    assert "do not parse" in view.summary.text() and "fetch.request.yaml" in view.summary.text()


def _unchecked():
    from PySide6.QtCore import Qt

    return Qt.CheckState.Unchecked


def test_a_secret_variable_with_no_value_here_is_said_not_asked(qtbot, keychain, tmp_path,
                                                                 httpbin_url, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: asked.append(a) or ("", False))
    c = col.new_collection(tmp_path / "cloned", "Cloned")
    c.variables = [Variable("base", httpbin_url), Variable("api_key", "", secret=True)]
    col.save_collection(c)
    _request(c.root, "Keyed", RequestSpec(url="{{base}}/get",
                                          headers=[Row("X-Key", "{{api_key}}")]))
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, c.path)
    assert view.start() and view.wait()
    assert asked == []  # no dialog from the worker thread
    assert "{{api_key}} had no value on this machine" in view.summary.text()


def test_the_runner_closes_from_the_keyboard(qtbot, keychain, flow):
    w = make(qtbot, keychain)
    view = open_runner(qtbot, w, flow)
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # nothing running: Esc closes
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)
    view = open_runner(qtbot, w, flow)
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    qtbot.keyClick(view, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)
