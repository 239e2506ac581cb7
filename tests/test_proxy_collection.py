"""A collection's own proxy: `proxy:` in collection.yaml (its password in the keychain
under the collection's namespace), carried by the Workspace's plan to the engine, the
runner, `gatepost send --collection` and `gatepost run` (with the same --proxy options
as `gatepost send`)."""

from __future__ import annotations

import json
import os
import textwrap

import pytest

from gui.core.http.engine import Engine
from gui.core.http.proxies import ProxySettings, collection_password_key
from gui.core.storage.keychain import SecretStore
from tests.fakes import MemoryKeyring
from tests.proxy_fixture import PASSWORD, USER, socks5_proxy, squid_missing, squid_proxy
from tests.test_cli import gatepost

needs_squid = pytest.mark.skipif(squid_missing() is not None, reason=squid_missing() or "")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**env, **extra}


def write_collection(root, base: str, proxy: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "collection.yaml").write_text(textwrap.dedent("""\
        version: 1
        id: 5d41402abc4b2a76b9719d911017c592
        name: Behind a proxy
        # kept as written
        proxy:
        """) + textwrap.indent(textwrap.dedent(proxy), "  "), encoding="utf-8")
    (root / "get.request.yaml").write_text(textwrap.dedent(f"""\
        name: Get
        method: GET
        url: {base}/get
        assertions:
          - query: status
            equals: 200
        """), encoding="utf-8")


def test_the_proxy_key_round_trips_and_its_password_never_reaches_the_file(tmp_path):
    from gui.core.collections.manage import open_collection, save_collection

    root = tmp_path / "c"
    write_collection(root, "http://127.0.0.1:1", """\
        url: http://proxy.example:3128
        bypass: localhost, .internal.example
        auth: digest
        username: ada
        """)
    collection, problems = open_collection(root)
    assert problems == []
    assert collection.proxy == ProxySettings("manual", "http://proxy.example:3128",
                                             "localhost, .internal.example", "digest", "ada")
    before = (root / "collection.yaml").read_text()
    save_collection(collection)
    assert (root / "collection.yaml").read_text() == before  # nothing changed, nothing written
    collection.proxy.mode = "none"
    collection.proxy.password = "never-in-the-file"
    save_collection(collection)
    text = (root / "collection.yaml").read_text()
    assert "mode: none" in text and "# kept as written" in text
    assert "never-in-the-file" not in text
    collection.proxy = None
    save_collection(collection)
    assert "proxy:" not in (root / "collection.yaml").read_text()


@pytest.mark.parametrize("proxy, words", [
    ("url: http://ada:pw-in-file@proxy:3128\n", "holds credentials"),
    ("url: http://proxy:port\n", "does not parse"),
    ("mode: sometimes\n", "must be one of system, none, manual"),
    ("url: http://proxy:1\nauth: kerberos5\n", "must be one of none, any, basic"),
    ("mode: system\nbypass: 'host:port'\n", "not a number"),
])
def test_a_bad_proxy_key_is_named_with_its_line(tmp_path, proxy, words):
    from gui.core.collections.manage import open_collection

    root = tmp_path / "c"
    write_collection(root, "http://127.0.0.1:1", proxy)
    _, problems = open_collection(root)
    assert problems and problems[0].path == root / "collection.yaml"
    assert words in problems[0].message and problems[0].line is not None
    assert "pw-in-file" not in str(problems[0])


def plan_for(root, store):
    from gui.core.collections.lookup import find_request, load_collection
    from gui.core.workspace import Workspace

    collection = load_collection(root, store)
    item = find_request(collection, "get.request.yaml")
    return collection, Workspace(store).plan(item.spec, item)


@needs_squid
def test_the_plan_carries_the_collection_proxy_and_its_keychain_password(tmp_path,
                                                                          httpbin_url):
    store = SecretStore(MemoryKeyring())
    root = tmp_path / "c"
    with squid_proxy("basic") as squid:
        write_collection(root, httpbin_url, f"url: {squid.url}\nusername: {USER}\n")
        collection, plan = plan_for(root, store)
        store.set(collection_password_key(collection.namespace), PASSWORD)
        assert plan.proxy is not None and plan.proxy.password == ""  # read when sent
        # The engine's own settings say "no proxy": the collection's win.
        with Engine(proxy=ProxySettings("none")) as engine:
            ex = engine.send(plan.spec, secrets=plan.secrets, proxy=plan.proxy)
    assert ex.error is None, ex.error
    assert [(h.kind.value, h.response.status) for h in ex.hops] == \
        [("request", 407), ("challenge", 200)]
    assert all(h.proxy == squid.url for h in ex.hops)
    assert PASSWORD not in json.dumps(ex.to_dict())


def test_the_runner_sends_each_request_through_its_collection_proxy(tmp_path, httpbin_url):
    from gui.core.collections.lookup import load_collection
    from gui.core.runner.run import Run
    from gui.core.workspace import Workspace

    store = SecretStore(MemoryKeyring())
    with socks5_proxy() as (url, server):
        root = tmp_path / "c"
        write_collection(root, httpbin_url, f"url: {url}\n")
        collection = load_collection(root, store)
        with Engine(proxy=ProxySettings("none")) as engine:
            run = Run(Workspace(store), engine, collection.requests())
            run.run()
        assert server.targets
    (result,) = run.results
    assert result.outcome == "passed", result.error
    assert result.exchange.hops[0].proxy == url


def test_a_collection_proxy_with_a_bad_password_entry_says_whose(tmp_path, httpbin_url):
    from gui.core.planning import proxy_of

    store = SecretStore(MemoryKeyring())
    root = tmp_path / "c"
    write_collection(root, httpbin_url, "url: http://127.0.0.1:1\n")
    collection, plan = plan_for(root, store)
    settings = proxy_of(collection)
    settings.url = "http://proxy:nope"  # as if the file changed after it was read
    with Engine() as engine:
        ex = engine.send(plan.spec, proxy=settings)
    assert ex.error.kind == "proxy"
    assert "of the collection 'Behind a proxy'" in ex.error.message


def test_send_collection_and_run_use_the_collection_proxy_unless_told(tmp_path,
                                                                      httpbin_url):
    with socks5_proxy() as (url, _server):
        root = tmp_path / "c"
        write_collection(root, httpbin_url, f"url: {url}\n")
        sent = gatepost("send", "--json", "--collection", str(root), "get.request.yaml",
                        env=clean_env())
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["hops"][0]["proxy"] == url
        # --proxy on the command line wins over the collection's.
        sent = gatepost("send", "--json", "--proxy", "none", "--collection", str(root),
                        "get.request.yaml", env=clean_env())
        assert json.loads(sent.stdout)["hops"][0]["proxy"] is None
        # --noproxy adds to the collection's bypass list.
        sent = gatepost("send", "--json", "--noproxy", "127.0.0.1", "--collection",
                        str(root), "get.request.yaml", env=clean_env())
        assert json.loads(sent.stdout)["hops"][0]["proxy"] is None

        report = tmp_path / "report.json"
        ran = gatepost("run", str(root), "--report-json", str(report), env=clean_env())
        assert ran.returncode == 0, ran.stdout + ran.stderr
        hops = json.loads(report.read_text())["results"][0]["exchange"]["hops"]
        assert hops[0]["proxy"] == url
        ran = gatepost("run", str(root), "--proxy", "none", "--report-json", str(report),
                       env=clean_env())
        assert ran.returncode == 0, ran.stdout + ran.stderr
        hops = json.loads(report.read_text())["results"][0]["exchange"]["hops"]
        assert hops[0]["proxy"] is None


@needs_squid
def test_run_takes_the_send_proxy_options(tmp_path, httpbin_url, tls_url, tls_ca):
    ca = tmp_path / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca))
    root = tmp_path / "c"
    root.mkdir()
    (root / "collection.yaml").write_text("version: 1\nname: Plain\n")
    for name, url in (("a", f"{httpbin_url}/get"), ("b", f"{tls_url}/get")):
        (root / f"{name}.request.yaml").write_text(
            f"name: {name}\nmethod: GET\nurl: {url}\nassertions:\n  - query: status\n"
            "    equals: 200\n")
    report = tmp_path / "report.json"
    with squid_proxy("basic") as squid:
        ran = gatepost("run", str(root), "--proxy", squid.url, "--proxy-auth", "basic",
                       "--proxy-field", f"username={USER}", "--proxy-field",
                       "password=env:PROXY_PW", "--cacert", str(ca), "--report-json",
                       str(report), env=clean_env(PROXY_PW=PASSWORD))
        assert ran.returncode == 0, ran.stdout + ran.stderr
        results = json.loads(report.read_text())["results"]
        assert [[h["kind"] for h in r["exchange"]["hops"]] for r in results] == \
            [["request", "challenge"], ["connect", "connect", "request"]]
        assert PASSWORD not in report.read_text() + ran.stdout + ran.stderr
        bad = gatepost("run", str(root), "--proxy", "http://proxy:port", env=clean_env())
        assert bad.returncode == 2 and "does not parse" in bad.stderr
        assert "Traceback" not in bad.stderr
