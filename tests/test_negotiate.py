"""NTLM and Kerberos / Negotiate end to end: Gatepost's engine and `gatepost send` against
real acceptors on 127.0.0.1 (pyspnego, tests/negotiate_servers.py) and a real MIT KDC
(tests/kerberos_fixture.py)."""

import json
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization

from gui.core import auth
from gui.core.auth.optional import KerberosScheme, NtlmScheme
from gui.core.model import AuthConfig, RequestSpec

DOMAIN, NTLM_USER, NTLM_PASSWORD = "GATEPOST", "bob", "ntlm-pw-5e2b1"


def _require(module: str, extra: str) -> None:
    pytest.importorskip(module, reason=f"{module} is not installed: pip install "
                        f"'gatepost[{extra}]' (sh resources/setup.sh test installs it)")


@pytest.fixture(scope="session")
def ntlm_users(tmp_path_factory):
    from tests.negotiate_servers import write_ntlm_users

    return str(write_ntlm_users(tmp_path_factory.mktemp("ntlm") / "users",
                                [(DOMAIN, NTLM_USER, NTLM_PASSWORD)]))


@pytest.fixture(scope="session")
def ntlm_url():
    _require("spnego", "ntlm")
    from tests.negotiate_servers import NtlmHandler, auth_server

    with auth_server(NtlmHandler) as url:
        yield url


@pytest.fixture(autouse=True)
def _environment_of_this_test(request, monkeypatch):
    """The acceptors' and the client's environment, set for each test that uses them
    and undone after it, so that nothing leaks into the rest of the session."""
    names = request.fixturenames
    if "negotiate_url" in names or "kerberos_realm" in names:
        request.getfixturevalue("kerberos_env")
    if "ntlm_url" in names:
        monkeypatch.setenv("NTLM_USER_FILE", request.getfixturevalue("ntlm_users"))


@pytest.fixture(scope="session")
def negotiate_url(kerberos_realm):
    _require("httpx_gssapi", "kerberos")
    from tests.negotiate_servers import NegotiateHandler, auth_server

    with auth_server(NegotiateHandler) as url:
        yield url


def send(engine, url, scheme, **values):
    return engine.send(RequestSpec(url=url, auth=AuthConfig(scheme, values)))


def statuses(ex):
    return [(h.kind.value, h.response.status) for h in ex.hops]


def request_header(hop, name):
    return dict(hop.request.headers).get(name)


# NTLM: a connection-oriented handshake, three requests on one connection.

def test_ntlm_handshake_is_three_hops_on_one_connection(engine, ntlm_url):
    ex = send(engine, f"{ntlm_url}/private", "ntlm", username=f"{DOMAIN}\\{NTLM_USER}",
              password=NTLM_PASSWORD)
    assert ex.error is None
    assert statuses(ex) == [("request", 401), ("challenge", 401), ("challenge", 200)]
    assert json.loads(ex.response.body) == {
        "principal": f"{DOMAIN}\\{NTLM_USER}", "protocol": "NTLM", "requests_on_connection": 3}
    offer, negotiate, authenticate = ex.hops
    assert offer.response.header("WWW-Authenticate") == "NTLM"
    assert request_header(offer, "Authorization") is None
    # The NTLM messages go out masked; the server's challenge (type 2) is kept to read.
    assert request_header(negotiate, "Authorization") == "NTLM ****"
    assert negotiate.response.header("WWW-Authenticate").startswith("NTLM TlRMTVNTUAAC")
    assert request_header(authenticate, "Authorization") == "NTLM ****"
    assert [h.next_reason for h in ex.hops[:2]] == ["challenge: NTLM", "challenge: NTLM"]
    # One connection: only the first hop connected.
    assert offer.timings.connect is not None
    assert negotiate.timings.connect is None and authenticate.timings.connect is None
    assert NTLM_PASSWORD not in json.dumps(ex.to_dict())


def test_ntlm_wrong_password_is_a_401_not_an_error(engine, ntlm_url):
    ex = send(engine, f"{ntlm_url}/private", "ntlm", username=f"{DOMAIN}\\{NTLM_USER}",
              password="not-the-password")
    assert ex.error is None
    assert statuses(ex) == [("request", 401), ("challenge", 401), ("challenge", 401)]
    assert "NTLM authentication failed" in ex.response.text()
    assert "Traceback" not in ex.response.text()
    assert "not-the-password" not in json.dumps(ex.to_dict())


def test_ntlm_server_without_a_challenge_is_explained(engine, ntlm_url):
    ex = send(engine, f"{ntlm_url}/no-challenge", "ntlm", username=f"{DOMAIN}\\{NTLM_USER}",
              password=NTLM_PASSWORD)
    assert statuses(ex) == [("request", 401), ("challenge", 401)]
    assert ex.error.kind == "auth"
    assert "without a challenge" in ex.error.message
    assert "one kept-alive connection" in ex.error.message


def test_ntlm_answer_other_than_a_challenge_is_the_result(engine, ntlm_url):
    """A 403 to the negotiate message is the server's answer, shown as such."""
    ex = send(engine, f"{ntlm_url}/forbidden", "ntlm", username=f"{DOMAIN}\\{NTLM_USER}",
              password=NTLM_PASSWORD)
    assert ex.error is None
    assert statuses(ex) == [("request", 401), ("challenge", 403)]
    assert "may not use NTLM" in ex.response.text()


def test_ntlm_keeps_its_connection_while_other_sends_share_the_pool(engine, ntlm_url):
    """Two other threads keep sending to the same server; every NTLM handshake still
    runs its legs on one connection (a pool of its own), so every one ends in 200."""
    import threading

    stop = threading.Event()

    def other() -> None:
        while not stop.is_set():
            engine.send(RequestSpec(url=f"{ntlm_url}/other"))

    threads = [threading.Thread(target=other) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        results = [send(engine, f"{ntlm_url}/private", "ntlm",
                        username=f"{DOMAIN}\\{NTLM_USER}", password=NTLM_PASSWORD)
                   for _ in range(10)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert [ex.response.status for ex in results] == [200] * 10


@pytest.fixture(scope="module")
def ntlm_epa_url(tls_ca):
    """NTLM over HTTPS with Extended Protection required: the acceptor refuses an
    authenticate message without the channel binding of its own certificate."""
    import hashlib
    import ssl

    from cryptography import x509
    from spnego.channel_bindings import GssChannelBindings

    from tests.negotiate_servers import NtlmHandler, auth_server

    _require("spnego", "ntlm")
    cert = tls_ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    der = x509.load_pem_x509_certificate(cert.cert_chain_pems[0].bytes()).public_bytes(
        serialization.Encoding.DER)
    bindings = GssChannelBindings(
        application_data=b"tls-server-end-point:" + hashlib.sha256(der).digest())
    handler = type("NtlmEpaHandler", (NtlmHandler,), {"channel_bindings": bindings})
    with auth_server(handler, ssl_context=context) as url:
        yield url


@pytest.fixture
def trusting_engine(tls_ca):
    import ssl

    from gui.core.http.engine import Engine

    context = ssl.create_default_context()
    tls_ca.configure_trust(context)
    with Engine(ssl_context=context) as engine:
        yield engine


def test_ntlm_over_https_sends_the_channel_binding(trusting_engine, ntlm_epa_url,
                                                     ntlm_users, monkeypatch):
    monkeypatch.setenv("NTLM_USER_FILE", ntlm_users)
    ex = send(trusting_engine, f"{ntlm_epa_url}/private", "ntlm",
              username=f"{DOMAIN}\\{NTLM_USER}", password=NTLM_PASSWORD)
    assert ex.error is None, ex.error
    assert statuses(ex) == [("request", 401), ("challenge", 401), ("challenge", 200)]
    # Without it (as httpx-ntlm sends), Extended Protection refuses the handshake.
    from gui.core.auth import optional

    monkeypatch.setattr(optional, "_channel_bindings", lambda response: None)
    refused = send(trusting_engine, f"{ntlm_epa_url}/private", "ntlm",
                   username=f"{DOMAIN}\\{NTLM_USER}", password=NTLM_PASSWORD)
    assert statuses(refused)[-1] == ("challenge", 401)
    assert "bindings" in refused.response.text().lower()


@pytest.mark.parametrize("off", [False, "false", "off", "no", "0", ""])
def test_kerberos_flags_typed_as_text_stay_off(off):
    _require("httpx_gssapi", "kerberos")
    import gssapi

    built = KerberosScheme().build({"mutual": off, "delegate": off})
    assert gssapi.RequirementFlag.delegate_to_peer not in built._gssflags
    assert gssapi.RequirementFlag.mutual_authentication not in built._gssflags
    on = KerberosScheme().build({"mutual": "true", "delegate": "yes"})
    assert gssapi.RequirementFlag.delegate_to_peer in on._gssflags


def test_cli_ntlm_with_the_password_from_the_environment(ntlm_url):
    env = dict(os.environ, PW=NTLM_PASSWORD)
    result = subprocess.run(
        [sys.executable, "-m", "gui", "send", "--json", "--auth", "ntlm",
         "--auth-field", f"username={DOMAIN}\\{NTLM_USER}", "--auth-field", "password=env:PW",
         f"{ntlm_url}/cli"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(h["kind"], h["response"]["status"]) for h in doc["hops"]] == [
        ("request", 401), ("challenge", 401), ("challenge", 200)]
    assert json.loads(doc["body"])["principal"] == f"{DOMAIN}\\{NTLM_USER}"
    assert NTLM_PASSWORD not in result.stdout + result.stderr


# Kerberos: SPNEGO with the ticket kinit put in KRB5CCNAME.

@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_kerberos_with_a_ticket(engine, negotiate_url, kerberos_realm, host):
    url = negotiate_url.replace("127.0.0.1", host) + "/private"
    ex = send(engine, url, "kerberos")
    assert ex.error is None
    assert statuses(ex) == [("request", 401), ("challenge", 200)]
    assert json.loads(ex.response.body)["principal"] == kerberos_realm.principal
    assert ex.hops[0].response.header("WWW-Authenticate") == "Negotiate"
    assert ex.hops[0].next_reason == "challenge: Negotiate"
    assert request_header(ex.hops[1], "Authorization") == "Negotiate ****"


def test_kerberos_mutual_authentication_required(engine, negotiate_url, kerberos_realm):
    ex = send(engine, f"{negotiate_url}/private", "kerberos", mutual=True)
    assert ex.error is None
    assert statuses(ex) == [("request", 401), ("challenge", 200)]
    # The server's proof (an AP-REP inside SPNEGO) came with the 200.
    assert ex.response.header("WWW-Authenticate").startswith("Negotiate ")
    assert json.loads(ex.response.body)["principal"] == kerberos_realm.principal


def test_kerberos_mutual_authentication_refuses_a_server_without_proof(engine, negotiate_url):
    ex = send(engine, f"{negotiate_url}/no-mutual", "kerberos", mutual=True)
    assert statuses(ex) == [("request", 401), ("challenge", 200)]
    assert ex.error.kind == "auth"
    assert "did not prove it is HTTP@127.0.0.1" in ex.error.message
    assert "sent no Negotiate token" in ex.error.message


def test_kerberos_without_a_ticket_says_kinit(engine, negotiate_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'empty-ccache'}")
    ex = send(engine, f"{negotiate_url}/private", "kerberos")
    assert statuses(ex) == [("request", 401)]
    assert ex.error.kind == "auth"
    assert ex.error.message.startswith("No valid Kerberos ticket: run kinit")
    assert "No Kerberos credentials available" in ex.error.message
    assert "Traceback" not in ex.error.message


def test_kerberos_fresh_ticket_in_its_own_cache(engine, negotiate_url, kerberos_realm,
                                                tmp_path, monkeypatch):
    ccache = tmp_path / "ccache"
    kerberos_realm.kinit(ccache)
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{ccache}")
    ex = send(engine, f"{negotiate_url}/private", "kerberos", mutual=True)
    assert ex.error is None and ex.response.status == 200


def test_kerberos_for_a_host_the_realm_does_not_know(engine, kerberos_realm):
    from tests.negotiate_servers import NegotiateHandler, auth_server

    # 127.0.0.2 is loopback too (on Linux), but there is no HTTP/127.0.0.2 in the KDC.
    # Engine.send never raises, so an OSError can only be the server failing to listen.
    try:
        with auth_server(NegotiateHandler, host="127.0.0.2") as url:
            ex = send(engine, f"{url}/x", "kerberos")
    except OSError as exc:
        pytest.skip(f"cannot listen on 127.0.0.2 here: {exc}")
    assert ex.error.kind == "auth"
    assert ex.error.message.startswith("Kerberos could not get a ticket for HTTP@127.0.0.2")
    assert "not found in Kerberos database" in ex.error.message


# Without the extras: listed, disabled, with the hint.

@pytest.fixture
def extras_missing(monkeypatch):
    monkeypatch.setattr(NtlmScheme, "available", lambda self: False)
    monkeypatch.setattr(KerberosScheme, "available", lambda self: False)


def test_missing_extra_refuses_to_send_and_says_how_to_install(extras_missing, engine):
    ex = send(engine, "http://127.0.0.1:9/", "ntlm", username="D\\u", password="p")
    assert ex.error.kind == "invalid_request" and ex.hops == []
    assert "NTLM is not installed: pip install 'gatepost[ntlm]'" in ex.error.message


def test_missing_extras_are_listed_disabled_with_the_hint(extras_missing, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox

    from gui.widgets.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.editor.tabs.setCurrentWidget(window.editor.auth)
    combo = window.findChild(QComboBox, "authScheme")
    for scheme_id in ("ntlm", "kerberos"):
        index = combo.findData(scheme_id)
        assert index >= 0 and not combo.model().item(index).isEnabled()
        hint = combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
        assert hint == auth.get(scheme_id).install_hint and hint.startswith("pip install")
