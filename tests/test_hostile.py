"""Hostile servers (issue 19): every one ends within the exchange's deadline, with a
sentence, the record kept and nothing left behind; through the engine and `gatepost
send`. Margins are generous: the deadline is what is tested, not the machine's speed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest

from gui.core.http.engine import Engine
from gui.core.model import AuthConfig, Options, RequestSpec
from tests.hostile_servers import hostile_server

LIMIT = 2.0
#: What a loaded 2-core box may add to a deadline (thread scheduling, imports).
SLACK = 10.0


@pytest.fixture(scope="module")
def hostile_url():
    with hostile_server() as url:
        yield url


def _send(url: str, **options) -> tuple:
    spec = RequestSpec(url=url, options=Options(**options))
    with Engine() as engine:
        started = time.monotonic()
        exchange = engine.send(spec)
        return exchange, time.monotonic() - started


@pytest.mark.parametrize(("path", "phase"), [
    ("/endless", "receiving the body"),
    ("/endless-chunks", "receiving the body"),
    ("/drip-body", "receiving the body"),
    ("/drip-headers", "waiting for the response headers"),
])
def test_the_deadline_bounds_the_whole_exchange(hostile_url, path, phase):
    exchange, took = _send(hostile_url + path, max_time=LIMIT, max_body_size=None)
    assert LIMIT - 0.1 <= took < LIMIT + SLACK
    assert exchange.error is not None and exchange.error.kind == "deadline"
    message = exchange.error.message
    assert f"time limit of {LIMIT:g} s while {phase} (hop 1, request to 127.0.0.1)" in message
    assert len(exchange.hops) == 1  # the record is kept
    response = exchange.hops[0].response
    if phase == "receiving the body":
        assert response is not None and response.status == 200
        assert response.body_size > 0  # what came is kept
        assert "time limit" in response.body_error
    else:
        assert response is None


def test_the_deadline_is_also_for_the_hops_after_a_redirect(hostile_url, httpbin_url):
    target = quote(hostile_url + "/drip-body", safe="")
    exchange, took = _send(f"{httpbin_url}/redirect-to?url={target}", max_time=LIMIT)
    assert took < LIMIT + SLACK
    assert exchange.error.kind == "deadline"
    assert "(hop 2, redirect to 127.0.0.1)" in exchange.error.message
    assert [h.response.status for h in exchange.hops] == [302, 200]


def test_an_endless_body_stops_at_the_size_limit(hostile_url):
    exchange, _ = _send(hostile_url + "/endless-chunks", max_body_size=3_000_000)
    assert exchange.error.kind == "too_large"
    assert "limit of 2.9 MB" in exchange.error.message
    assert "--max-filesize" in exchange.error.message
    response = exchange.hops[0].response
    assert response.body_size == 3_000_000
    assert response.data.read(0, 4) == b"xxxx"


def test_a_gzip_bomb_stops_at_the_limit_decoded(hostile_url):
    exchange, _ = _send(hostile_url + "/gzip-bomb?mb=64", max_body_size=4 << 20)
    assert exchange.error.kind == "too_large"
    response = exchange.hops[0].response
    assert response.body_size == 4 << 20  # decoded bytes, not 64 MB
    assert response.raw is not None and 0 < response.raw.size < 1 << 20


@pytest.mark.parametrize(("path", "words"), [
    ("/truncated-chunk", "incomplete chunked read"),
    ("/garbage-status", "illegal status line"),
    ("/huge-header", "The server broke the HTTP protocol"),
])
def test_broken_http_is_a_protocol_error(hostile_url, path, words):
    exchange, took = _send(hostile_url + path, max_time=30.0)
    assert took < 30
    assert exchange.error.kind == "protocol"
    assert words in exchange.error.message
    assert len(exchange.hops) == 1
    if path == "/truncated-chunk":
        assert exchange.hops[0].response.body.startswith(b"hello")
        assert "incomplete" in exchange.hops[0].response.body_error


MALFORMED_DIGEST = [
    'Digest realm="x", nonce',  # a token without "=": was "Unexpected error (ValueError)"
    "Digest nonce",
    "Digest ,,,",
    "Digest =",
    'Digest realm=',
    'Digest realm="x", nonce="n", opaque',
    'Digest realm="x", nonce="n", qop="bogus"',
    'Digest realm="x"',
    'Digest realm="x, nonce="n"',
    'Digest realm="x", nonce="n", algorithm=WHAT',
    'Digest realm="x", nonce="n", qop="auth-int"',
]


@pytest.mark.parametrize("value", MALFORMED_DIGEST)
def test_malformed_digest_challenges_get_a_sentence(hostile_url, value):
    spec = RequestSpec(url=f"{hostile_url}/challenge?value={quote(value)}",
                       auth=AuthConfig("digest", {"username": "u", "password": "p"}))
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is not None
    assert exchange.error.kind == "auth", exchange.error
    assert "Unexpected" not in exchange.error.message
    assert exchange.hops[0].response.status == 401


def test_a_401_loop_ends_after_one_answer(hostile_url):
    spec = RequestSpec(url=hostile_url + "/401-loop", options=Options(max_time=30.0),
                       auth=AuthConfig("digest", {"username": "u", "password": "p"}))
    with Engine() as engine:
        exchange = engine.send(spec)
    assert exchange.error is None
    assert [h.kind.value for h in exchange.hops] == ["request", "challenge"]
    assert exchange.response.status == 401


# -- the same through `gatepost send` ---------------------------------------------------


def gatepost(*args: str, tmp_path) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "gui", "send", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            timeout=120)
    return result, time.monotonic() - started


@pytest.mark.parametrize(("path", "words"), [
    ("/endless", "while receiving the body (hop 1"),
    ("/endless-chunks", "while receiving the body (hop 1"),
    ("/drip-body", "while receiving the body (hop 1"),
    ("/drip-headers", "while waiting for the response headers (hop 1"),
])
def test_send_ends_at_max_time(hostile_url, tmp_path, path, words):
    result, took = gatepost(hostile_url + path, "--max-time", "2", "--max-filesize", "0",
                            tmp_path=tmp_path)
    assert took < 2 + SLACK + 5  # plus the interpreter's start
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "time limit of 2 s " + words in result.stderr
    assert list(tmp_path.iterdir()) == []  # the spooled body went with the process


@pytest.mark.parametrize(("path", "words"), [
    ("/gzip-bomb?mb=64", "larger than the limit of 1 MB"),
    ("/truncated-chunk", "incomplete chunked read"),
    ("/garbage-status", "illegal status line"),
    ("/huge-header", "broke the HTTP protocol"),
])
def test_send_says_what_a_hostile_server_did(hostile_url, tmp_path, path, words):
    result, _ = gatepost(hostile_url + path, "--max-filesize", "1M", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr
    assert "Unexpected" not in result.stderr and "Traceback" not in result.stderr


def test_send_with_a_malformed_digest_challenge(hostile_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PW", "p")
    value = quote('Digest realm="x", nonce')
    result, _ = gatepost(f"{hostile_url}/challenge?value={value}", "--auth", "digest",
                         "--auth-field", "username=u", "--auth-field", "password=env:PW",
                         tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Digest challenge could not be read" in result.stderr


def test_send_ends_a_401_loop(hostile_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PW", "p")
    result, _ = gatepost(hostile_url + "/401-loop", "--auth", "digest", "--auth-field",
                         "username=u", "--auth-field", "password=env:PW", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_an_event_stream_watched_in_the_window_outlives_the_deadline(odd_url):
    """The window hands the engine `on_events`: the person watches the stream and
    stops it, so Max time stops counting once it started. Without a watcher (gatepost
    send) the deadline holds for a stream too."""
    spec = RequestSpec(url=f"{odd_url}/sse?n=12&delay=0.25",
                       options=Options(max_time=1.0))
    chunks: list[bytes] = []
    with Engine() as engine:
        watched = engine.send(spec, on_events=chunks.append)
        unwatched = engine.send(spec)
    assert watched.error is None, watched.error
    assert b"data: 11" in b"".join(chunks)
    assert unwatched.error is not None and unwatched.error.kind == "deadline"
