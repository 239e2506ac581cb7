"""Cookies through the engine against real servers: a jar across sends and restarts,
redirects and challenges, Secure over http, refused Set-Cookies, and what is recorded."""

import json
import socket
import time

import pytest

from gui.core.http.cookiejar import Cookie, CookieJar
from gui.core.http.engine import Engine
from gui.core.model import AuthConfig, Options, RequestSpec, Row
from gui.core.storage.cookiestore import JarStore
from gui.core.storage.keychain import SecretStore
from tests.fakes import MemoryKeyring


def body(exchange):
    assert exchange.error is None, exchange.error
    return json.loads(exchange.response.text())


def sources(hop):
    return [(c.name, c.source) for c in hop.cookies]


def test_a_cookie_set_by_one_request_goes_with_the_next(engine, httpbin_url):
    jar = CookieJar("scratch")
    first = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?a=1&b=2"), jar=jar)
    # The redirect after the Set-Cookie already carries them, from the jar.
    assert sources(first.hops[0]) == [("a", "set"), ("b", "set")]
    assert sources(first.hops[1]) == [("a", "jar"), ("b", "jar")]
    assert body(first)["cookies"] == {"a": "1", "b": "2"}
    second = engine.send(RequestSpec(url=f"{httpbin_url}/cookies"), jar=jar)
    assert body(second)["cookies"] == {"a": "1", "b": "2"}
    assert sources(second.hops[0]) == [("a", "jar"), ("b", "jar")]
    deleted = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/delete?a"), jar=jar)
    assert ("a", "deleted") in sources(deleted.hops[0])
    assert body(deleted)["cookies"] == {"b": "2"}
    assert [c.name for c in jar.all()] == ["b"]


def test_without_a_jar_each_exchange_has_its_own(engine, httpbin_url):
    first = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?a=1"))
    assert body(first)["cookies"] == {"a": "1"}
    assert body(engine.send(RequestSpec(url=f"{httpbin_url}/cookies")))["cookies"] == {}


def test_send_without_the_jar_neither_reads_nor_writes_it(engine, httpbin_url):
    jar = CookieJar("scratch")
    jar.put(Cookie("kept", "1", "127.0.0.1"))
    off = Options(use_cookie_jar=False)
    ex = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?a=1", options=off), jar=jar)
    assert body(ex)["cookies"] == {"a": "1"}  # its own redirect still carries it
    assert [c.name for c in jar.all()] == ["kept"]


def test_a_jar_that_is_off_sends_nothing_even_within_the_exchange(engine, httpbin_url):
    ex = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?a=1"), jar=CookieJar.off())
    assert body(ex)["cookies"] == {}
    assert ex.hops[0].cookies[0].source == "rejected"


def test_cookie_set_on_a_challenge_goes_with_the_answer_after_a_redirect(engine,
                                                                         httpbin_url):
    """httpbin's Digest with stale_after=1: its 401 sets stale_after=1, and only a
    signed retry that brings that cookie back is answered with stale_after=0."""
    spec = RequestSpec(url=f"{httpbin_url}/redirect-to?url=/digest-auth/auth/u/p/MD5/1",
                       auth=AuthConfig("digest", {"username": "u", "password": "p"}))
    jar = CookieJar("scratch")
    ex = engine.send(spec, jar=jar)
    assert [h.kind.value for h in ex.hops] == ["request", "redirect", "challenge"]
    assert [h.response.status for h in ex.hops] == [302, 401, 200]
    assert ("stale_after", "set") in sources(ex.hops[1])
    assert ("stale_after", "jar") in sources(ex.hops[2])
    assert any(c.name == "stale_after" and c.value == "0" and c.source == "set"
               for c in ex.hops[2].cookies)


def test_a_typed_cookie_header_wins_and_the_jar_adds_the_others(engine, httpbin_url):
    jar = CookieJar("scratch")
    jar.put(Cookie("a", "jar", "127.0.0.1"))
    jar.put(Cookie("b", "jar", "127.0.0.1"))
    spec = RequestSpec(url=f"{httpbin_url}/cookies", headers=[Row("Cookie", "a=typed")])
    ex = engine.send(spec, jar=jar)
    assert body(ex)["cookies"] == {"a": "typed", "b": "jar"}
    assert sources(ex.hops[0]) == [("b", "jar")]


def _loopback_name():
    """A name other than localhost that resolves to this machine (a browser treats it
    as plain http, unlike localhost)."""
    for name in (socket.gethostname(), socket.getfqdn()):
        if not name or name == "localhost" or name.endswith(".localhost"):
            continue
        try:
            if socket.gethostbyname(name).startswith("127."):
                return name
        except OSError:
            continue
    return None


def test_a_secure_cookie_never_goes_over_http_to_another_name(engine, httpbin_url):
    name = _loopback_name()
    if name is None:
        pytest.skip("no host name other than localhost resolves to 127.0.0.1 here")
    port = httpbin_url.rsplit(":", 1)[1]
    url = f"http://{name}:{port}"
    jar = CookieJar("scratch")
    jar.put(Cookie("secret", "1", name, secure=True))
    jar.put(Cookie("plain", "1", name))
    assert body(engine.send(RequestSpec(url=f"{url}/cookies"), jar=jar))["cookies"] == \
        {"plain": "1"}
    set_secure = engine.send(RequestSpec(
        url=f"{url}/response-headers?Set-Cookie=s%3D1%3B%20Secure"), jar=jar)
    refused = next(c for c in set_secure.hops[0].cookies if c.name == "s")
    assert refused.source == "rejected" and "plain http" in refused.note
    # Over http to 127.0.0.1, this machine, a browser sends it: so does Gatepost.
    jar.put(Cookie("secret", "1", "127.0.0.1", secure=True))
    assert body(engine.send(RequestSpec(url=f"{httpbin_url}/cookies"), jar=jar))[
        "cookies"] == {"secret": "1"}


def test_a_secure_cookie_over_https(tls_url, tls_ca):
    import ssl

    context = ssl.create_default_context()
    tls_ca.configure_trust(context)
    jar = CookieJar("scratch")
    with Engine(ssl_context=context) as trusting:
        trusting.send(RequestSpec(url=f"{tls_url}/response-headers?Set-Cookie="
                                      "s%3D1%3B%20Secure%3B%20SameSite%3DStrict"), jar=jar)
        assert body(trusting.send(RequestSpec(url=f"{tls_url}/cookies"), jar=jar))[
            "cookies"] == {"s": "1"}
    assert jar.all()[0].same_site == "Strict"


def test_refused_set_cookies_are_named_and_the_exchange_goes_on(engine, httpbin_url):
    jar = CookieJar("scratch")
    jar.put(Cookie("kept", "1", "127.0.0.1"))
    big = "x" * 5000
    url = (f"{httpbin_url}/response-headers?Set-Cookie=a%3D1%3B%20Domain%3Dexample.com"
           f"&Set-Cookie=big%3D{big}&Set-Cookie=ok%3D1")
    ex = engine.send(RequestSpec(url=url), jar=jar)
    assert ex.error is None and ex.response.status == 200
    rows = {c.name: c for c in ex.hops[0].cookies}
    assert rows["a"].source == "rejected" and "127.0.0.1" in rows["a"].note
    assert rows["big"].source == "rejected" and "4096" in rows["big"].note
    assert rows["ok"].source == "set"
    assert sorted(c.name for c in jar.all()) == ["kept", "ok"]


def test_expiry_from_a_real_server(engine, httpbin_url):
    jar = CookieJar("scratch")
    engine.send(RequestSpec(url=f"{httpbin_url}/response-headers?Set-Cookie="
                                "short%3D1%3B%20Max-Age%3D60"), jar=jar)
    assert [c.name for c in jar.select(f"{httpbin_url}/", now=time.time() + 30)] == ["short"]
    assert jar.select(f"{httpbin_url}/", now=time.time() + 61) == []
    engine.send(RequestSpec(url=f"{httpbin_url}/response-headers?Set-Cookie="
                                "short%3D%3B%20Expires%3DThu%2C%2001%20Jan%201970%2000%3A00"
                                "%3A00%20GMT"), jar=jar)
    assert body(engine.send(RequestSpec(url=f"{httpbin_url}/cookies"), jar=jar))[
        "cookies"] == {}


def test_secret_cookie_values_are_masked_in_the_record(engine, httpbin_url):
    jar = CookieJar("scratch")
    ex = engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?tok=topsecret42"),
                     jar=jar, secrets=("topsecret42",))
    assert all("topsecret42" not in c.value for h in ex.hops for c in h.cookies)
    assert "topsecret42" not in json.dumps(ex.to_dict()["hops"])


def test_across_a_restart_and_nothing_plain_in_the_data_folder(httpbin_url, data_dir):
    keychain = SecretStore(MemoryKeyring())  # the keychain outlives the process
    jars = JarStore(keychain)
    jar = jars.jar("col@1")
    with Engine() as engine:
        engine.send(RequestSpec(url=f"{httpbin_url}/cookies/set?sid=s3ss10n-value-77"),
                    jar=jar)
    assert jars.save(jar) is None
    with Engine() as again:
        ex = again.send(RequestSpec(url=f"{httpbin_url}/cookies"),
                        jar=JarStore(keychain).jar("col@1"))
    assert body(ex)["cookies"] == {"sid": "s3ss10n-value-77"}
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert b"s3ss10n-value-77" not in path.read_bytes(), path
