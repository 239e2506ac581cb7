"""Hawk: requests signed by Gatepost (mohawk's Sender), verified by a real receiver on
127.0.0.1 that uses mohawk's Receiver, payload hash, ext, app and dlg included."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import httpx
import pytest

from gui.core.auth import AuthError
from gui.core.auth.hawk import HawkScheme
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec
from tests.servers import handler_server

KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
CREDENTIALS = {"auth_id": "dh37fgj492je", "auth_key": KEY}


class HawkReceiver(BaseHTTPRequestHandler):
    """Answers 200 and what it verified when mohawk's Receiver accepts the request, 401
    and the reason when it does not. Paths under /untrusted accept a request whose body
    is not hashed; everywhere else a body must be covered by the payload hash."""

    keys: ClassVar[dict[str, str]] = {"dh37fgj492je": KEY, "uni": "kéy-ñ"}
    seen: ClassVar[set[tuple[str, str, str]]] = set()
    lock = threading.Lock()

    def handle_any(self) -> None:
        from mohawk import Receiver
        from mohawk.exc import HawkFail

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def lookup(auth_id: str) -> dict:
            return {"id": auth_id, "key": self.keys[auth_id].encode(),
                    "algorithm": self.path.rsplit("algorithm=", 1)[-1]
                    if "algorithm=" in self.path else "sha256"}

        def seen_nonce(auth_id: str, nonce: str, ts: str) -> bool:
            with self.lock:
                if (auth_id, nonce, ts) in self.seen:
                    return True
                self.seen.add((auth_id, nonce, ts))
                return False

        try:
            receiver = Receiver(
                lookup, self.headers.get("Authorization", ""),
                f"http://{self.headers['Host']}{self.path}", self.command,
                content=body, content_type=self.headers.get("Content-Type", ""),
                seen_nonce=seen_nonce,
                accept_untrusted_content=self.path.startswith("/untrusted"))
        except HawkFail as exc:
            self.reply(401, {"error": type(exc).__name__, "message": str(exc)})
            return
        parsed = receiver.parsed_header
        self.reply(200, {"id": parsed["id"], "ext": parsed.get("ext"),
                         "app": parsed.get("app"), "dlg": parsed.get("dlg"),
                         "hashed": "hash" in parsed, "ts": parsed["ts"],
                         "nonce": parsed["nonce"]})

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def reply(self, status: int, doc: dict) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture(scope="module")
def hawk_url():
    with handler_server(HawkReceiver) as url:
        yield url


def send(engine, auth_values: dict, url: str, method: str = "GET", body: Body | None = None):
    spec = RequestSpec(method, url, body=body or Body(),
                       auth=AuthConfig("hawk", {**CREDENTIALS, **auth_values}))
    ex = engine.send(spec)
    assert ex.error is None, ex.error
    return ex.response.status, json.loads(ex.response.body)


def test_the_hawk_specification_examples():
    """The two worked examples of Hawk's README (github.com/mozilla/hawk), reproduced."""
    auth = HawkScheme().build({**CREDENTIALS, "ext": "some-app-ext-data",
                               "payload_hash": False},
                              now=lambda: 1353832234, nonce=lambda: "j4h3g2")
    request = httpx.Request("GET", "http://example.com:8000/resource/1?b=1&a=2")
    assert auth.header(request) == (
        'Hawk mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=", id="dh37fgj492je", '
        'ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data"')
    auth = HawkScheme().build({**CREDENTIALS, "ext": "some-app-ext-data"},
                              now=lambda: 1353832234, nonce=lambda: "j4h3g2")
    request = httpx.Request("POST", "http://example.com:8000/resource/1?b=1&a=2",
                            content=b"Thank you for flying Hawk",
                            headers={"Content-Type": "text/plain"})
    assert auth.header(request) == (
        'Hawk mac="aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw=", '
        'hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", id="dh37fgj492je", '
        'ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data"')


def test_right_key_gets_200(engine, hawk_url):
    status, doc = send(engine, {}, f"{hawk_url}/resource/1?b=1&a=2")
    assert status == 200 and doc["id"] == "dh37fgj492je" and doc["hashed"] is True


def test_wrong_key_gets_401(engine, hawk_url):
    status, doc = send(engine, {"auth_key": "not-the-key"}, f"{hawk_url}/resource")
    assert status == 401 and doc["error"] == "MacMismatch"


@pytest.mark.parametrize("body", [
    Body(BodyKind.JSON, text='{"n": 1, "s": "ü"}'),
    Body(BodyKind.RAW, text="plain words", content_type="text/plain; charset=utf-8"),
], ids=["json", "text-with-charset"])
def test_bodies_are_hashed_and_verified(engine, hawk_url, body):
    status, doc = send(engine, {}, f"{hawk_url}/upload?x=1", "POST", body)
    assert status == 200 and doc["hashed"] is True


def test_sha1(engine, hawk_url):
    status, _ = send(engine, {"algorithm": "sha1"}, f"{hawk_url}/r?algorithm=sha1", "PUT",
                     Body(BodyKind.RAW, text="x"))
    assert status == 200
    # The same request signed with sha256 does not pass a sha1 receiver.
    status, doc = send(engine, {}, f"{hawk_url}/r?algorithm=sha1")
    assert status == 401 and doc["error"] == "MacMismatch"


def test_a_non_ascii_key_is_used_as_utf8(engine, hawk_url):
    status, _ = send(engine, {"auth_id": "uni", "auth_key": "kéy-ñ"}, f"{hawk_url}/r")
    assert status == 200


def test_ext_app_dlg_reach_the_receiver(engine, hawk_url):
    status, doc = send(engine, {"ext": "tenant=7; trace=a b", "app": "app-42",
                                "dlg": "user-9"}, f"{hawk_url}/x")
    assert status == 200
    assert (doc["ext"], doc["app"], doc["dlg"]) == ("tenant=7; trace=a b", "app-42",
                                                    "user-9")


def test_payload_tampering_is_detected(hawk_url):
    auth = HawkScheme().build(CREDENTIALS)
    signed = httpx.Request("POST", f"{hawk_url}/transfer", content=b'{"amount": 10}',
                           headers={"Content-Type": "application/json"})
    header = auth.header(signed)
    with httpx.Client() as client:
        def post(content: bytes, ctype: str = "application/json") -> httpx.Response:
            return client.post(f"{hawk_url}/transfer", content=content,
                               headers={"Authorization": header, "Content-Type": ctype})

        tampered = post(b'{"amount": 10000}')
        assert tampered.status_code == 401
        assert tampered.json()["error"] == "MisComputedContentHash"
        assert post(b'{"amount": 10}', "text/plain").json()["error"] == \
            "MisComputedContentHash"
        assert post(b'{"amount": 10}').status_code == 200  # the genuine one, once
        assert post(b'{"amount": 10}').json()["error"] == "AlreadyProcessed"  # replayed


def test_without_payload_hash(engine, hawk_url):
    body = Body(BodyKind.RAW, text="not covered")
    status, doc = send(engine, {"payload_hash": False}, f"{hawk_url}/untrusted", "POST", body)
    assert status == 200 and doc["hashed"] is False
    # A receiver that insists on a payload hash refuses it.
    status, doc = send(engine, {"payload_hash": "false"}, f"{hawk_url}/strict", "POST", body)
    assert status == 401


def test_fresh_ts_and_nonce_for_every_request(engine, hawk_url):
    auth = HawkScheme().build(CREDENTIALS)
    nonces = set()
    for _ in range(3):
        ex = engine.send(RequestSpec(url=f"{hawk_url}/again"), auth=auth)
        assert ex.response.status == 200  # the receiver refuses a nonce it has seen
        nonces.add(json.loads(ex.response.body)["nonce"])
    assert len(nonces) == 3


def test_the_header_is_masked_in_the_record(engine, hawk_url):
    ex = engine.send(RequestSpec(url=f"{hawk_url}/m",
                                 auth=AuthConfig("hawk", CREDENTIALS)))
    assert dict(ex.hops[0].request.headers)["Authorization"] == "Hawk ****"


def check(**values):
    return HawkScheme().check(values)


def test_bad_input_is_refused_before_sending():
    assert check() == ["Hawk auth ID is required.", "Hawk auth key is required."]
    assert check(**CREDENTIALS, algorithm="md5") == ["Algorithm must be one of sha256, sha1."]
    assert check(**CREDENTIALS, ext='say "hi"') == [
        'ext may only hold printable ASCII characters other than " and \\.']
    assert check(auth_id="ïd", auth_key="k") == [
        'Hawk auth ID may only hold printable ASCII characters other than " and \\.']
    assert check(**CREDENTIALS, app="a\nb") == [
        'app may only hold printable ASCII characters other than " and \\.']
    assert check(**CREDENTIALS, dlg="d") == ["dlg needs app: Hawk signs dlg only together "
                                             "with app."]
    with pytest.raises(AuthError, match=r"^Hawk: Hawk auth key is required\.$"):
        HawkScheme().build({"auth_id": "x"})


def test_the_engine_sends_nothing_for_bad_input(engine, hawk_url):
    spec = RequestSpec(url=f"{hawk_url}/x", auth=AuthConfig("hawk", {"auth_id": "x"}))
    ex = engine.send(spec)
    assert ex.hops == [] and ex.error.kind == "invalid_request"
    assert "Hawk auth key is required." in ex.error.message


def gatepost(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gui", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def test_cli_sends_with_hawk(hawk_url):
    env = dict(os.environ, HAWK_KEY=KEY)
    result = gatepost("send", "--json", "--auth", "hawk", "--auth-field", "auth_id=dh37fgj492je",
                      "--auth-field", "auth_key=env:HAWK_KEY", "--auth-field", "ext=from-cli",
                      "--auth-field", "payload_hash=true", "--json-body", '{"a": 1}',
                      f"{hawk_url}/cli", env=env)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["hops"][0]["response"]["status"] == 200
    assert json.loads(doc["body"])["ext"] == "from-cli"
    assert KEY not in result.stdout + result.stderr
    wrong = gatepost("send", "--auth", "hawk", "--auth-field", "auth_id=dh37fgj492je",
                     "--auth-field", "auth_key=nope", f"{hawk_url}/cli")
    assert "401" in wrong.stdout


def test_cli_bad_hawk_input_exits_2():
    result = gatepost("send", "--auth", "hawk", "--auth-field", "auth_id=x",
                      "http://127.0.0.1:9/")
    assert result.returncode == 2
    assert "Hawk auth key is required." in result.stderr and "Traceback" not in result.stderr


def test_auth_list_names_the_new_schemes():
    out = gatepost("auth", "list").stdout
    assert "hawk: Hawk" in out and "edgegrid: Akamai EdgeGrid" in out
    assert "asap: Atlassian ASAP" in out
    assert out.index("jwt-bearer:") < out.index("hawk:") < out.index("edgegrid:") \
        < out.index("asap:") < out.index("ntlm:")


def test_the_window_sends_with_hawk(qtbot, window, hawk_url):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

    window.editor.tabs.setCurrentWidget(window.editor.auth)
    combo = window.findChild(QComboBox, "authScheme")
    combo.setCurrentIndex(combo.findData("hawk"))
    assert window.findChild(QCheckBox, "authField_payload_hash").isChecked()
    for name, value in (("auth_id", "dh37fgj492je"), ("auth_key", KEY), ("ext", "ui")):
        field = window.findChild(QWidget, f"authField_{name}")
        field.clear()
        qtbot.keyClicks(field, value)
    window.editor.url.setText(f"{hawk_url}/window")
    qtbot.mouseClick(window.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    ex = window.last_exchange
    assert ex.response.status == 200 and json.loads(ex.response.body)["ext"] == "ui"
