"""`gatepost` as a user runs it: a real process, real servers."""

import json
import os
import subprocess
import sys

from tests.servers import free_port


def gatepost(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "gui", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def test_version_and_help_need_no_display():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    version = gatepost("--version", env=env)
    assert version.returncode == 0 and version.stdout.startswith("gatepost ")
    helped = gatepost("--help", env=env)
    assert helped.returncode == 0 and "send" in helped.stdout
    assert gatepost("send", "--help", env=env).returncode == 0


def test_window_without_a_display_says_so():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = gatepost(env=env)
    assert result.returncode == 1
    assert "No display" in result.stderr and "Traceback" not in result.stderr


def test_json_through_a_redirect_chain(httpbin_url):
    result = gatepost("send", "--json", f"{httpbin_url}/redirect/2")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [h["kind"] for h in doc["hops"]] == ["request", "redirect", "redirect"]
    assert [h["response"]["status"] for h in doc["hops"]] == [302, 302, 200]
    first = doc["hops"][0]
    assert first["request"]["method"] == "GET"
    assert ["Host", httpbin_url.split("//")[1]] in first["request"]["headers"]
    assert first["response"]["reason"] == "FOUND"
    assert first["response"]["http_version"] == "HTTP/1.1"
    assert ["Location", "/relative-redirect/1"] in first["response"]["headers"]
    assert set(first["timings"]) >= {"dns", "connect", "tls", "send", "wait", "receive"}
    assert json.loads(doc["body"])["url"] == f"{httpbin_url}/get"
    assert doc["error"] is None


def test_human_output_hop_by_hop(httpbin_url):
    result = gatepost("send", f"{httpbin_url}/redirect/1")
    assert result.returncode == 0
    assert "302 FOUND" in result.stdout and "-> redirect to /get" in result.stdout
    assert '"url": "' in result.stdout  # then the final body


def test_post_json_body(httpbin_url):
    result = gatepost("send", "--body-only", "--json-body", '{"a": [1]}', f"{httpbin_url}/post")
    assert json.loads(result.stdout)["json"] == {"a": [1]}


def test_form_and_headers(httpbin_url):
    result = gatepost("send", "-b", "-H", "X-One: 1", "--form", "k=v", "--form", "k=w",
                      f"{httpbin_url}/post")
    echo = json.loads(result.stdout)
    assert echo["form"] == {"k": ["v", "w"]} and echo["headers"]["X-One"] == "1"


def test_multipart_file(httpbin_url, tmp_path):
    upload = tmp_path / "u.txt"
    upload.write_text("up")
    result = gatepost("send", "-b", "--multipart", f"f=@{upload}", "--multipart", "t=x",
                      f"{httpbin_url}/post")
    echo = json.loads(result.stdout)
    assert echo["files"] == {"f": "up"} and echo["form"] == {"t": "x"}


def test_transport_error_exits_non_zero_without_traceback():
    result = gatepost("send", "--json", f"http://127.0.0.1:{free_port()}/")
    assert result.returncode == 1
    assert "Connection refused" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(result.stdout)["error"]["kind"] == "refused"


def test_bad_input_exits_2_with_a_message():
    for args in (["ftp://x/"], ["-H", "Bad Name: v", "http://h/"], ["--json-body", "{", "h"],
                 ["-H", "novalue", "http://h/"], ["--timeout", "0", "http://h/"]):
        result = gatepost("send", *args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("gatepost: ") and "Traceback" not in result.stderr


def test_no_follow(httpbin_url):
    doc = json.loads(gatepost("send", "--json", "--no-follow", f"{httpbin_url}/redirect/3").stdout)
    assert [h["response"]["status"] for h in doc["hops"]] == [302]


def test_auth_list_names_schemes_and_fields():
    out = gatepost("auth", "list").stdout
    assert "digest: Digest" in out and "password" in out and "aws-sigv4" in out
    assert "ntlm: NTLM" in out


def test_send_help_lists_the_fields_of_a_scheme():
    out = gatepost("send", "--auth", "apikey", "--help").stdout
    assert "Fields of --auth apikey" in out and "location" in out and "header|query|cookie" in out


def test_digest_with_the_secret_from_the_environment(httpbin_url):
    env = dict(os.environ, PW="s3cret-pw")
    result = gatepost("send", "--json", "--auth", "digest", "--auth-field", "username=u",
                      "--auth-field", "password=env:PW",
                      f"{httpbin_url}/digest-auth/auth/u/s3cret-pw/SHA-256", env=env)
    doc = json.loads(result.stdout)
    assert [(h["kind"], h["response"]["status"]) for h in doc["hops"]] == [
        ("request", 401), ("challenge", 200)]
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_prompted_secret_is_not_echoed(httpbin_url):
    result = subprocess.run(
        [sys.executable, "-m", "gui", "send", "--auth", "basic", "--auth-field", "username=u",
         "--auth-field", "password=-", f"{httpbin_url}/basic-auth/u/typed-pw"],
        input="typed-pw\n", capture_output=True, text=True, timeout=60)
    assert "200 OK" in result.stdout
    assert "typed-pw" not in result.stdout.replace("/basic-auth/u/****", "")


def test_unknown_auth_field_is_bad_input():
    result = gatepost("send", "--auth", "basic", "--auth-field", "user=u", "http://h/")
    assert result.returncode == 2 and "has no field 'user'" in result.stderr


def test_missing_environment_variable_is_bad_input():
    env = {k: v for k, v in os.environ.items() if k != "NO_SUCH_VAR"}
    result = gatepost("send", "--auth", "bearer", "--auth-field", "token=env:NO_SUCH_VAR",
                      "http://h/", env=env)
    assert result.returncode == 2 and "NO_SUCH_VAR is not set" in result.stderr


def test_json_records_a_body_replayed_by_a_redirect(httpbin_url):
    body = '{"replayed": true, "list": [1, 2, 3]}'
    result = gatepost("send", "--json", "-X", "POST", "--json-body", body,
                      f"{httpbin_url}/redirect-to?url=/anything&status_code=307")
    doc = json.loads(result.stdout)
    assert [h["request"]["body_size"] for h in doc["hops"]] == [len(body)] * 2
    assert json.loads(doc["body"])["data"] == body


def test_fail_exits_22_on_an_http_error_without_its_body(httpbin_url):
    failed = gatepost("send", "--fail", f"{httpbin_url}/status/404")
    assert failed.returncode == 22
    assert "404 NOT FOUND" in failed.stdout  # the hop, for the person
    assert "gatepost: the server answered 404 NOT FOUND (--fail)" in failed.stderr
    body_only = gatepost("send", "-f", "-b", f"{httpbin_url}/redirect-to?url=/status/503")
    assert (body_only.returncode, body_only.stdout) == (22, "")
    assert gatepost("send", f"{httpbin_url}/status/404").returncode == 0  # only when asked
    assert gatepost("send", "-f", "-b", f"{httpbin_url}/status/201").returncode == 0
    # A transport error keeps its own status.
    assert gatepost("send", "-f", f"http://127.0.0.1:{free_port()}/").returncode == 1


def test_netrc_incomplete_or_broken_is_reported_not_sent(httpbin_url, tmp_path):
    rc = tmp_path / "netrc"
    rc.write_text("machine 127.0.0.1 login\n")
    url = f"{httpbin_url}/basic-auth/u/pw"
    result = gatepost("send", "--auth", "netrc", "--auth-field", f"file={rc}", url)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"The netrc file {rc}: the entry for 127.0.0.1 has no login and no password" \
        in result.stderr
    assert result.stdout == ""  # nothing was sent
    rc.write_text("machine 127.0.0.1 login u password\n")
    assert "has a login but no password" in gatepost(
        "send", "--auth", "netrc", "--auth-field", f"file={rc}", url).stderr
    rc.write_text("machine 127.0.0.1 login u password pw extra\n")
    broken = gatepost("send", "--auth", "netrc", "--auth-field", f"file={rc}", url)
    assert broken.returncode == 2 and str(rc) in broken.stderr
    assert "in the entry for 127.0.0.1" in broken.stderr
