"""curl command lines: parse_curl (a pasted command) and a file of commands.

Where the interface must match curl, the real curl binary and Gatepost send the same
command to httpbin's /anything and the echoes are compared.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from gui.core import importers
from gui.core.http.masking import mask_text, spec_secrets
from gui.core.importers import curl
from gui.core.importers.curl import CurlError, looks_like_curl, parse_curl
from gui.core.model import BodyKind

needs_curl = pytest.mark.skipif(shutil.which("curl") is None,
                                reason="the curl binary is not installed (resources/setup.sh "
                                       "test installs it)")
#: Headers only one side sends by design: httpx always offers compressed responses (and
#: decodes them) and keeps connections alive; the User-Agent names the client.
_OWN = {"User-Agent", "Accept-Encoding", "Connection"}


def _echo(data: dict) -> dict:
    headers = {k: v for k, v in data["headers"].items() if k not in _OWN}
    multipart = "multipart/form-data" in headers.get("Content-Type", "")
    if multipart:  # each client picks its own boundary
        headers["Content-Type"] = "multipart/form-data"
        headers.pop("Content-Length")
    return {"method": data["method"], "url": data["url"], "args": data["args"],
            "data": None if multipart else data["data"], "form": data["form"],
            "files": data["files"], "json": data["json"], "headers": headers}


@needs_curl
@pytest.mark.parametrize("command", [
    "curl {u}/anything",
    "curl {u}/anything?x=1 -H 'X-A: b' -d 'a=1' -d 'b=2 3'",
    "curl -X PUT {u}/anything --json '{{\"a\": 1}}' --json '[2]'",
    "curl {u}/anything -G --data-urlencode \"q=a b&c=d~-._*!'()/é+%\" -d z=1",
    "curl {u}/anything --data-urlencode 'x=1 2' --data-urlencode '=only' --data-ascii k=v",
    "curl {u}/anything -F 'upload=@{file}' -F 'name=value' --form-string 'raw=@not-a-file'",
    "curl -sSL -XPATCH {u}/anything -H 'Content-Type: application/json' "
    "--data-raw $'{{\"x\":\"a\\\\nb\", \"q\": \"it\\'s\"}}'",
    "curl {u}/anything -u ada:s3cret --compressed -b 'a=1; b=2' -A 'my agent' -e http://ref/",
    "curl {u}/anything --data-binary @{file} -H 'Content-Type: text/plain'",
    "curl {u}/anything -H 'Authorization: Bearer tok-1' -H 'X-Empty;' --oauth2-bearer x",
    "curl --request DELETE --url '{u}/anything/a%20b?x=%2F&y' --header 'Accept: text/html'",
    "curl {u}/anything \\\n  -H 'X-Multi: line' \\\n  --data-raw 'a=b'",
    "curl {u}/anything -r 0-99 --http1.1 -k --max-redirs 3",
])
def test_same_request_as_curl(engine, httpbin_url, tmp_path, command):
    upload = tmp_path / "upload.txt"
    upload.write_text("line one\nline two\n")
    command = command.format(u=httpbin_url, file=upload)
    done = subprocess.run(["bash", "-c", command + " --silent --show-error"],
                          capture_output=True, text=True, timeout=60, check=True)
    parsed = parse_curl(command)
    # httpbin echoes the request; Gatepost's record masks the secrets in that echo, so
    # curl's echo is masked the same way before the two are compared.
    by_curl = _echo(json.loads(mask_text(done.stdout, spec_secrets(parsed.spec))))
    exchange = engine.send(parsed.spec)
    assert exchange.error is None, exchange.error
    by_gatepost = _echo(json.loads(exchange.response.body))
    assert by_gatepost == by_curl


@needs_curl
def test_compressed_and_redirects_as_curl(engine, httpbin_url):
    # Without -L curl does not follow; with it, it does. Gatepost does the same.
    for flag, final in (("", 302), ("-L", 200)):
        command = f"curl -s -o /dev/null -w '%{{http_code}}' {flag} {httpbin_url}/redirect/1"
        assert subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                              timeout=60).stdout == str(final)
        exchange = engine.send(parse_curl(command).spec)
        assert exchange.response.status == final
    spec = parse_curl(f"curl --compressed {httpbin_url}/gzip").spec
    assert json.loads(engine.send(spec).response.body)["gzipped"] is True


# -- what each option becomes ----------------------------------------------------------------


def test_auth_options():
    def auth(command):
        spec = parse_curl(command).spec
        return spec.auth.scheme, spec.auth.values

    assert auth("curl -u ada:pw https://h/") == ("basic", {"username": "ada", "password": "pw"})
    assert auth("curl --digest -u ada:pw https://h/")[0] == "digest"
    assert auth("curl --ntlm -u 'DOM\\ada:pw' https://h/") == (
        "ntlm", {"username": "DOM\\ada", "password": "pw"})
    assert auth("curl --negotiate -u : https://h/") == ("kerberos", {})
    assert auth("curl --aws-sigv4 'aws:amz:eu-west-1:execute-api' -u AK:SK https://h/") == (
        "aws-sigv4", {"access_key": "AK", "secret_key": "SK", "region": "eu-west-1",
                      "service": "execute-api"})
    # Region and service from the host name when the option leaves them out, as curl does.
    assert auth("curl --aws-sigv4 aws:amz -u AK:SK https://s3.us-east-2.amazonaws.com/b")[1][
        "region"] == "us-east-2"
    assert auth("curl -H 'Authorization: Bearer abc' https://h/") == (
        "bearer", {"token": "abc", "prefix": "Bearer"})
    assert auth("curl -H 'Authorization: Basic YWRhOnB3' https://h/") == (
        "basic", {"username": "ada", "password": "pw"})
    assert auth("curl --oauth2-bearer t0k https://h/")[1]["token"] == "t0k"
    assert auth("curl -n https://h/")[0] == "netrc"
    parsed = parse_curl("curl -u ada https://h/")
    assert parsed.spec.auth.values == {"username": "ada", "password": ""}
    assert any("curl would ask for the password" in n for n in parsed.notices)


def test_options_map_to_request_settings():
    spec = parse_curl("curl -kL --max-redirs 5 -m 7.5 --connect-timeout 2 --http2 "
                      "https://h/p?a=1&b").spec
    options = spec.options
    assert (options.verify_tls, options.follow_redirects, options.max_redirects) == (
        False, True, 5)
    assert (options.max_time, options.timeouts.connect, options.http2) == (7.5, 2.0, True)
    assert [(p.name, p.value) for p in spec.params] == [("a", "1"), ("b", "")]
    assert parse_curl("curl https://h/").spec.options.follow_redirects is False
    assert parse_curl("curl -I https://h/").spec.method == "HEAD"
    assert parse_curl("curl -X post https://h/").spec.method == "POST"
    assert parse_curl("curl -d x https://h/").spec.method == "POST"
    assert parse_curl("curl -G -d x https://h/").spec.url == "https://h/?x"
    # -T uploads a file with PUT; a URL ending in / gets the file's name, as in curl.
    spec = parse_curl("curl -T 'dir/my file.txt' https://h/up/").spec
    assert (spec.method, spec.url, spec.body.kind, spec.body.path) == (
        "PUT", "https://h/up/my%20file.txt", BodyKind.FILE, "dir/my file.txt")
    spec = parse_curl("curl -b 'a=1' -b 'b=2;' https://h/").spec
    assert [(h.name, h.value) for h in spec.headers] == [("Cookie", "a=1; b=2")]
    spec = parse_curl("curl https://h/ -H 'Content-Type: application/json' -d '{\"a\":1}'").spec
    assert (spec.body.kind, spec.body.text) == (BodyKind.JSON, '{"a":1}')
    spec = parse_curl("curl https://h/ -F 'f=@/tmp/a.png;type=image/png' -F t=1").spec
    assert spec.body.kind is BodyKind.MULTIPART
    assert [(r.name, r.value, r.is_file) for r in spec.body.rows] == [
        ("f", "/tmp/a.png", True), ("t", "1", False)]


def test_certificates_and_proxies_are_named_not_dropped():
    parsed = parse_curl("curl --cacert ca.pem --cert me.pem:certpass --key me.key "
                        "--pass keypass -x http://puser:ppass7@proxy:3128 -U pu9:proxypw9 "
                        "--compressed https://h/")
    text = "\n".join(parsed.notices)
    assert "--cacert ca.pem: a CA bundle is set under Certificates…" in text
    assert "--cert me.pem: a client certificate is set under Certificates…" in text
    assert "--key me.key" in text
    assert "--proxy http://proxy:3128: proxies are not supported yet" in text
    assert "--proxy-user" in text
    for secret in ("certpass", "keypass", "ppass7", "proxypw9", "pu9", "puser"):
        assert secret not in text
    assert "--compressed" not in text  # Gatepost always asks for compressed responses


@pytest.mark.parametrize(("command", "message"), [
    ("curl --frobnicate https://h/", "Unknown curl option --frobnicate."),
    ("curl -Z https://h/", "Unknown curl option -Z."),
    ("curl -sZ https://h/", "Unknown curl option -Z (in -sZ)."),
    ("curl https://h/ -H 'X-A: b", "a quotation mark is not closed (unbalanced quotes)"),
    ("curl https://h/ -d $'abc", "a $'...' quotation is not closed (unbalanced quotes)"),
    ("curl https://h/ -H", "The curl option -H needs a value."),
    ("curl -X GET", "The curl command has no URL."),
    ("wget https://h/", "This is not a curl command"),
    ("curl --max-redirs many https://h/", "--max-redirs needs a number, not 'many'."),
])
def test_bad_commands_get_a_message_naming_the_problem(command, message):
    with pytest.raises(CurlError) as caught:
        parse_curl(command)
    assert message in str(caught.value)


def test_pasted_text_recognised():
    assert looks_like_curl("curl https://h/")
    assert looks_like_curl("  $ curl -X POST https://h/")
    assert not looks_like_curl("https://h/curl")
    assert not looks_like_curl("curly https://h/")
    # A pipe after the command is not curl's: said, not an error.
    parsed = parse_curl("curl -s https://h/ | jq .")
    assert parsed.spec.url == "https://h/"
    assert any("| jq ." in n for n in parsed.notices)


# -- a file of commands -------------------------------------------------------------------------


def test_file_of_commands(tmp_path, httpbin_url):
    path = tmp_path / "commands.sh"
    path.write_text(
        "# from a colleague\n"
        "curl https://api.example/users -H 'X-Api-Key: live-key-123'\n"
        "\n"
        "curl -X POST https://api.example/users \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  -d '{\"name\": \"ada\",\n"
        "       \"role\": \"admin\"}'\n"
        "curl --bogus https://api.example/x\n"
        "curl 'https://api.example/unclosed\n"
        "curl -u ada:hunter22 'https://api.example/me?access_token=tok-999&page=2'\n")
    assert importers.detect(path) is curl
    result = importers.read(path)
    requests = result.root.requests()
    assert [r.name for r in requests] == ["GET api.example/users", "POST api.example/users",
                                          "GET api.example/me"]
    assert json.loads(requests[1].spec.body.text) == {"name": "ada", "role": "admin"}
    notices = [str(n) for n in result.notices]
    assert "commands.sh, line 8: Unknown curl option --bogus. The command was skipped." in \
        notices
    assert any(n.startswith("commands.sh, line 9: The command cannot be read: a quotation "
                            "mark is not closed") for n in notices)
    # Credentials are not left in the requests: secret variables (keychain) and auth.
    assert requests[0].spec.headers[0].value == "{{x_api_key}}"
    assert requests[2].spec.url == "https://api.example/me?access_token={{access_token}}&page=2"
    assert requests[2].spec.auth.values == {"username": "ada", "password": "hunter22"}
    assert [(v.name, v.secret) for v in result.variables] == [
        ("x_api_key", True), ("access_token", True)]


def test_written_collection_holds_no_secret(tmp_path):
    from gui.core.importers.write import write
    from gui.core.storage.keychain import SecretStore
    from tests.fakes import MemoryKeyring

    path = tmp_path / "commands.txt"
    path.write_text("curl -u ada:hunter22 https://api.example/me -H 'Cookie: sid=cookie-777'\n"
                    "curl -H 'Authorization: Bearer bearer-555' https://api.example/x\n")
    keychain = MemoryKeyring()
    write(importers.read(path), tmp_path / "out", SecretStore(keychain))
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert written
    for file in written:
        text = file.read_bytes().decode("utf-8", errors="replace")
        for secret in ("hunter22", "cookie-777", "bearer-555"):
            assert secret not in text, file
