"""`gatepost send --cookie-jar FILE` and `--no-cookies`, with curl's own -b/-c on the same
file: a real process, real servers, the real curl."""

import json
import shutil
import subprocess

import pytest

from tests.test_cli import gatepost


def curl(*args):
    path = shutil.which("curl")
    if path is None:
        pytest.skip("curl is not installed (resources/setup.sh test installs it)")
    return subprocess.run([path, "-sS", *args], capture_output=True, text=True, timeout=60)


def cookies_of(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["cookies"]


def test_a_jar_file_round_trips_with_curl(httpbin_url, tmp_path):
    jar = tmp_path / "cookies.txt"
    first = gatepost("send", "-b", "--cookie-jar", str(jar), f"{httpbin_url}/cookies/set?a=1")
    assert cookies_of(first) == {"a": "1"}
    assert "\ta\t1" in jar.read_text()
    # curl reads Gatepost's file, adds its own cookie and writes the file back.
    assert cookies_of(curl("-L", "-b", str(jar), "-c", str(jar),
                           f"{httpbin_url}/cookies/set?b=2")) == {"a": "1", "b": "2"}
    # Gatepost reads curl's file (its #HttpOnly_ lines and comments too) and writes it.
    third = gatepost("send", "-b", "--cookie-jar", str(jar), f"{httpbin_url}/cookies/set?c=3")
    assert cookies_of(third) == {"a": "1", "b": "2", "c": "3"}
    assert cookies_of(curl("-b", str(jar), f"{httpbin_url}/cookies")) == \
        {"a": "1", "b": "2", "c": "3"}
    deleted = gatepost("send", "-b", "--cookie-jar", str(jar),
                       f"{httpbin_url}/cookies/delete?b")
    assert cookies_of(deleted) == {"a": "1", "c": "3"}
    assert cookies_of(curl("-b", str(jar), f"{httpbin_url}/cookies")) == {"a": "1", "c": "3"}


def test_without_a_jar_file_cookies_last_for_the_command(httpbin_url):
    assert cookies_of(gatepost("send", "-b", f"{httpbin_url}/cookies/set?a=1")) == {"a": "1"}
    assert cookies_of(gatepost("send", "-b", f"{httpbin_url}/cookies")) == {}


def test_no_cookies_keeps_and_sends_none(httpbin_url):
    result = gatepost("send", "-b", "--no-cookies", "-H", "Cookie: typed=1",
                      f"{httpbin_url}/cookies/set?a=1")
    assert cookies_of(result) == {}
    typed = gatepost("send", "-b", "--no-cookies", "-H", "Cookie: typed=1",
                     f"{httpbin_url}/cookies")
    assert cookies_of(typed) == {"typed": "1"}


def test_the_json_record_names_the_cookies_of_each_hop(httpbin_url):
    result = gatepost("send", "--json", f"{httpbin_url}/cookies/set?a=1")
    hops = json.loads(result.stdout)["hops"]
    assert [(c["name"], c["source"]) for c in hops[0]["cookies"]] == [("a", "set")]
    assert [(c["name"], c["source"]) for c in hops[1]["cookies"]] == [("a", "jar")]
    assert "value" not in hops[0]["cookies"][0]


@pytest.mark.parametrize("content, said", [
    ('[{"name": "a", "value": "1"}]', "not a Netscape/curl cookie file"),
    ("h.test\tMAYBE\t/\tFALSE\t0\ta\t1\n", "TRUE or FALSE"),
])
def test_a_file_from_another_tool_is_refused_and_left_alone(httpbin_url, tmp_path,
                                                            content, said):
    jar = tmp_path / "cookies.json"
    jar.write_text(content)
    result = gatepost("send", "--cookie-jar", str(jar), f"{httpbin_url}/get")
    assert result.returncode == 2
    assert said in result.stderr and str(jar) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert jar.read_text() == content


def test_a_damaged_line_is_named_and_the_rest_kept(httpbin_url, tmp_path):
    jar = tmp_path / "cookies.txt"
    jar.write_text("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tgood\t1\n"
                   "127.0.0.1\tFALSE\t/\tFALSE\tnever\tbad\t1\n")
    result = gatepost("send", "-b", "--cookie-jar", str(jar), f"{httpbin_url}/cookies")
    assert cookies_of(result) == {"good": "1"}
    assert f"{jar}, line 3" in result.stderr and "Traceback" not in result.stderr
    assert "\tgood\t1" in jar.read_text()


def test_unusable_options_are_refused_before_sending(httpbin_url, tmp_path):
    missing = gatepost("send", "--cookie-jar", str(tmp_path / "no" / "jar.txt"),
                       f"{httpbin_url}/get")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    both = gatepost("send", "--cookie-jar", str(tmp_path / "j"), "--no-cookies",
                    f"{httpbin_url}/get")
    assert both.returncode == 2 and "not allowed with" in both.stderr
    folder = gatepost("send", "--cookie-jar", str(tmp_path), f"{httpbin_url}/get")
    assert folder.returncode == 2 and "folder" in folder.stderr
