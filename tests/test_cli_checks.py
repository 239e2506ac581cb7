"""Every option of `gatepost send` checked before anything is sent (issue 19): one line
naming the option, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest


def gatepost(*args: str, stdin=subprocess.DEVNULL, input=None):
    # A new session: no controlling terminal, as under cron or CI.
    return subprocess.run([sys.executable, "-m", "gui", "send", *args], stdin=stdin,
                          input=input, capture_output=True, text=True, timeout=60,
                          start_new_session=True)


def _one_line(result) -> str:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.startswith("gatepost: ") and result.stderr.count("\n") == 1, \
        result.stderr
    return result.stderr


@pytest.mark.parametrize("args", [
    ["--cert", "{missing}"],
    ["--cert", "{folder}"],
    ["--cert", "{pem}", "--key", "{missing}"],
    ["--cacert", "{missing}"],
])
def test_certificate_files_that_cannot_be_read_are_refused(tmp_path, args, httpbin_url):
    pem = tmp_path / "c.pem"
    pem.write_text("not used\n")
    paths = {"missing": str(tmp_path / "nope.pem"), "folder": str(tmp_path), "pem": str(pem)}
    args = [a.format(**paths) for a in args]
    # Over plain HTTP: the files were never opened, and the request went without them.
    message = _one_line(gatepost(httpbin_url + "/get", *args))
    option = args[-2]
    assert message.startswith(f"gatepost: {option}: ")
    assert (paths["folder"] + " is a folder" in message) or \
        (paths["missing"] + " does not exist" in message)


@pytest.mark.parametrize(("args", "name"), [
    (["--timeout", "nan"], "--timeout"),
    (["--timeout", "inf"], "--timeout"),
    (["--timeout", "1e12"], "--timeout"),
    (["--timeout", "-3"], "--timeout"),
    (["--max-time", "nan"], "--max-time"),
    (["--max-time", "-1"], "--max-time"),
    (["--max-filesize", "lots"], "--max-filesize"),
])
def test_numbers_that_are_not_finite_or_out_of_range_are_refused(args, name):
    assert _one_line(gatepost("http://127.0.0.1:1/", *args)).startswith(f"gatepost: {name}: ")


def test_a_secret_prompt_without_a_terminal_is_one_line():
    message = _one_line(gatepost("--auth", "basic", "--auth-field", "username=u",
                                 "--auth-field", "password=-", "http://127.0.0.1:1/"))
    assert "no terminal" in message and "env:VAR" in message
    assert "Warning" not in message


def test_a_secret_can_still_be_piped(httpbin_url):
    result = gatepost("--auth", "basic", "--auth-field", "username=u", "--auth-field",
                      "password=-", f"{httpbin_url}/basic-auth/u/piped-pw", stdin=None,
                      input="piped-pw\n")
    assert result.returncode == 0, result.stderr
    assert "200 OK" in result.stdout
    assert result.stderr == ""
