"""One masking for every output: every encoded form of a secret, in every record."""

import base64
import json
from urllib.parse import quote

import pytest

from gui.core.http.curl import to_curl
from gui.core.http.exchange import HopKind, mask_header, mask_text
from gui.core.http.masking import MASK, mask_spec, url_secrets
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec, Row
from tests.secret_forms import forms, leaks, outputs

SECRETS = ["abc def/ghi", "pässwort/1", 'a"b/c', "pw/+ &x~", "日本語の秘密", "t0k€n😀x"]


@pytest.mark.parametrize("secret", SECRETS)
def test_every_form_of_a_secret_is_masked(secret):
    for form in forms(secret):
        text = f"before {form} after"
        assert mask_text(text, (secret,)) == f"before {MASK} after", form


def test_percent_encodings_in_any_mix_and_case():
    secret = "pw/+ &ä"
    for form in ("pw%2f%2b%20%26%c3%a4", "pw/%2B+%26%C3%A4", "pw%252F%252B%2520%2526%25C3%25A4",
                 "pw%2F%2b%2520&%C3%a4"):
        assert mask_text(f"?k={form}&x=1", (secret,)) == f"?k={MASK}&x=1", form


def test_base64_of_user_and_password_at_every_alignment():
    for user in ("u", "us", "use"):
        token = base64.b64encode(f"{user}:s3cret-pw".encode()).decode()
        masked = mask_text(f"X-Creds: {token}", ("s3cret-pw",))
        assert "s3cret" not in base64.b64decode(masked.split()[1].replace(MASK, "") + "===",
                                                validate=False).decode("latin-1")
        assert MASK in masked


def test_url_user_info_password_is_always_masked():
    assert mask_text("GET http://alice:pw@host/x", ()) == f"GET http://alice:{MASK}@host/x"
    assert mask_text("https://a:p%40ss@h:8/?q#f and more", ()) == \
        f"https://a:{MASK}@h:8/?q#f and more"
    assert mask_text("http://alice@host/ mail bob@example.com", ()) == \
        "http://alice@host/ mail bob@example.com"
    assert set(url_secrets("http://alice:p%40ss@host/")) == {"p%40ss", "p@ss"}


def test_short_secrets_only_as_whole_values():
    # A one-letter password masked in every "a" would make the record unreadable.
    assert mask_text("a cat ate a banana", ("a",)) == "a cat ate a banana"
    assert mask_text("a", ("a",)) == MASK
    assert mask_header("X-Key", "pw", ("pw",)) == MASK
    assert mask_text("http://h/p?k=pw&x=pwx#f", ("pw",)) == f"http://h/p?k={MASK}&x=pwx#f"
    assert mask_text("k=p%20w&y=2", ("p w",)) == f"k={MASK}&y=2"
    assert mask_text('{"k": "pw", "pwx": ["pw"]}', ("pw",)) == \
        f'{{"k": "{MASK}", "pwx": ["{MASK}"]}}'
    part = '--b\r\nContent-Disposition: form-data; name="k"\r\n\r\npw\r\n--b--\r\n'
    assert mask_text(part, ("pw",)) == part.replace("\r\npw\r\n", f"\r\n{MASK}\r\n")


def test_empty_blank_and_common_word_secrets():
    assert mask_text("Content-Type: application/json", ("", " ", "   ")) == \
        "Content-Type: application/json"
    # Four characters or more are masked everywhere, even a common word: the record
    # stays readable, and the secret does not escape.
    assert mask_text("application/json", ("json",)) == f"application/{MASK}"


def test_a_secret_inside_another_leaves_no_piece_of_either():
    text = "key=secret-long-one;other=secret;x=longsecret-tail"
    masked = mask_text(text, ("secret", "secret-long-one", "longsecret-tail"))
    assert masked == f"key={MASK};other={MASK};x={MASK}"
    # Overlapping secrets: one span, nothing left over.
    assert mask_text("xxabcdefghixx", ("abcdef", "defghi")) == f"xx{MASK}xx"


def test_masking_is_stable_on_masked_text():
    once = mask_text("Bearer abc def/ghi and http://u:p@h/", ("abc def/ghi",))
    assert mask_text(once, ("abc def/ghi",)) == once


def test_credential_headers_keep_their_scheme_word():
    assert mask_header("Authorization", "Bearer tok", ()) == f"Bearer {MASK}"
    digest = 'Digest username="u", response="abc", nonce="n", uri="/p?k=s3cret-x"'
    assert mask_header("Authorization", digest, ("s3cret-x",)) == digest.replace(
        "s3cret-x", MASK)


def test_mask_spec_masks_every_place_and_empties_secret_fields():
    secret = "abc def/ghi"
    spec = RequestSpec("POST", f"http://alice:pw@h/{quote(secret, safe='')}?k={secret}",
                       params=[Row("k", secret)], headers=[Row("X-K", secret),
                                                           Row("Authorization", "Bearer t")],
                       body=Body(BodyKind.RAW, text=json.dumps({"k": secret})),
                       auth=AuthConfig("bearer", {"token": "tok-secret"}))
    masked = mask_spec(spec, (secret,))
    text = json.dumps(masked.__dict__, default=lambda o: o.__dict__, ensure_ascii=False)
    assert not leaks(text, [secret, "tok-secret"]) and ":pw@" not in text
    assert masked.auth.values.get("token", "") == "" and "Bearer ****" in text


# -- through the engine, to every output ------------------------------------------------


def test_oauth1_plaintext_in_the_query(echo_unmasked, engine, httpbin_url, tmp_path):
    cs, ts = "c/s+ &ecret", "t s/+&ok"
    spec = RequestSpec(url=f"{httpbin_url}/anything", auth=AuthConfig("oauth1", {
        "consumer_key": "ck", "consumer_secret": cs, "token": "tk", "token_secret": ts,
        "signature_method": "PLAINTEXT", "signature_location": "query"}))
    exchange = engine.send(spec)
    assert exchange.ok
    # The server got both, double-encoded in the query: the test is not vacuous.
    assert json.loads(exchange.response.text())["args"]["oauth_signature"] == \
        f"{quote(cs, safe='~')}&{quote(ts, safe='~')}"
    assert not leaks(outputs(exchange, spec, (), tmp_path), [cs, ts])


def test_a_partly_encoded_query_variable_and_user_info(echo_unmasked, engine, httpbin_url,
                                                        tmp_path):
    secrets = ("abc def/ghi", "pässwort/1", 'a"b/c')
    host = httpbin_url.split("//")[1]
    spec = RequestSpec(url=f"http://alice:p%40ss-w0rd@{host}/anything?a={secrets[0]}"
                           f"&b={secrets[1]}&c={secrets[2]}")
    exchange = engine.send(spec, secrets=secrets)
    assert json.loads(exchange.response.text())["args"] == dict(zip("abc", secrets, strict=True))
    assert "abc%20def/ghi" in exchange.response.text()  # httpx's partial encoding
    text = outputs(exchange, spec, secrets, tmp_path)
    assert not leaks(text, [*secrets, "p@ss-w0rd"]) and "p%40ss-w0rd" not in text
    assert f"alice:{MASK}@" in text


def test_curl_from_the_typed_url_with_masked_bodies(engine, httpbin_url):
    secret = "v4r s/cr+t"
    url = f"{httpbin_url}/redirect-to?url=/anything&status_code=307"
    for body, expect in [
        (Body(BodyKind.RAW, text=f"key={secret}&x=1", content_type="text/plain"),
         "--data-raw 'key=****&x=1'"),
        (Body(BodyKind.JSON, text=json.dumps({"k": secret})), '--data-raw \'{"k": "****"}\''),
        (Body(BodyKind.FORM, rows=[Row("k", secret), Row("n", "1")]),
         "--data-urlencode 'k=****' --data-urlencode n=1"),
        (Body(BodyKind.MULTIPART, rows=[Row("k", secret), Row("n", "1")]),
         "-F 'k=****' -F n=1"),
    ]:
        spec = RequestSpec("POST", url, headers=[Row("X-Var", secret)], body=body)
        exchange = engine.send(spec, secrets=(secret,))
        assert [h.kind for h in exchange.hops] == [HopKind.REQUEST, HopKind.REDIRECT]
        assert exchange.response.status == 200
        curl = to_curl(exchange, mask_spec(spec, (secret,)))
        assert curl.startswith("curl -L ") and f"'{url}'" in curl, curl
        assert expect in curl and "-H 'X-Var: ****'" in curl, curl
        assert " -X " not in curl  # curl posts the data itself, and replays it on a 307
        if body.kind is BodyKind.MULTIPART:
            assert "Content-Type" not in curl  # curl writes its own boundary
        assert not leaks(curl + to_curl(exchange, spec, (secret,)), [secret])


def test_curl_of_basic_and_digest_asks_curl_to_do_the_auth(engine, httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/digest-auth/auth/u/pw-9/MD5",
                       auth=AuthConfig("digest", {"username": "u", "password": "pw-9"}))
    curl = to_curl(engine.send(spec), spec)
    assert "--digest -u 'u:****'" in curl and "Authorization" not in curl
    assert "pw-9" not in curl.replace("/pw-9/", "")  # the path names it: masked too
    spec = RequestSpec(url=f"{httpbin_url}/get", method="HEAD",
                       auth=AuthConfig("basic", {"username": "u", "password": "pw-9x"}))
    curl = to_curl(engine.send(spec), spec)
    assert curl.startswith("curl -I -u 'u:****' ") and "pw-9x" not in curl


def test_cli_masks_user_info_and_plaintext_query(httpbin_url):
    from tests.test_cli import gatepost

    host = httpbin_url.split("//")[1]
    cs = "c/s+ &ecret"
    for extra in (["--json"], []):
        result = gatepost("send", *extra, "--auth", "oauth1", "--auth-field", "consumer_key=ck",
                          "--auth-field", f"consumer_secret={cs}",
                          "--auth-field", "signature_method=PLAINTEXT",
                          "--auth-field", "signature_location=query",
                          f"http://alice:p%40ss-w0rd@{host}/status/200")
        assert result.returncode == 0, result.stderr
        assert not leaks(result.stdout + result.stderr, [cs, "p@ss-w0rd"])
        assert "p%40ss-w0rd" not in result.stdout and f"alice:{MASK}@" in result.stdout


def test_an_error_message_is_masked_too(engine, httpbin_url):
    secret = "tok en/+x"
    spec = RequestSpec(url=f"{httpbin_url}/redirect-to?url={quote('/get?k=' + secret)}")
    spec.options.max_redirects = 0
    exchange = engine.send(spec, secrets=(secret,))
    assert exchange.error.kind == "too_many_redirects"
    assert "/get?k=****" in exchange.error.message and not leaks(exchange.error.message,
                                                                [secret])


def test_a_response_that_echoes_a_secret_is_masked_in_the_record(engine, httpbin_url):
    """httpbin's /anything sends back the request: the Basic credential and a secret
    variable's value in a header come back in the body, which the record masks too."""
    spec = RequestSpec(url=f"{httpbin_url}/anything",
                       headers=[Row("X-Api-Key", "k3y-of-the-team")],
                       auth=AuthConfig("basic", {"username": "ada", "password": "pa55-word"}))
    exchange = engine.send(spec, secrets=("k3y-of-the-team",))
    body = exchange.response.body.decode()
    assert json.loads(body)["method"] == "GET"  # still the server's JSON
    basic = base64.b64encode(b"ada:pa55-word").decode()
    for secret in ("k3y-of-the-team", "pa55-word", basic):
        assert secret not in body
        assert secret not in json.dumps(exchange.to_dict())
    assert MASK in body


@pytest.mark.parametrize("secrets", [(), ("pw",), ("s3cret-value",)])
def test_a_hops_headers_are_masked_as_one_header_at_a_time(secrets):
    """The record masks a hop's headers in one call (no secrets: only credential
    headers and user info are touched); the result is the per-header rule's."""
    from gui.core.http.masking import mask_headers, mask_values

    headers = [("Authorization", "Bearer abc"), ("Proxy-Authorization", "Basic eA=="),
               ("Authorization", "Digest username=pw"), ("X-Key", "pw"),
               ("Location", "http://u:pw@host/?k=s3cret-value"), ("Accept", "*/*"),
               ("X-Mail", "ada@example.com"), ("Referer", "https://a:b@c/")]
    assert mask_headers(headers, secrets) == [(n, mask_header(n, v, secrets))
                                              for n, v in headers]
    assert mask_values(headers, secrets) == [(n, mask_text(v, secrets)) for n, v in headers]
