"""The cookie jar's rules (gui/core/http/cookierules.py, cookiejar.py) and its files
(gui/core/storage/cookiestore.py): browser semantics, the encrypted jar in the data
folder, Netscape files, bad files."""

import json
import time

import pytest

from gui.core.http.cookiejar import CookieJar
from gui.core.http.cookierules import Cookie, problem, site
from gui.core.storage.cookiestore import (
    JarError,
    JarStore,
    jar_file,
    key_name,
    load_netscape,
    read_netscape,
    save_netscape,
)
from gui.core.storage.keychain import SecretStore
from tests.fakes import MemoryKeyring

NOW = 1_800_000_000.0


def received(jar, url, header, now=NOW):
    return jar.receive(url, header, now)


def names(jar, url, method="GET", cross_site=False, now=NOW):
    return [c.name for c in jar.select(url, method, cross_site, now)]


# -- domains, paths, public suffixes -------------------------------------------------------


def test_host_only_and_domain_cookies():
    jar = CookieJar()
    assert received(jar, "http://a.example.com/", "h=1").action == "set"
    assert received(jar, "http://a.example.com/", "d=1; Domain=.Example.COM").action == "set"
    assert names(jar, "http://a.example.com/x") == ["h", "d"]
    assert names(jar, "http://b.example.com/") == ["d"]
    assert names(jar, "http://example.com/") == ["d"]
    assert names(jar, "http://notexample.com/") == []


@pytest.mark.parametrize("header, why", [
    ("a=1; Domain=co.uk", "public suffix"),
    ("a=1; Domain=github.io", "public suffix"),
    ("a=1; Domain=com", "public suffix"),
    ("a=1; Domain=other.example", "does not cover"),
    ("a=1; Domain=..", "not a host name"),
])
def test_invalid_domains_are_refused_with_a_reason(header, why):
    jar = CookieJar()
    url = "https://shop.foo.co.uk/" if "co.uk" in header else (
        "https://me.github.io/" if "github" in header else "https://www.example.com/")
    outcome = received(jar, url, header)
    assert outcome.action == "rejected" and why in outcome.reason, outcome.reason
    assert len(jar) == 0


def test_a_public_suffix_host_may_set_a_cookie_for_itself_only():
    jar = CookieJar()
    assert received(jar, "https://github.io/", "a=1; Domain=github.io").action == "set"
    assert names(jar, "https://github.io/") == ["a"]
    assert names(jar, "https://me.github.io/") == []


def test_an_ip_address_is_host_only():
    jar = CookieJar()
    assert received(jar, "http://127.0.0.1:5000/", "a=1; Domain=0.0.1").action == "rejected"
    assert received(jar, "http://127.0.0.1:5000/", "b=1; Domain=127.0.0.1").action == "set"
    # Ports do not separate cookies, as in every browser.
    assert names(jar, "http://127.0.0.1:6000/") == ["b"]


def test_paths_default_and_match():
    jar = CookieJar()
    received(jar, "http://h.test/app/login", "a=1")  # default path: /app
    received(jar, "http://h.test/", "b=1; Path=/app/admin")
    received(jar, "http://h.test/", "c=1; Path=relative")  # ignored: default path /
    assert names(jar, "http://h.test/app") == ["a", "c"]
    assert names(jar, "http://h.test/application") == ["c"]
    assert names(jar, "http://h.test/app/admin/x") == ["b", "a", "c"]  # longest path first


# -- expiry ---------------------------------------------------------------------------------


def test_max_age_wins_and_expiry_deletes():
    jar = CookieJar()
    received(jar, "http://h.test/", "a=1; Max-Age=60; Expires=Wed, 01 Jan 2000 00:00:00 GMT")
    assert names(jar, "http://h.test/") == ["a"]
    assert names(jar, "http://h.test/", now=NOW + 61) == []
    received(jar, "http://h.test/", "b=1")
    outcome = received(jar, "http://h.test/", "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert outcome.action == "deleted"
    assert received(jar, "http://h.test/", "c=1; Max-Age=0").reason == "it had already expired"
    assert len(jar) == 0


def test_expiry_is_capped_at_400_days():
    jar = CookieJar()
    received(jar, "http://h.test/", "a=1; Max-Age=999999999")
    assert jar.all(now=NOW)[0].expires == NOW + 400 * 86400


# -- Secure, prefixes, SameSite, sizes -----------------------------------------------------


def test_secure_cookies_need_https_or_this_machine():
    jar = CookieJar()
    assert "plain http" in received(jar, "http://h.test/", "s=1; Secure").reason
    assert received(jar, "https://h.test/", "s=1; Secure").action == "set"
    assert names(jar, "http://h.test/") == []
    assert names(jar, "https://h.test/") == ["s"]
    for local in ("http://localhost:8000/", "http://api.localhost/", "http://127.0.0.1/",
                  "http://[::1]/"):
        assert received(jar, local, "t=1; Secure").action == "set", local
        assert "t" in names(jar, local), local


def test_plain_http_cannot_shadow_a_secure_cookie():
    jar = CookieJar()
    received(jar, "https://h.test/", "sid=good; Secure")
    outcome = received(jar, "http://h.test/", "sid=evil")
    assert outcome.action == "rejected" and "shadow" in outcome.reason
    assert [c.value for c in jar.all()] == ["good"]


@pytest.mark.parametrize("header, ok", [
    ("__Secure-a=1; Secure", True), ("__Secure-a=1", False),
    ("__Host-a=1; Secure; Path=/", True), ("__Host-a=1; Secure; Path=/; Domain=h.test", False),
    ("__Host-a=1; Secure; Path=/x", False), ("a=1; SameSite=None", False),
    ("a=1; SameSite=None; Secure", True),
])
def test_prefixes_and_same_site_none(header, ok):
    assert (received(CookieJar(), "https://h.test/", header).action == "set") is ok


def test_same_site_on_a_hop_to_another_site():
    jar = CookieJar()
    for header in ("strict=1; SameSite=Strict", "lax=1; SameSite=Lax",
                   "none=1; SameSite=None; Secure", "plain=1"):
        received(jar, "https://h.test/", header)
    assert sorted(names(jar, "https://h.test/")) == ["lax", "none", "plain", "strict"]
    assert sorted(names(jar, "https://h.test/", cross_site=True)) == ["lax", "none", "plain"]
    assert names(jar, "https://h.test/", "POST", cross_site=True) == ["none"]
    assert jar.all()[0].same_site in ("Lax", "None", "", "Strict")
    assert site("https://a.example.co.uk/x") == site("https://b.example.co.uk/")
    assert site("http://example.com/") != site("https://example.com/")


def test_bad_headers_are_refused_and_the_jar_kept():
    jar = CookieJar()
    received(jar, "http://h.test/", "keep=1")
    for header, why in (("novalue", "no name=value"), ("=x", "no name"),
                        ("a=1\x01", "control character"),
                        ("big=" + "x" * 5000, "4096")):
        outcome = received(jar, "http://h.test/", header)
        assert outcome.action == "rejected" and why in outcome.reason
    assert names(jar, "http://h.test/") == ["keep"]


def test_an_over_long_attribute_is_ignored():
    jar = CookieJar()
    received(jar, "http://h.test/", "a=1; Path=/" + "p" * 2000)
    assert jar.all()[0].path == "/"


def test_a_jar_that_is_off_keeps_and_sends_nothing():
    jar = CookieJar.off()
    assert received(jar, "http://h.test/", "a=1").action == "rejected"
    jar.put(Cookie("b", "1", "h.test"))
    assert names(jar, "http://h.test/") == []


def test_cookies_typed_in_the_manager_are_checked():
    assert problem(Cookie("a b", "1", "h.test")) is not None
    assert problem(Cookie("a", "1;2", "h.test")) is not None
    assert problem(Cookie("a", "1", "")) is not None
    assert problem(Cookie("a", "1", "h.test", path="x")) is not None
    assert problem(Cookie("a", "1", "h.test")) is None


# -- the encrypted jar in the data folder ----------------------------------------------------


def store_with_keychain():
    return SecretStore(MemoryKeyring())


def test_a_jar_lasts_across_a_restart_encrypted(data_dir):
    keychain = store_with_keychain()
    jars = JarStore(keychain)
    jar = jars.jar("col@1")
    received(jar, "https://h.test/", "session=very-secret-value-123", now=time.time())
    assert jars.save(jar) is None
    path = jar_file("col@1")
    assert path.parent == data_dir / "cookies"
    assert b"very-secret-value-123" not in path.read_bytes()
    assert keychain.get(key_name("col@1"))
    again = JarStore(keychain).jar("col@1")
    assert [c.value for c in again.all()] == ["very-secret-value-123"]
    assert JarStore(keychain).jar("other@2").all() == []


def test_without_a_keychain_the_jar_stays_in_memory(data_dir):
    memory = SecretStore(__import__("keyring.backends.fail", fromlist=["Keyring"]).Keyring())
    jars = JarStore(memory)
    jar = jars.jar("scratch")
    received(jar, "https://h.test/", "a=1")
    assert jars.save(jar) and "memory" in jar.note
    assert not (data_dir / "cookies").exists()


@pytest.mark.parametrize("content, said", [
    (b"\x00\xffgarbage", "not JSON"),
    (b'{"format": "something-else"}', "not a Gatepost cookie jar"),
    (b"# Netscape HTTP Cookie File\n.h.test\tTRUE\t/\tFALSE\t0\ta\t1\n", "Netscape"),
    (b'{"format": "gatepost-cookie-jar", "version": 1, "data": "AAAA"}', "decrypted"),
    (b'{"format": "gatepost-cookie-jar", "version": 9, "data": ""}', "version 9"),
])
def test_an_unreadable_jar_is_set_aside_with_a_message(data_dir, content, said):
    keychain = store_with_keychain()
    keychain.set(key_name("scratch"), __import__("cryptography.fernet", fromlist=["F"])
                 .Fernet.generate_key().decode())
    path = jar_file("scratch")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    other = JarStore(keychain)
    good = other.jar("col@1")
    received(good, "https://h.test/", "kept=1", now=time.time())
    other.save(good)
    jars = JarStore(keychain)
    jar = jars.jar("scratch")
    assert said in jar.note and str(path) in jar.note and "Traceback" not in jar.note
    assert len(jar) == 0
    assert path.with_name(path.name + ".unreadable").read_bytes() == content
    received(jar, "https://h.test/", "fresh=1", now=time.time())
    assert jars.save(jar) is None
    assert [c.name for c in JarStore(keychain).jar("scratch").all()] == ["fresh"]
    assert [c.name for c in jars.jar("col@1").all()] == ["kept"]  # the rest intact


def test_damaged_entries_are_left_out_and_the_rest_kept(data_dir):
    from cryptography.fernet import Fernet

    keychain = store_with_keychain()
    key = Fernet.generate_key()
    keychain.set(key_name("scratch"), key.decode())
    good = {"name": "a", "value": "1", "domain": "h.test", "path": "/"}
    entries = [good, {"name": 5}, "junk", {**good, "name": "b", "domain": "bad host!"}]
    token = Fernet(key).encrypt(json.dumps({"cookies": entries}).encode()).decode()
    path = jar_file("scratch")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": "gatepost-cookie-jar", "version": 1, "data": token}))
    jar = JarStore(keychain).jar("scratch")
    assert [c.name for c in jar.all()] == ["a"]
    assert "3 entries" in jar.note


# -- Netscape (curl) files ------------------------------------------------------------------


def test_netscape_round_trip(tmp_path):
    jar = CookieJar()
    received(jar, "https://a.h.test/", "dom=1; Domain=h.test; Secure; HttpOnly", time.time())
    received(jar, "http://127.0.0.1/p/x", "host=2; Max-Age=3600", time.time())
    path = tmp_path / "jar.txt"
    save_netscape(jar, path)
    text = path.read_text()
    assert "#HttpOnly_.h.test\tTRUE\t/\tTRUE\t0\tdom\t1" in text
    assert "127.0.0.1\tFALSE\t/p\tFALSE\t" in text
    assert path.stat().st_mode & 0o077 == 0
    again, problems = load_netscape(path)
    assert problems == []
    assert {(c.name, c.domain, c.host_only, c.secure, c.http_only) for c in again.all()} == {
        ("dom", "h.test", False, True, True), ("host", "127.0.0.1", True, False, False)}


def test_a_file_from_another_tool_is_refused_in_a_sentence(tmp_path):
    path = tmp_path / "cookies.json"
    path.write_text('[{"name": "a", "value": "1"}]')
    with pytest.raises(JarError, match="not a Netscape/curl cookie file"):
        load_netscape(path)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(JarError, match="not UTF-8"):
        load_netscape(path)
    with pytest.raises(JarError, match="folder"):
        load_netscape(tmp_path)


def test_bad_lines_are_named_and_the_rest_read():
    cookies, problems = read_netscape(
        "# comment\nh.test\tFALSE\t/\tFALSE\t0\tgood\t1\nh.test\tMAYBE\t/\tFALSE\t0\tx\t1\n"
        "h.test\tFALSE\t/\tFALSE\tsoon\ty\t1\nshort\tline\n", "f.txt")
    assert [c.name for c in cookies] == ["good"]
    assert [p.split(":")[0] for p in problems] == ["f.txt, line 3", "f.txt, line 4",
                                                   "f.txt, line 5"]


def test_the_key_in_a_real_keychain(secret_service, data_dir):
    keychain = SecretStore(secret_service)
    jars = JarStore(keychain)
    jar = jars.jar("real@1")
    received(jar, "https://h.test/", "sid=k3ych41n-value", now=time.time())
    assert jars.save(jar) is None
    assert b"k3ych41n-value" not in jar_file("real@1").read_bytes()
    again = JarStore(SecretStore(secret_service)).jar("real@1")
    assert [c.value for c in again.all()] == ["k3ych41n-value"]


def test_a_jar_that_cannot_be_written_says_so(data_dir):
    jars = JarStore(store_with_keychain())
    jar = jars.jar("scratch")
    received(jar, "https://h.test/", "a=1", now=time.time())
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "cookies").write_text("a file where the folder should be")
    said = jars.save(jar)
    assert said and "could not be written" in said and said == jar.note
    assert [c.name for c in jar.all()] == ["a"]
