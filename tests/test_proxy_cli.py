"""`gatepost send --proxy …` as a user runs it, against Squid and a SOCKS5 server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.proxy_fixture import PASSWORD, USER, socks5_proxy, squid_missing, squid_proxy
from tests.servers import free_port
from tests.test_cli import gatepost as _gatepost

needs_squid = pytest.mark.skipif(squid_missing() is not None, reason=squid_missing() or "")


@pytest.fixture(scope="module")
def squid_basic():
    with squid_proxy("basic") as proxy:
        yield proxy


def gatepost(*args, env=None, input_text=None):
    if input_text is None:
        return _gatepost(*args, env=env)
    return subprocess.run([sys.executable, "-m", "gui", *args], capture_output=True,
                          text=True, timeout=60, env=env, input=input_text,
                          start_new_session=True)  # no terminal: the prompt reads stdin


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **extra}


@needs_squid
def test_proxy_with_credentials_from_the_environment(squid_basic, httpbin_url, tls_url,
                                                      tls_ca, tmp_path):
    ca = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca))
    env = clean_env(PROXY_PW=PASSWORD)
    for url, kinds in ((f"{httpbin_url}/get", ["request", "challenge"]),
                       (f"{tls_url}/get", ["connect", "connect", "request"])):
        result = gatepost("send", "--json", "--proxy", squid_basic.url, "--proxy-auth",
                          "basic", "--proxy-field", f"username={USER}", "--proxy-field",
                          "password=env:PROXY_PW", "--cacert", str(ca), url, env=env)
        assert result.returncode == 0, result.stderr
        doc = json.loads(result.stdout)
        assert [h["kind"] for h in doc["hops"]] == kinds
        assert all(h["proxy"] == squid_basic.url for h in doc["hops"])
        assert PASSWORD not in result.stdout + result.stderr
    text = gatepost("send", "--proxy", squid_basic.url, "--proxy-field", f"username={USER}",
                    "--proxy-field", "password=env:PROXY_PW", f"{httpbin_url}/get", env=env)
    assert text.returncode == 0, text.stderr
    assert f"[1] request: GET {httpbin_url}/get  (via {squid_basic.url})" in text.stdout
    assert "407 Proxy Authentication Required" in text.stdout


@needs_squid
def test_wrong_proxy_password_from_a_prompt(squid_basic, tls_url, tls_ca, tmp_path):
    ca = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca))
    result = gatepost("send", "--proxy", squid_basic.url, "--proxy-field", f"username={USER}",
                      "--proxy-field", "password=-", "--cacert", str(ca), f"{tls_url}/get",
                      env=clean_env(), input_text="not-the-password\n")
    assert result.returncode == 1
    assert "refused the credentials" in result.stderr
    assert "not-the-password" not in result.stdout + result.stderr


def test_socks5_and_noproxy(httpbin_url):
    with socks5_proxy() as (url, _server):
        result = gatepost("send", "--json", "--proxy", url, f"{httpbin_url}/get",
                          env=clean_env())
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["hops"][0]["proxy"] == url
        result = gatepost("send", "--json", "--proxy", url, "--noproxy", "127.0.0.1",
                          f"{httpbin_url}/get", env=clean_env())
        assert json.loads(result.stdout)["hops"][0]["proxy"] is None
        # The environment's proxy, and --proxy none over it.
        env = clean_env(http_proxy=url)
        assert json.loads(gatepost("send", "--json", f"{httpbin_url}/get", env=env)
                          .stdout)["hops"][0]["proxy"] == url
        assert json.loads(gatepost("send", "--json", "--proxy", "none", f"{httpbin_url}/get",
                                   env=env).stdout)["hops"][0]["proxy"] is None


def test_bad_proxy_options_are_usage_errors(httpbin_url):
    cases = [
        (["--proxy", "http://proxy:port"], "does not parse"),
        (["--proxy", "gopher://proxy"], "scheme 'gopher'"),
        (["--proxy", "http://p:1", "--proxy-field", "token=x"], "username and password"),
        (["--proxy", "http://p:1", "--proxy-field", "password=env:NOT_SET_ANYWHERE"],
         "NOT_SET_ANYWHERE is not set"),
        (["--proxy", "http://p:1", "--noproxy", "host:port"], "not a number"),
    ]
    for options, words in cases:
        result = gatepost("send", *options, f"{httpbin_url}/get", env=clean_env())
        assert result.returncode == 2, (options, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr


def test_a_proxy_that_is_down(httpbin_url):
    down = f"http://127.0.0.1:{free_port()}"
    result = gatepost("send", "--proxy", down, f"{httpbin_url}/get", env=clean_env())
    assert result.returncode == 1
    assert f"Could not connect to the proxy {down}" in result.stderr
