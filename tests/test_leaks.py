"""Secrets never reach a file, a record or an output: fill every scheme, then look."""

import json

import pytest

from gui.core import auth
from gui.core.auth.base import FieldKind
from gui.core.model import AuthConfig, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.storage.scratch import load_current, save_current, store_auth_secrets
from tests.fakes import MemoryKeyring

# Values that let each scheme build; secrets get unique markers below.
PLAIN = {"username": "user", "name": "X-Key", "location": "query", "consumer_key": "ck",
         "token": "tk", "region": "us-east-1", "service": "execute-api", "access_key": "AK",
         "key_id": "k1", "prefix": "Bearer", "signature_method": "PLAINTEXT",
         "auth_id": "hawk-id", "client_token": "akab-client-token"}
#: Values for one scheme only (another scheme has a field of the same name that means
#: something else); files are filled in by the fixture below.
PER_SCHEME: dict[str, dict[str, str]] = {
    "asap": {"issuer": "svc", "kid": "svc/key-1", "audience": "them"}}


def filled(scheme):
    values = {}
    for f in scheme.fields:
        if f.kind is FieldKind.SECRET:
            values[f.name] = f"LEAK-{scheme.id}-{f.name}-9f3a"
        elif f.kind is FieldKind.CHOICE:
            values[f.name] = PLAIN.get(f.name, f.choices[0])
        elif f.kind in (FieldKind.TEXT,) and f.name in PLAIN:
            values[f.name] = PLAIN[f.name]
    values.update(PER_SCHEME.get(scheme.id, {}))
    return values


@pytest.fixture(scope="module", autouse=True)
def asap_key_file(tmp_path_factory):
    """ASAP signs with a key file: one encrypted with the passphrase filled() gives it, so
    that the request is really signed and the passphrase really used."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("keys") / "asap.pem"
    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"LEAK-asap-key_passphrase-9f3a")))
    PER_SCHEME["asap"]["private_key_file"] = str(path)
    yield
    del PER_SCHEME["asap"]["private_key_file"]


SECRET_SCHEMES = [s for s in auth.schemes().values() if s.secret_names() and s.available()]


@pytest.mark.parametrize("scheme", SECRET_SCHEMES, ids=lambda s: s.id)
def test_saved_request_holds_no_secret(scheme, data_dir):
    config = AuthConfig(scheme.id, filled(scheme))
    keychain = MemoryKeyring()
    save_current(RequestSpec(url="http://example.test/", auth=config))
    store_auth_secrets(config, SecretStore(keychain))
    secrets = [v for k, v in config.values.items() if k in scheme.secret_names()]
    assert sorted(keychain.items.values()) == sorted(secrets)
    for path in data_dir.rglob("*"):
        text = path.read_text(errors="replace") if path.is_file() else ""
        assert not [s for s in secrets if s in text], path
    assert load_current().auth.scheme == scheme.id


@pytest.mark.parametrize("scheme", SECRET_SCHEMES, ids=lambda s: s.id)
def test_exchange_record_holds_no_secret(scheme, engine, httpbin_url):
    config = AuthConfig(scheme.id, filled(scheme))
    ex = engine.send(RequestSpec("POST", f"{httpbin_url}/anything", auth=config))
    record = json.dumps(ex.to_dict()["hops"]) + (ex.error.message if ex.error else "")
    secrets = [v for k, v in config.values.items() if k in scheme.secret_names()]
    assert not [s for s in secrets if s in record]


@pytest.mark.parametrize("scheme_id", ["hawk", "edgegrid", "asap"])
def test_signing_schemes_are_really_sent_here(scheme_id, engine, httpbin_url):
    """Their leak test above is only worth something if the request was signed and sent."""
    scheme = auth.get(scheme_id)
    ex = engine.send(RequestSpec("POST", f"{httpbin_url}/anything",
                                 auth=AuthConfig(scheme.id, filled(scheme))))
    assert ex.error is None and ex.response.status == 200
    assert dict(ex.hops[0].request.headers)["Authorization"].endswith(" ****")
