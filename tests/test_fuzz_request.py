"""Fuzz: whatever a person can put in a request (method, URL, headers, body, options, the
fields of every auth scheme), checking it and sending it never ends in an internal
error; every way it can go wrong is a sentence (issue 19).

Requests go to the loopback httpbin, to a closed port, or to names under `.invalid`
(RFC 6761: never found, answered at once), so no example waits on the network; the
options are fuzzed through validate.check and clamped to short limits for the send.
"""

from __future__ import annotations

import math
import os
import socket

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from gui.core.auth import FieldKind, schemes
from gui.core.http.engine import Engine
from gui.core.model import (
    AuthConfig,
    Body,
    BodyKind,
    Options,
    RequestSpec,
    Row,
    Timeouts,
)
from gui.core.present import present
from gui.core.validate import check

ODD = ["", " ", "é", "café", "\t", "a\x00b", "a\r\nb", "{{x}}", "日本", "\u2028", "-",
       "xn--zz", "a" * 70, ".", "..", "%", "%zz", "[", "]", ":", "@", "#", "?", "\\",
       "1e999", "nan", "-1", "0", "null", "{", "[[", '"', "'", ";", "="]
TEXT = st.one_of(
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=24),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=24),
    st.sampled_from(ODD),
)
TOKEN = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~",
                min_size=1, max_size=12)
NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(-10, 10**20), st.just(True), st.sampled_from(["5", ""]))
PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=24)


def _mostly(good: st.SearchStrategy, odd: st.SearchStrategy) -> st.SearchStrategy:
    """`good` nine times in ten: a request with one odd part still reaches the send."""
    return st.integers(0, 9).flatmap(lambda n: odd if n == 0 else good)


#: The limits of a send in this test, whatever the fuzzed options say.
SEND_TIME, SEND_TIMEOUT = 5.0, 3.0


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _urls(httpbin: str, closed: str) -> st.SearchStrategy[str]:
    # A challenge (Digest) and a Location made of the fuzzed text as well.
    at_server = st.builds(lambda base, path: f"{base}{path}",
                          st.sampled_from([httpbin + "/anything/", closed + "/",
                                           httpbin + "/digest-auth/auth/u/p?",
                                           httpbin + "/redirect-to?url=http://",
                                           httpbin + "/redirect-to?url=/"]),
                          _mostly(PRINTABLE, TEXT))
    at_name = st.builds(lambda label: f"http://{label}.invalid/", TEXT)
    odd = st.sampled_from([
        "http://[::1", "http://a..b.invalid/", "ftp://x.invalid/", "http://999.1.1.1/",
        "http://x.invalid:99999/", "http://:80/", "http://%zz.invalid/", "//x.invalid",
        f"http://{'a' * 64}.invalid/", f"http://{'é' * 60}.invalid/", "http://-a.invalid/",
        "http://xn--zz.invalid/", "http://a b.invalid/", "http://[fe80::1%25eth0]:1/",
        "http://😀.invalid/", "http://" + ".".join(["a" * 60] * 5) + ".invalid/",
    ])
    return _mostly(at_server, st.one_of(at_name, TEXT, odd))


def _rows(name: st.SearchStrategy[str], files: bool = False) -> st.SearchStrategy[list[Row]]:
    return st.lists(st.builds(Row, name, _mostly(PRINTABLE, TEXT), st.booleans(),
                              st.booleans() if files else st.just(False)), max_size=4)


BODIES = _mostly(st.just(Body()), st.one_of(
    st.just(Body()),
    st.builds(Body, st.just(BodyKind.RAW), TEXT, content_type=TEXT),
    st.builds(Body, st.just(BodyKind.JSON), st.one_of(
        TEXT, st.integers(500, 60_000).map(_deep_json), st.just("1" * 5000),
        st.just('{"a": [1, 2, {"b": null}]}'))),
    st.builds(Body, st.just(BodyKind.FORM), rows=_rows(TEXT)),
    st.builds(Body, st.just(BodyKind.MULTIPART), rows=_rows(TEXT, files=True)),
    st.builds(Body, st.just(BodyKind.FILE), path=TEXT),
))

def _options(seconds: st.SearchStrategy, count: st.SearchStrategy,
             size: st.SearchStrategy) -> st.SearchStrategy[Options]:
    return st.builds(
        Options, timeouts=st.builds(Timeouts, seconds, seconds, seconds, seconds),
        follow_redirects=st.booleans(), max_redirects=count, verify_tls=st.booleans(),
        http2=st.booleans(), max_time=seconds, max_body_size=size,
        use_cookie_jar=st.booleans(), utf8_headers=st.booleans())


OPTIONS = _mostly(
    _options(st.one_of(st.none(), st.floats(1e-3, 1e7)), st.integers(0, 50),
             st.one_of(st.none(), st.integers(0, 2**70))),
    _options(NUMBER, st.one_of(st.integers(-3, 50), NUMBER),
             st.one_of(st.integers(-5, 2**70), NUMBER)))


@st.composite
def _auth(draw: st.DrawFn) -> AuthConfig:
    """A scheme with every field filled in nine times in ten, else with odd values and
    fields left out."""
    scheme = draw(st.sampled_from(sorted(schemes())))
    odd = draw(st.integers(0, 9)) == 0
    values = {}
    for f in schemes()[scheme].fields:
        if odd and draw(st.booleans()):
            continue  # left out: the default
        if f.kind is FieldKind.CHOICE:
            values[f.name] = draw(st.one_of(st.sampled_from(f.choices), TEXT) if odd
                                  else st.sampled_from(f.choices))
        elif f.kind is FieldKind.FLAG:
            values[f.name] = draw(st.one_of(st.booleans(), TEXT) if odd else st.booleans())
        else:
            values[f.name] = draw(TEXT if odd else PRINTABLE.filter(str.strip))
    return AuthConfig(scheme, values)


@pytest.fixture(scope="module")
def closed_url():
    # A port that was free a moment ago: connecting is refused at once.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def fuzz_engine():
    with Engine() as engine:
        yield engine


def _clamp(spec: RequestSpec) -> None:
    """Short limits for the send, once validate.check has seen the fuzzed ones."""
    options = spec.options
    if options.max_time is None or options.max_time > SEND_TIME:
        options.max_time = SEND_TIME
    t = options.timeouts
    for name in ("connect", "read", "write", "pool"):
        value = getattr(t, name)
        if value is None or value > SEND_TIMEOUT:
            setattr(t, name, SEND_TIMEOUT)


def _assert_sentence(text: str) -> None:
    assert not text.startswith("Unexpected error"), text
    assert "Traceback" not in text, text


def _run(spec: RequestSpec, engine: Engine, fuzzed: bool = False) -> None:
    problems = check(spec)
    if fuzzed:
        # --hypothesis-show-statistics: how many examples reach the send.
        event(f"refused: {problems[0].field}" if problems else "sent")
    for problem in problems:
        _assert_sentence(problem.message)
    if problems:
        exchange = engine.send(spec)
        assert exchange.error is not None and exchange.error.kind == "invalid_request"
        return
    _clamp(spec)
    exchange = engine.send(spec)
    if exchange.error is not None:
        assert exchange.error.kind != "internal", exchange.error.message
        _assert_sentence(exchange.error.message)
    if exchange.response is not None:
        present(exchange.response)  # what the window and the worker do with it


#: More for a longer hunt: GATEPOST_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_request.py
EXAMPLES = int(os.environ.get("GATEPOST_FUZZ_EXAMPLES", "50"))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_request_ends_in_an_internal_error(data, httpbin_url, closed_url, fuzz_engine):
    spec = RequestSpec(
        method=data.draw(_mostly(st.sampled_from(["GET", "POST", "PUT", "get", "QUERY"]),
                                 TEXT), "method"),
        url=data.draw(_urls(httpbin_url, closed_url), "url"),
        headers=data.draw(_rows(_mostly(TOKEN, TEXT)), "headers"),
        body=data.draw(BODIES, "body"),
        options=data.draw(OPTIONS, "options"),
        auth=data.draw(_auth(), "auth"),
    )
    _run(spec, fuzz_engine, fuzzed=True)


@pytest.mark.parametrize("spec", [
    RequestSpec("POST", "{base}/anything", headers=[Row("X-Name", "café")]),
    RequestSpec(url=f"http://{'a' * 70}.invalid/"),
    RequestSpec("POST", "{base}/anything", body=Body(BodyKind.JSON, _deep_json(60_000))),
    RequestSpec("POST", "{base}/anything", body=Body(BodyKind.JSON, "1" * 5000)),
    RequestSpec(url="{base}/anything", options=Options(max_time=math.nan)),
], ids=["non-ascii header", "long label", "deep json", "5000 digits", "nan max time"])
def test_the_inputs_of_issue_19(spec, httpbin_url, fuzz_engine):
    spec.url = spec.url.format(base=httpbin_url)
    _run(spec, fuzz_engine)


@example(depth=60_000)
@given(depth=st.integers(990, 1100))
@settings(max_examples=10, deadline=None)
def test_json_about_the_parser_limit_is_checked_without_error(depth):
    assert check(RequestSpec("POST", "http://x.invalid/",
                             body=Body(BodyKind.JSON, _deep_json(depth)))) == []
