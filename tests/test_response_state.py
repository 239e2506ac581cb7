"""The response area always shows the exchange it says it shows: the selected hop, a
request in flight, a cancelled or failed one; binary and paged bodies; Esc with Find."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.servers import free_port
from tests.test_response_views import send, shown


def start(qtbot, window, url, method="GET"):
    """Click Send and return at once, the request still in flight."""
    window.editor.method.setCurrentText(method)
    window.editor.url.setText(url)
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    assert window.job is not None


def hop_pane(window) -> str:
    return window.response.hop_detail.toPlainText()


def test_the_hop_pane_follows_each_new_exchange(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/cookies")
    window.response.tabs.setCurrentIndex(3)  # History, left open
    assert hop_pane(window).startswith(f"GET {httpbin_url}/cookies")
    for path in ("/get", "/headers"):
        send(qtbot, window, httpbin_url + path)
        assert window.response.hops.item(0, 3).text() == httpbin_url + path
        assert hop_pane(window).startswith(f"GET {httpbin_url}{path}")


def test_the_hop_pane_shows_the_new_exchanges_last_hop_after_a_choice(qtbot, window,
                                                                     httpbin_url):
    send(qtbot, window, f"{httpbin_url}/redirect/2")
    hops = window.response.hops
    assert hops.rowCount() == 3
    assert hop_pane(window).startswith(f"GET {httpbin_url}/get")
    hops.selectRow(0)  # the person looks at the first hop
    assert hop_pane(window).startswith(f"GET {httpbin_url}/redirect/2")
    send(qtbot, window, f"{httpbin_url}/headers")
    assert hop_pane(window).startswith(f"GET {httpbin_url}/headers")


def test_the_hop_pane_after_an_error(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/cookies")
    window.response.tabs.setCurrentIndex(3)
    url = f"http://127.0.0.1:{free_port()}/refused"
    ex = send(qtbot, window, url)
    assert ex.error is not None
    assert "/cookies" not in hop_pane(window)
    if ex.hops:
        assert hop_pane(window).startswith(f"GET {url}")
    else:
        assert hop_pane(window) == "Nothing was sent."


def previous_is_gone(window, httpbin_url):
    """Nothing of the earlier /response-headers exchange looks like the current one."""
    view = window.response
    assert shown(window) == ""
    assert view.body_view.note.text() == ""
    assert view.headers.rowCount() == 0 and view.request_headers.rowCount() == 0
    assert view.cookies.rowCount() == 0 and view.tabs.tabText(2) == "Cookies"
    assert "response-headers" not in hop_pane(window)
    assert all("response-headers" not in view.hops.item(r, 3).text()
               for r in range(view.hops.rowCount()))
    assert view.tls.toPlainText() == ""
    assert view.curl() == "" and not view.curl_button.isEnabled()


def test_nothing_of_the_previous_exchange_while_in_flight_and_after_cancel(
        qtbot, window, httpbin_url, silent_url):
    send(qtbot, window, f"{httpbin_url}/response-headers?Set-Cookie=a=1")
    assert window.response.cookies.rowCount() == 1
    start(qtbot, window, f"{silent_url}/slow")
    assert "Sending" in window.response.status.text()
    previous_is_gone(window, httpbin_url)
    assert "Waiting" in window.response.body.placeholderText()
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)  # Cancel
    assert window.job is None
    assert window.response.status.text() == "Cancelled."
    assert window.response.meta.text() == ""
    previous_is_gone(window, httpbin_url)
    assert "Cancelled" in window.response.body.placeholderText()


def test_nothing_of_the_previous_exchange_after_an_error(qtbot, window, httpbin_url,
                                                         odd_url, monkeypatch):
    from gui.core import present

    monkeypatch.setattr(present, "PRETTY_LIMIT", 100 * 1024)
    send(qtbot, window, f"{httpbin_url}/response-headers?Set-Cookie=a=1")
    send(qtbot, window, f"{odd_url}/big?mb=1")  # leaves a note about the size limit
    assert window.response.body_view.note.text()
    ex = send(qtbot, window, f"http://127.0.0.1:{free_port()}/refused")
    assert ex.error is not None and window.response.status.text().startswith("Error:")
    view = window.response
    assert shown(window) == "" and view.body_view.note.text() == ""
    assert view.headers.rowCount() == 0 and view.cookies.rowCount() == 0
    assert "response-headers" not in hop_pane(window)


def test_load_more_percentage_is_of_the_body_paged(qtbot, window, odd_url, monkeypatch):
    from gui.core import present

    monkeypatch.setattr(present, "PRETTY_LIMIT", 100 * 1024)
    ex = send(qtbot, window, f"{odd_url}/big?mb=1")
    view = window.response.body_view
    assert view.mode() == "pretty" and view.anyway.isVisible()
    size = ex.response.body_size
    percents = []
    while view.more.isVisible():
        text = view.more.text()
        percent = int(text.removeprefix("Load more (").removesuffix(" % shown)"))
        assert percent == view._loaded * 100 // size
        percents.append(percent)
        qtbot.mouseClick(view.more, Qt.MouseButton.LeftButton)
    assert percents == sorted(percents) and percents[-1] < 100
    assert len(shown(window).encode()) == size  # every byte paged in, once


def test_a_binary_body_opens_in_hex(qtbot, window, httpbin_url):
    ex = send(qtbot, window, f"{httpbin_url}/bytes/2048?seed=7")
    view = window.response.body_view
    assert view.mode() == "hex"
    lines = shown(window).splitlines()
    assert len(lines) == 2048 // 16 and lines[0].startswith("00000000  ")
    assert lines[0][10:57].split() == [f"{b:02x}" for b in ex.response.body[:16]]
    assert not view._buttons["pretty"].isEnabled()
    assert "binary" in view.note.text().lower() and "Save" in view.note.text()
    assert view.save_button.isEnabled()
    # The next text body opens as text again: Hex was not the person's choice.
    send(qtbot, window, f"{httpbin_url}/json")
    assert view.mode() == "pretty" and shown(window).startswith("{")
    assert view._buttons["pretty"].isEnabled()


def test_a_chosen_view_survives_a_binary_body(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/json")
    window.response.body_view.set_mode("raw")
    send(qtbot, window, f"{httpbin_url}/bytes/64?seed=1")
    assert window.response.body_view.mode() == "raw"
    send(qtbot, window, f"{httpbin_url}/json")
    assert window.response.body_view.mode() == "raw"


def test_text_labelled_octet_stream_is_not_treated_as_binary(qtbot, window, httpbin_url):
    send(qtbot, window, f"{httpbin_url}/response-headers?Content-Type=application/x-yaml")
    assert window.response.body_view.mode() == "pretty"
    assert '"Content-Type"' in shown(window)


def test_looks_binary():
    import os

    from gui.core.present import looks_binary

    assert looks_binary(os.urandom(4096))
    assert looks_binary(b"%PDF-1.7\n\x00\x01")
    assert not looks_binary(b"")
    assert not looks_binary("name: café\n\tkey: [1, 2]\r\n".encode())
    assert not looks_binary("café".encode()[:4])  # a character cut by the sample's end
    assert looks_binary("café crème".encode("latin-1"))  # not UTF-8, no charset said
    assert not looks_binary("café crème".encode("latin-1"), "iso-8859-1")
    assert not looks_binary(b"plain", "no-such-charset")


def test_escape_closes_find_before_it_cancels(qtbot, window, httpbin_url, silent_url):
    send(qtbot, window, f"{httpbin_url}/json")
    view = window.response.body_view
    view.open_find()
    qtbot.keyClicks(view.find, "title")
    start(qtbot, window, f"{silent_url}/slow")
    view.open_find()
    qtbot.waitUntil(view.find.hasFocus)  # Esc goes where the person types
    qtbot.keyClick(view.find, Qt.Key.Key_Escape)
    assert view.find_bar.isHidden() and view.find.text() == ""
    assert window.job is not None  # still in flight
    qtbot.keyClick(view.text, Qt.Key.Key_Escape)
    assert window.job is None and window.response.status.text() == "Cancelled."


def test_escape_in_the_body_closes_an_open_find_bar_first(qtbot, window, httpbin_url,
                                                          silent_url):
    send(qtbot, window, f"{httpbin_url}/json")
    view = window.response.body_view
    view.open_find()
    start(qtbot, window, f"{silent_url}/slow")
    qtbot.keyClick(view.text, Qt.Key.Key_Escape)
    assert view.find_bar.isHidden() and window.job is not None
    window.cancel()


def test_waterfall_starts_at_the_first_hops_start(qtbot, window, httpbin_url):
    from gui import worker
    from gui.core.http.engine import Engine

    previous, worker._engine = worker._engine, Engine()  # cold: its warm-up is measured
    try:
        ex = send(qtbot, window, f"{httpbin_url}/redirect/1")
        hops = window.response.hops
        first = hops.item(0, 6).data(Qt.ItemDataRole.UserRole + 1)
        last = hops.item(1, 6).data(Qt.ItemDataRole.UserRole + 1)
        assert ex.hops[0].timings.start > 0  # the engine's own set-up came first
        assert first[0] == 0.0
        span = ex.hops[-1].timings.start + ex.hops[-1].timings.total - ex.hops[0].timings.start
        assert first[2] == last[2] and abs(last[2] - span) < 1e-9
        assert abs(last[0] - (ex.hops[1].timings.start - ex.hops[0].timings.start)) < 1e-9
    finally:
        worker._engine.close()
        worker._engine = previous


def test_the_hop_tables_last_column_is_never_clipped(qtbot, window, httpbin_url):
    target = "/anything/" + "a-long-path-segment/" * 12
    send(qtbot, window, f"{httpbin_url}/redirect-to?url={target}")
    view = window.response
    view.tabs.setCurrentIndex(3)
    hops = view.hops
    last = hops.columnCount() - 1
    assert target in hops.item(0, last).text()
    for width in (400, 3000):  # as narrow as the window goes, then wider than it all
        window.resize(width, 700)
        QApplication.processEvents()  # the layout hands the table its new width
        needed = hops.sizeHintForColumn(last)
        others = sum(hops.columnWidth(c) for c in range(last))
        if width == 400:  # the text does not fit: it would be clipped
            assert others + needed > hops.viewport().width()
        assert hops.columnWidth(last) >= needed
        right = hops.columnViewportPosition(last) + hops.columnWidth(last)
        assert right >= hops.viewport().width() - 1  # and no gap after it when wide
