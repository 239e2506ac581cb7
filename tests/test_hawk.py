"""Hawk: requests signed by Gatepost (with mohawk), verified by a real receiver on
127.0.0.1 that uses mohawk's checks on the raw request target (as the Node.js reference
receiver does with `req.url`), payload hash, ext, app, dlg and clock skew included."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import httpx
import pytest

from gui.core.auth import AuthError
from gui.core.auth.hawk import HawkScheme
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from tests.servers import handler_server

KEY = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
CREDENTIALS = {"auth_id": "dh37fgj492je", "auth_key": KEY}


def raw_target_resource(target: str, **kw):
    """mohawk's Resource with the request target as received, not as urlparse has it."""
    from mohawk.base import Resource

    class RawTarget(Resource):
        def parse_url(self, url: str) -> dict:
            return {**super().parse_url(url), "resource": target}

    return RawTarget(**kw)


class HawkReceiver(BaseHTTPRequestHandler):
    """Answers 200 and what it verified when mohawk accepts the request, 401 and the
    reason when it does not. Paths under /untrusted accept a request whose body is not
    hashed; everywhere else a body must be covered by the payload hash. Under /skewed the
    receiver's clock is an hour ahead, and under /skewed-forged its stale-timestamp
    challenge carries a `tsm` made with another key. Under /echo every request header
    comes back as an X-Echo-* response header."""

    keys: ClassVar[dict[str, str]] = {"dh37fgj492je": KEY, "uni": "kéy-ñ"}
    seen: ClassVar[set[tuple[str, str, str]]] = set()
    lock = threading.Lock()

    def handle_any(self) -> None:
        from mohawk.base import HawkAuthority
        from mohawk.exc import CredentialsLookupError, HawkFail, TokenExpired
        from mohawk.util import calculate_ts_mac, parse_authorization_header

        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def lookup(auth_id: str) -> dict:
            if auth_id not in self.keys:
                raise CredentialsLookupError(auth_id)
            return {"id": auth_id, "key": self.keys[auth_id].encode(),
                    "algorithm": self.path.rsplit("algorithm=", 1)[-1]
                    if "algorithm=" in self.path else "sha256"}

        def seen_nonce(auth_id: str, nonce: str, ts: str) -> bool:
            with self.lock:
                if (auth_id, nonce, ts) in self.seen:
                    return True
                self.seen.add((auth_id, nonce, ts))
                return False

        if self.path.startswith("/receiver"):
            # mohawk's own Receiver, unchanged, for a target urlparse keeps whole.
            from mohawk import Receiver

            try:
                receiver = Receiver(
                    lookup, self.headers.get("Authorization", ""),
                    f"http://{self.headers['Host']}{self.path}", self.command,
                    content=body, content_type=self.headers.get("Content-Type", ""),
                    seen_nonce=seen_nonce)
            except (HawkFail, ValueError, KeyError) as exc:
                self.reply(401, {"error": type(exc).__name__, "message": str(exc)})
                return
            parsed = receiver.parsed_header
            self.reply(200, {"id": parsed["id"], "ext": parsed.get("ext"),
                             "hashed": "hash" in parsed, "receiver": "mohawk.Receiver"})
            return
        # What mohawk's Receiver does, but with the raw target: Receiver itself would
        # urlparse the URL and lose `;params` and an empty `?`.
        try:
            parsed = parse_authorization_header(self.headers.get("Authorization", ""))
            credentials = lookup(parsed["id"])
            resource = raw_target_resource(
                self.path, url=f"http://{self.headers['Host']}{self.path}",
                method=self.command, credentials=credentials, nonce=parsed["nonce"],
                timestamp=parsed["ts"], ext=parsed.get("ext"), app=parsed.get("app"),
                dlg=parsed.get("dlg"), content=body,
                content_type=self.headers.get("Content-Type", ""), seen_nonce=seen_nonce)
            HawkAuthority()._authorize(
                "header", parsed, resource,
                localtime_offset_in_seconds=3600 if self.path.startswith("/skewed") else 0,
                accept_untrusted_content=self.path.startswith("/untrusted"))
        except TokenExpired as exc:
            challenge = exc.www_authenticate
            if self.path.startswith("/skewed-forged"):
                forged = calculate_ts_mac(exc.localtime_in_seconds,
                                          {"key": b"not-the-key", "algorithm": "sha256"})
                challenge = challenge.replace(
                    parse_authorization_header(challenge)["tsm"], forged.decode())
            self.reply(401, {"error": type(exc).__name__}, {"WWW-Authenticate": challenge})
            return
        except (HawkFail, ValueError, KeyError) as exc:
            self.reply(401, {"error": type(exc).__name__, "message": str(exc)})
            return
        echo = {f"X-Echo-{n}": v for n, v in self.headers.items()} \
            if self.path.startswith("/echo") else {}
        self.reply(200, {"id": parsed["id"], "ext": parsed.get("ext"),
                         "app": parsed.get("app"), "dlg": parsed.get("dlg"),
                         "hashed": "hash" in parsed, "ts": parsed["ts"],
                         "nonce": parsed["nonce"]}, echo)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def reply(self, status: int, doc: dict, headers: dict | None = None) -> None:
        data = json.dumps(doc).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
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


def spec_mac(ts: int, nonce: str, method: str, resource: str, host: str, port: int,
             ext: str = "") -> str:
    """The MAC as Hawk's README defines it, worked by hand: HMAC-SHA256 of the
    normalised string `hawk.1.header`, ts, nonce, method, resource (path and query),
    host, port, payload hash and ext, each followed by a newline."""
    normalized = f"hawk.1.header\n{ts}\n{nonce}\n{method}\n{resource}\n{host}\n{port}\n\n{ext}\n"
    digest = hmac.new(KEY.encode(), normalized.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_mac(url: str, headers: dict | None = None, ext: str = "") -> str:
    auth = HawkScheme().build({**CREDENTIALS, "ext": ext, "payload_hash": False},
                              now=lambda: 1353832234, nonce=lambda: "j4h3g2")
    header = auth.header(httpx.Request("GET", url, headers=headers))
    return header.split('mac="', 1)[1].split('"', 1)[0]


def test_params_and_an_empty_query_are_signed():
    """urlparse would sign all three of these as /a; Hawk receivers sign the raw target."""
    base = "http://example.com:8000"
    assert signed_mac(f"{base}/resource/1;b?x=1", ext="e") == spec_mac(
        1353832234, "j4h3g2", "GET", "/resource/1;b?x=1", "example.com", 8000, "e")
    assert signed_mac(f"{base}/a?") == spec_mac(1353832234, "j4h3g2", "GET", "/a?",
                                                "example.com", 8000)
    macs = {signed_mac(f"{base}{path}") for path in ("/a", "/a;evil=1", "/a?")}
    assert len(macs) == 3


def test_the_host_header_is_what_is_signed():
    assert signed_mac("http://127.0.0.1:9/x", {"Host": "api.example.com"}) == spec_mac(
        1353832234, "j4h3g2", "GET", "/x", "api.example.com", 80)
    assert signed_mac("https://127.0.0.1:9/x", {"Host": "api.example.com:8443"}) == spec_mac(
        1353832234, "j4h3g2", "GET", "/x", "api.example.com", 8443)
    assert signed_mac("https://api.example.com/x") == spec_mac(
        1353832234, "j4h3g2", "GET", "/x", "api.example.com", 443)


@pytest.mark.parametrize("path", ["/a;x=1", "/a;x=1?q=2", "/a?"])
def test_params_and_empty_query_reach_a_raw_target_receiver(engine, hawk_url, path):
    status, _ = send(engine, {}, f"{hawk_url}{path}")
    assert status == 200


def test_a_changed_param_is_refused(hawk_url):
    header = HawkScheme().build(CREDENTIALS).header(httpx.Request("GET", f"{hawk_url}/a;x=1"))
    with httpx.Client() as client:
        tampered = client.get(f"{hawk_url}/a;x=2", headers={"Authorization": header})
        assert tampered.status_code == 401 and tampered.json()["error"] == "MacMismatch"
        genuine = client.get(f"{hawk_url}/a;x=1", headers={"Authorization": header})
        assert genuine.status_code == 200


def test_a_host_header_set_by_the_user_is_signed(engine, hawk_url):
    spec = RequestSpec(url=f"{hawk_url}/vhost", headers=[Row("Host", "api.example.test")],
                       auth=AuthConfig("hawk", CREDENTIALS))
    ex = engine.send(spec)
    assert ex.error is None and ex.response.status == 200, ex.response.body


def test_a_host_header_that_is_not_a_host_sends_nothing(engine, hawk_url):
    spec = RequestSpec(url=f"{hawk_url}/vhost", headers=[Row("Host", "a b:c")],
                       auth=AuthConfig("hawk", CREDENTIALS))
    ex = engine.send(spec)
    assert ex.hops == [] and ex.error.kind == "auth"
    assert ex.error.message.startswith("Hawk") and "Host header" in ex.error.message


def test_a_skewed_clock_is_corrected_once(engine, hawk_url):
    ex = engine.send(RequestSpec(url=f"{hawk_url}/skewed",
                                 auth=AuthConfig("hawk", CREDENTIALS)))
    assert ex.error is None
    assert [(h.kind.value, h.response.status) for h in ex.hops] == [
        ("request", 401), ("challenge", 200)]
    assert ex.hops[0].next_reason == "challenge: Hawk"
    # Signed with the receiver's clock, an hour ahead of ours.
    assert abs(int(json.loads(ex.response.body)["ts"]) - (time.time() + 3600)) < 60


def test_a_challenge_whose_tsm_does_not_verify_is_not_followed(engine, hawk_url):
    """A stale-timestamp challenge whose tsm was made with another key is not obeyed."""
    ex = engine.send(RequestSpec(url=f"{hawk_url}/skewed-forged",
                                 auth=AuthConfig("hawk", CREDENTIALS)))
    assert [(h.kind.value, h.response.status) for h in ex.hops] == [("request", 401)]
    assert "tsm=" in dict(ex.hops[0].response.headers)["WWW-Authenticate"]


def test_a_forged_stale_timestamp_challenge_moves_no_clock():
    auth = HawkScheme().build(CREDENTIALS)
    for challenge in ('Hawk ts="1", tsm="AAAA", error="Stale timestamp"',
                      'Hawk ts="x", tsm="AAAA"', "Hawk error", 'Basic realm="x"'):
        response = httpx.Response(401, headers={"WWW-Authenticate": challenge})
        assert auth.server_time(response) is None
    from mohawk.util import calculate_ts_mac

    tsm = calculate_ts_mac(1700000000, {"key": KEY.encode(), "algorithm": "sha256"})
    good = f'Hawk ts="1700000000", tsm="{tsm.decode()}", error="Stale timestamp"'
    assert auth.server_time(httpx.Response(401, headers={"WWW-Authenticate": good})) \
        == 1700000000
    assert auth.server_time(httpx.Response(403, headers={"WWW-Authenticate": good})) is None


def test_only_one_resend_for_clock_skew():
    from mohawk.util import calculate_ts_mac

    tsm = calculate_ts_mac(1700000000, {"key": KEY.encode(), "algorithm": "sha256"})
    stale = httpx.Response(401, headers={
        "WWW-Authenticate": f'Hawk ts="1700000000", tsm="{tsm.decode()}"'})
    auth = HawkScheme().build(CREDENTIALS, now=lambda: 1600000000)
    request = httpx.Request("GET", "http://example.com/x")
    flow = auth.auth_flow(request)
    assert 'ts="1600000000"' in next(flow).headers["Authorization"]
    assert 'ts="1700000000"' in flow.send(stale).headers["Authorization"]
    with pytest.raises(StopIteration):
        flow.send(stale)


def test_the_body_is_read_only_for_the_payload_hash():
    assert HawkScheme().build(CREDENTIALS).requires_request_body is True
    for off in (False, "false", "0"):
        auth = HawkScheme().build({**CREDENTIALS, "payload_hash": off})
        assert auth.requires_request_body is False


def test_a_pasted_key_and_id_are_stripped_and_masked(engine, hawk_url):
    spec = RequestSpec("POST", f"{hawk_url}/echo", headers=[Row("X-Api-Key", KEY)],
                       body=Body(BodyKind.RAW, text="x", content_type="text/plain"),
                       auth=AuthConfig("hawk", {"auth_id": " dh37fgj492je\n",
                                                "auth_key": f"  {KEY}\n"}))
    ex = engine.send(spec)
    assert ex.error is None and ex.response.status == 200, ex.response.body
    assert dict(ex.response.headers)["X-Echo-X-Api-Key"] == "****"
    assert dict(ex.hops[0].request.headers)["Authorization"] == "Hawk ****"
    assert KEY not in json.dumps(ex.to_dict())
    assert check(auth_id="x", auth_key=" \n") == ["Hawk auth key is required."]


def test_right_key_gets_200(engine, hawk_url):
    status, doc = send(engine, {}, f"{hawk_url}/resource/1?b=1&a=2")
    assert status == 200 and doc["id"] == "dh37fgj492je" and doc["hashed"] is True


def test_mohawk_receiver_itself_accepts_it(engine, hawk_url):
    status, doc = send(engine, {"ext": "app-data"}, f"{hawk_url}/receiver/items?q=1",
                       "POST", Body(BodyKind.JSON, text='{"a": 1}'))
    assert status == 200 and doc["receiver"] == "mohawk.Receiver"
    assert doc["hashed"] is True and doc["ext"] == "app-data"
    status, doc = send(engine, {"auth_key": "not-the-key"}, f"{hawk_url}/receiver/items")
    assert status == 401 and doc["error"] == "MacMismatch"


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
