"""Exports: an exchange as HAR 1.2, a request as a Python httpx script."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gui.core.exporters import har
from gui.core.exporters.python import to_python
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from gui.core.variables import resolve_spec

ROOT = Path(__file__).resolve().parent.parent

# -- HAR 1.2 -----------------------------------------------------------------------------------

#: Required fields of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) and their
#: JSON types.
_REQUIRED = {
    "log": {"version": str, "creator": dict, "entries": list},
    "creator": {"name": str, "version": str},
    "entry": {"startedDateTime": str, "time": (int, float), "request": dict,
              "response": dict, "cache": dict, "timings": dict},
    "request": {"method": str, "url": str, "httpVersion": str, "cookies": list,
                "headers": list, "queryString": list, "headersSize": int, "bodySize": int},
    "response": {"status": int, "statusText": str, "httpVersion": str, "cookies": list,
                 "headers": list, "content": dict, "redirectURL": str, "headersSize": int,
                 "bodySize": int},
    "content": {"size": int, "mimeType": str},
    "timings": {"send": (int, float), "wait": (int, float), "receive": (int, float)},
    "pair": {"name": str, "value": str},
    "postData": {"mimeType": str},
}


def _check(obj: dict, kind: str, where: str) -> None:
    for name, types in _REQUIRED[kind].items():
        assert name in obj, f"{where}.{name} is missing"
        assert isinstance(obj[name], types), f"{where}.{name} is {type(obj[name])}"


def validate_har(doc: dict) -> None:
    _check(doc["log"], "log", "log")
    assert doc["log"]["version"] == "1.2"
    _check(doc["log"]["creator"], "creator", "log.creator")
    for i, entry in enumerate(doc["log"]["entries"]):
        where = f"log.entries[{i}]"
        _check(entry, "entry", where)
        datetime.fromisoformat(entry["startedDateTime"])  # ISO 8601, with its zone
        assert datetime.fromisoformat(entry["startedDateTime"]).tzinfo is not None
        _check(entry["timings"], "timings", f"{where}.timings")
        for phase in ("blocked", "dns", "connect", "ssl"):
            value = entry["timings"].get(phase, -1)
            assert value == -1 or value >= 0
        for part in ("request", "response"):
            _check(entry[part], part, f"{where}.{part}")
            for list_name in ("headers", "cookies") + (("queryString",) if part == "request"
                                                        else ()):
                for j, pair in enumerate(entry[part][list_name]):
                    _check(pair, "pair", f"{where}.{part}.{list_name}[{j}]")
        _check(entry["response"]["content"], "content", f"{where}.response.content")
        if "postData" in entry["request"]:
            _check(entry["request"]["postData"], "postData", f"{where}.request.postData")
            post = entry["request"]["postData"]
            assert "text" in post or "params" in post


def test_har_of_a_redirected_authenticated_exchange(engine, httpbin_url):
    spec = RequestSpec(
        "POST", f"{httpbin_url}/redirect-to?url=/anything%3Fq%3D1&status_code=307",
        headers=[Row("X-Trace", "t-1"), Row("Cookie", "c=1")],
        body=Body(BodyKind.JSON, text='{"pin": "pin-31337"}'),
        auth=AuthConfig("basic", {"username": "ada", "password": "pw-har-4242"}))
    exchange = engine.send(spec, secrets=("pin-31337",))
    assert exchange.error is None
    # The request's secrets, as the window passes them: httpbin echoes them back in the
    # response body, which the record keeps as it came.
    secrets = ("pw-har-4242", "pin-31337")
    doc = har.to_har(exchange, started=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
                     secrets=secrets)
    validate_har(doc)
    text = har.dumps(exchange, secrets=secrets)
    validate_har(json.loads(text))
    for secret in ("pw-har-4242", "pin-31337", "YWRhOnB3LWhhci00MjQy"):  # and its base64
        assert secret not in text
    # Without the list, what was sent is still as masked as the record.
    bare = har.to_har(exchange)["log"]["entries"][0]["request"]
    assert "pw-har-4242" not in json.dumps(bare) and "pin-31337" not in json.dumps(bare)
    entries = doc["log"]["entries"]
    assert [e["response"]["status"] for e in entries] == [307, 200]
    assert [e["_kind"] for e in entries] == ["request", "redirect"]
    assert entries[0]["startedDateTime"].startswith("2024-05-01T12:00:00")
    assert entries[0]["response"]["redirectURL"] == "/anything?q=1"
    first = entries[0]["request"]
    assert first["method"] == "POST" and first["url"] == spec.url
    assert {"name": "status_code", "value": "307"} in first["queryString"]
    assert {"name": "c", "value": "1"} in first["cookies"]
    assert first["postData"]["mimeType"] == "application/json"
    assert json.loads(first["postData"]["text"]) == {"pin": "****"}
    auth = next(h["value"] for h in first["headers"] if h["name"].lower() == "authorization")
    assert auth == "Basic ****"
    final = entries[1]["response"]
    assert final["content"]["mimeType"] == "application/json"
    assert json.loads(final["content"]["text"])["url"].endswith("/anything?q=1")
    assert entries[1]["serverIPAddress"] == "127.0.0.1"


def test_har_cookies_binary_bodies_and_a_failed_exchange(engine, httpbin_url, silent_url):
    exchange = engine.send(RequestSpec(
        "GET", f"{httpbin_url}/cookies/set?flavour=oat",
        options=_no_redirects()))
    doc = har.to_har(exchange)
    validate_har(doc)
    cookies = doc["log"]["entries"][0]["response"]["cookies"]
    assert [(c["name"], c["value"]) for c in cookies] == [("flavour", "oat")]

    exchange = engine.send(RequestSpec("GET", f"{httpbin_url}/image/png"))
    content = har.to_har(exchange)["log"]["entries"][0]["response"]["content"]
    assert content["encoding"] == "base64" and content["mimeType"] == "image/png"

    spec = RequestSpec("GET", silent_url)
    spec.options.timeouts.read = 0.2
    exchange = engine.send(spec)
    assert exchange.error is not None
    doc = har.to_har(exchange)
    validate_har(doc)
    if doc["log"]["entries"]:
        assert doc["log"]["entries"][-1]["response"]["status"] == 0
        assert "timeout" in doc["log"]["entries"][-1]["comment"]


def _no_redirects():
    spec = RequestSpec()
    spec.options.follow_redirects = False
    return spec.options


# -- Python ----------------------------------------------------------------------------------


def _run(script: str, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    path = tmp_path / "request.py"
    path.write_text(script)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST_")}
    environ.update(env)
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          env=environ, timeout=120, cwd=tmp_path)


def _echo(text: str) -> dict:
    data = json.loads(text)
    headers = {k: v for k, v in data["headers"].items() if k != "User-Agent"}
    if "boundary=" in headers.get("Content-Type", ""):
        headers["Content-Type"] = headers["Content-Type"].split(";")[0]
        headers.pop("Content-Length")
        data["data"] = None
    return {"method": data["method"], "url": data["url"], "data": data["data"],
            "form": data["form"], "files": data["files"], "json": data["json"],
            "headers": headers}


def _cases(tmp_path: Path):
    upload = tmp_path / "notes.txt"
    upload.write_text("hello\n")
    yield (RequestSpec("POST", "{{base}}/anything?a=1&b=two",
                       headers=[Row("X-Trace", "t-{{trace}}"), Row("X-Off", "x", False)],
                       body=Body(BodyKind.JSON, text='{"user": "{{user}}", "n": 1}'),
                       auth=AuthConfig("basic", {"username": "ada",
                                                 "password": "py-secret-9911"})),
           {"trace": "7", "user": "grace"})
    yield (RequestSpec("PUT", "{{base}}/anything/form",
                       body=Body(BodyKind.FORM, rows=[Row("a", "1 2"), Row("b", "&"),
                                                      Row("off", "x", False)]),
                       auth=AuthConfig("bearer", {"token": "py-token-5150",
                                                  "prefix": "Token"})), {})
    yield (RequestSpec("POST", "{{base}}/anything/multi",
                       body=Body(BodyKind.MULTIPART, rows=[Row("t", "text"),
                                                           Row("f", str(upload), True, True)]),
                       auth=AuthConfig("apikey", {"name": "key", "value": "py-key-8080",
                                                  "location": "query"})), {})
    yield (RequestSpec("PATCH", "{{base}}/anything/raw",
                       headers=[Row("X-Api-Key", "py-header-6060")],
                       body=Body(BodyKind.RAW, text="plain text", content_type="text/csv")),
           {})
    yield (RequestSpec("POST", "{{base}}/anything/file", body=Body(BodyKind.FILE,
                                                                   path=str(upload))), {})


def test_python_script_sends_the_same_request(echo_unmasked, engine, httpbin_url, tmp_path):
    for spec, variables in _cases(tmp_path):
        script = to_python(spec)
        compile(script, "request.py", "exec")
        secrets = {"py-secret-9911", "py-token-5150", "py-key-8080", "py-header-6060"}
        for secret in secrets:
            assert secret not in script
        env = {"base": httpbin_url, **variables}
        for name, value in (("GATEPOST_PASSWORD", "py-secret-9911"),
                            ("GATEPOST_TOKEN", "py-token-5150"),
                            ("GATEPOST_VALUE", "py-key-8080"),
                            ("GATEPOST_HEADER_X_API_KEY", "py-header-6060")):
            if name in script:
                env[name] = value
        done = _run(script, tmp_path, env)
        assert done.returncode == 0, done.stderr
        assert " 200 OK" in done.stderr
        resolved = resolve_spec(copy.deepcopy(spec), env)
        exchange = engine.send(resolved)
        assert exchange.error is None
        assert _echo(done.stdout) == _echo(exchange.response.text()), spec.url


def test_python_script_with_gatepost_signing_scheme(engine, httpbin_url, tmp_path):
    """AWS SigV4 is built by Gatepost's own class in the script: the signature the
    server sees has the same form and credential scope."""
    spec = RequestSpec("GET", f"{httpbin_url}/anything/signed",
                       auth=AuthConfig("aws-sigv4", {"access_key": "AKIDEXAMPLE",
                                                     "secret_key": "py-aws-secret-77",
                                                     "region": "eu-west-1",
                                                     "service": "execute-api"}))
    script = to_python(spec, secrets=())
    assert "py-aws-secret-77" not in script and "from gui.core.auth import build_auth" in script
    done = _run(script, tmp_path, {"GATEPOST_SECRET_KEY": "py-aws-secret-77"})
    assert done.returncode == 0, done.stderr
    header = json.loads(done.stdout)["headers"]["Authorization"]
    assert header.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in header


def test_python_script_missing_environment_variable_is_a_sentence(tmp_path, httpbin_url):
    spec = RequestSpec("GET", f"{httpbin_url}/anything",
                       auth=AuthConfig("basic", {"username": "u", "password": "p-1234"}))
    done = _run(to_python(spec), tmp_path, {})
    assert done.returncode != 0
    assert done.stderr.strip() == ("Set the environment variable GATEPOST_PASSWORD first "
                                   "(see the top of this script).")


def test_python_script_keeps_given_secrets_out(tmp_path):
    spec = RequestSpec("POST", "https://h/x?sig=abc-secret-1",
                       body=Body(BodyKind.RAW, text="token=abc-secret-1&a=1"))
    script = to_python(spec, secrets=("abc-secret-1",))
    assert "abc-secret-1" not in script
    assert script.count("env('GATEPOST_SECRET_1')") == 2


@pytest.mark.parametrize("scheme", ["digest", "ntlm", "oauth2", "hawk", "edgegrid"])
def test_python_script_compiles_for_other_schemes(scheme):
    from gui.core.auth import get

    values = {f.name: ("secret-value-xyz" if f.secret else f.default)
              for f in get(scheme).fields}
    script = to_python(RequestSpec("GET", "https://h/", auth=AuthConfig(scheme, values)))
    compile(script, "request.py", "exec")
    assert "secret-value-xyz" not in script
