"""Client certificates and CA bundles per host, against a TLS server on 127.0.0.1 that
requires a client certificate (trustme makes both CAs and every certificate)."""

from __future__ import annotations

import datetime as dt
import json
import ssl

import pytest

from gui.core.http.engine import Engine
from gui.core.model import Options, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.tls import config as tlsconfig
from gui.core.tls import files as tlsfiles
from gui.core.tls.config import CaBundle, ClientCert, HostPattern, TlsSettings, TlsSetupError
from tests.fakes import MemoryKeyring
from tests.servers import httpbin_server

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def client_ca():
    import trustme

    return trustme.CA(organization_name="Gatepost test client CA")


@pytest.fixture(scope="module")
def mtls_url(tls_ca, client_ca):
    """httpbin over TLS that refuses any client without a certificate from client_ca."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    context.verify_mode = ssl.CERT_REQUIRED
    client_ca.configure_trust(context)
    with httpbin_server(ssl_context=context) as url:
        yield url


@pytest.fixture(scope="module")
def files(tmp_path_factory, tls_ca, client_ca):
    """Every form a user's certificate comes in, written to files."""
    import trustme
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    folder = tmp_path_factory.mktemp("certs")
    paths = {}

    def write(name, data):
        paths[name] = folder / name
        paths[name].write_bytes(data)
        return paths[name]

    leaf = client_ca.issue_cert("alice@example.test", common_name="alice")
    write("server-ca.pem", tls_ca.cert_pem.bytes())
    write("client.pem", b"".join(b.bytes() for b in leaf.cert_chain_pems))
    write("client.key", leaf.private_key_pem.bytes())
    write("combined.pem", leaf.private_key_and_cert_chain_pem.bytes())
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
    write("client-encrypted.key", key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    write("client.p12", pkcs12.serialize_key_and_certificates(
        b"alice", key, cert, None,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    write("not.p12", b"this is not a PKCS#12 file at all")
    other = client_ca.issue_cert("bob@example.test", common_name="bob")
    write("other.key", other.private_key_pem.bytes())
    now = dt.datetime.now(dt.UTC)
    expired = client_ca.issue_cert("old@example.test", common_name="old",
                                   not_before=now - dt.timedelta(days=30),
                                   not_after=now - dt.timedelta(days=1))
    write("expired.pem", expired.private_key_and_cert_chain_pem.bytes())
    future = client_ca.issue_cert("new@example.test", common_name="new",
                                  not_before=now + dt.timedelta(days=1),
                                  not_after=now + dt.timedelta(days=30))
    write("future.pem", future.private_key_and_cert_chain_pem.bytes())
    stranger = trustme.CA().issue_cert("mallory@example.test", common_name="mallory")
    write("stranger.pem", stranger.private_key_and_cert_chain_pem.bytes())
    return {name: str(path) for name, path in paths.items()}


def settings(files, *certs: ClientCert, system_trust: bool = True) -> TlsSettings:
    return TlsSettings(system_trust=system_trust, client_certs=list(certs),
                       ca_bundles=[CaBundle("127.0.0.1", files["server-ca.pem"])])


def send(url: str, tls: TlsSettings, **options):
    with Engine(tls=tls) as engine:
        return engine.send(RequestSpec("GET", f"{url}/get", options=Options(**options)))


def test_no_certificate_is_a_handshake_failure_in_plain_words(mtls_url, files):
    ex = send(mtls_url, settings(files))
    assert ex.error is not None and ex.error.kind == "tls"
    assert "requires a client certificate" in ex.error.message
    assert "No client certificate is set for this host" in ex.error.message
    assert "Traceback" not in ex.error.message


@pytest.mark.parametrize("cert", [
    ClientCert("127.0.0.1", cert="client.pem", key="client.key"),
    ClientCert("127.0.0.1", cert="combined.pem"),
    ClientCert("127.0.0.1:*", cert="client.pem", key="client-encrypted.key",
               passphrase=PASSPHRASE),
    ClientCert("*", kind="pkcs12", cert="client.p12", passphrase=PASSPHRASE),
], ids=["pem-pair", "pem-combined", "encrypted-key", "pkcs12"])
def test_the_right_certificate_gets_200_and_is_recorded(mtls_url, files, cert):
    port = int(mtls_url.rsplit(":", 1)[1])
    host = cert.host.replace("*", str(port)) if cert.host.endswith(":*") else cert.host
    cert = ClientCert(host, kind=cert.kind, cert=files[cert.cert],
                      key=files[cert.key] if cert.key else "", passphrase=cert.passphrase)
    ex = send(mtls_url, settings(files, cert))
    assert ex.error is None, ex.error
    assert ex.response.status == 200
    offered = ex.hops[0].client_certificate
    assert offered is not None and "CN=alice" in offered.subject
    record = json.dumps(ex.to_dict())
    assert "CN=alice" in record
    assert PASSPHRASE not in record


def test_a_certificate_for_another_host_is_not_offered(mtls_url, files):
    cert = ClientCert("*.example.test", cert=files["combined.pem"])
    ex = send(mtls_url, settings(files, cert))
    assert ex.error is not None and ex.error.kind == "tls"
    assert ex.hops[0].client_certificate is None


def test_a_certificate_from_an_untrusted_ca_is_rejected_in_plain_words(mtls_url, files):
    ex = send(mtls_url, settings(files, ClientCert("127.0.0.1", cert=files["stranger.pem"])))
    assert ex.error is not None and ex.error.kind == "tls"
    assert "does not trust the issuer of the client certificate" in ex.error.message
    assert "offered the client certificate CN=mallory" in ex.error.message


@pytest.mark.parametrize(("cert", "words"), [
    (ClientCert("127.0.0.1", cert="client.pem", key="client-encrypted.key",
                passphrase="wrong passphrase"), "passphrase for the key file"),
    (ClientCert("127.0.0.1", cert="client.pem", key="client-encrypted.key"),
     "is encrypted: enter its passphrase"),
    (ClientCert("127.0.0.1", cert="client.pem", key="other.key"), "does not match"),
    (ClientCert("127.0.0.1", kind="pkcs12", cert="not.p12"), "is not a PKCS#12 file"),
    (ClientCert("127.0.0.1", kind="pkcs12", cert="client.p12", passphrase="nope"),
     "or the passphrase is wrong"),
    (ClientCert("127.0.0.1", kind="pkcs12", cert="combined.pem"), "is a PEM file"),
    (ClientCert("127.0.0.1", cert="client.pem"), "has no private key"),
    (ClientCert("127.0.0.1", cert="expired.pem"), "expired on"),
    (ClientCert("127.0.0.1", cert="future.pem"), "is not valid until"),
    (ClientCert("127.0.0.1", cert="missing.pem"), "cannot be read"),
], ids=["wrong-passphrase", "no-passphrase", "key-mismatch", "not-pkcs12",
        "pkcs12-passphrase", "pem-as-pkcs12", "no-key", "expired", "not-yet-valid",
        "missing"])
def test_bad_certificates_are_refused_before_sending(mtls_url, files, tmp_path, cert, words):
    cert.cert = files.get(cert.cert, str(tmp_path / cert.cert))
    cert.key = files[cert.key] if cert.key else ""
    ex = send(mtls_url, settings(files, cert))
    assert ex.error is not None and ex.error.kind == "certificate"
    assert words in ex.error.message
    assert "client certificate for 127.0.0.1" in ex.error.message
    assert not ex.hops or ex.hops[0].response is None
    assert "wrong passphrase" not in ex.error.message and "nope" not in ex.error.message
    # The settings dialog reports the same problem before they are even saved.
    assert any(words in p for p in settings(files, cert).problems())


def test_ca_bundle_is_trusted_only_for_its_hosts(tls_url, files):
    plain = TlsSettings(ca_bundles=[CaBundle("127.0.0.1", files["server-ca.pem"])])
    assert send(tls_url, plain).response.status == 200
    elsewhere = TlsSettings(ca_bundles=[CaBundle("*.example.test", files["server-ca.pem"])])
    ex = send(tls_url, elsewhere)
    assert ex.error is not None and ex.error.kind == "tls"
    assert "certificate verify failed" in ex.error.message or "unable to get local" in \
        ex.error.message
    assert send(tls_url, TlsSettings(), verify_tls=False).response.status == 200


def test_mozilla_bundle_instead_of_the_system_store(tls_url, files):
    ex = send(tls_url, settings(files, system_trust=False))
    assert ex.response.status == 200


def test_a_damaged_settings_file_stops_sending_with_its_name(data_dir):
    from gui.core.storage.paths import tls_settings_file

    tls_settings_file().parent.mkdir(parents=True, exist_ok=True)
    tls_settings_file().write_text("{not json")
    with pytest.raises(TlsSetupError, match=r"certificates\.json"):
        tlsconfig.load()
    with Engine(tls_problem="The certificate settings … cannot be read") as engine:
        ex = engine.send(RequestSpec("GET", "https://127.0.0.1:9/"))
        plain = engine.send(RequestSpec("GET", "http://127.0.0.1:9/"))
    assert ex.error.kind == "certificate" and "cannot be read" in ex.error.message
    assert ex.hops[0].response is None
    assert plain.error.kind == "refused"  # plain HTTP is not held up by them
    tls_settings_file().write_text('{"client_certificates": null}')
    with pytest.raises(TlsSetupError, match="damaged"):
        tlsconfig.load()


def test_settings_round_trip_keeps_the_passphrase_in_the_keychain(data_dir, files):
    from gui.core.storage.paths import tls_settings_file

    keyring = MemoryKeyring()
    store = SecretStore(keyring)
    cert = ClientCert("*.example.test:8443", kind="pkcs12", cert=files["client.p12"],
                      passphrase=PASSPHRASE)
    saved = TlsSettings(system_trust=False, client_certs=[cert],
                        ca_bundles=[CaBundle("127.0.0.1", files["server-ca.pem"], False)])
    tlsconfig.save(saved, store)
    text = tls_settings_file().read_text()
    assert PASSPHRASE not in text
    assert PASSPHRASE in keyring.items.values()
    loaded = tlsconfig.load(store)
    assert loaded == saved
    tlsconfig.save(TlsSettings(), store, previous=loaded)
    assert PASSPHRASE not in keyring.items.values()


@pytest.mark.parametrize(("pattern", "host", "port", "expected"), [
    ("api.example.com", "API.example.com", 443, True),
    ("api.example.com", "example.com", 443, False),
    ("*.example.com", "a.b.example.com", 443, True),
    ("*.example.com", "example.com", 443, False),
    ("*", "anything", 1, True),
    ("example.com:8443", "example.com", 8443, True),
    ("example.com:8443", "example.com", 443, False),
    ("https://example.com:8443/path", "example.com", 8443, True),
    ("[::1]:8443", "::1", 8443, True),
    ("[::1]", "::1", 1, True),
    ("ex?mple.com", "example.com", 443, False),
    (":8443", "anything.example", 8443, True),
    ("example.com.", "EXAMPLE.com", 443, True),
    ("münchen.example", "xn--mnchen-3ya.example", 443, True),
    ("xn--mnchen-3ya.example", "münchen.example", 443, True),
])
def test_host_patterns(pattern, host, port, expected):
    assert HostPattern.parse(pattern).matches(host, port) is expected


@pytest.mark.parametrize("pattern", ["", ":", "example.com:0", "example.com:https",
                                     "[::1", "a b"])
def test_bad_host_patterns_say_why(pattern):
    with pytest.raises(ValueError, match=r"\w"):
        HostPattern.parse(pattern)


def test_a_redirect_to_another_host_records_no_certificate_there(mtls_url, files,
                                                                  httpbin_url):
    from urllib.parse import quote

    cert = ClientCert("127.0.0.1", cert=files["combined.pem"])
    # The TLS server's host is 127.0.0.1; the plain one is reached as localhost.
    target = httpbin_url.replace("127.0.0.1", "localhost") + "/get"
    with Engine(tls=settings(files, cert)) as engine:
        ex = engine.send(RequestSpec("GET", f"{mtls_url}/redirect-to?url={quote(target)}"))
    assert [h.response.status for h in ex.hops] == [302, 200]
    assert ex.hops[0].client_certificate is not None
    assert ex.hops[1].client_certificate is None


def test_new_settings_do_not_break_a_send_in_flight(mtls_url, files):
    import threading

    cert = ClientCert("127.0.0.1", cert=files["combined.pem"])
    engine = Engine(tls=settings(files, cert))
    results = []
    sending = threading.Thread(target=lambda: results.append(
        engine.send(RequestSpec("GET", f"{mtls_url}/drip?duration=1&numbytes=4&delay=0"))))
    sending.start()
    try:
        engine.configure_tls(TlsSettings())  # as OK in the dialog does, mid-request
        sending.join(30)
        assert results and results[0].error is None and results[0].response.status == 200
        assert engine._retired == []  # closed by the sending thread once it was done
    finally:
        engine.close()


def test_injected_trust_is_kept_when_certificates_are_routed(mtls_url, files, tls_ca):
    trusting = ssl.create_default_context()
    tls_ca.configure_trust(trusting)
    tls = TlsSettings(client_certs=[ClientCert("127.0.0.1", cert=files["combined.pem"])])
    with Engine(ssl_context=trusting, tls=tls) as engine:
        ex = engine.send(RequestSpec("GET", f"{mtls_url}/get"))
    assert ex.error is None and ex.response.status == 200
    assert not trusting.get_ca_certs() or "alice" not in str(trusting.get_ca_certs())


def test_certificate_files_in_other_shapes(mtls_url, files, tmp_path, client_ca):
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pems = Path(files["client.pem"]).read_bytes()
    leaf = x509.load_pem_x509_certificates(pems)[0]
    ca_first = tmp_path / "ca-first.pem"
    ca_first.write_bytes(client_ca.cert_pem.bytes() + leaf.public_bytes(
        serialization.Encoding.PEM))
    der = tmp_path / "client.der"
    der.write_bytes(leaf.public_bytes(serialization.Encoding.DER))
    for path in (ca_first, der):
        cert = ClientCert("127.0.0.1", cert=str(path), key=files["client.key"])
        ex = send(mtls_url, settings(files, cert))
        assert ex.error is None, (path.name, ex.error)
        assert "CN=alice" in ex.hops[0].client_certificate.subject


def test_a_fifo_or_a_huge_file_is_not_read(tmp_path):
    import os

    fifo = tmp_path / "fifo.pem"
    os.mkfifo(fifo)
    big = tmp_path / "big.pem"
    big.write_bytes(b"x" * (9 << 20))  # past the CA bundle limit too
    for path, words in ((fifo, "not a regular file"), (big, "larger than")):
        with pytest.raises(TlsSetupError, match=words):
            tlsfiles.load_identity(ClientCert("*", cert=str(path)))
        assert any(words in p for p in TlsSettings(
            ca_bundles=[CaBundle("*", str(path))]).problems())


def test_a_key_openssl_refuses_is_named_before_sending(mtls_url, files, tmp_path):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "weak")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    path = tmp_path / "weak.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    weak = ClientCert("127.0.0.1", cert=str(path))
    problems = settings(files, weak).problems()
    assert problems and "OpenSSL says" in problems[0]
    ex = send(mtls_url, settings(files, weak))
    assert ex.error.kind == "certificate" and "OpenSSL says" in ex.error.message


def test_a_renewed_certificate_file_is_picked_up_without_a_restart(mtls_url, files,
                                                                   tmp_path):
    import shutil

    path = tmp_path / "renewing.pem"
    shutil.copy(files["expired.pem"], path)
    with Engine(tls=settings(files, ClientCert("127.0.0.1", cert=str(path)))) as engine:
        assert "expired on" in engine.send(RequestSpec("GET", f"{mtls_url}/get")).error.message
        shutil.copy(files["combined.pem"], path)
        ex = engine.send(RequestSpec("GET", f"{mtls_url}/get"))
    assert ex.error is None and ex.response.status == 200


def test_disabled_entries_are_not_checked(files):
    off = ClientCert("127.0.0.1", cert=files["expired.pem"], enabled=False)
    assert settings(files, off).problems() == []


# -- the window ----------------------------------------------------------------------------


def test_certificates_dialog_checks_as_you_type(qtbot, files):
    from gui.widgets.dialogs.certificates import CertificatesDialog

    dialog = CertificatesDialog(TlsSettings(), SecretStore(MemoryKeyring()))
    qtbot.addWidget(dialog)
    dialog.add_certificate()
    dialog.cert_host.setText("127.0.0.1")
    dialog.cert_file.setText(files["client.pem"])
    dialog.key_file.setText(files["client-encrypted.key"])
    dialog.flush_checks()
    assert "is encrypted: enter its passphrase" in dialog.clients.status.text()
    dialog.passphrase.setText("wrong")
    qtbot.waitUntil(lambda: "passphrase for the key file" in dialog.clients.status.text())
    assert "wrong" not in dialog.clients.status.text().replace("is wrong", "")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.flush_checks()
    assert "CN=alice" in dialog.clients.status.text()
    assert "valid until" in dialog.clients.status.text()
    dialog.cert_kind.setCurrentIndex(dialog.cert_kind.findData("pkcs12"))
    dialog.flush_checks()
    assert not dialog.key_row.isEnabled()
    assert "is a PEM file" in dialog.clients.status.text()
    dialog.add_ca()
    dialog.ca_host.setText("bad host")
    dialog.flush_checks()
    assert "is not a host name" in dialog.cas.status.text()
    dialog.ca_host.setText("127.0.0.1")
    dialog.ca_path.setText(files["server-ca.pem"])
    dialog.flush_checks()
    assert "1 CA certificate trusted" in dialog.cas.status.text()
    # Problems left: OK asks first, and the safe answer (No) keeps the dialog open.
    assert dialog.save() is False
    # A shown passphrase is hidden again when another entry is selected; the key path
    # typed for PEM survives a look at PKCS#12.
    dialog.clients.list.setCurrentRow(0)
    dialog.show_passphrase.setChecked(True)
    dialog.add_certificate("other.example")
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    dialog.clients.list.setCurrentRow(0)
    assert dialog.key_file.text() == files["client-encrypted.key"]


def test_window_sends_with_the_client_certificate_chosen_in_settings(
        qtbot, mtls_url, files, data_dir, monkeypatch):
    from gui import worker
    from gui.widgets.dialogs.certificates import CertificatesDialog
    from gui.widgets.main_window import MainWindow
    from tests.test_window import send_and_wait

    keyring = MemoryKeyring()
    previous, worker._engine = worker._engine, None
    window = MainWindow(store=SecretStore(keyring))
    qtbot.addWidget(window)

    def fill_and_ok(dialog):
        dialog.system_trust.setChecked(False)
        dialog.add_ca()
        dialog.ca_host.setText("127.0.0.1")
        dialog.ca_path.setText(files["server-ca.pem"])
        dialog.add_certificate()
        dialog.cert_host.setText("127.0.0.1")
        dialog.cert_kind.setCurrentIndex(dialog.cert_kind.findData("pkcs12"))
        dialog.cert_file.setText(files["client.p12"])
        dialog.passphrase.setText(PASSPHRASE)
        return dialog.save()

    monkeypatch.setattr(CertificatesDialog, "exec", fill_and_ok)
    try:
        window.editor.url.setText(f"{mtls_url}/get")
        send_and_wait(qtbot, window)
        assert "add its CA under Certificates" in window.response.status.text()
        assert window.edit_certificates() is not None
        assert PASSPHRASE in keyring.items.values()
        from gui.core.storage.paths import tls_settings_file

        assert PASSPHRASE not in tls_settings_file().read_text()
        send_and_wait(qtbot, window)
        assert window.last_exchange.response.status == 200
        assert "CN=alice" in window.response.tls.toPlainText()
        # A new session (a fresh engine) reads the passphrase from the keychain.
        worker._engine.close()
        worker._engine = None
        send_and_wait(qtbot, window)
        assert window.last_exchange.response.status == 200
    finally:
        if worker._engine is not None:
            worker._engine.close()
        worker._engine = previous


# -- gatepost send ---------------------------------------------------------------------------


def test_cli_cert_and_cacert(mtls_url, files, data_dir):
    import os

    from tests.test_cli import gatepost

    env = {**os.environ, "CERT_PASS": PASSPHRASE}
    ok = gatepost("send", "--json", "--cacert", files["server-ca.pem"], "--cert",
                  files["client.p12"], "--pass", "env:CERT_PASS", f"{mtls_url}/get", env=env)
    assert ok.returncode == 0, ok.stderr
    record = json.loads(ok.stdout)
    assert "CN=alice" in record["hops"][0]["client_certificate"]["subject"]
    assert PASSPHRASE not in ok.stdout + ok.stderr
    none = gatepost("send", "--cacert", files["server-ca.pem"], f"{mtls_url}/get", env=env)
    assert none.returncode == 1
    assert "requires a client certificate" in none.stderr and "--cert" in none.stderr
    assert "Traceback" not in none.stderr
    wrong = gatepost("send", "--cacert", files["server-ca.pem"], "--cert", files["client.pem"],
                     "--key", files["client-encrypted.key"], "--pass", "env:WRONG",
                     f"{mtls_url}/get", env={**env, "WRONG": "not it"})
    assert wrong.returncode == 2
    assert "passphrase for the key file" in wrong.stderr and "not it" not in wrong.stderr
    assert "Traceback" not in wrong.stderr
    literal = gatepost("send", "--cacert", files["server-ca.pem"], "--cert",
                       files["client.p12"], "--pass", PASSPHRASE, f"{mtls_url}/get", env=env)
    assert literal.returncode == 0
    assert "warning: Certificate passphrase was given in the command line" in literal.stderr
    assert PASSPHRASE not in literal.stdout + literal.stderr


# -- a collection's own certificates ---------------------------------------------------------


@pytest.fixture
def certified(tmp_path, files, mtls_url):
    """A collection with its client certificate and CA inside its folder."""
    import shutil

    from gui.core.collections import manage as col

    c = col.new_collection(tmp_path / "api", "mTLS API")
    shutil.copy(files["client.p12"], c.path / "client.p12")
    shutil.copy(files["server-ca.pem"], c.path / "ca.pem")
    c.client_certs = [ClientCert("127.0.0.1", kind="pkcs12", cert="client.p12")]
    c.ca_bundles = [CaBundle("127.0.0.1", "ca.pem")]
    col.save_collection(c)
    col.new_request(c.root, "Get", RequestSpec(url=f"{mtls_url}/get"))
    return c


def test_collection_certificates_round_trip_without_the_passphrase(certified):
    from gui.core.collections import manage as col

    text = certified.settings_path.read_text()
    assert "certificates:" in text and "cert: client.p12" in text and "file: ca.pem" in text
    assert PASSPHRASE not in text
    again, problems = col.open_collection(certified.path)
    assert problems == []
    assert [(c.host, c.kind, c.cert, c.id) for c in again.client_certs] == [
        (c.host, c.kind, c.cert, c.id) for c in certified.client_certs]
    assert [(b.host, b.path) for b in again.ca_bundles] == [("127.0.0.1", "ca.pem")]


def test_a_certificate_type_that_is_not_one_is_named_with_its_line(certified):
    from gui.core.collections import manage as col

    path = certified.settings_path
    path.write_text(path.read_text().replace("type: pkcs12", "type: p7b"))
    _, problems = col.open_collection(certified.path)
    assert problems and problems[0].line is not None
    assert "pem, pkcs12" in problems[0].message and "p7b" in problems[0].message


def test_a_clone_without_the_passphrase_says_where_to_set_it(certified, mtls_url):
    from gui.core.collections.tls import collection_tls

    empty = SecretStore(MemoryKeyring())  # a teammate's machine
    with Engine(tls=TlsSettings(secret_lookup=empty.get)) as engine:
        ex = engine.send(RequestSpec("GET", f"{mtls_url}/get"), tls=collection_tls(certified))
    assert ex.error.kind == "certificate"
    assert "No passphrase is saved for it on this machine" in ex.error.message
    assert "menu of the collection mTLS API" in ex.error.message


def test_engine_uses_a_collections_certificates_before_the_global_ones(certified, mtls_url):
    from gui.core.collections.tls import collection_tls, passphrase_key

    keyring = MemoryKeyring()
    store = SecretStore(keyring)
    store.set(passphrase_key(certified, certified.client_certs[0].id), PASSPHRASE)
    with Engine(tls=TlsSettings(secret_lookup=store.get)) as engine:
        without = engine.send(RequestSpec("GET", f"{mtls_url}/get"))
        ex = engine.send(RequestSpec("GET", f"{mtls_url}/get"),
                         tls=collection_tls(certified))
    assert without.error is not None and without.error.kind == "tls"
    assert ex.error is None and ex.response.status == 200
    assert "CN=alice" in ex.hops[0].client_certificate.subject


def test_window_edits_and_uses_a_collections_certificates(qtbot, certified, mtls_url,
                                                          data_dir, monkeypatch):
    from gui import worker
    from gui.core.collections import manage as col
    from gui.widgets.dialogs.certificates import CertificatesDialog
    from gui.widgets.main_window import MainWindow
    from tests.test_window import send_and_wait

    keyring = MemoryKeyring()
    previous, worker._engine = worker._engine, None
    window = MainWindow(store=SecretStore(keyring))
    qtbot.addWidget(window)

    def type_passphrase_and_ok(dialog):
        assert dialog.windowTitle() == "Certificates of mTLS API"
        assert dialog.system_trust.isHidden()
        dialog.clients.list.setCurrentRow(0)
        assert dialog.cert_file.text() == str(certified.path / "client.p12")
        dialog.passphrase.setText(PASSPHRASE)
        dialog.flush_checks()
        assert "CN=alice" in dialog.clients.status.text()
        return dialog.save()

    monkeypatch.setattr(CertificatesDialog, "exec", type_passphrase_and_ok)
    try:
        c = window.open_collection(str(certified.path))
        window.open_request(next(r for r in c.requests() if r.name == "Get"))
        assert window.edit_collection_certificates(c) is not None
        text = c.settings_path.read_text()
        assert "cert: client.p12" in text and PASSPHRASE not in text  # still relative
        assert PASSPHRASE in keyring.items.values()
        send_and_wait(qtbot, window)
        assert window.last_exchange.error is None
        assert window.last_exchange.response.status == 200
        # The scratch tab is not in the collection: it gets no certificate.
        window.tabs.setCurrentIndex(0)
        window.editor.url.setText(f"{mtls_url}/get")
        send_and_wait(qtbot, window)
        assert window.last_exchange.error.kind == "tls"
        assert col.open_collection(certified.path)[0].client_certs[0].cert == "client.p12"
    finally:
        if worker._engine is not None:
            worker._engine.close()
        worker._engine = previous


def test_paths_keep_their_form_when_saved_again(tmp_path, files):
    """A path written relative (even with ..) or through a symbolic link is written back
    as it was; a new file inside the folder is relative with /; outside, absolute."""
    import os
    import shutil

    from gui.core.collections import manage as col
    from gui.core.collections import tls as coltls

    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.copy(files["server-ca.pem"], shared / "ca.pem")
    shutil.copy(files["combined.pem"], shared / "client.pem")
    c = col.new_collection(tmp_path / "api", "Paths")
    os.symlink(shared, c.path / "linked")
    c.client_certs = [ClientCert("a.test", cert="linked/client.pem")]
    c.ca_bundles = [CaBundle("a.test", "../shared/ca.pem")]
    col.save_collection(c)
    edited = coltls.for_editing(c, None)
    edited.client_certs.append(ClientCert("b.test", cert=str(c.path / "certs" / "new.pem")))
    edited.ca_bundles.append(CaBundle("c.test", files["server-ca.pem"]))
    coltls.apply(c, edited)
    assert [x.cert for x in c.client_certs] == ["linked/client.pem", "certs/new.pem"]
    assert [b.path for b in c.ca_bundles] == ["../shared/ca.pem", files["server-ca.pem"]]


def test_a_certificate_id_used_twice_is_named_with_its_line(certified):
    from gui.core.collections import manage as col

    path = certified.settings_path
    text = path.read_text()
    cert_id = certified.client_certs[0].id
    entry = text[text.index("    - host:", text.index("  client:")):text.index("  ca:")]
    path.write_text(text.replace(entry, entry + entry))
    _, problems = col.open_collection(certified.path)
    assert problems and f"the id '{cert_id}' is used twice" in problems[0].message
    assert problems[0].line is not None


def test_pools_evicted_past_the_limit_are_never_used_again(certified, mtls_url,
                                                           httpbin_url, monkeypatch):
    from gui.core.collections.tls import collection_tls, passphrase_key
    from gui.core.http import engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_TRANSPORTS", 1)
    store = SecretStore(MemoryKeyring())
    store.set(passphrase_key(certified, certified.client_certs[0].id), PASSPHRASE)
    overlay = collection_tls(certified)
    with Engine(tls=TlsSettings(secret_lookup=store.get)) as engine:
        for _ in range(3):  # the same thread, switching pools every time
            assert engine.send(RequestSpec("GET", f"{mtls_url}/get"),
                               tls=overlay).response.status == 200
            assert engine.send(RequestSpec("GET", f"{httpbin_url}/get")).response.status == 200
        assert len(engine._transports) == 1 and engine._retired == []


def test_collection_dialog_checks_paths_typed_relative_to_the_collection(qtbot, certified):
    from gui.core.collections import tls as coltls
    from gui.widgets.dialogs.certificates import CertificatesDialog

    dialog = CertificatesDialog(coltls.for_editing(certified, None), None,
                                collection=certified.name,
                                resolve=lambda s: coltls.resolved(s, certified))
    qtbot.addWidget(dialog)
    dialog.cas.list.setCurrentRow(0)
    dialog.ca_path.setText("ca.pem")  # typed relative: the collection's folder, not ours
    dialog.flush_checks()
    assert "1 CA certificate trusted" in dialog.cas.status.text()
    dialog.clients.list.setCurrentRow(0)
    assert "(collection mTLS API)" in dialog.clients.status.text()  # no passphrase yet


def test_a_new_passphrase_and_a_conflict_in_the_collection_dialog(
        qtbot, certified, mtls_url, data_dir, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gui import worker
    from gui.widgets.dialogs.certificates import CertificatesDialog
    from gui.widgets.main_window import MainWindow
    from tests.test_window import send_and_wait

    passphrases = iter(["not the passphrase", PASSPHRASE])

    def ok_with_the_next_passphrase(dialog):
        dialog.clients.list.setCurrentRow(0)
        dialog.passphrase.setText(next(passphrases))
        return dialog.save()

    monkeypatch.setattr(CertificatesDialog, "exec", ok_with_the_next_passphrase)
    previous, worker._engine = worker._engine, None
    window = MainWindow(store=SecretStore(MemoryKeyring()))
    qtbot.addWidget(window)
    try:
        c = window.open_collection(str(certified.path))
        window.open_request(next(r for r in c.requests() if r.name == "Get"))
        monkeypatch.setattr(QMessageBox, "question",  # "Save them anyway?" -> yes
                            lambda *a, **k: QMessageBox.StandardButton.Yes)
        window.edit_collection_certificates(c)
        send_and_wait(qtbot, window)
        assert "collection mTLS API" in window.last_exchange.error.message
        # Someone edits collection.yaml meanwhile: the save asks, and overwrites.
        c.settings_path.write_text(c.settings_path.read_text() + "# edited elsewhere\n")
        window.edit_collection_certificates(c)
        send_and_wait(qtbot, window)  # the corrected passphrase applies at once
        assert window.last_exchange.error is None
        assert window.last_exchange.response.status == 200
    finally:
        if worker._engine is not None:
            worker._engine.close()
        worker._engine = previous
