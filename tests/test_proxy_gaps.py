"""Proxies, the remaining corners: an https:// proxy (Squid with a TLS port), a 407 whose
Proxy-Authenticate does not parse (a raw-socket proxy), a tunnel reused by the next
request, and CONNECT hops in a HAR export."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest

from gui.core.exporters import har
from gui.core.http.engine import Engine
from gui.core.http.proxies import ProxySettings
from gui.core.model import RequestSpec
from tests.proxy_fixture import (
    PASSWORD,
    USER,
    squid_missing,
    squid_proxy,
    squid_tls_missing,
)
from tests.servers import handler_server
from tests.test_export import validate_har

needs_squid = pytest.mark.skipif(squid_missing() is not None, reason=squid_missing() or "")


def manual(url: str, auth: str = "any", username: str = "", password: str = ""
           ) -> ProxySettings:
    return ProxySettings("manual", url=url, auth=auth, username=username, password=password)


def kinds(exchange) -> list[tuple[str, int | None]]:
    return [(h.kind.value, h.response.status if h.response else None)
            for h in exchange.hops]


@pytest.mark.skipif(squid_tls_missing() is not None, reason=squid_tls_missing() or "")
def test_an_https_proxy(tls_ca, tls_context, httpbin_url, tls_url):
    with squid_proxy("basic", tls=tls_ca) as squid:
        settings = manual(squid.tls_url, "basic", USER, PASSWORD)
        with Engine(tls_context, proxy=settings) as engine:
            plain = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
            tunnelled = engine.send(RequestSpec(url=f"{tls_url}/get"))
        log = squid.log()
    assert plain.error is None, plain.error
    assert kinds(plain) == [("request", 407), ("challenge", 200)]
    assert plain.hops[0].proxy == squid.tls_url
    # TLS to the proxy, then TLS to the origin inside the tunnel.
    assert tunnelled.error is None, tunnelled.error
    assert kinds(tunnelled) == [("connect", 407), ("connect", 200), ("request", 200)]
    assert tunnelled.hops[-1].tls is not None
    assert f"GET {httpbin_url}/get" in log
    # A proxy whose certificate is not trusted is a certificate error, said as such.
    with squid_proxy(tls=tls_ca) as squid, Engine(proxy=manual(squid.tls_url)) as engine:
        ex = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert ex.error is not None and ex.error.kind == "proxy", ex.error
    assert f"TLS to the proxy {squid.tls_url} failed" in ex.error.message
    assert "CERTIFICATE_VERIFY_FAILED" in ex.error.message


@contextmanager
def raw_proxy(answer: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """A proxy that answers every request with `answer` and keeps the connection."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()
    seen: list[bytes] = []

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            while not stop.is_set():
                try:
                    data = conn.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                seen.append(data)
                conn.sendall(answer)

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    finally:
        stop.set()
        server.close()
        thread.join(5)


MALFORMED = (b"HTTP/1.1 407 Proxy Authentication Required\r\n"
             b'Proxy-Authenticate: Basic realm="unterminated, ,,=\r\n'
             b"Content-Length: 0\r\n\r\n")


@pytest.mark.parametrize("origin", ["httpbin_url", "tls_url"])
def test_a_407_with_a_malformed_challenge(request, origin, tls_context):
    url = request.getfixturevalue(origin)
    with raw_proxy(MALFORMED) as (proxy, seen), \
            Engine(tls_context, proxy=manual(proxy, "any", USER, "mal-pw-88")) as engine:
        ex = engine.send(RequestSpec(url=f"{url}/get"))
    assert ex.error is not None and ex.error.kind == "proxy_auth", ex.error
    assert "Proxy-Authenticate" in ex.error.message and "could not be read" in \
        ex.error.message
    # One 407, shown with its raw header; nothing sent again, no credential anywhere.
    first = kinds(ex)[0]
    assert first in (("request", 407), ("connect", 407))
    assert [s for _, s in kinds(ex)].count(407) == 1 and len(seen) == 1
    assert 'realm="unterminated' in ex.hops[0].response.header("proxy-authenticate")
    assert "mal-pw-88" not in json.dumps(ex.to_dict())


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@needs_squid
def test_a_tunnel_is_reused_by_the_next_request(tls_ca, tls_url, tls_context):
    cert = tls_ca.issue_cert("127.0.0.1")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(server_context)
    with squid_proxy() as squid, handler_server(_KeepAlive, ssl_context=server_context) \
            as origin, Engine(tls_context, proxy=manual(squid.url)) as engine:
        first = engine.send(RequestSpec(url=f"{origin}/one"))
        second = engine.send(RequestSpec(url=f"{origin}/two"))
        # The TLS httpbin answers "Connection: close": its tunnel ends with the answer,
        # and the next request opens a new one rather than writing into a closed one.
        closing = [engine.send(RequestSpec(url=f"{tls_url}/get?n={n}")) for n in (1, 2)]
    assert kinds(first) == [("connect", 200), ("request", 200)]
    # No second CONNECT: the open tunnel (and its TLS session) carried it.
    assert kinds(second) == [("request", 200)], second.error
    hop = second.hops[0]
    assert hop.proxy == squid.url and json.loads(second.response.body)["path"] == "/two"
    assert hop.timings.connect is None and hop.timings.tls is None
    assert [kinds(ex) for ex in closing] == [[("connect", 200), ("request", 200)]] * 2


@needs_squid
def test_har_folds_the_connects_into_the_tunnelled_request(tls_url, tls_context):
    with squid_proxy("basic") as squid, \
            Engine(tls_context, proxy=manual(squid.url, "basic", USER, PASSWORD)) as engine:
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert kinds(ex) == [("connect", 407), ("connect", 200), ("request", 200)]
    doc = har.to_har(ex)
    validate_har(doc)
    (entry,) = doc["log"]["entries"]
    assert entry["request"]["url"] == f"{tls_url}/get"
    assert entry["_proxy"] == squid.url
    assert [c["status"] for c in entry["_proxyConnects"]] == [407, 200]
    assert entry["_proxyConnects"][0]["proxyAuthenticate"].startswith("Basic")
    assert entry["timings"]["_blocked_proxy"] > 0
    text = har.dumps(ex)
    assert PASSWORD not in text and "CONNECT" not in json.dumps(doc["log"]["entries"][0]
                                                                ["request"])


def test_har_of_an_exchange_that_ended_at_a_connect(tls_url, tls_context):
    refusal = (b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    with raw_proxy(refusal) as (proxy, _), \
            Engine(tls_context, proxy=manual(proxy)) as engine:
        ex = engine.send(RequestSpec(url=f"{tls_url}/get"))
    assert ex.error is not None and ex.error.kind == "proxy"
    doc = har.to_har(ex)
    validate_har(doc)
    said = doc["log"].get("comment") or doc["log"]["entries"][-1]["comment"]
    assert "refused the tunnel" in said


@needs_squid
def test_proxy_connections_with_credentials_are_reused_across_sends(httpbin_url):
    # `any` could turn out to be NTLM, which gets connections of its own; Basic and
    # Digest keep the shared pool.
    with squid_proxy("basic") as squid, \
            Engine(proxy=manual(squid.url, "any", USER, PASSWORD)) as engine:
        first = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
        second = engine.send(RequestSpec(url=f"{httpbin_url}/get"))
    assert kinds(first) == kinds(second) == [("request", 407), ("challenge", 200)]
    assert first.hops[0].timings.connect is not None
    assert all(h.timings.connect is None for h in second.hops)
