"""The Headers tab lists the headers Gatepost adds by itself, before anything is sent,
and they are the ones that go over the wire."""

from PySide6.QtWidgets import QWidget

from gui import tasks
from gui.core.addedheaders import added_headers
from gui.core.http.engine import Engine
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from gui.widgets.main_window import MainWindow
from gui.widgets.request.editor import HEADERS


def by_name(headers):
    return {h.name: h for h in headers}


def test_listed_headers_are_those_sent(httpbin_url):
    spec = RequestSpec(method="POST", url=f"{httpbin_url}/post",
                       body=Body(BodyKind.JSON, text='{"a": 1}'))
    listed = by_name(added_headers(spec))
    with Engine() as engine:
        sent = dict(engine.send(spec).hops[0].request.headers)
    for name in ("Host", "Accept", "Accept-Encoding", "User-Agent", "Content-Type",
                 "Content-Length"):
        assert listed[name].value == sent[name], name
    assert listed["Content-Type"].source == "from the Body tab"
    assert listed["Cookie"].source == "the cookie jar"


def test_a_typed_header_replaces_the_added_one_and_auth_is_named():
    spec = RequestSpec(url="http://example.test/x", headers=[Row("User-Agent", "mine")],
                       auth=AuthConfig("basic", {"username": "u", "password": "pw-added"}))
    listed = by_name(added_headers(spec))
    assert "User-Agent" not in listed and listed["Host"].value == "example.test"
    assert listed["Authorization"].source == "the Auth tab: Basic"
    assert "pw-added" not in repr(listed)


def test_an_unfinished_url_still_lists_the_defaults():
    listed = by_name(added_headers(RequestSpec(url="http://")))
    assert {"Host", "Accept", "User-Agent"} <= listed.keys()


def test_the_headers_tab_shows_them_greyed_and_follows_edits(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.editor.url.setText("http://example.test/items")
    window.editor.tabs.setCurrentIndex(HEADERS)
    added = window.findChild(QWidget, "addedHeaders")
    assert added is not None and added.isVisible()
    qtbot.waitUntil(lambda: bool(added.headers), timeout=10000)
    table = added.table
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "Host" in names and "User-Agent" in names
    assert table.item(names.index("Host"), 1).text() == "example.test"
    window.editor.url.setText("http://other.test/")
    window.editor.edited.emit()
    tasks.wait(msecs=10000)
    qtbot.waitUntil(lambda: by_name(added.headers)["Host"].value == "other.test",
                    timeout=10000)
    assert "Added by Gatepost (" in added.title.text()
