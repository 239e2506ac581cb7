"""NTLM and Negotiate to a proxy, against Squid (ntlm_fake_auth; negotiate_kerberos_auth
with the loopback KDC): each 407 and each answer a hop, on one connection."""

from __future__ import annotations

import json

import pytest

from gui.core.http.engine import Engine
from gui.core.http.proxies import ProxySettings
from gui.core.model import AuthConfig, RequestSpec
from tests.proxy_fixture import squid_missing, squid_proxy

needs_squid = pytest.mark.skipif(squid_missing() is not None, reason=squid_missing() or "")
NTLM_USER, NTLM_PASSWORD = "CORP\\ntlmuser", "ntlm-pw-5e2b"


@pytest.fixture(scope="module")
def squid_ntlm():
    with squid_proxy("ntlm") as proxy:
        yield proxy


def manual(url: str, auth: str, username: str = "", password: str = "") -> ProxySettings:
    return ProxySettings("manual", url=url, auth=auth, username=username, password=password)


def kinds(exchange) -> list[tuple[str, int | None]]:
    return [(h.kind.value, h.response.status if h.response else None)
            for h in exchange.hops]


def record(exchange) -> str:
    bodies = [h.response.body.decode("latin-1") for h in exchange.hops if h.response]
    return json.dumps(exchange.to_dict()) + "".join(bodies)


def proxy_tokens(hop) -> tuple[str, str]:
    sent = dict(hop.request.headers).get("Proxy-Authorization", "")
    got = hop.response.header("proxy-authenticate") or "" if hop.response else ""
    return sent, got


@needs_squid
@pytest.mark.parametrize("auth", ["ntlm", "any"])
def test_ntlm_on_plain_http(squid_ntlm, httpbin_url, auth):
    with Engine(proxy=manual(squid_ntlm.url, auth, NTLM_USER, NTLM_PASSWORD)) as engine:
        ex = engine.send(RequestSpec(url=f"{httpbin_url}/headers"))
    assert ex.error is None, ex.error
    assert kinds(ex) == [("request", 407), ("challenge", 407), ("challenge", 200)]
    bare, negotiate, authenticate = ex.hops
    assert proxy_tokens(bare) == ("", "NTLM")
    sent, challenge = proxy_tokens(negotiate)
    assert sent.startswith("NTLM ") and challenge.startswith("NTLM ")
    assert proxy_tokens(authenticate)[0].startswith("NTLM ")
    # One connection for the legs (with `any`, the handshake starts on a connection of
    # the exchange's own once the proxy asked for NTLM).
    fresh = [h.timings.connect is not None for h in ex.hops]
    assert fresh == ([True, False, False] if auth == "ntlm" else [True, True, False])
    echoed = json.loads(ex.response.body)["headers"]
    assert not any(name.lower() == "proxy-authorization" for name in echoed)
    assert NTLM_PASSWORD not in record(ex)
    # Squid let it through: it allows authenticated users only.
    assert "TCP_MISS/200 " in squid_ntlm.log()


@needs_squid
def test_ntlm_on_connect(squid_ntlm, tls_url, tls_context):
    with Engine(tls_context, proxy=manual(squid_ntlm.url, "ntlm", NTLM_USER,
                                          NTLM_PASSWORD)) as engine:
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert ex.error is None, ex.error
    assert kinds(ex) == [("connect", 407), ("connect", 407), ("connect", 200),
                         ("request", 200)]
    first, second, third, _ = ex.hops
    assert first.next_reason == "proxy challenge: NTLM"
    assert proxy_tokens(second)[0].startswith("NTLM ") and \
        proxy_tokens(second)[1].startswith("NTLM ")
    assert proxy_tokens(third)[0].startswith("NTLM ")
    assert third.timings.connect is None  # the legs shared the first CONNECT's connection
    assert NTLM_PASSWORD not in record(ex)


@needs_squid
def test_origin_auth_through_an_ntlm_proxy(squid_ntlm, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/basic-auth/origin-user/origin-pw",
                       auth=AuthConfig("basic", {"username": "origin-user",
                                                 "password": "origin-pw"}))
    with Engine(proxy=manual(squid_ntlm.url, "ntlm", NTLM_USER, NTLM_PASSWORD)) as engine:
        ex = engine.send(spec)
    assert ex.error is None, ex.error
    assert ex.response.status == 200
    assert dict(ex.hops[-1].request.headers)["Authorization"].startswith("Basic ")


@needs_squid
def test_ntlm_without_credentials_and_without_ntlm(squid_ntlm, httpbin_url, tls_url,
                                                   tls_context):
    with Engine(tls_context, proxy=manual(squid_ntlm.url, "any")) as engine:
        assert kinds(engine.send(RequestSpec(url=f"{httpbin_url}/get"))) == \
            [("request", 407)]
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert ex.error.kind == "proxy_auth" and "no proxy credentials" in ex.error.message
    # A scheme the proxy does not offer: said, not looped.
    with Engine(tls_context, proxy=manual(squid_ntlm.url, "digest", "u", "p")) as engine:
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert ex.error.kind == "proxy_auth"
    assert "asks for NTLM" in ex.error.message and "Digest" in ex.error.message


@pytest.fixture(scope="module")
def squid_negotiate(kerberos_realm):
    if squid_missing():
        pytest.skip(squid_missing())
    with squid_proxy("negotiate", realm=kerberos_realm) as proxy:
        yield proxy


def test_negotiate_with_the_session_ticket(squid_negotiate, kerberos_env, httpbin_url,
                                           tls_url, tls_context):
    settings = manual(squid_negotiate.url, "negotiate")
    with Engine(tls_context, proxy=settings) as engine:
        plain = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
        tunnelled = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert plain.error is None, (plain.error, squid_negotiate.log())
    assert kinds(plain) == [("request", 407), ("challenge", 200)]
    assert proxy_tokens(plain.hops[0])[1] == "Negotiate"
    assert proxy_tokens(plain.hops[1])[0].startswith("Negotiate ")
    assert kerberos_env.user in squid_negotiate.log()
    assert tunnelled.error is None, tunnelled.error
    assert kinds(tunnelled) == [("connect", 407), ("connect", 200), ("request", 200)]


def test_negotiate_without_a_ticket_is_a_sentence(squid_negotiate, kerberos_env,
                                                  monkeypatch, tmp_path, tls_url,
                                                  tls_context):
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'no-such-cache'}")
    with Engine(tls_context, proxy=manual(squid_negotiate.url, "negotiate")) as engine:
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert ex.error is not None and ex.error.kind == "proxy_auth", ex.error
    assert "Kerberos ticket" in ex.error.message and "kinit" in ex.error.message
    assert [k for k in kinds(ex) if k[0] == "connect"] == [("connect", 407)]


@needs_squid
def test_ntlm_from_the_command_line(squid_ntlm, httpbin_url):
    from tests.test_proxy_cli import clean_env, gatepost

    result = gatepost("send", "--json", "--proxy", squid_ntlm.url, "--proxy-auth", "ntlm",
                      "--proxy-field", f"username={NTLM_USER}", "--proxy-field",
                      "password=env:NTLM_PW", f"{httpbin_url}/get",
                      env=clean_env(NTLM_PW=NTLM_PASSWORD))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [h["kind"] for h in doc["hops"]] == ["request", "challenge", "challenge"]
    assert doc["hops"][-1]["response"]["status"] == 200
    assert NTLM_PASSWORD not in result.stdout
