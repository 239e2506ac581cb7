"""No internal errors from input (issue 19): header values httpx cannot encode, host
names label by label, JSON nested deeper than the parser allows, numbers out of range
in a collection file, a body that does not decode; each is a sentence naming its
field, or (by choice) sent as UTF-8."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gui.cli import main
from gui.core.collections.manage import new_collection, new_request, open_collection
from gui.core.http.bodydata import BodyData
from gui.core.http.build import extended_parameters
from gui.core.http.engine import Engine
from gui.core.http.exchange import ReceivedResponse
from gui.core.model import Body, BodyKind, Options, RequestSpec, Row
from gui.core.present import present
from gui.core.validate import check

DEEP = "[" * 60_000 + "]" * 60_000
LONG_LABEL = "a" * 70


class _Echo(BaseHTTPRequestHandler):
    """Echoes a body as it came (httpbin parses JSON, and fails on a deep one) and
    redirects to a host name no lookup can take (httpbin cannot make that Location)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", f"http://{LONG_LABEL}.invalid/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def echo_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _problems(spec: RequestSpec) -> list[str]:
    return [str(p) for p in check(spec)]


# -- header values ---------------------------------------------------------------------


def test_a_header_value_beyond_ascii_is_refused_by_name():
    [problem] = check(RequestSpec(url="http://h/", headers=[Row("X-Name", "café")]))
    assert (problem.field, problem.row) == ("headers", 0)
    assert "'X-Name'" in problem.message and "not ASCII" in problem.message
    assert "Send header values as UTF-8" in problem.message
    assert "café" not in problem.message  # a value may hold a secret


@pytest.mark.parametrize(("value", "words"), [
    ("a\x00b", "U+0000"), ("a\x7fb", "U+007F"), ("a\x1bb", "U+001B"),
    ("a\nb", "line break"),
])
def test_control_characters_in_a_value_are_refused(value, words):
    [problem] = check(RequestSpec(url="http://h/", headers=[Row("X-A", value)]))
    assert words in problem.message and "'X-A'" in problem.message


@pytest.mark.parametrize("name", ["X-A\n", "GET\n"])
def test_a_trailing_line_break_is_not_a_token(name):
    assert check(RequestSpec(url="http://h/", headers=[Row(name, "v")]))
    assert check(RequestSpec(method=name, url="http://h/"))


def test_a_raw_body_content_type_beyond_ascii_is_refused():
    spec = RequestSpec("POST", "http://h/", body=Body(BodyKind.RAW, "x", "text/plain; x=é"))
    [problem] = check(spec)
    assert problem.field == "body" and "content type" in problem.message


def test_send_refuses_a_header_beyond_ascii_with_exit_2(capsys):
    assert main(["send", "-H", "X-Name: café", "http://127.0.0.1:9/"]) == 2
    err = capsys.readouterr().err
    assert "'X-Name'" in err and "--utf8-headers" in err and "Unexpected" not in err


def test_header_values_as_utf8_reach_the_server(httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/headers", headers=[Row("X-Name", "café 日本")],
                       options=Options(utf8_headers=True))
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is None, exchange.error
    # httpbin decodes header bytes as latin-1 (WSGI): the UTF-8 bytes come back so.
    echoed = json.loads(exchange.response.text())["headers"]["X-Name"]
    assert echoed.encode("latin-1").decode("utf-8") == "café 日本"
    assert ("X-Name", "café 日本") in exchange.hops[0].request.headers


def test_content_disposition_goes_as_rfc_8187(httpbin_url):
    spec = RequestSpec("PUT", f"{httpbin_url}/anything",
                       headers=[Row("Content-Disposition", 'attachment; filename="café.txt"')],
                       options=Options(utf8_headers=True))
    with Engine() as engine:
        exchange = engine.send(spec)
    echoed = json.loads(exchange.response.text())["headers"]["Content-Disposition"]
    assert echoed == "attachment; filename=\"cafe.txt\"; filename*=UTF-8''caf%C3%A9.txt"


@pytest.mark.parametrize(("value", "sent"), [
    ("attachment; filename=café.txt; size=3",
     "attachment; filename=\"cafe.txt\"; filename*=UTF-8''caf%C3%A9.txt; size=3"),
    ("attachment; filename*=UTF-8''café.txt",
     "attachment; filename=\"cafe.txt\"; filename*=UTF-8''caf%C3%A9.txt"),
    ('form-data; name="a;b"; title="日 本"',
     "form-data; name=\"a;b\"; title*=UTF-8''%E6%97%A5%20%E6%9C%AC"),
    ("inline", "inline"),
])
def test_extended_parameters(value, sent):
    assert extended_parameters(value) == sent


def test_send_with_utf8_headers(httpbin_url, capsys):
    assert main(["send", "--utf8-headers", "-H", "X-Name: café", "-b",
                 f"{httpbin_url}/headers"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["headers"]["X-Name"].encode("latin-1").decode() == "café"


def test_whitespace_around_a_value_is_not_sent(httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/headers", headers=[Row("X-A", "  v \t")])
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is None
    assert json.loads(exchange.response.text())["headers"]["X-A"] == "v"


@pytest.mark.parametrize(("scheme", "values", "words"), [
    ("jwt-bearer", {"algorithm": "RS256", "private_key_file": "~nosuchuser0/key.pem"},
     "JWT Bearer: Private key: ~nosuchuser0 is no user's home folder"),
    ("asap", {"issuer": "i", "kid": "i/k", "audience": "a", "private_key_file": "a\0b"},
     "the file name in"),
    ("netrc", {"file": "x\0"}, "NUL character"),
])
def test_odd_file_names_in_auth_fields_are_named(scheme, values, words):
    from gui.core.model import AuthConfig

    [problem] = check(RequestSpec(url="http://h/", auth=AuthConfig(scheme, values)))
    assert problem.field == "auth" and words in problem.message


@pytest.mark.parametrize(("path", "words"), [
    ("/dev/null", "not a regular file"), ("/", "is a folder"),
    ("/no/such/file", "does not exist"),
])
def test_a_body_file_must_be_a_regular_file(path, words):
    [problem] = check(RequestSpec("POST", "http://h/", body=Body(BodyKind.FILE, path=path)))
    assert problem.field == "body" and words in problem.message


# -- host names ------------------------------------------------------------------------


@pytest.mark.parametrize(("host", "words"), [
    ("a" * 70 + ".example", "70 characters long; a label may have at most 63"),
    ("a..example", "empty label"),
    (".example", "empty label"),
    ("xn--zz.example", "the label 'xn--zz' is not a valid international (IDNA) name"),
    ("xn--", "the label 'xn--'"),
    ("-é.example", "the label '-é'"),
    ("😀.example", "the label '😀'"),
    ("é" * 60 + ".example", "Label too long"),
    (".".join(["a" * 60] * 5), "at most 253"),
    ("999.1.1.1", "not an IPv4 address"),
])
def test_host_names_are_checked_label_by_label(host, words):
    [problem] = _problems(RequestSpec(url=f"http://{host}/"))
    assert problem.startswith("url: ") and words in problem


@pytest.mark.parametrize("host", ["café.example", "example.com.", "127.0.0.1", "[::1]",
                                  "127.1", "my_host.example", "xn--caf-dma.example",
                                  "a" * 63 + ".example"])
def test_good_host_names_pass(host):
    assert _problems(RequestSpec(url=f"http://{host}/")) == []


def test_what_else_httpx_refuses_in_a_url_is_named():
    import httpx  # noqa: F401 - loaded, as in the worker's check

    [problem] = _problems(RequestSpec(url="http://h/a\x01b"))
    assert problem.startswith("url: Invalid URL: ") and "non-printable" in problem


def test_send_refuses_a_long_label_with_exit_2(capsys):
    assert main(["send", f"http://{'a' * 70}.example/"]) == 2
    err = capsys.readouterr().err
    assert "a label may have at most 63" in err and "Unexpected" not in err


def test_a_redirect_to_a_bad_host_is_a_sentence(echo_url):
    spec = RequestSpec(url=f"{echo_url}/redirect")
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is not None and exchange.error.kind == "invalid_url"
    assert "63 characters" in exchange.error.message
    assert exchange.hops[0].response.status == 302


# -- JSON deeper than the parser --------------------------------------------------------


def test_a_deep_json_body_is_sent_as_typed(echo_url):
    spec = RequestSpec("POST", echo_url, body=Body(BodyKind.JSON, DEEP))
    assert check(spec) == []
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is None, exchange.error
    assert exchange.response.text() == DEEP


def test_send_sends_a_deep_json_body(echo_url, capsys):
    assert main(["send", "-b", "--json-body", DEEP, echo_url]) == 0
    assert capsys.readouterr().out == DEEP + "\n"


def test_a_deep_json_response_is_shown_raw_with_a_note():
    response = ReceivedResponse(200, "OK", "HTTP/1.1", [("Content-Type", "application/json")],
                                BodyData.of(DEEP.encode()))
    shown = present(response)
    assert shown.parsed is None and shown.pretty == DEEP
    assert "nested deeper than" in shown.note


def test_a_deep_body_without_a_type_is_shown_without_a_note():
    response = ReceivedResponse(200, "OK", "HTTP/1.1", [("Content-Type", "text/plain")],
                                BodyData.of(DEEP.encode()))
    shown = present(response)
    assert shown.parsed is None and shown.pretty == DEEP and shown.note == ""


# -- numbers in a collection file ------------------------------------------------------


@pytest.mark.parametrize(("options", "key"), [
    ("  timeouts:\n    read: .nan\n", "options.timeouts.read"),
    ("  timeouts:\n    connect: -1\n", "options.timeouts.connect"),
    ("  timeouts:\n    pool: .inf\n", "options.timeouts.pool"),
    ("  max_time: .nan\n", "options.max_time"),
    ("  max_time: -5\n", "options.max_time"),
    ("  max_time: 0\n", "options.max_time"),
    ("  max_time: " + "9" * 40 + "\n", "options.max_time"),
    ("  max_body_size: -1\n", "options.max_body_size"),
    ("  max_redirects: -2\n", "options.max_redirects"),
])
def test_out_of_range_numbers_in_a_request_file_are_one_problem(tmp_path, options, key):
    c = new_collection(tmp_path / "api", "API")
    new_request(c.root, "Good", RequestSpec(url="http://h/good"))
    bad = c.path / "bad.request.yaml"
    bad.write_text("method: GET\nurl: http://h/\noptions:\n" + options, encoding="utf-8")
    opened, problems = open_collection(c.path)
    assert "http://h/good" in [r.spec.url for r in opened.requests()]
    [problem] = problems
    assert problem.path == bad and problem.line == 5 - ("timeouts" not in options)
    assert problem.message.startswith(key + ": must be")


def test_in_range_numbers_and_the_utf8_option_load(tmp_path):
    c = new_collection(tmp_path / "api", "API")
    (c.path / "ok.request.yaml").write_text(
        "method: GET\nurl: http://h/\noptions:\n  timeouts:\n    read: null\n"
        "  max_time: 2.5\n  max_body_size: 0\n  utf8_headers: true\n", encoding="utf-8")
    opened, problems = open_collection(c.path)
    assert problems == []
    [item] = opened.requests()
    options = item.spec.options
    assert (options.timeouts.read, options.max_time, options.utf8_headers) == (None, 2.5, True)


# -- a body that does not decode ---------------------------------------------------------


def test_send_text_mode_says_a_body_did_not_decode(odd_url, capsys):
    main(["send", f"{odd_url}/truncated-gzip"])
    err = capsys.readouterr().err
    assert "gatepost: The compressed body ended early" in err


# -- the window --------------------------------------------------------------------------


def test_the_window_refuses_a_header_then_sends_it_as_utf8(qtbot, window, httpbin_url):
    from PySide6.QtCore import Qt

    editor = window.editor
    editor.set_spec(RequestSpec(url=f"{httpbin_url}/headers", headers=[Row("X-Name", "café")]))
    qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    # The first send reads the globals (in a worker), then checks the request.
    qtbot.waitUntil(lambda: window.job is None, timeout=10000)  # nothing sent
    assert "'X-Name'" in editor.problem.text() and "UTF-8" in editor.problem.text()
    assert editor.spec().headers[0].value == "café"  # what was typed is kept
    editor.options.utf8_headers.setChecked(True)
    assert editor.spec().options.utf8_headers is True
    qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=30000)
    exchange = window.last_exchange
    assert exchange.error is None, exchange.error
    echoed = json.loads(exchange.response.text())["headers"]["X-Name"]
    assert echoed.encode("latin-1").decode("utf-8") == "café"
    editor.set_spec(RequestSpec())
    assert editor.options.utf8_headers.isChecked() is False


def test_a_restored_session_with_a_broken_entry_restores_the_others(qtbot, window, tmp_path):
    from gui.core.storage.paths import session_file

    folders, requests = [], []
    for name in ("First", "Broken", "Last"):
        c = new_collection(tmp_path / name, name)
        requests.append(new_request(c.root, "Good", RequestSpec(url=f"http://h/{name}")))
        folders.append(str(c.path))
    (tmp_path / "Broken" / "collection.yaml").write_text("name: [" + "[" * 5000 + "\n")
    session_file().parent.mkdir(parents=True, exist_ok=True)
    session_file().write_text(json.dumps({
        "collections": [folders[0], 12, None, folders[1], str(tmp_path / "gone"),
                        folders[2]],
        "tabs": [["not", "a", "path"], str(requests[0].path)],
        "environments": ["not a mapping"], "current": ["odd"]}))
    window.restore()
    assert window.wait_for_collections()
    assert [str(c.path) for c in window.sidebar.collections] == folders
    assert window.tabs.count() == 2  # Scratch and the tab of First


# -- what the engine may still meet on the way ---------------------------------------------


def test_errors_from_odd_values_made_on_the_way_are_sentences():
    from gui.core.http.errors import classify

    encode = UnicodeEncodeError("ascii", "Bearer tök", 8, 9, "ordinal not in range(128)")
    info = classify(encode)
    assert info.kind == "invalid_request" and "not ASCII" in info.message
    assert "tök" not in info.message  # a value made by an auth scheme may be a secret
    with pytest.raises(UnicodeError) as raised:  # the stdlib codec a lookup uses
        ("a" * 64 + ".example").encode("idna")
    info = classify(raised.value)
    assert info.kind == "invalid_url" and "63 characters" in info.message
    assert classify(RecursionError("maximum recursion depth exceeded")).kind == "too_deep"
