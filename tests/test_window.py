"""The window driven as a user drives it, against real servers."""

import json

from PySide6.QtCore import Qt, QTimer

from gui.widgets.theme import STATUS_COLOURS
from tests.servers import free_port


def type_url(qtbot, window, url):
    window.editor.url.clear()
    qtbot.keyClicks(window.editor.url, url)


def send_and_wait(qtbot, window, timeout=15000):
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=timeout)


def test_type_url_click_send_read_body(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/get?hello=world")
    send_and_wait(qtbot, window)
    body = window.findChild(type(window.response.body), "responseBody").toPlainText()
    assert json.loads(body)["args"] == {"hello": "world"}
    assert window.response.status.text() == "200 OK"
    assert STATUS_COLOURS[2] in window.response.status.styleSheet()  # 2xx: the green pill
    assert "ms" in window.response.meta.text() and "1 hop" in window.response.meta.text()


def test_enter_in_the_url_sends(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/status/404")
    qtbot.keyClick(window.editor.url, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.last_exchange is not None, timeout=15000)
    assert window.response.status.text() == "404 NOT FOUND"
    assert STATUS_COLOURS[4] in window.response.status.styleSheet()  # 4xx: amber


def test_history_tab_shows_each_redirect(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/redirect/2")
    send_and_wait(qtbot, window)
    hops = window.response.hops
    assert hops.rowCount() == 3
    rows = [[hops.item(r, c).text() for c in range(hops.columnCount())] for r in range(3)]
    assert [r[1] for r in rows] == ["request", "redirect", "redirect"]
    assert [r[4] for r in rows] == ["302 FOUND", "302 FOUND", "200 OK"]
    assert rows[0][7] == "redirect to /relative-redirect/1"
    hops.selectRow(0)
    detail = window.response.hop_detail.toPlainText()
    assert detail.startswith(f"GET {httpbin_url}/redirect/2") and "Location:" in detail


def test_response_headers_tab(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/response-headers?X-Echo=yes")
    send_and_wait(qtbot, window)
    table = window.response.headers
    pairs = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert pairs["X-Echo"] == "yes"


def test_pretty_and_raw(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/json")
    send_and_wait(qtbot, window)
    pretty = window.response.body.toPlainText()
    qtbot.mouseClick(window.response.raw_button, Qt.MouseButton.LeftButton)
    raw = window.response.body.toPlainText()
    assert json.loads(pretty) == json.loads(raw)
    assert pretty.startswith("{\n  ")


def test_post_json_from_the_body_tab(qtbot, window, httpbin_url):
    window.editor.method.setCurrentText("POST")
    type_url(qtbot, window, f"{httpbin_url}/post")
    body = window.editor.body
    body.kind.setCurrentIndex(body.kind.findData("json"))
    body.text.setPlainText('{"x": 1}')
    send_and_wait(qtbot, window)
    assert json.loads(window.response.body.toPlainText())["json"] == {"x": 1}


def test_params_follow_the_url(qtbot, window):
    type_url(qtbot, window, "http://h/p?a=1&b=2")
    rows = window.editor.params.rows()
    assert [(r.name, r.value) for r in rows] == [("a", "1"), ("b", "2")]
    assert window.editor.tabs.tabText(0) == "Params (2)"


def test_url_follows_the_params(qtbot, window):
    type_url(qtbot, window, "http://h/p?a=1")
    table = window.editor.params
    table.item(1, 1).setText("b")  # the blank row: typing a name adds a param
    table.item(1, 2).setText("2")
    assert window.editor.url.text() == "http://h/p?a=1&b=2"
    table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert window.editor.url.text() == "http://h/p?b=2"
    type_url(qtbot, window, "http://h/p?b=3")
    rows = table.rows()
    assert [(r.name, r.value, r.enabled) for r in rows] == [("a", "1", False), ("b", "3", True)]


def test_refused_port_is_shown_and_the_app_keeps_working(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"http://127.0.0.1:{free_port()}/")
    send_and_wait(qtbot, window)
    assert window.response.status.text().startswith("Error: Connection refused")
    assert window.response.hops.item(0, 4).text() == "no response"
    type_url(qtbot, window, f"{httpbin_url}/get")
    send_and_wait(qtbot, window)
    assert window.response.status.text() == "200 OK"


def test_timeout_is_shown(qtbot, window, silent_url):
    window.editor.options.timeout.setValue(0.3)
    type_url(qtbot, window, silent_url)
    send_and_wait(qtbot, window)
    assert "Timed out" in window.response.status.text()


def test_invalid_url_is_explained_inline_and_not_sent(qtbot, window):
    type_url(qtbot, window, "ftp://example.com/file")
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    # The first send reads the globals in a worker, then checks what would be sent.
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    assert window.editor.problem.isVisible()
    assert "Unsupported scheme" in window.editor.problem.text()
    assert window.editor.url.text() == "ftp://example.com/file"  # nothing typed is lost


def test_bad_header_name_is_explained(qtbot, window):
    type_url(qtbot, window, "http://h/")
    headers = window.editor.headers
    headers.item(0, 1).setText("Bad Name")
    headers.item(0, 2).setText("v")
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    assert "headers row 1" in window.editor.problem.text()
    assert window.editor.tabs.currentWidget().isAncestorOf(headers)
    assert headers.rows()[0].name == "Bad Name"


def test_bad_json_body_keeps_the_text(qtbot, window):
    type_url(qtbot, window, "http://h/")
    body = window.editor.body
    body.kind.setCurrentIndex(body.kind.findData("json"))
    body.text.setPlainText('{"a": ')
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)
    assert "does not parse" in window.editor.problem.text()
    qtbot.mouseClick(body.format_button, Qt.MouseButton.LeftButton)
    assert body.text.toPlainText() == '{"a": '


def test_deleted_body_file_is_explained(qtbot, window, tmp_path):
    doomed = tmp_path / "doomed.bin"
    doomed.write_bytes(b"x")
    type_url(qtbot, window, "http://h/")
    body = window.editor.body
    body.kind.setCurrentIndex(body.kind.findData("file"))
    body.path.setText(str(doomed))
    doomed.unlink()
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not exist" in window.editor.problem.text(), timeout=10000)


def test_send_becomes_cancel_and_cancels(qtbot, window, silent_url):
    type_url(qtbot, window, silent_url)
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    assert window.editor.send_button.text() == "Cancel"  # already while reading secrets
    qtbot.waitUntil(lambda: hasattr(window.job, "token"), timeout=10000)
    token = window.job.token
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    assert window.job is None and token.cancelled
    assert window.editor.send_button.text() == "Send"
    assert window.response.status.text() == "Cancelled."


def test_window_stays_responsive_during_a_slow_request(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/delay/2")
    ticks = []
    timer = QTimer(window, interval=20, timeout=lambda: ticks.append(1))
    timer.start()
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    # While the request waits two seconds, the GUI thread keeps running its timers.
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=1900)
    assert window.job is not None
    timer.stop()
    qtbot.waitUntil(lambda: window.job is None, timeout=15000)
    assert window.response.status.text() == "200 OK"


def test_controls_have_names_for_tests_and_screen_readers(window):
    from PySide6.QtWidgets import QWidget

    assert window.response is not None  # built on first use
    assert window.editor.body is not None  # so is the Body tab's editor
    assert window.editor.headers is not None  # and the Headers tab's table

    for name in ("methodCombo", "urlEdit", "sendButton", "paramsTable", "headersTable",
                 "bodyKind", "bodyText", "responseBody", "responseHeaders", "hopTable",
                 "hopDetail", "statusLabel", "prettyButton", "rawButton"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_sent_requests_are_listed_and_reopen(qtbot, window, httpbin_url):
    type_url(qtbot, window, f"{httpbin_url}/get?from=history")
    send_and_wait(qtbot, window)
    panel = window.sent_requests
    assert panel.wait_for_recording(10000)
    qtbot.waitUntil(lambda: len(panel.entries()) == 1, timeout=5000)
    assert panel.entries()[0].status == 200
    window.editor.url.clear()
    with qtbot.waitSignal(panel.open_requested, timeout=5000):
        panel.open_row(0)
    assert window.editor.url.text() == f"{httpbin_url}/get?from=history"
