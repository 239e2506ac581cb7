"""`gatepost run` as a real process against the real httpbin: a login → create → fetch
chain through captures, a secret capture that reaches no output or file, data files,
--bail, exit statuses, JUnit reports validated against the JUnit schema, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tests.servers import free_port
from tests.test_cli import gatepost

TOKEN = "tok-Zq8mV3xR7kP2"
SCHEMA = Path(__file__).parent / "data" / "runner" / "junit.xsd"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def _collection(root: Path, base: str) -> Path:
    _write(root / "collection.yaml", f"""\
        version: 1
        id: 5a1e0c0ffee0c0ffee0c0ffee0c0ffee
        name: Shop API
        variables:
          - name: base
            value: {base}
        """)
    return root


@pytest.fixture
def flow(tmp_path, httpbin_url):
    """login → create → fetch: a secret token and an id passed on by captures."""
    root = _collection(tmp_path / "shop", httpbin_url)
    _write(root / "flow" / "folder.yaml", """\
        name: Flow
        order: [login.request.yaml, create.request.yaml, fetch.request.yaml]
        """)
    _write(root / "flow" / "login.request.yaml", f"""\
        name: Login
        method: POST
        url: "{{{{base}}}}/anything/login"
        body:
          kind: json
          text: '{{"token": "{TOKEN}"}}'
        assertions:
          - query: status
            equals: 200
        captures:
          - name: token
            query: jmespath json.token
            secret: true
        """)
    _write(root / "flow" / "create.request.yaml", """\
        name: Create
        method: POST
        url: "{{base}}/anything/users"
        headers:
          - name: Authorization
            value: "Bearer {{token}}"
        body:
          kind: json
          text: '{"id": "u-{{suffix}}"}'
        assertions:
          - query: jmespath headers.Authorization
            equals: "Bearer {{token}}"
          - query: jmespath json.id
            starts_with: u-
        captures:
          - name: user_id
            query: jmespath json.id
        """)
    _write(root / "flow" / "fetch.request.yaml", """\
        name: Fetch
        url: "{{base}}/anything/users/{{user_id}}"
        assertions:
          - query: jmespath url
            ends_with: /users/u-7
          - query: jmespath method
            equals: GET
        """)
    return root


def _validate_junit(path: Path) -> None:
    import xml.etree.ElementTree as ET

    import xmlschema

    xmlschema.XMLSchema(str(SCHEMA)).validate(str(path))
    # Ant's schema wants this order inside a suite; Jenkins' accepts any.
    for suite in ET.parse(path).getroot():
        tags = [child.tag for child in suite]
        assert tags[0] == "properties" and tags[-2:] == ["system-out", "system-err"]
        assert set(tags[1:-2]) == {"testcase"}


def _scan(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_login_create_fetch_chain_with_a_secret_capture(flow, tmp_path, data_dir):
    out_json, out_xml = tmp_path / "out" / "run.json", tmp_path / "out" / "run.xml"
    result = gatepost("run", str(flow), "--var", "suffix=7", "--report-json", str(out_json),
                      "--report-junit", str(out_xml))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("PASS  Flow/Login  200") and lines[2].startswith("PASS  Flow/Fetch")
    assert lines[-1].startswith("3 requests: 3 passed, 0 failed; 5 assertions, 0 failed")
    doc = json.loads(out_json.read_text())
    assert [r["outcome"] for r in doc["results"]] == ["passed"] * 3
    assert doc["totals"]["assertions"] == 5 and not doc["interrupted"]
    create = doc["results"][1]
    sent = {n.lower(): v for n, v in create["exchange"]["hops"][0]["request"]["headers"]}
    assert sent["authorization"] == "Bearer ****"
    assert doc["results"][0]["captures"][0]["actual"] == "****"
    assert doc["results"][2]["exchange"]["hops"][0]["request"]["url"].endswith("/users/u-7")
    _validate_junit(out_xml)
    # The secret: not on stdout or stderr, in no report, no file of the collection or
    # the data folder (nothing is written there by a run anyway).
    assert TOKEN not in result.stdout + result.stderr
    assert _scan(tmp_path, TOKEN) == [flow / "flow" / "login.request.yaml"]


def test_failures_exit_1_with_expected_and_actual_and_a_junit_failure(flow, tmp_path):
    _write(flow / "flow" / "fetch.request.yaml", """\
        name: Fetch
        url: "{{base}}/anything/users/{{user_id}}"
        assertions:
          - query: jmespath method
            equals: POST
          - query: jmespath headers.Authorization
            exists: true
          - name: the user
            query: jmespath url
            contains: "{{token}}"
        """)
    out_xml, out_json = tmp_path / "run.xml", tmp_path / "run.json"
    result = gatepost("run", str(flow), "--var", "suffix=7", "--report-junit", str(out_xml),
                      "--report-json", str(out_json))
    assert result.returncode == 1, result.stderr
    assert "FAIL  Flow/Fetch" in result.stdout
    assert "✗ jmespath method == POST: expected POST, got GET" in result.stdout
    assert "✗ jmespath headers.Authorization exists: " \
           "jmespath headers.Authorization was not found" in result.stdout
    # The expected value of "the user" holds the token: masked on the terminal too.
    assert "expected contains ****" in result.stdout and TOKEN not in result.stdout
    _validate_junit(out_xml)
    xml = out_xml.read_text()
    assert xml.count("<failure ") == 3 and "<error " not in xml
    assert 'failures="3" errors="0"' in xml
    assert TOKEN not in xml and TOKEN not in out_json.read_text()


def test_a_request_that_cannot_be_sent_exits_3_and_is_a_junit_error(tmp_path):
    root = _collection(tmp_path / "c", f"http://127.0.0.1:{free_port()}")
    _write(root / "a.request.yaml", """\
        name: Down
        url: "{{base}}/get"
        assertions:
          - {query: status, equals: 200}
        """)
    out_xml = tmp_path / "run.xml"
    result = gatepost("run", str(root), "--report-junit", str(out_xml))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "ERROR Down:" in result.stdout and "Traceback" not in result.stderr
    _validate_junit(out_xml)
    xml = out_xml.read_text()
    assert '<error message="' in xml and "<failure" not in xml


def test_a_capture_that_found_nothing_is_named_by_the_request_that_needs_it(flow):
    _write(flow / "flow" / "create.request.yaml", """\
        name: Create
        method: POST
        url: "{{base}}/anything/users"
        captures:
          - name: user_id
            query: jmespath json.nothing
        """)
    result = gatepost("run", str(flow), "--var", "suffix=7")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "FAIL  Flow/Create" in result.stdout
    fetch = next(line for line in result.stdout.splitlines() if "Flow/Fetch" in line)
    assert "unknown variable {{user_id}}" in fetch
    assert "the capture 'user_id' of flow/create.request.yaml found nothing" in fetch


def test_a_declaration_that_does_not_parse_stops_the_run_before_anything_is_sent(flow,
                                                                                 tmp_path):
    _write(flow / "flow" / "fetch.request.yaml", """\
        name: Fetch
        url: "{{base}}/anything"
        assertions:
          - query: jmespath json.[
            exists: true
        """)
    out = tmp_path / "run.json"
    result = gatepost("run", str(flow), "--report-json", str(out))
    assert result.returncode == 2
    assert f"{flow / 'flow' / 'fetch.request.yaml'}, line 4: assertions.0.query: the " \
           "JMESPath 'json.[' does not parse" in result.stderr
    assert result.stdout == "" and not out.exists()


def test_bail_stops_at_the_first_failure(flow, tmp_path):
    out = tmp_path / "run.json"
    result = gatepost("run", str(flow), "--bail", "--report-json", str(out))  # no suffix
    assert result.returncode == 3
    doc = json.loads(out.read_text())
    assert [r["name"] for r in doc["results"]] == ["Flow/Login", "Flow/Create"]
    assert doc["bailed"] and "--bail" in result.stdout.splitlines()[-1]
    assert "unknown variable {{suffix}}" in doc["results"][1]["error"]


def test_chosen_requests_and_a_folder_run_in_collection_order(flow, tmp_path):
    out = tmp_path / "run.json"
    result = gatepost("run", str(flow), "flow/fetch.request.yaml", "Flow/Login",
                      "--var", "user_id=u-7", "--report-json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [r["name"] for r in json.loads(out.read_text())["results"]] == \
        ["Flow/Login", "Flow/Fetch"]
    inside = gatepost("run", str(flow / "flow" / "login.request.yaml"))
    assert inside.returncode == 0 and inside.stdout.count("PASS") == 1


def test_csv_data_one_iteration_per_row(tmp_path, httpbin_url):
    root = _collection(tmp_path / "c", httpbin_url)
    _write(root / "echo.request.yaml", """\
        name: Echo
        method: POST
        url: "{{base}}/anything"
        body:
          kind: json
          text: '{"name": "{{name}}", "note": "{{note}}"}'
        assertions:
          - query: jmespath json.name
            equals: "{{name}}"
          - query: jmespath json.note
            equals: "{{note}}"
        """)
    data = tmp_path / "people.csv"
    data.write_bytes("\ufeffname,note\r\n\"Doe, Jane\",\"a 'quoted' one\"\r\nBob,\r\n".encode())
    out = tmp_path / "run.json"
    result = gatepost("run", str(root), "--data", str(data), "--report-json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(out.read_text())
    assert doc["iterations"] == 2
    bodies = [json.loads(r["exchange"]["body"])["json"] for r in doc["results"]]
    assert bodies == [{"name": "Doe, Jane", "note": "a 'quoted' one"},
                      {"name": "Bob", "note": ""}]
    assert "Echo [2]" in result.stdout


def test_json_data_and_iterations(tmp_path, httpbin_url):
    root = _collection(tmp_path / "c", httpbin_url)
    _write(root / "echo.request.yaml", """\
        name: Echo
        url: "{{base}}/anything/{{id}}"
        assertions:
          - {query: jmespath url, ends_with: "/{{id}}"}
        """)
    data = tmp_path / "rows.json"
    data.write_text('[{"id": 1}, {"id": "two"}]')
    out = tmp_path / "run.json"
    result = gatepost("run", str(root), "--data", str(data), "-n", "3", "--delay", "1",
                      "--report-json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    urls = [r["exchange"]["hops"][0]["request"]["url"].rsplit("/", 1)[1]
            for r in json.loads(out.read_text())["results"]]
    assert urls == ["1", "two", "1"]


@pytest.mark.parametrize(("args", "words"), [
    (["--iterations", "0"], "--iterations: '0' must be at least 1"),
    (["--delay", "soon"], "--delay: 'soon' is not a number"),
    (["--env", "nowhere"], "has no environment 'nowhere'"),
    (["nothing/here"], "has no request or folder 'nothing/here'"),
    (["--var", "novalue"], "is not in the form NAME=VALUE"),
    (["--timeout", "-1"], "--timeout"),
])
def test_bad_usage_exits_2(flow, args, words):
    result = gatepost("run", str(flow), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_data_file_with_a_short_row_exits_2_naming_the_line(flow, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("suffix,other\n1,2\n3\n")
    result = gatepost("run", str(flow), "--data", str(data))
    assert result.returncode == 2
    assert f"{data}, line 3: has 1 cell, the header has 2" in result.stderr


def test_a_path_outside_any_collection_exits_2(tmp_path):
    result = gatepost("run", str(tmp_path))
    assert result.returncode == 2 and "is not in a Gatepost collection" in result.stderr


def test_ctrl_c_mid_run_leaves_complete_reports_and_exits_130(tmp_path, httpbin_url):
    root = _collection(tmp_path / "c", httpbin_url)
    _write(root / "a-quick.request.yaml", 'name: Quick\nurl: "{{base}}/get"\n')
    _write(root / "b-slow.request.yaml", 'name: Slow\nurl: "{{base}}/delay/10"\n')
    _write(root / "c-never.request.yaml", 'name: Never\nurl: "{{base}}/get"\n')
    out_json, out_xml = tmp_path / "run.json", tmp_path / "run.xml"
    process = subprocess.Popen(
        [sys.executable, "-m", "gui", "run", str(root), "--report-json", str(out_json),
         "--report-junit", str(out_xml)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()  # the quick request is done: the slow one is next
        assert first.startswith("PASS  Quick"), first + process.stderr.read()
        threading.Event().wait(0.5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    doc = json.loads(out_json.read_text())
    assert doc["interrupted"] is True
    names = [r["name"] for r in doc["results"]]
    assert names[0] == "Quick" and "Never" not in names
    if len(names) == 2:
        assert doc["results"][1]["outcome"] == "interrupted"
    _validate_junit(out_xml)
    assert "interrupted after" in stdout.splitlines()[-1]


def test_no_tty_no_progress_line_and_quiet(flow):
    result = gatepost("run", str(flow), "--var", "suffix=7", "-q")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [result.stdout.splitlines()[-1]]
    assert "\r" not in result.stderr


@pytest.fixture(autouse=True)
def _no_inherited_secrets(monkeypatch):
    for name in list(os.environ):
        if name.startswith("GATEPOST_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def login_flow(tmp_path, httpbin_url):
    root = _collection(tmp_path / "cookies", httpbin_url)
    _write(root / "a-login.request.yaml", """\
        name: Login
        url: "{{base}}/cookies/set?session=s-123"
        options: {follow_redirects: false}
        assertions:
          - query: status
            equals: 302
        """)
    _write(root / "b-me.request.yaml", """\
        name: Me
        url: "{{base}}/cookies"
        assertions:
          - query: jmespath cookies.session
            equals: s-123
        """)
    return root


def test_a_session_cookie_carries_to_the_next_request_of_a_run(login_flow, tmp_path):
    result = gatepost("run", str(login_flow))
    assert result.returncode == 0, result.stdout + result.stderr
    jar = tmp_path / "jar.txt"
    kept = gatepost("run", "--cookie-jar", str(jar), str(login_flow))
    assert kept.returncode == 0, kept.stdout + kept.stderr
    # curl's format, read back by the next run: only the second request needs it.
    assert "session\ts-123" in jar.read_text()
    again = gatepost("run", "--cookie-jar", str(jar), str(login_flow), "Me")
    assert again.returncode == 0, again.stdout + again.stderr


def test_no_cookies_in_a_run_sends_none(login_flow):
    result = gatepost("run", "--no-cookies", str(login_flow))
    assert result.returncode == 1
    assert "cookies.session" in result.stdout


def test_a_user_info_password_is_in_no_report(tmp_path, httpbin_url):
    import base64

    root = _collection(tmp_path / "userinfo", httpbin_url)
    with_password = httpbin_url.replace("http://", "http://alice:hunter22@")
    _write(root / "get.request.yaml", f"""\
        name: Get
        url: "{with_password}/anything"
        assertions:
          - query: status
            equals: 200
        """)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    result = gatepost("run", "--report-json", str(report), "--report-junit", str(junit),
                      str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    basic = base64.b64encode(b"alice:hunter22").decode()
    for text in (report.read_text(), junit.read_text(), result.stdout, result.stderr):
        assert "hunter22" not in text and basic not in text
