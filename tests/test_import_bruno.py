"""Bruno collections (.bru folders and the YAML OpenCollection layout) imported, written,
opened and sent. The fixtures were written for these tests from Bruno's documented
`.bru` language and the OpenCollection schema; their secrets are made up."""

import base64
import shutil

import pytest

from gui.core import importers
from gui.core.collections.lookup import load_collection
from gui.core.importers import ImportFailed, _bru, bruno
from gui.core.model import BodyKind
from tests.importing import DATA, assert_no_secret_in_files, by_name, echoed, send, written

PETS = DATA / "bruno" / "petstore"
BOOKS = DATA / "bruno" / "bookshop-yaml"
PET_SECRETS = ["bru-env-token-41", "bru-basic-pw-42", "bru-apikey-43", "bru-form-pw-44",
               "bru-digest-pw-45", "bru-oauth2-cs-46", "bru-aws-sk-47", "bru-ntlm-pw-48",
               "bru-query-key-49"]


def request(result, name):
    return next(r for r in result.root.requests() if r.name == name)


@pytest.fixture(scope="module")
def pets():
    return importers.read(PETS)


def test_bru_folder_tree(pets, tmp_path):
    assert pets.source == bruno.LABEL and pets.name == "Pet Store"
    assert "11 requests, 3 folders, 2 environments" in pets.summary()
    collection, store = written(pets, tmp_path)
    assert [c.name for c in collection.root.children if not hasattr(c, "spec")] == [
        "Pets", "users"]
    assert [h.name for h in collection.headers] == ["X-Client", "X-Debug"]
    assert not collection.headers[1].enabled
    assert collection.auth.scheme == "bearer"
    variables = {v.name: v for v in collection.variables}
    assert variables["apiVersion"].value == "v2" and not variables["unused"].enabled

    listed = by_name(collection, "List pets").spec
    assert listed.url == "{{baseUrl}}/get?limit=10&species=cat"  # the folder's variable
    assert [(p.name, p.enabled) for p in listed.params] == [
        ("limit", True), ("species", True), ("offset", False)]
    assert [(h.name, h.enabled) for h in listed.headers] == [("Accept", True),
                                                             ("X-Trace", False)]
    assert listed.auth.scheme == "inherit"
    assert by_name(collection, "Get pet").spec.url == "{{baseUrl}}/anything/pets/7"
    assert by_name(collection, "Purge").parent.name == "Admin"
    assert by_name(collection, "Purge").parent.auth.scheme == "apikey"

    local = next(e for e in collection.environments if e.name == "Local")
    kinds = {v.name: (v.secret, v.enabled) for v in local.variables}
    assert kinds == {"baseUrl": (False, True), "token": (True, True),
                     "legacyUrl": (False, False), "apiKey": (True, True),
                     "password": (True, True)}
    assert_no_secret_in_files(collection.path, PET_SECRETS)
    filled = load_collection(collection.path, store)
    assert next(e for e in filled.environments if e.name == "Local").variables[1].value == \
        "bru-env-token-41"


def test_bodies(pets):
    create = request(pets, "Create pet").spec.body
    assert create.kind is BodyKind.JSON
    assert '"species": "dog"' in create.text  # the request's own variable wins
    assert '"version": "{{apiVersion}}"' in create.text
    login = request(pets, "Login").spec.body
    assert login.kind is BodyKind.FORM and [r.enabled for r in login.rows] == [True, True,
                                                                              False]
    avatar = request(pets, "Upload avatar").spec.body
    assert avatar.kind is BodyKind.MULTIPART
    photo = avatar.rows[1]
    assert photo.is_file and photo.value == str((PETS / "files" / "photo.txt").resolve())
    gql = request(pets, "Who am I").spec.body
    assert gql.kind is BodyKind.JSON and '"verbose": true' in gql.text
    assert '"query": "query Me {' in gql.text
    notes = request(pets, "Notes").spec.body
    assert (notes.kind, notes.text) == (BodyKind.RAW, "first line\nsecond line")
    xml = request(pets, "Legacy XML").spec.body
    assert xml.content_type == "application/xml" and xml.text == '<pet name="Tom"/>'
    upload = request(pets, "Upload file").spec
    assert upload.body.kind is BodyKind.FILE and upload.body.path.endswith("photo.txt")


AUTH = {
    "Get pet": ("basic", {"username": "keeper", "password": "bru-basic-pw-42"}),
    "Upload avatar": ("digest", {"username": "ada"}),
    "Who am I": ("oauth2", {"grant": "authorization_code_pkce", "client_id": "pets-app",
                            "token_url": "https://id.pets.example/token",
                            "client_auth": "client_secret_post", "redirect_port": "9123",
                            "scope": "openid pets", "client_secret": "bru-oauth2-cs-46"}),
    "Notes": ("aws-sigv4", {"access_key": "AKIDBRUNO", "region": "eu-central-1",
                            "service": "execute-api"}),
    "Legacy XML": ("ntlm", {"username": "CORP\\ada"}),
    "Login": ("none", {}),
    "List pets": ("inherit", {}),
    "WSSE": ("none", {}),
}


@pytest.mark.parametrize("name", sorted(AUTH))
def test_bru_auth(pets, name):
    scheme, values = AUTH[name]
    auth = request(pets, name).spec.auth
    assert auth.scheme == scheme
    assert {k: auth.values.get(k) for k in values} == values


def test_what_needs_attention(pets):
    notices = [str(n) for n in pets.notices]
    assert any(n.startswith("users/broken.bru, line 8: not imported") for n in notices)
    assert any("Pets / List pets: the tests" in n for n in notices)
    kept = next(n for n in pets.notices if "`assert` block" in n.message)
    assert kept.details == "res.status: eq 200"
    assert any("{{$randomUUID}}" in n for n in notices)
    assert any("WSSE" in n and "'wsse'" in n for n in notices)
    script = next(n for n in pets.notices if "post-response script" in n.message)
    assert 'bru.setVar("petId", res.body.id);' in script.details


def test_a_broken_bru_is_skipped_the_rest_imports(tmp_path):
    folder = tmp_path / "col"
    shutil.copytree(PETS, folder)
    (folder / "pets" / "get-pet.bru").write_text("meta {\n  name: Oops\n\nget {\n")
    result = importers.read(folder)
    assert "Get pet" not in [r.name for r in result.root.requests()]
    assert len(result.root.requests()) == 10
    assert any(n.where == "pets/get-pet.bru, line 1" for n in result.notices)


@pytest.mark.parametrize("source, line, words", [
    ("meta {\n  name: x\n}\nget {\n  url: /\n", 4, "never closed"),
    ("meta {\n  name x\n}\n", 2, "name: value"),
    ("  meta {\n}\n", 1, "expected a block"),
    ("headers {\n  a: '''\n  b\n}\n", 2, "never closed"),
    ("meta {\n}\nmeta {\n}\nget {\n}\n", 3, "given twice"),
])
def test_bru_syntax_errors_name_their_line(source, line, words):
    with pytest.raises(_bru.BruError) as caught:
        _bru.request(_bru.parse(source))
    assert caught.value.line == line and words in str(caught.value)


def test_bru_multiline_values_and_quoted_keys():
    blocks = _bru.parse("headers {\n  \"X-Odd Name\": 1\n  X-Long: '''\n    one\n    two\n"
                        "  '''\n  ~X-Off: 2\n}\n")
    assert blocks[0].pairs == [("X-Odd Name", "1", True), ("X-Long", "one\ntwo", True),
                               ("X-Off", "2", False)]


def test_not_a_bruno_collection(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "request.bru").write_text("meta {\n}\n")
    with pytest.raises(ImportFailed, match="not a file Gatepost can import"):
        importers.read(tmp_path / "plain")
    with pytest.raises(ImportFailed, match=r"no bruno\.json"):
        bruno.read(tmp_path / "plain")


def test_bruno_json_picked_as_the_file(pets):
    result = importers.read(PETS / "bruno.json")
    assert result.name == "Pet Store" and len(result.root.requests()) == 11


def test_yaml_layout(tmp_path):
    result = importers.read(BOOKS)
    assert result.name == "Bookshop"
    assert result.root.auth.scheme == "basic" and result.root.headers[0].name == "X-Shop"
    assert [v.name for v in result.variables] == ["currency"]
    dev = result.environments[0]
    assert dev.name == "Dev"
    assert {v.name: (v.value, v.secret) for v in dev.variables} == {
        "baseUrl": ("http://127.0.0.1:5000", False), "client_secret": ("", True),
        "region": ("eu", False)}
    orders = result.root.children[0]
    assert orders.name == "Orders" and orders.description == "Placing and tracking orders."
    assert orders.auth.values == {"grant": "client_credentials", "client_id": "bookshop",
                                  "client_secret": "{{client_secret}}",
                                  "token_url": "https://id.books.example/token",
                                  "scope": "orders:write", "token_placement": "query",
                                  "query_param": "token"}
    assert [r.name for r in orders.children] == ["Track order", "Place order"]  # by seq
    track = request(result, "Track order").spec
    assert track.method == "GET" and track.url == "{{baseUrl}}/anything/orders/1234?verbose=1"
    assert track.auth.scheme == "oauth1" and track.auth.values["signature_location"] == "query"
    place = request(result, "Place order").spec
    assert place.body.kind is BodyKind.JSON and place.options.follow_redirects is False
    assert place.options.timeouts.read == 5.0
    assert [(p.name, p.enabled) for p in place.params] == [("dryRun", False)]
    cover = request(result, "Upload cover").spec
    assert cover.auth.values["location"] == "query" and cover.body.rows[1].is_file
    notices = [str(n) for n in result.notices]
    assert any(n.startswith("evil.yml: not imported") and "not allowed" in n
               for n in notices)
    assert any("HMAC-SHA512 is not supported" in n for n in notices)
    collection, _ = written(result, tmp_path)
    assert_no_secret_in_files(collection.path, ["oc-basic-pw-61", "oc-oauth1-cs-62",
                                                "oc-oauth1-ts-63", "oc-apikey-64"])


def test_bundled_opencollection_file(tmp_path):
    path = tmp_path / "shop.yml"
    path.write_text("opencollection: 1.0.0\ninfo:\n  name: One file\nbundled: true\n"
                    "items:\n  - info: {name: Ping, type: http}\n"
                    "    http: {method: GET, url: 'https://ping.example/'}\n")
    result = importers.read(path)
    assert importers.detect(path) is bruno
    assert result.name == "One file" and result.root.requests()[0].spec.url == \
        "https://ping.example/"


def test_sent_end_to_end(pets, tmp_path, httpbin_url, engine):
    collection, store = written(pets, tmp_path)
    overrides = {"baseUrl": httpbin_url}
    listed = echoed(send(collection.path, store, "Pets/List pets", engine, overrides,
                         environment="Local"))
    assert listed["args"] == {"limit": "10", "species": "cat"}
    # The collection's bearer auth and headers, inherited through the folder.
    assert listed["headers"]["Authorization"] == "Bearer ****"  # the echo, masked
    assert listed["headers"]["X-Client"] == "gatepost-import-test"
    assert listed["headers"]["X-Area"] == "pets"

    pet = echoed(send(collection.path, store, "Pets/Get pet", engine, overrides,
                      environment="Local"))
    assert pet["url"].endswith("/anything/pets/7")
    echoed_auth = pet["headers"]["Authorization"]  # masked in the record, base64 too
    assert echoed_auth.startswith("Basic ") and "****" in echoed_auth
    assert base64.b64encode(b"keeper:bru-basic-pw-42").decode() not in echoed_auth

    avatar = echoed(send(collection.path, store, "users/Upload avatar", engine,
                         {**overrides, "baseUrl": httpbin_url}, environment="Local"))
    assert avatar["form"] == {"caption": "my cat"}
    assert avatar["files"] == {"photo": "not really a photo\n"}


def test_odd_values_are_read_not_crashed_on(tmp_path):
    (tmp_path / "opencollection.yml").write_text(
        "opencollection: 1.0.0\ninfo: 3\nrequest: {auth: 5, headers: 7}\n")
    (tmp_path / "r.yml").write_text(
        "http: {method: 3, url: [1], params: {query: 1}, body: {type: file, data: 5},"
        " auth: {type: oauth2, flow: x, tokenConfig: 3}}\n")
    result = importers.read(tmp_path)
    assert len(result.root.requests()) == 1
    assert any("flow 'x' is not known" in str(n) for n in result.notices)


def test_yaml_without_auth_is_no_auth(tmp_path):
    # Bruno's YAML writer leaves `auth` out for "No auth" and reads it back so; a folder
    # without folder.yml passes its parent's auth on (tests/test_import_bruno_real.py).
    (tmp_path / "opencollection.yml").write_text(
        "opencollection: 1.0.0\ninfo: {name: Auth}\nrequest:\n  auth: {type: bearer, "
        "token: '{{t}}'}\nextensions:\n  bruno:\n    ignore: [drafts]\n")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.yml").write_text("info: {name: A}\nhttp: {method: GET, url: /a}\n")
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "folder.yml").write_text("info: {name: Open}\n")
    (tmp_path / "open" / "b.yml").write_text(
        "info: {name: B}\nhttp: {method: GET, url: /b, auth: inherit}\n")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "c.yml").write_text("info: {name: C}\nhttp: {url: /c}\n")
    result = importers.read(tmp_path)
    assert result.notices == []
    assert sorted(r.name for r in result.root.requests()) == ["A", "B"]  # drafts ignored
    opened, plain = result.root.children
    assert plain.auth.scheme == "inherit" and opened.auth.scheme == "none"
    assert request(result, "A").spec.auth.scheme == "none"
    assert request(result, "B").spec.auth.scheme == "inherit"
    # In one bundled file (Bruno's converters): a folder without `request` passes it on.
    path = tmp_path / "bundled.yml"
    path.write_text("opencollection: 1.0.0\ninfo: {name: One}\nbundled: true\nitems:\n"
                    "  - info: {name: F, type: folder}\n    items:\n"
                    "      - info: {name: G, type: http}\n        http: {url: /g}\n"
                    "  - info: {name: H, type: folder}\n    request: {headers: []}\n"
                    "    items: []\n")
    bundled = importers.read(path)
    assert [f.auth.scheme for f in bundled.root.children] == ["inherit", "none"]
    assert request(bundled, "G").spec.auth.scheme == "none"
