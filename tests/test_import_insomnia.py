"""Insomnia exports (v4 JSON and YAML, v5 YAML) imported, written, opened and sent.

The fixtures in tests/data/import/insomnia were written for these tests from Insomnia's
documented export format; the secrets in them are made up and must never reach a file
the import writes."""

import base64
from pathlib import Path

import pytest

from gui.core import importers
from gui.core.collections.lookup import load_collection
from gui.core.importers import ImportFailed, insomnia
from gui.core.model import BodyKind
from tests.importing import DATA, assert_no_secret_in_files, by_name, echoed, send, written

HERE = DATA / "insomnia"
SECRETS = ["tok-base-7f3a9c", "cs-staging-51d2", "basic-pw-c41f", "literal-hdr-token-93",
           "form-pw-0b77"]
AUTH_SECRETS = ["auth-basic-pw-1", "auth-digest-pw-2", "auth-bearer-tok-3", "auth-apikey-4",
                "auth-apikey-5", "auth-apikey-6", "auth-oauth1-cs-7", "auth-oauth1-ts-8",
                "auth-rsa-inline-9", "auth-oauth2-cs-10", "auth-oauth2-cs-11",
                "auth-oauth2-cs-12", "auth-oauth2-pw-13", "auth-aws-sk-14", "auth-aws-st-15",
                "auth-ntlm-pw-16", "auth-hawk-key-17", "auth-asap-inline-18",
                "auth-disabled-tok-19"]


def test_v4_json_tree_written_and_opened(tmp_path):
    result = importers.read(HERE / "shop-v4.json")
    assert result.source == insomnia.LABEL and result.name == "Shop API"
    assert "11 requests, 2 folders, 2 environments" in result.summary()
    collection, store = written(result, tmp_path)

    users = next(f for f in collection.root.children if f.name == "Users")
    assert [h.name for h in users.headers] == ["X-Team"]
    assert users.auth.scheme == "bearer"
    # A secret field is kept in the keychain even when it holds a {{reference}}.
    filled = load_collection(collection.path, store)
    users = next(f for f in filled.root.children if f.name == "Users")
    assert users.auth.values["token"] == "{{auth.token}}"

    listed = by_name(collection, "List users").spec
    assert listed.url == "{{baseUrl}}/get?page=1&limit=10"
    assert [(p.name, p.value, p.enabled) for p in listed.params] == [
        ("page", "1", True), ("limit", "10", True), ("debug", "1", False)]
    assert [(h.name, h.enabled) for h in listed.headers] == [("Accept", True),
                                                             ("X-Old", False)]
    assert listed.auth.scheme == "inherit"
    assert listed.options.follow_redirects is False
    assert by_name(collection, "Get user").spec.url == "{{baseUrl}}/anything/users/{{userId}}"
    assert by_name(collection, "Audit log").parent.name == "Admin"

    env_names = sorted(e.name for e in collection.environments)
    assert env_names == ["Production", "Staging"]
    variables = {v.name: v for v in collection.variables}
    assert variables["baseUrl"].value == "{{scheme}}://{{host}}"
    assert variables["auth.token"].secret and variables["retries"].value == "3"
    assert variables["userId"].value == "42"  # a folder's variable, moved up and listed
    staging = next(e for e in collection.environments if e.name == "Staging")
    assert {v.name for v in staging.variables if v.secret} == {"client_secret"}
    assert_no_secret_in_files(collection.path, SECRETS)


def test_every_body_kind(tmp_path):
    collection, _ = written(importers.read(HERE / "shop-v4.json"), tmp_path)
    create = by_name(collection, "Create user").spec.body
    assert create.kind is BodyKind.JSON and '"team": "{{userId}}"' in create.text
    form = by_name(collection, "Login form").spec.body
    assert form.kind is BodyKind.FORM
    assert [(r.name, r.enabled) for r in form.rows] == [("username", True), ("password", True),
                                                       ("remember", False)]
    upload = by_name(collection, "Upload avatar").spec
    assert upload.body.kind is BodyKind.MULTIPART
    assert [(r.name, r.value, r.is_file, r.enabled) for r in upload.body.rows] == [
        ("caption", "me, {{userId}}", False, True),
        ("avatar", "/tmp/gatepost-avatar.png", True, True), ("old", "x", False, False)]
    assert not any(h.name.lower() == "content-type" for h in upload.headers)
    gql = by_name(collection, "GraphQL me").spec.body
    assert gql.kind is BodyKind.JSON and '"query": "query Me($id: ID!)' in gql.text
    assert '"id": "42"' in gql.text
    blob = by_name(collection, "Upload blob").spec.body
    assert (blob.kind, blob.path) == (BodyKind.FILE, "/tmp/gatepost-blob.bin")
    xml = by_name(collection, "Raw XML").spec.body
    assert (xml.kind, xml.content_type, xml.text) == (BodyKind.RAW, "application/xml",
                                                      '<order id="{{userId}}"/>')
    assert by_name(collection, "Plain text").spec.body.text == "hello {{host}}"


def test_templating_and_what_needs_attention():
    result = importers.read(HERE / "shop-v4.json")
    notices = [str(n) for n in result.notices]
    tags = by_name_tree(result, "Template tags").spec
    assert tags.url == "{{baseUrl}}/anything/{% uuid 'v4' %}"
    assert any("Template tags" in n and "{% uuid %}" in n for n in notices)
    assert any("{% response %}" in n for n in notices)
    assert any("{{ _.host | upper }}" in n for n in notices)
    assert any(n.startswith("Users:") and "pre-request script" in n for n in notices)
    after = next(n for n in result.notices if "after-response" in n.message)
    assert "insomnia.environment.set('id', body.id);" in after.details
    assert any("gRPC" in n for n in notices)
    assert any("unit tests" in n for n in notices)
    assert any("cookie" in n for n in notices)


def by_name_tree(result, name):
    return next(r for r in result.root.requests() if r.name == name)


EXPECTED_AUTH = {
    "basic": ("basic", {"username": "ada", "password": "auth-basic-pw-1"}),
    "digest": ("digest", {"username": "ada", "password": "auth-digest-pw-2"}),
    "bearer": ("bearer", {"token": "auth-bearer-tok-3", "prefix": "Token"}),
    "apikey-header": ("apikey", {"name": "X-API-Key", "location": "header"}),
    "apikey-query": ("apikey", {"name": "api_key", "location": "query"}),
    "apikey-cookie": ("apikey", {"name": "session", "location": "cookie"}),
    "oauth1": ("oauth1", {"consumer_key": "ck-1", "token": "tk-1", "realm": "photos",
                          "signature_method": "HMAC-SHA256", "verifier": "v-1",
                          "token_secret": "auth-oauth1-ts-8"}),
    "oauth1-rsa": ("oauth1", {"consumer_key": "ck-2", "signature_method": "RSA-SHA1"}),
    "oauth2-code-pkce": ("oauth2", {"grant": "authorization_code_pkce", "client_id": "app-1",
                                    "token_url": "https://id.example/token",
                                    "client_auth": "client_secret_post",
                                    "redirect_port": "8765", "scope": "openid profile",
                                    "audience": "https://api.shop.example",
                                    "client_secret": "auth-oauth2-cs-10"}),
    "oauth2-code": ("oauth2", {"grant": "authorization_code", "client_id": "app-2"}),
    "oauth2-client": ("oauth2", {"grant": "client_credentials", "scope": "read"}),
    "oauth2-password": ("oauth2", {"grant": "password", "username": "ada",
                                   "password": "auth-oauth2-pw-13"}),
    "oauth2-implicit": ("oauth2", {"grant": "implicit", "client_id": "spa"}),
    "oauth2-refresh": ("oauth2", {"grant": "refresh_token"}),
    "aws-iam": ("aws-sigv4", {"access_key": "AKIDEXAMPLE", "region": "eu-west-1",
                              "service": "execute-api", "session_token": "auth-aws-st-15"}),
    "ntlm": ("ntlm", {"username": "CORP\\ada", "password": "auth-ntlm-pw-16"}),
    "hawk": ("hawk", {"auth_id": "dh37fgj492je", "auth_key": "auth-hawk-key-17",
                      "algorithm": "sha256", "ext": "some-app-data", "payload_hash": True}),
    "asap": ("asap", {"issuer": "shop", "kid": "shop/key1", "audience": "orders",
                      "extra_claims": '{"tier": 1}'}),
    "netrc": ("netrc", {}),
    "none": ("none", {}),
    "inherit": ("inherit", {}),
    "disabled": ("none", {}),
    "unknown": ("none", {}),
}


@pytest.fixture(scope="module")
def auth_zoo():
    return importers.read(HERE / "auth-v4.json")


@pytest.mark.parametrize("name", sorted(EXPECTED_AUTH))
def test_each_auth_mapping(auth_zoo, name):
    scheme, values = EXPECTED_AUTH[name]
    auth = by_name_tree(auth_zoo, name).spec.auth
    assert auth.scheme == scheme
    assert {k: auth.values.get(k) for k in values} == values


def test_auth_that_cannot_be_carried_is_listed(auth_zoo):
    notices = {n.where: n.message for n in auth_zoo.notices}
    assert "PEM file" in notices["oauth1-rsa"] and "PEM file" in notices["asap"]
    assert "redirect URI https://app.example/oauth/cb" in notices["oauth2-code"]
    assert "turned off" in notices["disabled"]
    assert "kerberos-magic" in notices["unknown"]
    assert not any(secret in str(n) + n.details for n in auth_zoo.notices
                   for secret in AUTH_SECRETS)


def test_auth_secrets_go_to_the_keychain_only(auth_zoo, tmp_path):
    collection, store = written(auth_zoo, tmp_path)
    assert_no_secret_in_files(collection.path, AUTH_SECRETS)
    filled = load_collection(collection.path, store)
    basic = next(r for r in filled.requests() if r.name == "basic")
    assert basic.spec.auth.values["password"] == "auth-basic-pw-1"
    hawk = next(r for r in filled.requests() if r.name == "hawk")
    assert hawk.spec.auth.values["auth_key"] == "auth-hawk-key-17"


def test_v4_yaml():
    result = importers.read(HERE / "notes-v4.yaml")
    assert result.name == "Notes" and [e.name for e in result.environments] == ["Local"]
    listed = by_name_tree(result, "List notes").spec
    assert listed.url == "{{baseUrl}}/notes?tag=work"
    assert listed.headers[0].value == "Bearer {{api_token}}"  # a reference is no secret
    add = by_name_tree(result, "Add note").spec
    assert add.url == "{{baseUrl}}/notes" and add.auth.values == {"token": "{{api_token}}"}
    assert {v.name: v.secret for v in result.variables}["api_token"] is True


def test_v5_yaml(tmp_path):
    result = importers.read(HERE / "library-v5.yaml")
    assert result.name == "Library"
    assert [e.name for e in result.environments] == ["Branch office"]
    books = result.root.children[0]
    assert books.name == "Books" and books.auth.scheme == "apikey"
    assert books.auth.values == {"name": "X-Library-Key", "value": "{{library_key}}",
                                 "location": "header"}
    search = by_name_tree(result, "Search books").spec
    assert search.url == "{{base_url}}/anything/books?q=dune"
    assert [(p.name, p.enabled) for p in search.params] == [("q", True), ("lang", False)]
    add = by_name_tree(result, "Add book")
    assert add.spec.auth.scheme == "digest"
    assert '"shelf": "{{shelf}}"' in add.spec.body.text
    messages = " ".join(str(n) for n in result.notices)
    assert "Live loans: Insomnia WebSocket requests are not imported." in messages
    assert "Books: the pre-request script" in messages
    collection, _ = written(result, tmp_path)
    assert_no_secret_in_files(collection.path, ["v5-digest-pw-31", "v5-library-key-32"])


def test_found_by_content_not_name():
    path = HERE / "exported-from-insomnia.txt"
    assert importers.detect(path) is insomnia
    assert importers.read(path).root.requests()[0].name == "Ping"


def test_truncated_json_names_file_and_line():
    with pytest.raises(ImportFailed) as caught:
        importers.read(HERE / "truncated.json")
    message = str(caught.value)
    assert "truncated.json, line 38" in message and "truncated" in message


def test_python_tag_is_refused_never_run(tmp_path):
    marker = Path("/tmp/gatepost-import-pwned")
    marker.unlink(missing_ok=True)
    with pytest.raises(ImportFailed) as caught:
        importers.read(HERE / "python-tag.yaml")
    assert "python-tag.yaml, line 6" in str(caught.value)
    assert "not allowed" in str(caught.value)
    assert not marker.exists()


def test_yaml_bomb_is_refused():
    with pytest.raises(ImportFailed, match="YAML bomb"):
        importers.read(HERE / "bomb.yaml")


def test_not_an_export(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"_type": "exported-thing", "resources": []}')
    with pytest.raises(ImportFailed, match="not a file Gatepost can import"):
        importers.read(path)


def test_sent_end_to_end(tmp_path, httpbin_url, engine):
    collection, store = written(importers.read(HERE / "shop-v4.json"), tmp_path)
    overrides = {"baseUrl": httpbin_url}

    created = echoed(send(collection.path, store, "Users/Create user", engine, overrides))
    assert created["json"] == {"name": "Ada", "team": "42"}
    # The echo of the Basic credential is masked in the record (base64 included).
    echoed_auth = created["headers"]["Authorization"]
    assert echoed_auth.startswith("Basic ") and "****" in echoed_auth
    assert base64.b64encode(b"ada:basic-pw-c41f").decode() not in echoed_auth
    assert created["headers"]["X-Team"] == "users"

    listed = echoed(send(collection.path, store, "Users/List users", engine, overrides))
    assert listed["args"] == {"page": "1", "limit": "10"}
    assert listed["headers"]["Authorization"] == "Bearer ****"  # the echo, masked

    login = echoed(send(collection.path, store, "Login form", engine, overrides))
    assert login["form"] == {"username": "ada", "password": "****"}  # a secret, masked


@pytest.mark.parametrize("name, content", [
    ("odd.json", '{"_type": "export", "resources": [{"_type": "request", "parentId": "gone",'
     ' "name": 5, "url": null, "headers": "x", "parameters": [1, {"name": null}], "body":'
     ' {"mimeType": "multipart/form-data", "params": [null, {"type": "file"}]},'
     ' "authentication": {"type": "oauth2", "grantType": 7}}, {"_type": "environment",'
     ' "parentId": null, "data": [1, 2]}]}'),
    ("odd.yaml", "type: collection.insomnia.rest/5.0\ncollection:\n  - 1\n  - children: 5\n"
     "  - name: x\n    body: [1]\n    authentication: {type: hawk}\nenvironments: [1]\n"),
])
def test_odd_values_are_read_not_crashed_on(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    result = importers.read(path)
    assert len(result.root.requests()) == 1
