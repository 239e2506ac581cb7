"""Auth schemes end to end against a real httpbin on 127.0.0.1."""

import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path

import pytest

from gui.core import auth
from gui.core.http.exchange import HopKind
from gui.core.http.masking import MASK
from gui.core.model import AuthConfig, RequestSpec
from gui.core.present import hop_text

PLUGINS = Path(__file__).parent / "plugins"


def send(engine, url, scheme, **values):
    return engine.send(RequestSpec(url=url, auth=AuthConfig(scheme, values)))


def statuses(ex):
    return [(h.kind.value, h.response.status) for h in ex.hops]


def test_basic(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/basic-auth/u/pw", "basic", username="u", password="pw")
    assert statuses(ex) == [("request", 200)]


def test_hidden_basic(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/hidden-basic-auth/u/pw", "basic", username="u",
              password="pw")
    assert ex.response.status == 200


def test_basic_wrong_password_is_one_401(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/basic-auth/u/pw", "basic", username="u", password="no")
    assert statuses(ex) == [("request", 401)]
    assert ex.error is None


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA-512"])
def test_digest_algorithms(engine, httpbin_url, algorithm):
    ex = send(engine, f"{httpbin_url}/digest-auth/auth/u/pw-9x/{algorithm}", "digest",
              username="u", password="pw-9x")
    assert statuses(ex) == [("request", 401), ("challenge", 200)]
    sent = dict(ex.hops[1].request.headers)["Authorization"]
    assert sent.startswith("Digest ") and "pw-9x" not in sent


def test_digest_wrong_password_does_not_loop(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/digest-auth/auth/u/pw/MD5", "digest", username="u",
              password="wrong")
    assert statuses(ex) == [("request", 401), ("challenge", 401)]


def test_challenge_is_shown_parsed(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/digest-auth/auth/u/pw/SHA-256", "digest", username="u",
              password="pw")
    text = hop_text(ex.hops[0])
    assert "[WWW-Authenticate challenge]" in text
    assert "Digest: realm=me@kennethreitz.com" in text and "algorithm=SHA-256" in text
    assert "qop=auth" in text


def test_bearer(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/bearer", "bearer", token="tok-123")
    assert ex.response.status == 200
    # httpbin echoes the token it got; the record masks an echoed secret, so the
    # echo reads as exactly the mask: the server received exactly the token.
    assert json.loads(ex.response.body)["token"] == MASK
    assert dict(ex.hops[0].request.headers)["Authorization"] == "Bearer ****"


def test_bearer_custom_prefix(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/headers", "bearer", token="t", prefix="Token")
    assert json.loads(ex.response.body)["headers"]["Authorization"] == "Token t"


def test_bearer_missing_is_refused_before_sending(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/bearer", "bearer", token="")
    assert ex.error.kind == "invalid_request" and "Token is required" in ex.error.message
    assert ex.hops == []


@pytest.mark.parametrize("location,path,read", [
    ("header", "/headers", lambda b: b["headers"]["X-Api-Key"]),
    ("query", "/get", lambda b: b["args"]["api_key"]),
    ("cookie", "/cookies", lambda b: b["cookies"]["api_key"]),
])
def test_api_key(engine, httpbin_url, location, path, read):
    name = "X-Api-Key" if location == "header" else "api_key"
    ex = send(engine, httpbin_url + path, "apikey", name=name, value="k-secret",
              location=location)
    assert read(json.loads(ex.response.body)) == MASK  # the echo, masked in the record
    assert "k-secret" not in json.dumps(ex.to_dict()["hops"])


def test_netrc(engine, httpbin_url, tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("machine 127.0.0.1 login u password pw\n")
    ex = send(engine, f"{httpbin_url}/basic-auth/u/pw", "netrc", file=str(rc))
    assert ex.response.status == 200


def test_netrc_from_the_environment(engine, httpbin_url, tmp_path, monkeypatch):
    rc = tmp_path / "netrc"
    rc.write_text("machine 127.0.0.1 login u password pw\n")
    monkeypatch.setenv("NETRC", str(rc))
    assert send(engine, f"{httpbin_url}/basic-auth/u/pw", "netrc").response.status == 200


def test_netrc_that_does_not_parse_names_file_and_line(engine, tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("machine h login u password p\nbogus x\nmachine g login a password b\n")
    ex = send(engine, "http://127.0.0.1:9/", "netrc", file=str(rc))
    assert ex.error.kind == "invalid_request"
    assert str(rc) in ex.error.message and "line 2" in ex.error.message


def test_netrc_incomplete_entry_stops_the_request_naming_file_and_host(engine, httpbin_url,
                                                                         tmp_path):
    rc = tmp_path / "netrc"
    url = f"{httpbin_url}/basic-auth/u/pw"
    for entry, missing in (("machine 127.0.0.1 login\n", "no login and no password"),
                           ("machine 127.0.0.1 login u\n", "a login but no password"),
                           ("machine 127.0.0.1 password pw\n", "a password but no login")):
        rc.write_text(entry)
        ex = send(engine, url, "netrc", file=str(rc))
        assert ex.error is not None and ex.error.kind == "auth", entry
        assert str(rc) in ex.error.message and "127.0.0.1" in ex.error.message
        assert missing in ex.error.message
        assert ex.hops == []  # nothing went out with empty credentials
        assert missing in " ".join(auth.get("netrc").notes({"file": str(rc)}))
    rc.write_text("default login u\n")
    ex = send(engine, url, "netrc", file=str(rc))
    assert "the default entry (used for 127.0.0.1) has a login but no password" in \
        ex.error.message
    # Another host's incomplete entry does not stop this one.
    rc.write_text("machine elsewhere.test login u\nmachine 127.0.0.1 login u password pw\n")
    assert send(engine, url, "netrc", file=str(rc)).response.status == 200


def test_netrc_syntax_error_names_the_file_and_the_entry(engine, tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("machine a.test login u password p\nmachine b.test login  password p\n")
    problems = auth.get("netrc").check({"file": str(rc)})
    assert len(problems) == 1
    assert str(rc) in problems[0] and "in the entry for b.test" in problems[0]
    # A login left without a value takes the next word as the login: said so.
    rc.write_text("machine a.test login\nmachine b.test login u password p\n")
    ex = send(engine, "http://b.test/", "netrc", file=str(rc))
    assert ex.error.kind == "invalid_request" and ex.hops == []
    assert str(rc) in ex.error.message
    assert "in the entry for a.test: `login` has no value" in ex.error.message


def test_netrc_default_entry_is_warned_about(tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("default login u password p\n")
    assert "every host" in auth.get("netrc").notes({"file": str(rc)})[0]


def test_optional_schemes_say_how_to_install():
    for scheme_id in ("ntlm", "kerberos"):
        scheme = auth.get(scheme_id)
        assert scheme.install_hint.startswith("pip install")


def test_unknown_scheme(engine):
    ex = engine.send(RequestSpec(url="http://127.0.0.1:9/", auth=AuthConfig("nope")))
    assert "Unknown auth scheme 'nope'" in ex.error.message


def test_every_scheme_declares_its_fields():
    for scheme in auth.schemes().values():
        assert scheme.id and scheme.label
        assert len({f.name for f in scheme.fields}) == len(scheme.fields)


@pytest.fixture
def example_plugin(monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGINS))
    auth.schemes.cache_clear()
    yield
    sys.modules.pop("gatepost_example_auth", None)
    auth.schemes.cache_clear()


def test_plugin_appears_with_its_fields(example_plugin):
    scheme = auth.get("example-signature")
    assert scheme.label == "Example signature"
    assert [(f.name, f.secret) for f in scheme.fields] == [("key_id", False), ("key", True)]


def test_plugin_signs_requests(example_plugin, engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/headers", "example-signature", key_id="k1", key="s3")
    expected = hmac.new(b"s3", b"GET /headers", hashlib.sha256).hexdigest()
    assert json.loads(ex.response.body)["headers"]["X-Signature"] == f"k1:{expected}"


def test_basic_credentials_never_in_the_record(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/basic-auth/u/pw-secret", "basic", username="u",
              password="pw-secret")
    record = json.dumps(ex.to_dict()["hops"])
    assert base64.b64encode(b"u:pw-secret").decode() not in record
    assert ex.hops[0].kind is HopKind.REQUEST


def test_secret_in_a_location_is_masked_everywhere_in_the_record(engine, httpbin_url):
    ex = send(engine, f"{httpbin_url}/redirect-to?url=/get%3Fk%3Dloc-secret", "apikey",
              name="X-K", value="loc-secret")
    record = json.dumps(ex.to_dict()["hops"])
    assert "loc-secret" not in record
    assert ex.hops[0].next_reason == "redirect to /get?k=****"
