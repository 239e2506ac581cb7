"""Postman v2.1 export (gui/core/exporters/postman.py, `gatepost export`): secrets left out
and said so; Gatepost -> Postman v2.1 -> Gatepost gives the same requests; and Postman's
own runner (npm newman, tests/newman) accepts the file and sends, against httpbin, what
Gatepost's engine sends."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gui.cli import main
from gui.core import importers
from gui.core.auth import get
from gui.core.collections.inherit import effective_auth, effective_headers, parents, prepare
from gui.core.collections.manage import (
    new_collection,
    new_folder,
    new_request,
    open_collection,
    save_collection,
    save_folder,
    save_request,
)
from gui.core.collections.model import Collection, RequestItem
from gui.core.exporters.postman import ExportFailed, export
from gui.core.importers.write import write
from gui.core.model import AuthConfig, Body, BodyKind, Options, RequestSpec, Row
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable, layer
from tests.fakes import MemoryKeyring

DATA = Path(__file__).parent / "data" / "import" / "postman"
NEWMAN = Path(__file__).parent / "newman"
SECRETS = {"password": "pw-EXPORT-S3CR3T", "token": "tok-EXPORT-S3CR3T",
           "value": "key-EXPORT-S3CR3T", "var": "var-EXPORT-S3CR3T"}


def build(path: Path, base: str, upload: Path) -> Collection:
    """A collection that uses what a Postman file can say: headers at every level, auth
    at every level, every body kind, disabled rows, options, variables."""
    store = SecretStore(MemoryKeyring())
    c = new_collection(path, "Round trip")
    c.headers = [Row("X-Team", "core")]
    c.auth = AuthConfig("bearer", {"token": SECRETS["token"]})
    c.variables = [Variable("base", base), Variable("who", "ada"),
                   Variable("apiSecret", SECRETS["var"], secret=True)]
    save_collection(c, store)
    folder = new_folder(c.root, "Signed in")
    folder.headers = [Row("X-Folder", "f1"), Row("X-Team", "folder-wins")]
    folder.auth = AuthConfig("basic", {"username": "{{who}}", "password": SECRETS["password"]})
    save_folder(folder, store)
    specs = {
        (folder, "Get with params"): RequestSpec(
            "GET", "{{base}}/anything/get?x=1&y=two",
            params=[Row("x", "1"), Row("y", "two"), Row("z", "off", enabled=False)],
            headers=[Row("X-Custom", "abc"), Row("X-Off", "no", enabled=False)],
            auth=AuthConfig("inherit")),
        (folder, "Post JSON"): RequestSpec(
            "POST", "{{base}}/anything/json", body=Body(BodyKind.JSON, '{"a": [1, 2]}'),
            auth=AuthConfig("inherit")),
        (c.root, "Post form"): RequestSpec(
            "POST", "{{base}}/anything/form",
            body=Body(BodyKind.FORM, rows=[Row("a", "1"), Row("b", "two words"),
                                           Row("c", "off", enabled=False)]),
            auth=AuthConfig("inherit")),
        (c.root, "Multipart"): RequestSpec(
            "POST", "{{base}}/anything/multipart",
            body=Body(BodyKind.MULTIPART, rows=[Row("title", "Dune"),
                                                Row("cover", str(upload), True, True)]),
            auth=AuthConfig("none")),
        (c.root, "Raw XML"): RequestSpec(
            "PUT", "{{base}}/anything/raw",
            body=Body(BodyKind.RAW, "<a>1</a>", content_type="application/xml"),
            auth=AuthConfig("none")),
        (c.root, "Raw custom type"): RequestSpec(
            "PATCH", "{{base}}/anything/custom",
            body=Body(BodyKind.RAW, "x=1", content_type="application/x-thing"),
            auth=AuthConfig("none")),
        (c.root, "Binary file"): RequestSpec(
            "POST", "{{base}}/anything/file", body=Body(BodyKind.FILE, path=str(upload)),
            auth=AuthConfig("none")),
        (c.root, "API key in query"): RequestSpec(
            "GET", "{{base}}/anything/key",
            auth=AuthConfig("apikey", {"name": "api_key", "value": SECRETS["value"],
                                       "location": "query"}),
            options=Options(follow_redirects=False, verify_tls=False, max_redirects=5)),
    }
    for (parent, name), spec in specs.items():
        save_request(new_request(parent, name, spec), store)
    return c


def names(item: RequestItem) -> str:
    return " / ".join([*(f.name for f in reversed(parents(item))), item.name])


def sent(item: RequestItem) -> dict[str, object]:
    """What a request sends, from its files: the basis of "the same requests"."""
    spec = item.spec
    headers = {r.name.lower(): r.value for r in effective_headers(item)}
    body = spec.body
    default_type = {BodyKind.RAW: body.content_type, BodyKind.JSON: "application/json",
                    BodyKind.FORM: "application/x-www-form-urlencoded",
                    BodyKind.MULTIPART: "multipart/form-data"}.get(body.kind, "")
    headers.setdefault("content-type", default_type)
    auth = effective_auth(item)
    scheme = get("none" if auth.scheme == "inherit" else auth.scheme)
    text = body.kind in (BodyKind.RAW, BodyKind.JSON)
    return {
        "method": spec.method, "url": spec.url, "params": spec.params,
        "headers": {k: v for k, v in headers.items() if v},
        "body": ("text" if text else body.kind.value, body.text if text else "",
                 [r for r in body.rows if r.enabled], body.path),
        "auth": (scheme.id, {f.name: auth.values.get(f.name, f.default) or f.default
                             for f in scheme.fields if not f.secret}),
        "options": spec.options,
    }


def round_trip(source: Collection, tmp_path: Path) -> Collection:
    data, _ = export(source.path)
    exported = tmp_path / "exported.postman_collection.json"
    exported.write_text(json.dumps(data))
    write(importers.read(exported), tmp_path / "back", SecretStore(MemoryKeyring()))
    back, problems = open_collection(tmp_path / "back")
    assert problems == []
    return back


def assert_same_requests(a: Collection, b: Collection) -> None:
    left = {names(i): sent(i) for i in a.requests()}
    right = {names(i): sent(i) for i in b.requests()}
    assert list(left) == list(right)
    for name in left:
        assert left[name] == right[name], name


def test_round_trip_gives_the_same_requests(tmp_path):
    upload = tmp_path / "cover.txt"
    upload.write_text("cover bytes")
    source = build(tmp_path / "source", "http://127.0.0.1:9", upload)
    back = round_trip(source, tmp_path)
    assert_same_requests(source, back)
    values = {v.name: v.value for v in back.variables}
    assert values["base"] == "http://127.0.0.1:9" and values["apiSecret"] == ""


@pytest.mark.parametrize("fixture", ["full.postman_collection.json",
                                     "auth.postman_collection.json",
                                     "auth-v20.postman_collection.json"])
def test_imported_fixtures_round_trip(tmp_path, fixture):
    first = write(importers.read(DATA / fixture), tmp_path / "first",
                  SecretStore(MemoryKeyring()))
    assert_same_requests(first, round_trip(first, tmp_path))


def test_secrets_are_left_out_and_said(tmp_path):
    upload = tmp_path / "cover.txt"
    upload.write_text("x")
    source = build(tmp_path / "source", "http://127.0.0.1:9", upload)
    data, notes = export(source.path)
    text = json.dumps(data)
    for secret in SECRETS.values():
        assert secret not in text
        assert not any(secret in note for note in notes)
    said = data["info"]["description"]
    assert said.startswith("Exported from Gatepost. Secret values were left out")
    for what in ("Password (Basic, Signed in)", "Token (Bearer token, collection)",
                 "Key (API key, API key in query)", "the secret variable {{apiSecret}}"):
        assert what in said
    assert notes[0] == said
    assert "collection and folder headers were copied into each request" in " ".join(notes)


def test_one_folder(tmp_path):
    upload = tmp_path / "cover.txt"
    upload.write_text("x")
    source = build(tmp_path / "source", "http://127.0.0.1:9", upload)
    data, _ = export(source.path, "Signed in")
    assert data["info"]["name"] == "Round trip / Signed in"
    assert [i["name"] for i in data["item"]] == ["Get with params", "Post JSON"]
    assert data["auth"]["type"] == "basic"  # the folder's own, now the file's
    headers = {h["key"]: h["value"] for h in data["item"][0]["request"]["header"]}
    assert headers["X-Team"] == "folder-wins" and headers["X-Folder"] == "f1"
    with pytest.raises(ExportFailed, match="has no folder 'Nope'"):
        export(source.path, "Nope")


def test_cli_export(tmp_path, capsys):
    upload = tmp_path / "cover.txt"
    upload.write_text("x")
    source = build(tmp_path / "source", "http://127.0.0.1:9", upload)
    out = tmp_path / "out.json"
    assert main(["export", "--collection", str(source.path), "--format", "postman",
                 "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Exported 8 requests" in err and "Secret values were left out" in err
    assert json.loads(out.read_text())["info"]["schema"].endswith("v2.1.0/collection.json")
    assert main(["export", "--collection", str(tmp_path), "-o", str(out)]) == 2
    assert "is not a collection folder" in capsys.readouterr().err


# -- Postman's own runner --------------------------------------------------------------------


@pytest.fixture(scope="session")
def newman() -> str:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("Node.js and npm are needed to run newman (tests/newman)")
    binary = NEWMAN / "node_modules" / ".bin" / "newman"
    if not binary.exists():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                              cwd=NEWMAN, capture_output=True, text=True, timeout=600,
                              check=False)
        if done.returncode != 0:
            pytest.fail(f"npm ci in {NEWMAN} failed:\n{done.stdout}\n{done.stderr}")
    return str(binary)


def echo_fields(echo: dict[str, object]) -> dict[str, object]:
    """What httpbin saw, without what each client adds on its own."""
    headers = {k.lower(): v for k, v in echo["headers"].items()}  # type: ignore[union-attr]
    kept = {k: headers.get(k) for k in ("authorization", "x-team", "x-folder", "x-custom",
                                        "x-off")}
    kept["content-type"] = str(headers.get("content-type", "")).split(";")[0]
    return {"method": echo["method"], "url": echo["url"], "args": echo["args"],
            "form": echo["form"], "files": echo["files"], "data": echo["data"],
            "json": echo["json"], "headers": kept}


def test_newman_accepts_the_export_and_sends_the_same_requests(echo_unmasked, tmp_path, newman,
                                                               httpbin_url, engine):
    upload = tmp_path / "cover.txt"
    upload.write_text("cover bytes")
    source = build(tmp_path / "source", httpbin_url, upload)
    data, _ = export(source.path)
    # The person types the left-out secrets into Postman; here, into the file.
    for item in [*data["item"], *data["item"][0]["item"], data]:
        for auth in [item.get("auth"), item.get("request", {}).get("auth")]:
            for attr in (auth or {}).get(auth["type"] if auth else "", []):
                if attr["key"] in SECRETS and attr["value"] == "":
                    attr["value"] = SECRETS[attr["key"]]
    exported = tmp_path / "exported.json"
    exported.write_text(json.dumps(data))
    report = tmp_path / "report.json"
    done = subprocess.run([newman, "run", str(exported), "--reporters", "json",
                           "--reporter-json-export", str(report), "--insecure"],
                          capture_output=True, text=True, timeout=300, check=False,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    executions = json.loads(report.read_text())["run"]["executions"]
    by_newman = {e["item"]["name"]: echo_fields(json.loads(bytes(
        e["response"]["stream"]["data"]))) for e in executions}
    # The same collection, as Gatepost sends it (secrets are still in memory here).
    scope = layer(source.variables)
    by_gatepost = {}
    for item in source.requests():
        exchange = engine.send(prepare(item, scope))
        assert exchange.error is None, exchange.error
        by_gatepost[item.name] = echo_fields(json.loads(exchange.response.body))
    assert list(by_newman) == list(by_gatepost)
    for name, echo in by_gatepost.items():
        assert by_newman[name] == echo, name
    assert by_gatepost["Get with params"]["args"] == {"x": "1", "y": "two"}
    assert by_gatepost["Get with params"]["headers"]["authorization"].startswith("Basic ")
    assert by_gatepost["Post form"]["headers"]["authorization"] == \
        f"Bearer {SECRETS['token']}"
    assert by_gatepost["Multipart"]["files"] == {"cover": "cover bytes"}
