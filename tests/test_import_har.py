"""HAR 1.2 imported, written, opened and sent. The fixture was written for these tests
from the HAR 1.2 specification; its cookies and credentials are made up."""

import base64
import json

import pytest

from gui.core import importers
from gui.core.collections.lookup import load_collection
from gui.core.importers import ImportFailed, har
from gui.core.model import BodyKind
from tests.importing import DATA, assert_no_secret_in_files, by_name, echoed, send, written

SESSION = DATA / "har" / "shop-session.json"
SECRETS = ["har-query-key-71", "har-cookie-sid-72", "har-form-pw-73", "har-basic-pw-74",
           "har-bearer-tok-75", base64.b64encode(b"ada:har-basic-pw-74").decode()]


@pytest.fixture(scope="module")
def session():
    return importers.read(SESSION)


def request(result, name):
    return next(r for r in result.root.requests() if r.name == name)


def test_found_by_content_though_named_json():
    assert importers.detect(SESSION) is har


def test_one_request_per_entry_in_folders_by_host(session):
    assert session.source == har.LABEL and session.name == "shop-session"
    assert [f.name for f in session.root.children] == ["shop.example", "api.shop.example"]
    assert [r.name for r in session.root.requests()] == [
        "GET /api/items", "POST /api/login", "PUT /v1/cart", "POST /v1/avatar",
        "POST /v1/notes"]
    assert "5 requests, 2 folders" in session.summary()


def test_headers_and_cookies_as_sent(session):
    items = request(session, "GET /api/items").spec
    assert [h.name for h in items.headers] == ["accept", "cookie", "user-agent"]
    assert items.headers[1].value == "{{cookie}}"
    cookie = next(v for v in session.variables if v.name == "cookie")
    assert cookie.secret and cookie.value == "sid=har-cookie-sid-72; theme=dark"
    login = request(session, "POST /api/login").spec
    assert [h.name for h in login.headers] == ["Content-Type", "Origin"]  # no Host, length


def test_query_string_as_typed_and_credentials_moved_out(session):
    items = request(session, "GET /api/items").spec
    assert items.url == "https://shop.example/api/items?page=2&api_key={{api_key}}&q=a%20b"
    assert [(p.name, p.value) for p in items.params] == [
        ("page", "2"), ("api_key", "{{api_key}}"), ("q", "a%20b")]


def test_post_data(session):
    login = request(session, "POST /api/login").spec.body
    assert login.kind is BodyKind.FORM
    assert [(r.name, r.value) for r in login.rows] == [
        ("user", "ada"), ("password", "{{password}}"), ("note", "a b!")]
    cart = request(session, "PUT /v1/cart").spec.body
    assert (cart.kind, cart.text) == (BodyKind.JSON, '{"items": [1, 2]}')
    avatar = request(session, "POST /v1/avatar").spec
    assert avatar.body.kind is BodyKind.MULTIPART
    assert [(r.name, r.value, r.is_file) for r in avatar.body.rows] == [
        ("caption", "me on holiday", False), ("photo", "beach.jpg", True)]
    assert not any(h.name.lower() == "content-type" for h in avatar.headers)
    notes = request(session, "POST /v1/notes").spec.body
    assert (notes.kind, notes.content_type) == (BodyKind.RAW, "text/plain;charset=UTF-8")


def test_recorded_authorization_becomes_its_scheme(session):
    cart = request(session, "PUT /v1/cart").spec
    assert cart.auth.scheme == "basic"
    assert cart.auth.values == {"username": "ada", "password": "har-basic-pw-74"}
    assert not any(h.name.lower() == "authorization" for h in cart.headers)
    avatar = request(session, "POST /v1/avatar").spec
    assert avatar.auth.values == {"token": "har-bearer-tok-75"}


def test_non_http_entries_skipped_and_listed(session):
    notices = [str(n) for n in session.notices]
    assert "log.entries[4]: a data: entry is not an HTTP request; skipped." in notices
    assert "log.entries[5]: a chrome-extension: entry is not an HTTP request; skipped." \
        in notices
    assert not any("secret-ext-76" in n for n in notices)
    assert any("beach.jpg" in n and "choose it" in n for n in notices)


def test_secrets_never_in_a_written_file(session, tmp_path):
    collection, store = written(session, tmp_path)
    assert_no_secret_in_files(collection.path, SECRETS)
    filled = load_collection(collection.path, store)
    cart = next(r for r in filled.requests() if r.name == "PUT /v1/cart")
    assert cart.spec.auth.values["password"] == "har-basic-pw-74"


def test_cookies_array_without_a_cookie_header(tmp_path):
    path = tmp_path / "c.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [{"request": {
        "method": "GET", "url": "http://127.0.0.1:1/", "headers": [],
        "cookies": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]}}]}}))
    spec = importers.read(path).root.requests()[0].spec
    assert [(h.name, h.value) for h in spec.headers] == [("Cookie", "{{cookie}}")]


@pytest.mark.parametrize("content, words", [
    ('{"log": {"version": "1.2", "entries": [{"request": {', "truncated"),
    ('{"log": {"version": "1.2", "creator": {}}}', "no log.entries"),
])
def test_bad_har(tmp_path, content, words):
    path = tmp_path / "bad.har"
    path.write_text(content)
    with pytest.raises(ImportFailed) as caught:
        importers.read(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_sent_end_to_end(echo_unmasked, tmp_path, httpbin_url, engine):
    text = SESSION.read_text().replace("https://shop.example/api", httpbin_url + "/anything")
    path = tmp_path / "local.har"
    path.write_text(text)
    collection, store = written(importers.read(path), tmp_path)
    host = httpbin_url.split("//")[1].split(":")[0]
    items = echoed(send(collection.path, store, f"{host}/GET /anything/items", engine))
    assert items["args"] == {"page": "2", "api_key": "har-query-key-71", "q": "a b"}
    assert items["headers"]["Cookie"] == "sid=har-cookie-sid-72; theme=dark"
    assert items["headers"]["User-Agent"] == "Mozilla/5.0 (X11; Linux x86_64)"
    login = echoed(send(collection.path, store, f"{host}/POST /anything/login", engine))
    assert login["form"] == {"user": "ada", "password": "har-form-pw-73", "note": "a b!"}
    assert by_name(collection, "POST /anything/login").spec.method == "POST"


def test_odd_entries_are_listed_not_crashed_on(tmp_path):
    path = tmp_path / "odd.har"
    path.write_text('{"log": {"version": "1.2", "entries": [1, {"request": {"url": 5}},'
                    ' {"request": {"url": "http://x/", "headers": 3, "cookies": {},'
                    ' "postData": {"mimeType": "multipart/form-data", "text": "junk"}}}]}}')
    result = importers.read(path)
    assert len(result.root.requests()) == 1
    assert [n.where for n in result.notices][:2] == ["log.entries[0]", "log.entries[1]"]
