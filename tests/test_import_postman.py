"""Postman import: collections v2.0/v2.1, environments, globals (gui/core/importers/postman.py),
the writer (importers/write.py) and `gatepost import`. Fixtures in tests/data/import/postman/
were written from Postman's published collection schema; every secret value in them
contains S3CR3T, so a written file can be scanned for all of them at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gui.cli import main
from gui.core import importers
from gui.core.collections.inherit import effective_auth
from gui.core.collections.manage import open_collection
from gui.core.importers import ImportFailed
from gui.core.importers.write import NOTES_FILE, combine, write
from gui.core.model import BodyKind, Row
from gui.core.storage.keychain import SecretStore
from tests.fakes import MemoryKeyring

DATA = Path(__file__).parent / "data" / "import" / "postman"
FULL = DATA / "full.postman_collection.json"
AUTH = DATA / "auth.postman_collection.json"
V20 = DATA / "auth-v20.postman_collection.json"
ENV = DATA / "staging.postman_environment.json"
GLOBALS = DATA / "workspace.postman_globals.json"
#: Secret values of full.postman_collection.json (named there, not marked S3CR3T).
FULL_SECRETS = ["collection-bearer-7f3a91", "folder-basic-pw-55e1", "var-apikey-c0ffee42"]


def requests_by_name(result: importers.ImportResult) -> dict[str, importers.ImportedRequest]:
    assert result.root is not None
    return {r.name: r for r in result.root.requests()}


def fixture_secrets() -> set[str]:
    """Every S3CR3T word in the fixtures' string values (a PEM's inner line too)."""
    found = set(FULL_SECRETS)

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.update(re.findall(r"[A-Za-z0-9_-]*S3CR3T[A-Za-z0-9_-]*", value))
        elif isinstance(value, dict | list):
            for child in value.values() if isinstance(value, dict) else value:
                walk(child)

    for path in DATA.glob("*.json"):
        try:
            walk(json.loads(path.read_text()))
        except ValueError:
            pass  # the truncated one
    return found


def test_detected_by_content_not_name(tmp_path):
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(FULL.read_bytes())
    assert importers.detect(renamed).__name__.endswith(".postman")
    assert importers.detect(ENV).__name__.endswith(".postman")
    assert importers.detect(GLOBALS).__name__.endswith(".postman")


def test_every_body_mode():
    requests = requests_by_name(importers.read(FULL))
    create = requests["Create product"].spec.body
    assert create.kind is BodyKind.JSON and '"price": {{price}}' in create.text
    form = requests["Login (form)"].spec.body
    assert form.kind is BodyKind.FORM
    assert form.rows == [Row("user", "ada"), Row("remember", "yes", enabled=False)]
    parts = requests["Upload cover"].spec.body
    assert parts.kind is BodyKind.MULTIPART
    assert parts.rows == [Row("title", "Dune"), Row("cover", "/home/ada/cover.png", True, True),
                          Row("extra", "/tmp/a.txt", True, True),
                          Row("extra", "/tmp/b.txt", True, True),
                          Row("note", "off", enabled=False)]
    binary = requests["Upload raw file"].spec.body
    assert (binary.kind, binary.path) == (BodyKind.FILE, "/home/ada/export.bin")
    graphql = requests["Search (GraphQL)"].spec.body
    assert graphql.kind is BodyKind.JSON
    assert json.loads(graphql.text) == {
        "query": "query Search($q: String!) { products(q: $q) { id name } }",
        "variables": {"q": "dune"}}
    templated = requests["Search (GraphQL, templated)"].spec.body
    assert '"variables": {"id": {{productId}}}' in templated.text
    xml = requests["Plain text"].spec.body
    assert (xml.kind, xml.content_type, xml.text) == (BodyKind.RAW, "application/xml",
                                                      "<note>hi</note>")


def test_params_headers_urls_and_options():
    requests = requests_by_name(importers.read(FULL))
    listing = requests["List products"].spec
    assert listing.url == "{{baseUrl}}/products?page=1&size={{pageSize}}"
    assert listing.params == [Row("page", "1"), Row("size", "{{pageSize}}"),
                              Row("sort", "price", enabled=False)]
    assert listing.headers == [Row("Accept", "application/json"),
                               Row("X-Debug", "1", enabled=False)]
    assert requests["List products"].description == "Lists products, 20 per page."
    review = requests["Get review"].spec
    assert review.url == "{{baseUrl}}/products/42/reviews/:reviewId"
    ping = requests["Ping"].spec
    assert (ping.method, ping.url, ping.params) == ("GET", "https://shop.example.test/ping?x=1",
                                                    [Row("x", "1")])
    upload = requests["Upload cover"].spec.options
    assert (upload.follow_redirects, upload.verify_tls) == (False, False)


def test_variables_at_every_level():
    result = importers.read(FULL)
    by_name = {v.name: v for v in result.variables}
    assert by_name["baseUrl"].value == "https://shop.example.test/api"
    assert by_name["pageSize"].value == "20"
    assert not by_name["legacy"].enabled
    assert by_name["apiKey"].secret  # a secret-looking name: kept in the keychain
    assert by_name["category"].value == "books"  # a folder's variable, moved up
    said = "\n".join(map(str, result.notices))
    assert "{{category}} became collection variables" in said
    assert "{{apiKey}} looks like a secret" in said


def test_environment_and_globals():
    env = importers.read(ENV)
    assert env.root is None and env.source == "Postman environment"
    (staging,) = env.environments
    values = {v.name: v for v in staging.variables}
    assert values["adminPassword"].secret and values["clientToken"].secret
    assert not values["baseUrl"].secret and not values["debug"].enabled
    glob = importers.read(GLOBALS)
    assert [(v.name, v.value) for v in glob.globals] == [("pageSize", "50"), ("region", "eu")]


def test_nested_folders_and_order_survive_writing(tmp_path):
    collection = write(importers.read(FULL), tmp_path / "shop", SecretStore(MemoryKeyring()))
    opened, problems = open_collection(tmp_path / "shop")
    assert problems == []
    names = [c.name for c in opened.root.children]
    assert names == ["Products", "Login (form)", "Upload cover", "Upload raw file",
                     "Search (GraphQL)", "Search (GraphQL, templated)", "Plain text"]
    products = opened.root.children[0]
    assert [c.name for c in products.children] == ["List products", "Reviews",
                                                    "Create product"]
    deep = products.children[1].children[1].children[0]
    assert (deep.name, deep.children[0].name) == ("Deeper", "Ping")
    assert len(opened.requests()) == len(collection.requests()) == 10


@pytest.mark.parametrize(("name", "scheme", "values"), [
    ("basic", "basic", {"username": "ada", "password": "basic-S3CR3T-1"}),
    ("digest", "digest", {"username": "ada", "password": "digest-S3CR3T-2"}),
    ("bearer", "bearer", {"token": "bearer-S3CR3T-3"}),
    ("apikey query", "apikey", {"name": "api_key", "value": "apikey-S3CR3T-4",
                                "location": "query"}),
    ("apikey header", "apikey", {"name": "X-Api-Key", "location": "header"}),
    ("oauth1", "oauth1", {"consumer_key": "ck", "consumer_secret": "oauth1-S3CR3T-6",
                          "token": "tok", "token_secret": "oauth1-S3CR3T-7",
                          "signature_method": "HMAC-SHA256", "signature_location": "query",
                          "realm": "photos", "callback": "https://cb.test/",
                          "verifier": "ver"}),
    ("oauth1 form body", "oauth1", {"signature_location": "body"}),
    ("oauth2 pkce", "oauth2", {"grant": "authorization_code_pkce",
                               "authorization_url": "https://id.test/authorize",
                               "token_url": "https://id.test/token", "client_id": "client-1",
                               "client_secret": "oauth2-S3CR3T-9", "scope": "openid profile",
                               "client_auth": "client_secret_post", "redirect_port": "8765",
                               "audience": "https://api.test",
                               "extra_auth_params": "prompt=consent",
                               "extra_token_params": "resource=r1"}),
    ("oauth2 client credentials", "oauth2", {"grant": "client_credentials",
                                             "token_placement": "query"}),
    ("oauth2 password", "oauth2", {"grant": "password", "username": "ada",
                                   "password": "oauth2-S3CR3T-12"}),
    ("oauth2 implicit", "oauth2", {"grant": "implicit"}),
    ("oauth2 code", "oauth2", {"grant": "authorization_code"}),
    ("awsv4", "aws-sigv4", {"access_key": "AKIDEXAMPLE", "secret_key": "aws-S3CR3T-14",
                            "session_token": "aws-session-S3CR3T-15", "region": "eu-west-1",
                            "service": "execute-api"}),
    ("ntlm", "ntlm", {"username": "CORP\\ada", "password": "ntlm-S3CR3T-16"}),
    ("hawk", "hawk", {"auth_id": "dh37fgj492je", "auth_key": "hawk-S3CR3T-17",
                      "algorithm": "sha1", "ext": "some-app-data", "app": "app-1",
                      "dlg": "dlg-1", "payload_hash": False}),
    ("edgegrid", "edgegrid", {"client_token": "akab-client",
                              "client_secret": "edgegrid-S3CR3T-18",
                              "access_token": "edgegrid-access-S3CR3T-19",
                              "headers_to_sign": "X-A,X-B"}),
    ("jwt", "jwt-bearer", {"algorithm": "HS384", "secret": "jwt-S3CR3T-20", "issuer": "me",
                           "subject": "ada", "audience": "api",
                           "extra_claims": '{"role": "admin"}', "kid": "k1", "typ": "JWT"}),
    ("asap", "asap", {"issuer": "svc-a", "audience": "svc-b", "kid": "svc-a/key1",
                      "algorithm": "RS256", "lifetime": "3600",
                      "extra_claims": '{"scope": "read"}'}),
    ("noauth", "none", {}),
    ("inherit", "inherit", {}),
    ("unknown", "none", {}),
])
def test_each_auth_type_maps_to_its_scheme(name, scheme, values):
    from gui.core.auth import get

    auth = requests_by_name(importers.read(AUTH))[name].spec.auth
    assert auth.scheme == scheme
    assert {k: auth.values.get(k) for k in values} == values
    known = {f.name for f in get(scheme).fields}
    assert set(auth.values) <= known  # only the scheme's own fields


def test_auth_that_cannot_be_carried_is_listed():
    said = [str(n) for n in importers.read(AUTH).notices]
    assert any(s.startswith("unknown: auth type 'pigeon' has no Gatepost scheme") for s in said)
    assert any(s.startswith("oauth1 form body: OAuth 1 signature method RSA-SHA256") for s in said)
    assert any("oauth2 pkce: the saved access token" in s for s in said)
    assert any("asap: the private key" in s for s in said)
    assert any("oauth2 implicit: OAuth 2 redirect URI" in s for s in said)
    assert not any("S3CR3T" in s for s in said)


def test_version_2_0_auth_objects_and_header_block():
    result = importers.read(V20)
    assert result.source == "Postman collection v2.0" and result.notices == []
    assert result.root is not None
    assert (result.root.auth.scheme, result.root.auth.values) == (
        "basic", {"username": "root", "password": "v20-S3CR3T-1"})
    folder = result.root.folders()[0]
    assert folder.auth.values == {"token": "v20-S3CR3T-2"}
    requests = requests_by_name(result)
    block = requests["With header block"].spec
    assert block.method == "POST"
    assert block.headers == [Row("Accept", "application/json"), Row("X-Trace", "abc")]
    assert requests["Api key"].spec.auth.values["location"] == "query"


def test_inherit_and_noauth_at_each_level(tmp_path):
    c = write(importers.read(FULL), tmp_path / "shop", SecretStore(MemoryKeyring()))
    items = {item.name: item for item in c.requests()}
    assert effective_auth(items["List products"]).scheme == "basic"  # the folder's
    assert effective_auth(items["Ping"]).scheme == "basic"  # three folders down
    assert effective_auth(items["Get review"]).scheme == "none"  # noauth
    assert effective_auth(items["Login (form)"]).scheme == "bearer"  # the collection's


def test_scripts_and_dynamic_variables_are_kept_and_listed(tmp_path):
    result = importers.read(FULL)
    said = [str(n) for n in result.notices]
    assert any(s.startswith("Products / Create product: test script of 3 lines") for s in said)
    assert any(s.startswith("collection: pre-request script of 1 line") for s in said)
    assert any("{{$guid}}, {{$timestamp}}" in s for s in said)
    assert any("path variable :reviewId has no value" in s for s in said)
    write(result, tmp_path / "shop", SecretStore(MemoryKeyring()))
    notes = (tmp_path / "shop" / NOTES_FILE).read_text()
    assert "pm.response.to.have.status(201);" in notes
    assert "pm.variables.set('started', Date.now());" in notes
    assert "Ask #shop-api for a key." in notes  # a description


def test_secrets_never_in_a_written_file(tmp_path, data_dir):
    keychain = MemoryKeyring()
    store = SecretStore(keychain)
    folder = tmp_path / "all"
    result = combine([importers.read(AUTH), importers.read(ENV), importers.read(GLOBALS)])
    write(result, folder, store)
    write(importers.read(FULL), tmp_path / "full", store)
    write(importers.read(V20), tmp_path / "v20", store)
    written = [p for root in (tmp_path, data_dir) for p in root.rglob("*") if p.is_file()]
    assert len(written) > 30
    secrets = fixture_secrets()
    assert len(secrets) > 25
    for path in written:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, (path, secret)
    kept = set(keychain.items.values())
    # Every secret Gatepost has a field for is in the keychain; only the saved token,
    # the private keys and the unknown type's are not kept at all.
    dropped = {s for s in secrets if re.match(r"(oauth2-access|rsa|asap|pigeon)-", s)}
    assert secrets - dropped <= kept
    assert not dropped & kept


def test_environments_and_globals_join_the_collection(tmp_path):
    result = combine([importers.read(FULL), importers.read(ENV), importers.read(GLOBALS)])
    write(result, tmp_path / "shop", SecretStore(MemoryKeyring()))
    opened, _ = open_collection(tmp_path / "shop")
    assert [e.name for e in opened.environments] == ["Staging"]
    values = {v.name: v.value for v in opened.variables}
    assert values["pageSize"] == "20"  # the collection's own wins over the global
    assert values["region"] == "eu"


def test_two_collections_at_once_are_refused():
    with pytest.raises(ImportFailed, match="2 collections were given"):
        combine([importers.read(FULL), importers.read(V20)])


# -- bad input -------------------------------------------------------------------------------


def test_truncated_json_names_the_file_and_line():
    with pytest.raises(ImportFailed) as caught:
        importers.read(DATA / "truncated.postman_collection.json")
    message = str(caught.value)
    assert "truncated.postman_collection.json, line " in message and "truncated" in message


def test_not_a_collection():
    with pytest.raises(ImportFailed, match="not a file Gatepost can import"):
        importers.read(DATA / "not-a-collection.json")


def test_a_schema_gatepost_does_not_read_is_named():
    with pytest.raises(ImportFailed, match=r"v3\.0\.0/collection\.json is not one Gatepost"):
        importers.read(DATA / "future-schema.postman_collection.json")


def test_a_file_over_the_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(importers, "MAX_FILE_SIZE", 1024)
    with pytest.raises(ImportFailed, match=r"full\.postman_collection\.json is 0 MB; files "
                                           r"over 0 MB are not imported"):
        importers.read(FULL)


def test_broken_items_are_skipped_and_listed_while_the_rest_imports():
    result = importers.read(DATA / "broken-items.postman_collection.json")
    assert sorted(requests_by_name(result)) == ["Also good", "Good", "Odd body"]
    said = [str(n) for n in result.notices]
    assert "collection: item[1] is not an object; skipped" in said
    assert any(s.startswith("Bad url: item[2] could not be read") for s in said)
    assert any(s.startswith("No request: item[3] is neither") for s in said)
    assert any("body mode 'carrier-pigeon'" in s for s in said)


def test_nothing_written_into_a_non_empty_folder(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "README").write_text("mine")
    with pytest.raises(ImportFailed, match="is not empty"):
        write(importers.read(V20), folder)
    assert [p.name for p in folder.iterdir()] == ["README"]
    write(importers.read(V20), folder, allow_nonempty=True)
    assert (folder / "README").read_text() == "mine"
    assert (folder / "collection.yaml").is_file()
    with pytest.raises(ImportFailed, match="already a collection"):
        write(importers.read(V20), folder, allow_nonempty=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


# -- gatepost import -------------------------------------------------------------------------


@pytest.fixture
def keychain(monkeypatch):
    memory = MemoryKeyring()
    monkeypatch.setattr("gui.core.storage.keychain.SecretStore", lambda: SecretStore(memory))
    return memory


def test_cli_clean_import_exits_0(tmp_path, keychain, capsys):
    assert main(["import", str(V20), "--into", str(tmp_path / "v20")]) == 0
    out = capsys.readouterr().out
    assert "Postman collection v2.0 'Version 2.0': 3 requests, 1 folder" in out
    assert f"Written to {tmp_path / 'v20'}" in out
    assert "v20-S3CR3T-1" in keychain.items.values()


def test_cli_import_with_attention_exits_3_and_lists_each_item(tmp_path, keychain, capsys):
    code = main(["import", str(FULL), str(ENV), "--into", str(tmp_path / "shop")])
    out = capsys.readouterr().out
    assert code == 3
    assert "Needs attention:" in out
    assert "full.postman_collection.json: Products / Create product: test script" in out
    assert "staging.postman_environment.json: Staging: {{clientToken}}" in out


def test_cli_json(tmp_path, keychain, capsys):
    code = main(["import", str(FULL), "--into", str(tmp_path / "shop"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == report["status"] == 3 and report["ok"]
    assert report["counts"] == {"requests": 10, "folders": 4, "environments": 0,
                                "globals": 0, "notices": len(report["notices"])}
    assert {"where": "Products / Reviews / Get review",
            "message": "path variable :reviewId has no value; it is left in the URL"} \
        in report["notices"]


def test_cli_unreadable_exits_2_and_writes_nothing(tmp_path, keychain, capsys):
    target = tmp_path / "out"
    code = main(["import", str(V20), str(DATA / "truncated.postman_collection.json"),
                 "--into", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert "truncated.postman_collection.json, line" in err and "nothing was written" in err
    assert not target.exists()


def test_cli_non_empty_folder_needs_yes(tmp_path, keychain, capsys):
    (tmp_path / "notes.txt").write_text("keep")
    assert main(["import", str(V20), "--into", str(tmp_path)]) == 2
    assert "is not empty. Use --yes" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert main(["import", str(V20), "--into", str(tmp_path), "--yes"]) == 0
    assert (tmp_path / "notes.txt").read_text() == "keep"


def test_cli_environment_into_an_existing_collection(tmp_path, keychain, capsys):
    assert main(["import", str(V20), "--into", str(tmp_path / "c")]) == 0
    assert main(["import", str(ENV), "--into", str(tmp_path / "c")]) == 3
    opened, _ = open_collection(tmp_path / "c")
    assert [e.name for e in opened.environments] == ["Staging"]
    assert "env-S3CR3T-1" in keychain.items.values()
    assert main(["import", str(ENV), "--into", str(tmp_path / "nowhere")]) == 2
    assert "holds no requests" in capsys.readouterr().err


# -- the fast writer of collection files -----------------------------------------------------

_KEYS = st.sampled_from(["name", "value", "url", "text", "enabled", "order", "rows", "x_y"])
_SCALARS = st.one_of(st.text(), st.integers(), st.booleans(), st.none(),
                     st.sampled_from(["1e5", "0x1F", "0o7", "true", "~", "-.inf", "a: b",
                                      "a #b", "b:", "12:30", "{{x}}", "- a", "'q'", "é ü",
                                      "line\n", "line\n\n", " lead\nx", "\tx\ny", "a\r\nb",
                                      "\u2028", "x\n  y\n"]))
_DOCS = st.recursive(
    st.dictionaries(_KEYS, _SCALARS, min_size=1),
    lambda inner: st.dictionaries(_KEYS, st.one_of(
        _SCALARS, inner, st.lists(inner, min_size=1), st.lists(_SCALARS, min_size=1),
        st.just({"secret": "keychain"})), min_size=1),
    max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS)
def test_fast_yaml_reads_back_as_ruamel_writes(data):
    from gui.core.collections.yamlio import YamlSyntaxError, dump, load_fast
    from gui.core.importers._fastyaml import dump_fast

    try:
        expected = load_fast(dump(data))
    except YamlSyntaxError:
        assume(False)  # what ruamel itself cannot write readably is not this writer's
    assert load_fast(dump_fast(data)) == expected


def test_the_written_collection_folder_is_not_private(tmp_path):
    """The staging folder is made private by mkdtemp; the collection it becomes is a
    folder like any other (a team's checkout), so the umask decides its mode."""
    import os
    import stat

    from gui.core.importers import write as writing

    target = tmp_path / "shared"
    writing.write(importers.read(FULL), target, SecretStore(MemoryKeyring()))
    umask = writing._umask()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o777 & ~umask


def _many_requests(path: Path, count: int) -> Path:
    """A collection of `count` requests (a multiple of 10) in 10 folders."""
    items = [{"name": f"Folder {f}", "item": [
        {"name": f"Request {f}-{r}", "request": {"method": "GET",
                                                 "url": f"https://example.test/{f}/{r}"}}
        for r in range(count // 10)]} for f in range(10)]
    path.write_text(json.dumps({"info": {"name": "Many", "schema": "https://schema.getpostman"
                                         ".com/json/collection/v2.1.0/collection.json"},
                                "item": items}))
    return path


def test_a_large_import_is_written_by_several_threads_whole(tmp_path):
    """Past a few hundred files the writer creates them from a few threads
    (importers/write.py): every file is there and reads back as written."""
    from gui.core.importers import write as writing

    count = 2 * writing._SERIAL_FILES // 10 * 10
    written = write(importers.read(_many_requests(tmp_path / "many.json", count)),
                    tmp_path / "many")
    opened, problems = open_collection(tmp_path / "many")
    assert not problems
    assert len(opened.requests()) == count
    by_path = {r.path: r for r in opened.requests()}
    for item in written.requests():
        assert by_path[item.path].disk.digest == item.disk.digest
        assert by_path[item.path].spec.url == item.spec.url


def test_a_write_that_fails_in_a_thread_leaves_no_collection(tmp_path, monkeypatch):
    from gui.core.importers import write as writing

    calls = []
    real = writing._write_new

    def failing(path: str, data: bytes) -> None:
        calls.append(path)
        if len(calls) == writing._SERIAL_FILES:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(writing, "_write_new", failing)
    source = _many_requests(tmp_path / "many.json", 2 * writing._SERIAL_FILES // 10 * 10)
    target = tmp_path / "out" / "many"
    with pytest.raises(ImportFailed, match="No space left on device"):
        write(importers.read(source), target)
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []  # the staging folder is gone too
