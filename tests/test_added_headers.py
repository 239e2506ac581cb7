"""The Headers tab lists the headers Gatepost adds by itself, before anything is sent,
and they are the ones that go over the wire."""

import json
import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QWidget

from gui import tasks
from gui.core.addedheaders import added_headers
from gui.core.http.curl import to_curl
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


# -- switching an added header off, overriding it ------------------------------------------


def echoed(exchange):
    import json

    return json.loads(exchange.response.body)["headers"]


def test_switched_off_headers_are_not_sent_and_a_typed_one_still_is(httpbin_url,
                                                                    echo_unmasked):
    spec = RequestSpec(url=f"{httpbin_url}/headers",
                       omit_headers=["user-agent", "accept-encoding", "accept", "connection",
                                     "host", "x-typed"],
                       headers=[Row("X-Typed", "kept")])
    with Engine() as engine:
        exchange = engine.send(spec)
    got = echoed(exchange)
    assert not {"User-Agent", "Accept-Encoding", "Accept"} & got.keys()
    sent = {n.lower() for n, _ in exchange.hops[0].request.headers}
    assert not {"user-agent", "accept-encoding", "accept", "connection"} & sent
    # HTTP needs Host: never left out. A typed header is sent even when listed.
    assert got["Host"] and got["X-Typed"] == "kept"
    spec = RequestSpec(url=f"{httpbin_url}/headers", omit_headers=["user-agent"],
                       headers=[Row("User-Agent", "mine/1")])
    with Engine() as engine:
        assert echoed(engine.send(spec))["User-Agent"] == "mine/1"


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed "
                    "(resources/setup.sh test installs it)")
def test_copy_as_curl_leaves_out_what_the_request_left_out(httpbin_url, echo_unmasked):
    """curl adds its own User-Agent and Accept: the copied command says `-H 'Name:'` for
    each the request switched off, so curl sends what Gatepost sent."""
    spec = RequestSpec(url=f"{httpbin_url}/headers", omit_headers=["user-agent", "accept"])
    with Engine() as engine:
        exchange = engine.send(spec)
    command = to_curl(exchange, spec)
    assert "-H User-Agent:" in command and "-H Accept:" in command
    done = subprocess.run(["bash", "-c", command + " --silent --show-error"],
                          capture_output=True, text=True, timeout=60, check=True)
    by_curl = json.loads(done.stdout)["headers"]
    assert not {"User-Agent", "Accept"} & by_curl.keys()
    assert not {"User-Agent", "Accept"} & echoed(exchange).keys()
    # A request that sent them says nothing of the kind.
    with Engine() as engine:
        plain = engine.send(RequestSpec(url=f"{httpbin_url}/headers"))
    assert "User-Agent:" not in to_curl(plain, RequestSpec(url=f"{httpbin_url}/headers"))


def test_the_list_marks_switched_off_ones_and_says_which_cannot_be():
    listed = by_name(added_headers(RequestSpec(
        url="http://example.test/", method="POST", body=Body(BodyKind.JSON, text="{}"),
        omit_headers=["user-agent", "content-type"],
        auth=AuthConfig("basic", {"username": "u", "password": "p"}))))
    assert listed["User-Agent"].omitted and listed["Content-Type"].omitted
    assert not listed["Accept"].omitted and listed["Accept"].fixed == ""
    assert "cannot be switched off" in listed["Host"].fixed
    assert "cannot be switched off" in listed["Content-Length"].fixed
    assert "No auth" in listed["Authorization"].fixed


def test_omit_headers_saved_in_the_request_file(tmp_path):
    from gui.core.collections import manage as col

    c = col.new_collection(tmp_path / "api", "API")
    item = col.new_request(c.root, "Bare", RequestSpec(url="http://example.test/",
                                                       omit_headers=["user-agent"]))
    assert "omit_headers:\n  - user-agent\n" in item.path.read_text()
    again, problems = col.open_collection(c.path)
    assert not problems and again.requests()[0].spec.omit_headers == ["user-agent"]


def test_gatepost_send_omits_them_from_the_command_line_and_a_saved_file(httpbin_url,
                                                                         tmp_path):
    import json

    from gui.core.collections import manage as col
    from tests.test_cli import gatepost

    result = gatepost("send", "-b", "--omit-header", "User-Agent", f"{httpbin_url}/headers")
    assert result.returncode == 0, result.stderr
    assert "User-Agent" not in json.loads(result.stdout)["headers"]
    c = col.new_collection(tmp_path / "api", "API")
    col.new_request(c.root, "Bare", RequestSpec(url=f"{httpbin_url}/headers",
                                                omit_headers=["accept-encoding"]))
    result = gatepost("send", "-b", "--collection", str(c.path), "Bare")
    assert result.returncode == 0, result.stderr
    assert "Accept-Encoding" not in json.loads(result.stdout)["headers"]
    refused = gatepost("send", "--omit-header", "Host", f"{httpbin_url}/headers")
    assert refused.returncode == 2 and "cannot be left out" in refused.stderr


def test_the_headers_tab_switches_one_off_and_overrides_another(qtbot):
    from PySide6.QtWidgets import QCheckBox, QToolButton

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.editor.url.setText("http://example.test/items")
    window.editor.tabs.setCurrentIndex(HEADERS)
    added = window.editor.added_headers
    qtbot.waitUntil(lambda: bool(added.headers), timeout=10000)
    table = added.table

    def row_of(name):
        names = [table.item(r, 0).text() for r in range(table.rowCount())]
        return names.index(name)

    def action(name, kind):
        return table.cellWidget(row_of(name), 3 if kind is QCheckBox else 4).findChild(kind)

    # Host: no switch, and the row says why.
    assert action("Host", QCheckBox) is None
    assert "cannot be switched off" in table.item(row_of("Host"), 0).toolTip()
    send = action("User-Agent", QCheckBox)
    assert send.accessibleName() == "Send User-Agent" and send.isChecked()
    send.setChecked(False)
    assert window.editor.spec().omit_headers == ["user-agent"]
    qtbot.waitUntil(lambda: by_name(added.headers)["User-Agent"].omitted, timeout=10000)
    assert table.item(row_of("User-Agent"), 2).text() == "switched off: not sent"
    assert "1 switched off" in added.title.text()
    override = action("Accept", QToolButton)
    assert override.accessibleName() == "Override Accept"
    override.click()
    rows = window.editor.headers.rows()
    assert rows[-1].name == "Accept" and rows[-1].value == "*/*"
    assert "Accept" not in by_name(added_headers(window.editor.spec()))
    # Loaded back with the request.
    spec = window.editor.spec()
    window.editor.set_spec(RequestSpec())
    window.editor.set_spec(spec)
    assert window.editor.spec().omit_headers == ["user-agent"]
