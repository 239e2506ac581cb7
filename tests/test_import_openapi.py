"""OpenAPI 3.0 / 3.1 and Swagger 2.0 import (gui/core/importers/openapi.py).

The fixtures in tests/data/import/openapi/ were written for these tests from the
published specifications; none is a copy of another project's file.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from gui.core import importers
from gui.core.importers import ImportedFolder, ImportedRequest, ImportFailed, openapi
from gui.core.model import AuthConfig, BodyKind
from gui.core.variables import layer, resolve_spec

DATA = Path(__file__).parent / "data" / "import" / "openapi"


def _by_name(result) -> dict[str, ImportedRequest]:
    return {r.name: r for r in result.root.requests()}


def _where(result) -> str:
    return "\n".join(str(n) for n in result.notices)


@pytest.fixture(scope="module")
def pets():
    return importers.read(DATA / "v30" / "pets.yaml")


@pytest.fixture(scope="module")
def notes():
    return importers.read(DATA / "v31" / "notes.json")


@pytest.fixture(scope="module")
def legacy():
    return importers.read(DATA / "swagger2" / "legacy.yaml")


# -- each version --------------------------------------------------------------------------


def test_detected_by_content_not_name(tmp_path):
    for source in (DATA / "v30" / "pets.yaml", DATA / "v31" / "notes.json",
                   DATA / "swagger2" / "legacy.yaml"):
        renamed = tmp_path / f"{source.parent.name}.txt"
        renamed.write_bytes(source.read_bytes())
        assert importers.detect(renamed) is openapi
    other = tmp_path / "other.yaml"
    other.write_text("name: not a spec\nopenapi_like: 3\n")
    assert not openapi.sniff(other, other.read_text())


def test_openapi_30_operations_folders_servers_and_parameters(pets):
    assert pets.source == openapi.LABEL and pets.name == "Pet Shop"
    folders = [c.name for c in pets.root.children if isinstance(c, ImportedFolder)]
    assert folders == ["pets", "store"]  # by first tag, in order of appearance
    pets_folder = pets.root.children[0]
    assert [r.name for r in pets_folder.requests()] == [
        "List pets", "Add a pet", "getPet", "Replace a pet", "Delete a pet", "Upload a photo"]
    assert pets_folder.description == "Everything about pets"
    # Untagged operations sit at the root.
    assert [c.name for c in pets.root.children if isinstance(c, ImportedRequest)] == [
        "Log in", "Post a tree"]
    # baseUrl: the first server, its variables' defaults filled in; an environment each.
    assert [(v.name, v.value) for v in pets.variables] == [
        ("baseUrl", "https://eu.shop.example/v1"), ("petId", "42")]
    assert [(e.name, e.variables[0].value) for e in pets.environments] == [
        ("Production", "https://eu.shop.example/v1"), ("Local", "http://localhost:8080/v1")]

    listing = _by_name(pets)["List pets"].spec
    assert listing.method == "GET"
    # Required query parameters on (in the URL), optional ones off (in the table only).
    assert listing.url == "{{baseUrl}}/anything/pets?status=available"
    assert [(p.name, p.value, p.enabled) for p in listing.params] == [
        ("limit", "20", False), ("status", "available", True)]
    # Header parameters likewise; `Accept` as a parameter is ignored, as the spec says;
    # cookie parameters become a Cookie header.
    assert [(h.name, h.value, h.enabled) for h in listing.headers] == [
        ("X-Request-Id", "", False), ("Cookie", "session=abc", True)]
    # Path parameters are variables.
    assert _by_name(pets)["getPet"].spec.url == "{{baseUrl}}/anything/pets/{{petId}}"


def test_bodies_from_examples_and_schemas_across_files(pets):
    requests = _by_name(pets)
    add = requests["Add a pet"].spec
    assert add.body.kind is BodyKind.JSON  # JSON preferred over the XML listed first
    sample = json.loads(add.body.text)
    # A sample from a schema in schemas/pet.yaml, which names schemas/owner.yaml; the
    # readOnly id is left out of a request body.
    assert sample == {"name": "Rex", "tag": "string", "born": "2024-01-01",
                      "owner": {"email": "user@example.com", "since": "2024-01-01T00:00:00Z"},
                      "status": "available"}
    # `examples` through a $ref to components/examples.
    assert json.loads(requests["Replace a pet"].spec.body.text) == {
        "id": 42, "name": "Rex", "tag": "dog"}
    # A JSON file's definitions; minimum and exclusiveMinimum (3.0's flag) respected.
    assert json.loads(requests["Place an order"].spec.body.text) == {
        "petId": 1, "quantity": 2, "shipDate": "2024-01-01T00:00:00Z", "complete": False}
    # A recursive schema stops at its first repetition.
    assert json.loads(requests["Post a tree"].spec.body.text) == {"value": 1, "children": []}
    form = requests["Log in"].spec.body
    assert form.kind is BodyKind.FORM
    assert [(r.name, r.value) for r in form.rows] == [("user", "ada"), ("remember", "true")]
    upload = requests["Upload a photo"].spec.body
    assert upload.kind is BodyKind.MULTIPART
    assert [(r.name, r.value, r.enabled, r.is_file) for r in upload.rows] == [
        ("caption", "On the sofa", True, False), ("file", "", False, True)]
    assert "Choose the file to send as 'file'" in _where(pets)


def test_openapi_31(notes):
    assert notes.name == "Notes"
    update = _by_name(notes)["updateNote"].spec
    assert update.method == "PATCH"
    assert update.url == "{{baseUrl}}/anything/notes/{{noteId}}"
    assert ("noteId", "n-1") in [(v.name, v.value) for v in notes.variables]
    assert [(h.name, h.value, h.enabled) for h in update.headers] == [
        ("If-Match", '"v1"', True), ("Content-Type", "application/merge-patch+json", True)]
    assert [(p.name, p.value, p.enabled) for p in update.params] == [
        ("fields", "title,body", False)]
    # 3.1 schemas: type lists with null, `examples` arrays, const, numeric exclusiveMinimum.
    assert json.loads(update.body.text) == {"title": "Groceries", "priority": 1,
                                            "tags": ["home"], "due": "2024-01-01",
                                            "pinned": True}
    create = _by_name(notes)["Create a note"].spec
    assert (create.body.kind, create.body.text, create.body.content_type) == (
        BodyKind.RAW, "Buy milk", "text/plain")
    upload = _by_name(notes)["Upload an attachment"].spec
    assert upload.body.kind is BodyKind.FILE
    assert "The body is a file" in _where(notes)
    # Webhooks are not requests to send.
    assert len(notes.root.requests()) == 3


def test_swagger_20(legacy):
    assert legacy.name == "Legacy Store"
    assert [(e.name, e.variables[0].value) for e in legacy.environments] == [
        ("https://store.example", "https://store.example/v2"),
        ("http://store.example", "http://store.example/v2")]
    requests = _by_name(legacy)
    get = requests["Get an item"].spec
    assert get.url == "{{baseUrl}}/anything/items/{{itemId}}?page=1"
    assert [(p.name, p.value, p.enabled) for p in get.params] == [
        ("verbose", "false", False), ("page", "1", True)]
    assert [(h.name, h.enabled) for h in get.headers] == [("X-Trace", False)]
    assert ("itemId", "7") in [(v.name, v.value) for v in legacy.variables]
    put = requests["Update an item"].spec
    assert put.body.kind is BodyKind.JSON
    assert json.loads(put.body.text) == {"name": "string", "price": 0.5, "tags": ["string"]}
    form = requests["Create an item from a form"].spec.body
    assert form.kind is BodyKind.FORM
    assert [(r.name, r.value, r.enabled) for r in form.rows] == [
        ("name", "Lamp", True), ("colour", "red", False)]
    image = requests["Upload an image"].spec.body
    assert image.kind is BodyKind.MULTIPART
    assert [(r.name, r.is_file, r.enabled) for r in image.rows] == [
        ("image", True, False), ("alt", False, False)]


# -- security schemes ------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "request_name", "scheme", "values"), [
    # The global requirement: at the collection, inherited.
    ("pets", None, "apikey", {"name": "X-API-Key", "value": "", "location": "header"}),
    ("pets", "List pets", "inherit", {}),
    ("pets", "Reports", "apikey", {"name": "api_key", "value": "", "location": "query"}),
    ("pets", "getPet", "bearer", {"token": "", "prefix": "Bearer"}),
    ("pets", "Place an order", "basic", {"username": "", "password": ""}),
    ("pets", "Audit log", "digest", {"username": "", "password": ""}),
    ("pets", "Delete a pet", "none", {}),  # security: [] turns the global one off
    ("pets", "Log in", "oauth2", {
        "grant": "authorization_code_pkce", "client_id": "", "client_secret": "",
        "authorization_url": "https://id.shop.example/authorize",
        "token_url": "https://id.shop.example/token", "scope": "pets:read pets:write"}),
    ("pets", "Post a tree", "oauth2", {
        "grant": "authorization_code_pkce", "issuer": "https://id.shop.example",
        "client_id": "", "scope": "openid tree"}),
    ("notes", None, "oauth2", {"grant": "authorization_code_pkce", "client_id": "",
                               "issuer": "https://login.notes.example",
                               "scope": "openid notes"}),
    # mutualTLS cannot be sent as auth: the next alternative, a relative token URL made
    # absolute against the server.
    ("notes", "Create a note", "oauth2", {
        "grant": "password", "client_id": "", "client_secret": "",
        "token_url": "https://notes.example/api/token"}),
    ("legacy", None, "basic", {"username": "", "password": ""}),
    ("legacy", "Get an item", "apikey", {"name": "X-Key", "value": "", "location": "header"}),
    ("legacy", "Search", "apikey", {"name": "key", "value": "", "location": "query"}),
    ("legacy", "Update an item", "oauth2", {
        "grant": "authorization_code_pkce", "client_id": "", "client_secret": "",
        "authorization_url": "https://auth.store.example/authorize",
        "token_url": "https://auth.store.example/token", "scope": "read"}),
    ("legacy", "Create an item from a form", "oauth2", {
        "grant": "client_credentials", "client_id": "", "client_secret": "",
        "token_url": "https://store.example/oauth/token"}),
    ("legacy", "Upload an image", "oauth2", {
        "grant": "implicit", "client_id": "", "client_secret": "",
        "authorization_url": "https://auth.store.example/authorize"}),
])
def test_security_scheme_mapping(request, fixture, request_name, scheme, values):
    result = request.getfixturevalue(fixture)
    auth = result.root.auth if request_name is None else _by_name(result)[request_name].spec.auth
    assert (auth.scheme, auth.values) == (scheme, values)


def test_security_notices(pets, notes):
    text = _where(pets)
    assert "paths./anything/reports.get.security: The API asks for 'apiKeyQuery', " \
           "'apiKeyCookie' together" in text
    assert "components.securitySchemes.oauth: Authorization code flow imported with PKCE" \
        in text
    assert "components.securitySchemes.mtls: The API asks for a client certificate" in \
        _where(notes)


def test_more_scheme_types(tmp_path):
    spec = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://api.example"}], "paths": {},
            "components": {"securitySchemes": {
                "cookie": {"type": "apiKey", "in": "cookie", "name": "sid"},
                "ntlm": {"type": "http", "scheme": "NTLM"},
                "negotiate": {"type": "http", "scheme": "negotiate"},
                "hoba": {"type": "http", "scheme": "hoba"},
                "device": {"type": "oauth2", "flows": {"deviceAuthorization": {
                    "deviceAuthorizationUrl": "/device", "tokenUrl": "/token",
                    "scopes": {}}}},
                "nopkce": {"type": "oauth2", "x-usePkce": False, "flows": {
                    "authorizationCode": {"authorizationUrl": "/a", "tokenUrl": "/t",
                                          "scopes": {}}}}}}}
    expected = {
        "cookie": ("apikey", {"name": "sid", "value": "", "location": "cookie"}),
        "ntlm": ("ntlm", {"username": "", "password": ""}),
        "negotiate": ("kerberos", {}),
        "hoba": ("none", {}),
        "device": ("oauth2", {"grant": "device_code", "client_id": "", "client_secret": "",
                              "token_url": "https://api.example/token",
                              "device_authorization_url": "https://api.example/device"}),
        "nopkce": ("oauth2", {"grant": "authorization_code", "client_id": "",
                              "client_secret": "", "authorization_url": "https://api.example/a",
                              "token_url": "https://api.example/t"}),
    }
    for name, (scheme, values) in expected.items():
        case = copy.deepcopy(spec)
        case["security"] = [{name: []}]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(case))
        result = openapi.read(path)
        assert (result.root.auth.scheme, result.root.auth.values) == (scheme, values), name
    assert "HTTP auth scheme 'hoba' has no Gatepost equivalent" in _where(
        openapi.read(tmp_path / "hoba.json"))


# -- $ref: escapes and loops -------------------------------------------------------------------


def test_ref_outside_the_folder_is_refused_and_listed():
    result = importers.read(DATA / "escape" / "api.yaml")
    text = _where(result)
    body = "paths./anything/outside.post.requestBody.content.application/json.schema"
    assert f"{body}: $ref '../outside.yaml#/Secret' points outside the spec's folder" in text
    assert ("paths./anything/inside.post.requestBody.content.application/json.schema."
            "properties.sneaky: $ref '../../outside.yaml#/Secret' points outside") in text
    assert "paths./anything/absolute.get.parameters[0]: $ref '/etc/passwd#/x' points " \
           "outside" in text
    assert "is a remote URL; Gatepost does not fetch it" in text
    # The rest imports: every operation, the file in the folder read, the outside one not.
    requests = _by_name(result)
    assert set(requests) == {"Inside", "Outside", "Absolute", "Remote"}
    assert json.loads(requests["Inside"].spec.body.text) == {"ok": "fine"}
    assert requests["Outside"].spec.body.kind is BodyKind.NONE
    assert "must-not-be-read" not in repr(result)


def test_ref_loops_are_listed_with_their_path():
    result = importers.read(DATA / "loop" / "api.yaml")
    text = _where(result)
    assert ("paths./anything/loop.post.requestBody: $ref loop: #/components/requestBodies/A"
            " -> #/components/requestBodies/B -> #/components/requestBodies/A.") in text
    assert ("paths./anything/loop-files.post.requestBody.content.application/json.schema: "
            "$ref loop: other.yaml#/Ping -> #/components/schemas/Pong -> other.yaml#/Ping."
            ) in text
    assert [r.name for r in result.root.requests()] == ["Loop", "Loop across files", "Fine"]


def test_ref_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    (tmp_path / "secret.yaml").write_text("S: {type: string, example: leaked}\n")
    (spec_dir / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (spec_dir / "api.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n"
        "      requestBody: {content: {application/json: {schema: {$ref: 'link.yaml#/S'}}}}\n"
        "      responses: {'200': {description: ok}}\n")
    result = importers.read(spec_dir / "api.yaml")
    assert "points outside the spec's folder" in _where(result)
    assert "leaked" not in repr(result)


# -- bad input ---------------------------------------------------------------------------------


def test_python_object_tag_is_refused_not_run(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n"
                    "  /x: !!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(ImportFailed) as caught:
        importers.read(path)
    assert str(path) in str(caught.value)
    assert "line 4" in str(caught.value) and "python/object" in str(caught.value)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_referenced_file_with_a_python_tag_is_listed(tmp_path):
    (tmp_path / "bad.yaml").write_text("S: !!python/name:os.system\n")
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    post:\n"
        "      requestBody: {content: {application/json: {schema: {$ref: 'bad.yaml#/S'}}}}\n"
        "      responses: {'200': {description: ok}}\n")
    result = importers.read(tmp_path / "api.yaml")
    assert "paths./x.post.requestBody.content.application/json.schema: $ref 'bad.yaml#/S'" \
        in _where(result)
    assert "python/name" in _where(result)


def test_truncated_json_names_the_file_and_line(tmp_path):
    whole = (DATA / "v31" / "notes.json").read_text()
    path = tmp_path / "cut.json"
    path.write_text(whole[: len(whole) // 2])
    with pytest.raises(ImportFailed) as caught:
        importers.read(path)
    assert str(path) in str(caught.value)
    assert "not complete JSON" in str(caught.value) and "line" in str(caught.value)


def test_unsupported_version_and_non_mapping(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("swagger: '1.2'\napis: []\n")
    assert not openapi.sniff(path, path.read_text())
    with pytest.raises(ImportFailed, match=r"OpenAPI version 1\.2 is not one"):
        openapi.read(path)
    path.write_text("- openapi: 3.0.0\n")
    with pytest.raises(ImportFailed, match="holds no mapping"):
        openapi.read(path)


def test_yaml_alias_bomb_stays_small_and_fast(tmp_path):
    lines = ["openapi: 3.0.0", "info: {title: bomb, version: '1'}", "x:",
             "  a: &a {type: object, properties: {p: {type: string}}}"]
    previous = "a"
    for level in "bcdefghijk":
        refs = ", ".join(f"p{i}: *{previous}" for i in range(10))
        lines.append(f"  {level}: &{level} {{type: object, properties: {{{refs}}}}}")
        previous = level
    lines += ["paths:", "  /x:", "    post:", "      requestBody:", "        content:",
              "          application/json: {schema: *k}",
              "      responses: {'200': {description: ok}}"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    try:
        result = importers.read(path)
    except ImportFailed as exc:  # refusing it outright is as good as a small sample
        assert str(path) in str(exc)
        return
    assert time.perf_counter() - started < 10
    assert len(result.root.requests()[0].spec.body.text) < 2_000_000


# -- sent ----------------------------------------------------------------------------------------


def _send(engine, result, name, base, no_auth=False, **auth_values):
    request = copy.deepcopy(_by_name(result)[name].spec)
    scope = layer(result.variables)
    scope["baseUrl"] = base
    if request.auth.scheme == "inherit":
        request.auth = copy.deepcopy(result.root.auth)
    request.auth.values.update(auth_values)
    if no_auth:  # a token endpoint on the internet is not for a test
        request.auth = AuthConfig("none")
    exchange = engine.send(resolve_spec(request, scope))
    assert exchange.error is None, exchange.error
    return json.loads(exchange.response.body)


def test_imported_operations_sent_to_a_server(echo_unmasked, engine, httpbin_url, pets, legacy):
    echo = _send(engine, pets, "List pets", httpbin_url, value="k-123")
    assert echo["method"] == "GET"
    assert echo["url"] == f"{httpbin_url}/anything/pets?status=available"
    assert echo["headers"]["X-Api-Key"] == "k-123"
    assert echo["headers"]["Cookie"] == "session=abc"
    assert "X-Request-Id" not in echo["headers"]

    echo = _send(engine, pets, "Add a pet", httpbin_url, value="k")
    assert echo["method"] == "POST"
    assert echo["json"] == json.loads(_by_name(pets)["Add a pet"].spec.body.text)
    assert echo["headers"]["Content-Type"] == "application/json"

    echo = _send(engine, pets, "Replace a pet", httpbin_url, value="k")
    assert echo["url"] == f"{httpbin_url}/anything/pets/42"

    echo = _send(engine, legacy, "Create an item from a form", httpbin_url, no_auth=True)
    assert echo["form"] == {"name": "Lamp"}
    echo = _send(engine, legacy, "Get an item", httpbin_url, value="x-key")
    assert echo["url"] == f"{httpbin_url}/anything/items/7?page=1"
    assert echo["headers"]["X-Key"] == "x-key"
