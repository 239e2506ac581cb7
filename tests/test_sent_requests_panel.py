"""The Sent requests panel: recorded in a worker, newest first, searchable, reopened,
cleared, and never a secret in its file."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.core.http.exchange import ErrorInfo, Exchange, Hop, HopKind, ReceivedResponse, SentRequest
from gui.core.model import AuthConfig, RequestSpec, Row
from gui.widgets.sidebar.sent_requests import METHOD, STATUS, URL, SentRequestsPanel


def exchange(url, status=200, method="GET"):
    response = ReceivedResponse(status, "", "HTTP/1.1", []) if status else None
    error = None if status else ErrorInfo("refused", "Connection refused")
    return Exchange([Hop(HopKind.REQUEST, SentRequest(method, url, [], 0, 0), response)],
                    error, total=0.25)


@pytest.fixture
def panel(qtbot):
    p = SentRequestsPanel()
    qtbot.addWidget(p)
    p.show()
    yield p
    p.wait_for_recording()


def record(qtbot, panel, url, status=200, method="GET", spec=None, secrets=()):
    with qtbot.waitSignal(panel.recorded, timeout=5000):
        panel.record(spec or RequestSpec(method, url), exchange(url, status, method), secrets)


def column(panel, c):
    return [panel.table.item(r, c).text() for r in range(panel.table.rowCount())]


@pytest.fixture
def three(qtbot, panel):
    record(qtbot, panel, "http://api/users", 200)
    record(qtbot, panel, "http://api/orders", 404, "POST")
    record(qtbot, panel, "http://api/down", None)
    return panel


def test_a_real_exchange_is_recorded_and_listed(qtbot, panel, engine, httpbin_url):
    spec = RequestSpec("PUT", f"{httpbin_url}/status/418")
    with qtbot.waitSignal(panel.recorded, timeout=5000):
        panel.record(spec, engine.send(spec))
    assert column(panel, METHOD) == ["PUT"] and column(panel, STATUS) == ["418"]
    assert column(panel, URL)[0].endswith("/status/418")
    assert panel.count_label.text() == "1 sent request"


def test_newest_first_with_the_error_kind_when_no_response_came(three):
    assert column(three, URL) == ["http://api/down", "http://api/orders", "http://api/users"]
    assert column(three, STATUS) == ["refused", "404", "200"]


@pytest.mark.parametrize(("search", "found"), [
    ("orders", ["http://api/orders"]), ("get", ["http://api/down", "http://api/users"]),
    ("4xx", ["http://api/orders"]), ("404", ["http://api/orders"]),
])
def test_the_search_filters_as_the_user_types(qtbot, three, search, found):
    qtbot.keyClicks(three.findChild(type(three.search), "sentSearch"), search)
    qtbot.waitUntil(lambda: column(three, URL) == found, timeout=3000)
    assert three.count_label.text() == f"{len(found)} of 3 sent requests match"


def test_enter_on_a_row_opens_its_request(qtbot, panel):
    spec = RequestSpec("POST", "http://api/x", headers=[Row("Accept", "text/csv")])
    record(qtbot, panel, "http://api/x", spec=spec)
    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.open_requested, timeout=2000) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [spec]


def test_double_click_opens_the_request(qtbot, three):
    viewport = three.table.viewport()
    where = three.table.visualItemRect(three.table.item(1, URL)).center()
    with qtbot.waitSignal(three.open_requested, timeout=2000) as opened:
        # As a user's double-click arrives: a click, then the double-click event.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert opened.args[0].url == "http://api/orders"


def test_clear_empties_the_list_and_the_store(three):
    assert three.clear(confirm=False)
    assert three.table.rowCount() == 0 and three.history.count() == 0
    assert three.count_label.text() == "No sent requests yet"


def test_clear_asks_first_and_cancel_keeps_everything(qtbot, three, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(three.findChild(type(three.clear_button), "sentClear"),
                     Qt.MouseButton.LeftButton)
    assert three.table.rowCount() == 3 and three.history.count() == 3


def test_no_secret_reaches_the_sqlite_file(qtbot, panel):
    spec = RequestSpec("GET", "http://api/me", headers=[Row("X-Key", "var-secret-1")],
                       auth=AuthConfig("basic", {"username": "u", "password": "pw-secret-2"}))
    record(qtbot, panel, spec.url, spec=spec, secrets=("var-secret-1",))
    stored = b"".join(p.read_bytes() for p in panel.history.path.parent.glob("history.sqlite3*"))
    assert stored and b"var-secret-1" not in stored and b"pw-secret-2" not in stored


def test_a_hidden_panel_is_filled_when_shown_or_read(qtbot):
    hidden = SentRequestsPanel()
    qtbot.addWidget(hidden)
    record(qtbot, hidden, "http://api/unseen")
    assert hidden.table.rowCount() == 0  # not rebuilt after a send while nobody sees it
    assert [e.url for e in hidden.entries()] == ["http://api/unseen"]
    record(qtbot, hidden, "http://api/later")
    hidden.show()
    assert column(hidden, URL) == ["http://api/later", "http://api/unseen"]
    hidden.wait_for_recording()
