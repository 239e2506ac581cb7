"""`gatepost send --collection DIR REQUEST`: a saved request, prepared by the core
Workspace as the window prepares it, sent by a real process to a real server."""

import json
import os
import textwrap

import pytest

from tests.test_cli import gatepost


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def collection(tmp_path, httpbin_url):
    root = tmp_path / "team-api"
    _write(root / "collection.yaml", f"""\
        version: 1
        id: 0123456789abcdef0123456789abcdef
        name: Team API
        headers:
          - name: X-Team
            value: "{{{{team}}}}"
        variables:
          - name: base
            value: {httpbin_url}
          - name: team
            value: core
        """)
    _write(root / "environments" / "local.yaml", """\
        name: Local
        variables:
          - name: team
            value: local-team
        """)
    _write(root / "users" / "folder.yaml", """\
        name: Users
        headers:
          - name: X-Folder
            value: users
        auth:
          scheme: basic
          values:
            username: ada
            password: "{{password}}"
        """)
    _write(root / "users" / "get-headers.request.yaml", """\
        name: Get headers
        method: GET
        url: "{{base}}/headers"
        """)
    _write(root / "users" / "post-it.request.yaml", """\
        name: Post it
        method: POST
        url: "{{base}}/anything/{{missing_id}}"
        headers:
          - name: X-Other
            value: "{{also_missing}}"
        """)
    return root


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST_TEST_")}
    env.update(extra)
    return env


def test_saved_request_with_environment_inheritance_and_secret_var(collection):
    result = gatepost("send", "--json", "--collection", str(collection), "--env", "local",
                      "--var", "password=env:GATEPOST_TEST_PW", "users/get-headers.request.yaml",
                      env=_env(GATEPOST_TEST_PW="s3cr3t-pw!"))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    echoed = json.loads(doc["body"])["headers"]
    # Inherited: the collection's header with the environment's value, the folder's header
    # and the folder's Basic auth with the secret variable resolved.
    assert echoed["X-Team"] == "local-team"
    assert echoed["X-Folder"] == "users"
    assert echoed["Authorization"].startswith("Basic ")
    # The secret never reaches the output, as typed or in Basic's base64.
    assert "s3cr3t-pw!" not in result.stdout
    assert echoed["Authorization"] not in json.dumps(doc["hops"])


def test_request_by_its_names_in_the_tree(collection):
    result = gatepost("send", "--body-only", "--collection", str(collection),
                      "--var", "password=x", "Users/Get headers")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["headers"]["X-Team"] == "core"


def test_unknown_variables_name_the_file_and_fields(collection):
    result = gatepost("send", "--collection", str(collection), "--var", "password=x",
                      "users/post-it.request.yaml")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert "{{also_missing}}, {{missing_id}}" in line or "{{missing_id}}" in line
    assert "url" in line and "headers.X-Other" in line
    assert "post-it.request.yaml" in line


def test_a_secret_with_no_value_and_no_terminal_is_one_line(collection):
    result = gatepost("send", "--collection", str(collection), "users/get-headers.request.yaml")
    # {{password}} is not defined at all: named, with the file.
    assert result.returncode == 2 and "{{password}}" in result.stderr
    _write(collection / "environments" / "local.yaml", """\
        name: Local
        variables:
          - name: password
            value: {secret: keychain}
        """)
    result = gatepost("send", "--collection", str(collection), "--env", "Local",
                      "users/get-headers.request.yaml",
                      env=_env(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"))
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "{{password}}" in result.stderr and "--var password=env:VAR" in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--collection", "/nonexistent/collection", "x"], "no such collection folder"),
    (["--collection", "{root}", "nope.request.yaml"], "has no request 'nope.request.yaml'"),
    (["--collection", "{root}", "--env", "prod", "Users/Get headers"],
     "has no environment 'prod' (it has: 'Local')"),
    (["--collection", "{root}", "--data", "x", "Users/Get headers"], "saved request's body"),
    (["--collection", "{root}", "--var", "novalue", "Users/Get headers"], "NAME=VALUE"),
])
def test_bad_command_lines_are_one_line(collection, args, words):
    args = [a.replace("{root}", str(collection)) for a in args]
    result = gatepost("send", *args)
    assert result.returncode == 2
    assert words in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_broken_request_file_is_named_with_its_line(collection):
    _write(collection / "users" / "broken.request.yaml", "name: Broken\nmethod: [GET\n")
    result = gatepost("send", "--collection", str(collection), "users/broken.request.yaml")
    assert result.returncode == 2
    assert "broken.request.yaml" in result.stderr and "line" in result.stderr
    # The rest of the collection still sends.
    ok = gatepost("send", "--collection", str(collection), "--var", "password=x",
                  "Users/Get headers")
    assert ok.returncode == 0, ok.stderr
