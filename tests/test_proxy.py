"""Proxies against real ones on 127.0.0.1: Squid (plain, Basic, Digest) and a SOCKS5
server (tests/proxy_fixture.py), with httpbin behind them."""

from __future__ import annotations

import json
import ssl

import pytest

from gui.core.http.engine import Engine
from gui.core.http.exchange import HopKind
from gui.core.http.proxies import ProxySettings
from gui.core.model import AuthConfig, RequestSpec
from tests.proxy_fixture import PASSWORD, USER, socks5_proxy, squid_missing, squid_proxy
from tests.servers import free_port

needs_squid = pytest.mark.skipif(squid_missing() is not None, reason=squid_missing() or "")


@pytest.fixture(scope="module")
def squid():
    with squid_proxy() as proxy:
        yield proxy


@pytest.fixture(scope="module")
def squid_basic():
    with squid_proxy("basic") as proxy:
        yield proxy


@pytest.fixture(scope="module")
def squid_digest():
    with squid_proxy("digest") as proxy:
        yield proxy


def manual(url: str, auth: str = "any", username: str = "", password: str = "",
           bypass: str = "") -> ProxySettings:
    return ProxySettings("manual", url=url, auth=auth, username=username,
                         password=password, bypass=bypass)


def send(settings: ProxySettings, url: str, context: ssl.SSLContext | None = None,
         **kwargs):
    with Engine(context, proxy=settings) as engine:
        return engine.send(RequestSpec(url=url), **kwargs)


def kinds(exchange) -> list[tuple[str, int | None]]:
    return [(h.kind.value, h.response.status if h.response else None)
            for h in exchange.hops]


def everything(exchange) -> str:
    """The whole record as JSON text, and each body: what a secret must never be in."""
    bodies = [h.response.body.decode("latin-1") for h in exchange.hops if h.response]
    return json.dumps(exchange.to_dict()) + "".join(bodies)


@needs_squid
def test_plain_http_goes_through_the_proxy(squid, httpbin_url):
    ex = send(manual(squid.url), f"{httpbin_url}/get?via=proxy")
    assert ex.error is None, ex.error
    assert kinds(ex) == [("request", 200)]
    hop = ex.hops[0]
    assert hop.proxy == squid.url
    assert hop.remote_address == f"127.0.0.1:{squid.port}"
    assert json.loads(ex.response.body)["args"] == {"via": "proxy"}
    assert f"GET {httpbin_url}/get" in squid.log()
    assert ex.to_dict()["hops"][0]["proxy"] == squid.url


@needs_squid
def test_https_goes_through_a_connect_tunnel(squid, tls_url, tls_context):
    ex = send(manual(squid.url), f"{tls_url}/get", tls_context)
    assert ex.error is None, ex.error
    assert kinds(ex) == [("connect", 200), ("request", 200)]
    connect, request = ex.hops
    target = tls_url.removeprefix("https://")
    assert connect.request.method == "CONNECT" and connect.request.url == target
    assert connect.proxy == request.proxy == squid.url
    assert connect.timings.connect is not None and connect.timings.wait is not None
    # The handshake went to the origin, through the tunnel; the CONNECT's time is its own.
    assert request.tls is not None and request.timings.tls is not None
    assert request.timings.connect is None
    assert request.timings.start >= connect.timings.start + connect.timings.total - 1e-6
    assert connect.response.reason == "Connection established"


@needs_squid
def test_a_second_request_reuses_the_connection_to_the_proxy(squid, httpbin_url):
    # (httpbin closes its connections, so a tunnel to it cannot be reused; Squid keeps
    # the one from the client open.)
    with Engine(proxy=manual(squid.url)) as engine:
        first = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
        second = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert first.hops[0].timings.connect is not None
    assert second.hops[0].timings.connect is None
    assert second.hops[0].proxy == squid.url


@needs_squid
@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_proxy_auth_on_plain_http(request, scheme, httpbin_url):
    proxy = request.getfixturevalue(f"squid_{scheme}")
    ex = send(manual(proxy.url, scheme, USER, PASSWORD), f"{httpbin_url}/headers")
    assert ex.error is None, ex.error
    assert kinds(ex) == [("request", 407), ("challenge", 200)]
    challenge, answer = ex.hops
    assert challenge.response.header("proxy-authenticate").lower().startswith(scheme)
    assert challenge.next_reason == f"challenge: {scheme.title()}"
    sent = dict(answer.request.headers)
    assert sent["Proxy-Authorization"].lower().startswith(scheme)
    # The proxy consumed the credentials: the origin never saw them.
    echoed = json.loads(ex.response.body)["headers"]
    assert not any(name.lower() == "proxy-authorization" for name in echoed)
    assert PASSWORD not in everything(ex)


@needs_squid
@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_proxy_auth_on_connect(request, scheme, tls_url, tls_context):
    proxy = request.getfixturevalue(f"squid_{scheme}")
    ex = send(manual(proxy.url, scheme, USER, PASSWORD), f"{tls_url}/headers", tls_context)
    assert ex.error is None, ex.error
    assert kinds(ex) == [("connect", 407), ("connect", 200), ("request", 200)]
    refused, opened, request_hop = ex.hops
    assert refused.next_reason == f"proxy challenge: {scheme.title()}"
    assert "Proxy-Authorization" not in dict(refused.request.headers)
    assert dict(opened.request.headers)["Proxy-Authorization"].lower().startswith(scheme)
    assert "proxy-authorization" not in {n.lower() for n, _ in request_hop.request.headers}
    echoed = json.loads(ex.response.body)["headers"]
    assert not any(name.lower() == "proxy-authorization" for name in echoed)
    assert PASSWORD not in everything(ex)


@needs_squid
def test_basic_proxy_credentials_are_masked_in_the_record(squid_basic, httpbin_url):
    import base64

    ex = send(manual(squid_basic.url, "basic", USER, PASSWORD), f"{httpbin_url}/get")
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    text = everything(ex)
    assert token not in text and PASSWORD not in text
    assert dict(ex.hops[1].request.headers)["Proxy-Authorization"].startswith("Basic ")


@needs_squid
def test_origin_auth_works_through_an_authenticated_proxy(squid_digest, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/digest-auth/auth/origin-user/origin-pw",
                       auth=AuthConfig("digest", {"username": "origin-user",
                                                  "password": "origin-pw"}))
    with Engine(proxy=manual(squid_digest.url, "digest", USER, PASSWORD)) as engine:
        ex = engine.send(spec)
    assert ex.error is None, ex.error
    assert ex.response.status == 200
    statuses = [s for _, s in kinds(ex)]
    assert statuses[0] == 407 and 401 in statuses
    # Every hop after the proxy's challenge carries the proxy's answer, and the origin's
    # answer goes in Authorization.
    last = dict(ex.hops[-1].request.headers)
    assert last["Proxy-Authorization"].startswith("Digest")
    assert 'username="origin-user"' in last["Authorization"]
    assert PASSWORD not in everything(ex)


@needs_squid
def test_wrong_proxy_credentials_stop_after_one_answer(squid_basic, httpbin_url, tls_url,
                                                        tls_context):
    ex = send(manual(squid_basic.url, "basic", USER, "wrong"), f"{httpbin_url}/get")
    assert ex.error is None
    assert kinds(ex) == [("request", 407), ("challenge", 407)]
    assert ex.response.status == 407

    ex = send(manual(squid_basic.url, "basic", USER, "wrong"), f"{tls_url}/get", tls_context)
    assert ex.error is not None and ex.error.kind == "proxy_auth"
    assert "refused the credentials" in ex.error.message and "wrong" not in ex.error.message
    assert kinds(ex)[:2] == [("connect", 407), ("connect", 407)]
    assert [k for k, _ in kinds(ex)].count("connect") == 2


@needs_squid
def test_a_407_without_credentials_is_the_answer(squid_basic, httpbin_url, tls_url,
                                                  tls_context):
    ex = send(manual(squid_basic.url), f"{httpbin_url}/get")
    assert kinds(ex) == [("request", 407)]
    ex = send(manual(squid_basic.url), f"{tls_url}/get", tls_context)
    assert ex.error.kind == "proxy_auth"
    assert "no proxy credentials" in ex.error.message
    assert kinds(ex)[0] == ("connect", 407)


def test_a_proxy_that_is_down(httpbin_url, tls_url, tls_context):
    down = f"http://127.0.0.1:{free_port()}"
    for url in (f"{httpbin_url}/get", f"{tls_url}/get"):
        ex = send(manual(down), url, tls_context)
        assert ex.error is not None and ex.error.kind == "proxy", ex.error
        assert f"Could not connect to the proxy {down}" in ex.error.message
        assert "refused" in ex.error.message


def test_socks5(httpbin_url, tls_url, tls_context):
    with socks5_proxy() as (url, server):
        ex = send(manual(url), f"{httpbin_url}/get")
        assert ex.error is None, ex.error
        assert kinds(ex) == [("request", 200)]
        assert ex.hops[0].proxy == url and ex.hops[0].timings.proxy is not None
        ex = send(manual(url), f"{tls_url}/get", tls_context)
        assert ex.error is None, ex.error
        assert ex.hops[0].tls is not None
        ex = send(manual(url.replace("socks5:", "socks5h:")),
                  f"{tls_url.replace('127.0.0.1', 'localhost')}/get", tls_context)
        assert ex.error is None, ex.error
        assert ("localhost", int(tls_url.rsplit(":", 1)[1])) in server.targets


def test_socks5_with_credentials(httpbin_url):
    with socks5_proxy(("sockser", "socks-pw-91")) as (url, _):
        ex = send(manual(url, username="sockser", password="socks-pw-91"),
                  f"{httpbin_url}/get")
        assert ex.error is None, ex.error
        assert "socks-pw-91" not in everything(ex)
        ex = send(manual(url, username="sockser", password="nope"), f"{httpbin_url}/get")
        assert ex.error.kind == "proxy_auth" and "refused the credentials" in ex.error.message
        ex = send(manual(url), f"{httpbin_url}/get")
        assert ex.error.kind == "proxy_auth"


@needs_squid
def test_environment_proxies_and_no_proxy(squid, httpbin_url, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
                 "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", squid.url)
    with Engine() as engine:
        ex = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert ex.hops[0].proxy == squid.url
    monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.1")
    with Engine() as engine:
        ex = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert ex.error is None and ex.hops[0].proxy is None
    # The settings' own bypass list, for a manual proxy.
    ex = send(manual(squid.url, bypass="localhost,127.0.0.0/8"), f"{httpbin_url}/get")
    assert ex.error is None and ex.hops[0].proxy is None
    # "none" ignores the environment.
    with Engine(proxy=ProxySettings("none")) as engine:
        monkeypatch.delenv("NO_PROXY")
        ex = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert ex.hops[0].proxy is None


@needs_squid
def test_a_redirect_past_the_bypass_list_drops_the_proxy_credentials(squid_basic,
                                                                       httpbin_url):
    # Through the proxy by name, then redirected to 127.0.0.1, which is bypassed.
    start = httpbin_url.replace("127.0.0.1", "localhost")
    ex = send(manual(squid_basic.url, "basic", USER, PASSWORD, bypass="127.0.0.1"),
              f"{start}/redirect-to?url={httpbin_url}/headers")
    assert ex.error is None, ex.error
    assert [h.proxy for h in ex.hops] == [squid_basic.url, squid_basic.url, None]
    last = ex.hops[-1]
    assert "proxy-authorization" not in {n.lower() for n, _ in last.request.headers}


def test_a_proxy_url_that_does_not_parse(httpbin_url):
    for url, words in (("http://proxy:notaport", "does not parse"),
                       ("ftp://proxy:21", "scheme 'ftp'"),
                       ("http://:8080", "names no host"),
                       ("http://proxy:3128/path", "has a path")):
        ex = send(manual(url), f"{httpbin_url}/get")
        assert ex.error is not None and ex.error.kind == "proxy", url
        assert words in ex.error.message and not ex.hops
    ex = send(manual("http://user:s3cret-pw@proxy:notaport"), f"{httpbin_url}/get")
    assert "s3cret-pw" not in ex.error.message


def test_a_proxy_that_answers_garbage_to_connect(tls_url, tls_context):
    import socketserver
    import threading

    class Garbage(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(1024)
            self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

    class Closing(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(1024)

    for handler, words in ((Garbage, "not HTTP"), (Closing, "closed the connection")):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            ex = send(manual(f"http://127.0.0.1:{server.server_address[1]}"),
                      f"{tls_url}/get", tls_context)
        finally:
            server.shutdown()
            server.server_close()
        assert ex.error is not None and ex.error.kind == "proxy", ex.error
        assert words in ex.error.message


def test_hop_kinds_and_json(httpbin_url):
    assert HopKind.CONNECT.value == "connect"
    with Engine(proxy=ProxySettings("none")) as engine:
        hop = engine.send(RequestSpec(url=f"{httpbin_url}/get")).to_dict()["hops"][0]
    assert hop["proxy"] is None and hop["timings"]["proxy"] is None
