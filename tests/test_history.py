"""Sent requests: recorded in SQLite newest first, searchable, capped, without secrets."""

import threading

import pytest

from gui.core.http.exchange import (
    ErrorInfo,
    Exchange,
    Hop,
    HopKind,
    ReceivedResponse,
    SentRequest,
)
from gui.core.model import AuthConfig, RequestSpec, Row
from gui.core.storage.history import SentRequests, history_file


def exchange(url: str, status: int | None = 200, method: str = "GET") -> Exchange:
    response = ReceivedResponse(status, "", "HTTP/1.1", []) if status else None
    error = None if status else ErrorInfo("refused", "Connection refused")
    return Exchange([Hop(HopKind.REQUEST, SentRequest(method, url, [], 0, 0), response)],
                    error, total=0.25)


def record(store: SentRequests, url: str, status: int | None = 200, method: str = "GET"):
    return store.record(RequestSpec(method, url), exchange(url, status, method))


@pytest.fixture
def sent():
    return SentRequests()


def test_it_lives_in_the_data_folder(sent, data_dir):
    record(sent, "http://a/")
    assert sent.path == history_file() == data_dir / "history.sqlite3"
    assert sent.path.exists()


def test_entries_come_newest_first_with_their_summary(sent):
    record(sent, "http://a/", 200)
    record(sent, "http://b/", None, "POST")
    newest, oldest = sent.list()
    assert (newest.method, newest.url, newest.status, newest.error) == (
        "POST", "http://b/", None, "refused")
    assert (oldest.url, oldest.status, oldest.duration) == ("http://a/", 200, 0.25)
    assert newest.time >= oldest.time


@pytest.mark.parametrize(("search", "found"), [
    ("users", ["http://api/users"]), ("post", ["http://api/orders"]),
    ("4xx", ["http://api/orders"]), ("20", ["http://api/users"]),
    ("get users", ["http://api/users"]), ("100%", []), ("", ["http://api/orders",
                                                           "http://api/users"]),
])
def test_search_by_url_method_and_status(sent, search, found):
    record(sent, "http://api/users", 200)
    record(sent, "http://api/orders", 404, "POST")
    assert [e.url for e in sent.list(search)] == found


def test_get_reopens_the_request(sent):
    spec = RequestSpec("PUT", "http://a/x", headers=[Row("Accept", "text/csv")])
    entry_id = sent.record(spec, exchange("http://a/x"))
    assert sent.get(entry_id) == spec


def test_get_of_a_missing_entry_is_a_key_error(sent):
    with pytest.raises(KeyError):
        sent.get(42)


def test_clear_empties_it(sent):
    record(sent, "http://a/")
    sent.clear()
    assert sent.list() == [] and sent.count() == 0


def test_the_oldest_are_dropped_past_the_cap(sent):
    capped = SentRequests(sent.path, cap=3)
    for n in range(5):
        record(capped, f"http://a/{n}")
    assert [e.url for e in capped.list()] == ["http://a/4", "http://a/3", "http://a/2"]


def test_no_secret_reaches_the_database_file(sent):
    spec = RequestSpec("GET", "http://a/?key=p%40ss-in-url", headers=[
        Row("Authorization", "Bearer typed-token"), Row("X-Var", "var-secret")],
        auth=AuthConfig("basic", {"username": "u", "password": "p@ss-in-url"}))
    sent.record(spec, exchange(spec.url), secrets=("var-secret",))
    stored = b"".join(p.read_bytes() for p in sent.path.parent.glob("history.sqlite3*"))
    for secret in (b"p@ss-in-url", b"p%40ss-in-url", b"typed-token", b"var-secret"):
        assert secret not in stored
    assert sent.get(1).auth == AuthConfig("basic", {"username": "u", "password": ""})


def test_a_real_exchange_is_recorded_masked(sent, engine, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/basic-auth/u/pw-123",
                       auth=AuthConfig("basic", {"username": "u", "password": "pw-123"}))
    sent.record(spec, engine.send(spec))
    (entry,) = sent.list("basic-auth 200")
    stored = b"".join(p.read_bytes() for p in sent.path.parent.glob("history.sqlite3*"))
    assert entry.url.endswith("/basic-auth/u/****") and b"pw-123" not in stored


def test_worker_threads_can_record_at_once(sent):
    threads = [threading.Thread(target=record, args=(sent, f"http://a/{n}"))
               for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sent.count() == 8
