"""Bruno collections as Bruno itself writes them, in both layouts: a Postman v2.1
collection of our own making is turned into a `.bru` folder and a YAML (OpenCollection)
folder by Bruno's own converter and file writers (npm @usebruno/converters and
@usebruno/filestore, tests/bruno), then imported, written, opened and sent by Gatepost,
and compared with what was put in. tests/test_import_bruno.py checks our reading of the
documentation; this checks it against the real thing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gui.core import importers
from gui.core.collections.lookup import load_collection
from gui.core.importers import bruno
from gui.core.model import BodyKind
from tests.importing import assert_no_secret_in_files, by_name, echoed, send, written

BRUNO = Path(__file__).parent / "bruno"
SECRETS = {"folder_key": "pm-apikey-71", "basic": "pm-basic-pw-72", "query_key": "pm-query-key-73",
           "form": "pm-form-pw-74", "bearer": "pm-bearer-75", "env_token": "pm-env-token-76",
           "digest": "pm-digest-pw-77", "oauth2": "pm-oauth2-cs-78"}
PHOTO = "not really a photo\n"
POSTMAN = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def url(raw: str, query: tuple[dict[str, object], ...] = (), **path: str
        ) -> dict[str, object]:
    host, _, rest = raw.split("?")[0].partition("/")
    return {"raw": raw, "host": [host], "path": rest.split("/"), "query": list(query),
            "variable": [{"key": k, "value": v} for k, v in path.items()]}


def pairs(kind: str, **values: str) -> dict[str, object]:
    return {"type": kind, kind: [{"key": k, "value": v, "type": "string"}
                                 for k, v in values.items()]}


def postman_collection(photo: Path) -> dict[str, object]:
    """Methods, query rows (one disabled), path variables, headers (one disabled), JSON,
    text, XML, urlencoded and multipart bodies, basic/bearer/API key/digest/OAuth 2 auth at
    each level, inherit and noauth, nested folders, descriptions and collection
    variables."""
    return {
        "info": {"name": "Gatepost Round Trip", "schema": POSTMAN},
        "variable": [{"key": "apiVersion", "value": "v2"}, {"key": "species", "value": "cat"}],
        "auth": pairs("bearer", token="{{token}}"),
        "item": [
            {"name": "Pets", "auth": pairs("apikey", key="X-Api-Key",
                                           value=SECRETS["folder_key"], **{"in": "header"}),
             "item": [
                 {"name": "List pets", "request": {
                     "method": "GET",
                     "header": [{"key": "Accept", "value": "application/json"},
                                {"key": "X-Trace", "value": "1", "disabled": True}],
                     "url": url("{{baseUrl}}/get?limit=10&species={{species}}", (
                         {"key": "limit", "value": "10"},
                         {"key": "species", "value": "{{species}}"},
                         {"key": "offset", "value": "5", "disabled": True}))}},
                 {"name": "Create pet", "request": {
                     "method": "POST",
                     "header": [{"key": "Content-Type", "value": "application/json"}],
                     "auth": pairs("basic", username="keeper", password=SECRETS["basic"]),
                     "body": {"mode": "raw", "raw": '{\n  "name": "Rex",\n  "version": '
                              '"{{apiVersion}}"\n}', "options": {"raw": {"language": "json"}}},
                     "url": url("{{baseUrl}}/post")}},
                 {"name": "Admin", "item": [
                     {"name": "Purge", "request": {
                         "method": "DELETE",
                         "auth": pairs("apikey", key="api_key", value=SECRETS["query_key"],
                                       **{"in": "query"}),
                         "url": url("{{baseUrl}}/delete")}}]}]},
            {"name": "Login", "request": {
                "method": "POST", "auth": {"type": "noauth"},
                "body": {"mode": "urlencoded", "urlencoded": [
                    {"key": "user", "value": "ada"},
                    {"key": "password", "value": SECRETS["form"]},
                    {"key": "remember", "value": "1", "disabled": True}]},
                "url": url("{{baseUrl}}/post")}},
            {"name": "Upload avatar", "request": {
                "method": "POST", "auth": pairs("bearer", token=SECRETS["bearer"]),
                "body": {"mode": "formdata", "formdata": [
                    {"key": "caption", "value": "my cat", "type": "text"},
                    {"key": "photo", "src": str(photo), "type": "file"}]},
                "url": url("{{baseUrl}}/post")}},
            {"name": "Patch note", "request": {
                "method": "PATCH", "header": [{"key": "X-Note", "value": "hello"}],
                "body": {"mode": "raw", "raw": "plain words",
                         "options": {"raw": {"language": "text"}}},
                "url": url("{{baseUrl}}/patch")}},
            {"name": "Get pet", "request": {
                "method": "GET", "description": "Fetches **one** pet.",
                "auth": pairs("digest", username="ada", password=SECRETS["digest"]),
                "header": [{"key": "Content-Type", "value": "application/xml"}],
                "body": {"mode": "raw", "raw": "<pet/>",
                         "options": {"raw": {"language": "xml"}}},
                "url": url("{{baseUrl}}/anything/pets/:id?x=1", ({"key": "x", "value": "1"},),
                           id="7")}},
            {"name": "Tokens", "description": "Token things.",
             "auth": pairs("oauth2", grant_type="client_credentials",
                           accessTokenUrl="https://id.example/token", clientId="app",
                           clientSecret=SECRETS["oauth2"], scope="read write",
                           client_authentication="body", addTokenTo="header"),
             "item": [{"name": "Me", "request": {"method": "GET",
                                                 "url": url("{{baseUrl}}/get")}}]},
        ],
    }


ENVIRONMENT = {
    "name": "Local", "_postman_variable_scope": "environment",
    "values": [{"key": "baseUrl", "value": "http://127.0.0.1:1", "enabled": True},
               {"key": "token", "value": SECRETS["env_token"], "type": "secret",
                "enabled": True},
               {"key": "legacyUrl", "value": "http://old.example", "enabled": False}]}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The collection as Bruno writes it: {"bru": folder, "yml": folder}."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed to run Bruno's own converter (tests/bruno)")
    if not (BRUNO / "node_modules" / "@usebruno" / "filestore").is_dir() or not (
            BRUNO / "node_modules" / "@usebruno" / "converters").is_dir():
        pytest.skip("Bruno's npm packages are not installed: `npm ci` in tests/bruno "
                    "(resources/setup.sh test does it)")
    base = tmp_path_factory.mktemp("bruno-real")
    photo = base / "photo.txt"
    photo.write_text(PHOTO)
    (base / "collection.json").write_text(json.dumps(postman_collection(photo)))
    (base / "environment.json").write_text(json.dumps(ENVIRONMENT))
    done = subprocess.run([node, "export.js", str(base / "collection.json"),
                           str(base / "environment.json"), str(base)],
                          cwd=BRUNO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return {"bru": base / "bru", "yml": base / "yml"}


@pytest.fixture(params=["bru", "yml"])
def layout(request, exported) -> Path:
    return exported[request.param]


def test_bruno_wrote_both_layouts(exported):
    assert (exported["bru"] / "bruno.json").is_file()
    assert (exported["bru"] / "Pets" / "List pets.bru").is_file()
    assert (exported["yml"] / "opencollection.yml").is_file()
    assert not (exported["yml"] / "bruno.json").exists()
    assert (exported["yml"] / "Pets" / "Admin" / "Purge.yml").is_file()
    for folder in exported.values():
        assert importers.detect(folder) is bruno


def test_imported_as_put_in(layout, tmp_path):
    result = importers.read(layout)
    assert result.name == "Gatepost Round Trip"
    assert "8 requests, 3 folders, 1 environment" in result.summary()
    assert [str(n) for n in result.notices] == []
    collection, store = written(result, tmp_path)
    assert_no_secret_in_files(collection.path, list(SECRETS.values()))
    c = load_collection(collection.path, store)

    assert (c.auth.scheme, c.auth.values.get("token")) == ("bearer", "{{token}}")
    # The form's literal password became a secret variable, as every importer does.
    assert [(v.name, v.value, v.enabled, v.secret) for v in c.variables] == [
        ("apiVersion", "v2", True, False), ("species", "cat", True, False),
        ("password", SECRETS["form"], True, True)]
    [local] = c.environments
    assert local.name == "Local"
    # Bruno keeps secret values out of its files: the name comes, the value does not.
    # (A .bru environment lists its secrets in a block of their own, after the others.)
    assert {v.name: (v.value, v.enabled, v.secret) for v in local.variables} == {
        "baseUrl": ("http://127.0.0.1:1", True, False), "token": ("", True, True),
        "legacyUrl": ("http://old.example", False, False)}

    top = [(type(n).__name__, n.name) for n in c.root.children]
    assert top == [("Folder", "Pets"), ("RequestItem", "Login"),
                   ("RequestItem", "Upload avatar"), ("RequestItem", "Patch note"),
                   ("RequestItem", "Get pet"), ("Folder", "Tokens")]
    pets = c.root.children[0]
    assert [n.name for n in pets.children] == ["List pets", "Create pet", "Admin"]
    assert (pets.auth.scheme, pets.auth.values) == ("apikey", {
        "name": "X-Api-Key", "value": SECRETS["folder_key"]})  # in a header, the default
    admin = pets.children[2]
    assert admin.auth.scheme == "inherit"

    listed = by_name(c, "List pets").spec
    assert (listed.method, listed.url) == ("GET", "{{baseUrl}}/get?limit=10&species={{species}}")
    assert [(p.name, p.value, p.enabled) for p in listed.params] == [
        ("limit", "10", True), ("species", "{{species}}", True), ("offset", "5", False)]
    assert [(h.name, h.value, h.enabled) for h in listed.headers] == [
        ("Accept", "application/json", True), ("X-Trace", "1", False)]
    assert listed.auth.scheme == "inherit"

    create = by_name(c, "Create pet").spec
    assert create.method == "POST" and create.body.kind is BodyKind.JSON
    assert json.loads(create.body.text) == {"name": "Rex", "version": "{{apiVersion}}"}
    assert (create.auth.scheme, create.auth.values) == ("basic", {
        "username": "keeper", "password": SECRETS["basic"]})

    purge = by_name(c, "Purge").spec
    assert (purge.method, purge.url, purge.body.kind) == ("DELETE", "{{baseUrl}}/delete",
                                                          BodyKind.NONE)
    assert (purge.auth.scheme, purge.auth.values) == ("apikey", {
        "name": "api_key", "value": SECRETS["query_key"], "location": "query"})

    login = by_name(c, "Login").spec
    assert login.auth.scheme == "none"  # Postman's noauth, not inherited
    assert login.body.kind is BodyKind.FORM
    assert [(r.name, r.value, r.enabled) for r in login.body.rows] == [
        ("user", "ada", True), ("password", "{{password}}", True), ("remember", "1", False)]

    avatar = by_name(c, "Upload avatar").spec
    assert (avatar.auth.scheme, avatar.auth.values) == ("bearer", {"token": SECRETS["bearer"]})
    assert avatar.body.kind is BodyKind.MULTIPART
    caption, photo = avatar.body.rows
    assert (caption.name, caption.value, caption.is_file) == ("caption", "my cat", False)
    assert photo.name == "photo" and photo.is_file
    assert Path(photo.value).read_text() == PHOTO

    note = by_name(c, "Patch note").spec
    assert (note.method, note.body.kind, note.body.text) == ("PATCH", BodyKind.RAW,
                                                             "plain words")
    assert note.body.content_type == "text/plain"
    assert [(h.name, h.value) for h in note.headers] == [("X-Note", "hello")]
    assert note.auth.scheme == "inherit"

    # A request's description goes into the notes the import writes beside it.
    assert next(r for r in result.root.requests() if r.name == "Get pet").description == \
        "Fetches **one** pet."
    pet = by_name(c, "Get pet")
    assert pet.spec.url == "{{baseUrl}}/anything/pets/7?x=1"  # the path variable, written in
    assert [(p.name, p.value) for p in pet.spec.params] == [("x", "1")]
    assert (pet.spec.body.kind, pet.spec.body.text) == (BodyKind.RAW, "<pet/>")
    assert pet.spec.body.content_type == "application/xml"
    assert (pet.spec.auth.scheme, pet.spec.auth.values) == ("digest", {
        "username": "ada", "password": SECRETS["digest"]})

    tokens = c.root.children[-1]
    assert tokens.description == "Token things."
    assert tokens.auth.scheme == "oauth2"
    assert {k: tokens.auth.values.get(k) for k in (
        "grant", "token_url", "client_id", "client_secret", "scope", "client_auth")} == {
        "grant": "client_credentials", "token_url": "https://id.example/token",
        "client_id": "app", "client_secret": SECRETS["oauth2"], "scope": "read write",
        "client_auth": "client_secret_post"}
    assert by_name(c, "Me").spec.auth.scheme == "inherit"


def test_sent_as_put_in(layout, tmp_path, httpbin_url, engine):
    collection, store = written(importers.read(layout), tmp_path)
    values = {"baseUrl": httpbin_url, "token": SECRETS["env_token"]}
    listed = echoed(send(collection.path, store, "Pets/List pets", engine, values,
                         environment="Local"))
    assert listed["args"] == {"limit": "10", "species": "cat"}
    assert listed["headers"]["Accept"] == "application/json"
    assert "X-Trace" not in listed["headers"]
    assert listed["headers"]["X-Api-Key"] == "****"  # the folder's key, masked in the echo

    login = echoed(send(collection.path, store, "Login", engine, values,
                        environment="Local"))
    assert login["form"] == {"user": "ada", "password": "****"}
    assert "Authorization" not in login["headers"]

    avatar = echoed(send(collection.path, store, "Upload avatar", engine, values,
                         environment="Local"))
    assert avatar["form"] == {"caption": "my cat"} and avatar["files"] == {"photo": PHOTO}
    assert avatar["headers"]["Authorization"] == "Bearer ****"

    note = echoed(send(collection.path, store, "Patch note", engine, values,
                       environment="Local"))
    assert note["data"] == "plain words" and note["headers"]["X-Note"] == "hello"
    assert note["headers"]["Authorization"] == "Bearer ****"  # the collection's, inherited


SETTINGS_ITEM = {
    "type": "http-request", "name": "Slow", "seq": 1,
    "settings": {"encodeUrl": True, "followRedirects": False, "maxRedirects": 3,
                 "timeout": 5000},
    "request": {"method": "GET", "url": "{{baseUrl}}/get", "headers": [], "params": [],
                "auth": {"mode": "none"}, "body": {"mode": "none"}, "script": {},
                "vars": {"req": [], "res": []}, "assertions": [], "tests": "", "docs": ""}}


@pytest.fixture(scope="module")
def slow_request(exported) -> dict[str, str]:
    """SETTINGS_ITEM as Bruno's writer writes it: {"bru": text, "yml": text}. `bru import`
    writes no settings, Bruno's window does, with this writer."""
    script = ("const {stringifyRequest} = require('@usebruno/filestore');"
              "const item = JSON.parse(process.argv[1]);"
              "process.stdout.write(JSON.stringify({bru: stringifyRequest(item, {format: 'bru'}),"
              " yml: stringifyRequest(item, {format: 'yml'})}));")
    done = subprocess.run([shutil.which("node") or "node", "-e", script,
                           json.dumps(SETTINGS_ITEM)], cwd=BRUNO, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("layout", ["bru", "yml"])
def test_request_settings(exported, slow_request, layout, tmp_path):
    folder = tmp_path / layout
    shutil.copytree(exported[layout], folder)
    (folder / f"Slow.{layout}").write_text(slow_request[layout])
    slow = next(r for r in importers.read(folder).root.requests() if r.name == "Slow").spec
    assert slow.options.follow_redirects is False and slow.options.max_redirects == 3
    assert slow.options.timeouts.read == 5.0
