"""Collections on disk: round trips, byte-stable saves, hand edits, conflicts, bad files."""

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gui.core.collections import store as colstore
from gui.core.collections.manage import (
    BrokenFileError,
    CollectionError,
    ConflictError,
    Folder,
    RequestItem,
    delete,
    duplicate,
    fill_secrets,
    move,
    new_collection,
    new_environment,
    new_folder,
    new_request,
    open_collection,
    rename,
    save_collection,
    save_environment,
    save_folder,
    save_request,
    secret_keys,
)
from gui.core.model import AuthConfig, Body, BodyKind, Options, RequestSpec, Row, Timeouts
from gui.core.storage.keychain import SecretStore
from gui.core.variables import Variable
from tests.fakes import MemoryKeyring

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def col(tmp_path):
    c = new_collection(tmp_path / "api", "API")
    folder = new_folder(c.root, "Users")
    new_request(folder, "List users",
                RequestSpec(url="https://example.org/users", auth=AuthConfig("inherit")))
    return c


def reopen(c):
    opened, problems = open_collection(c.path)
    assert problems == []
    return opened


def first_request(c) -> RequestItem:
    return c.requests()[0]


def full_spec() -> RequestSpec:
    return RequestSpec(
        method="PATCH", url="https://example.org/x?q=1", params=[Row("q", "1", enabled=False)],
        headers=[Row("Accept", "yes"), Row("X-Zero", "010")],
        body=Body(BodyKind.MULTIPART, text='{\n  "a": 1\n}\n', content_type="text/csv",
                  rows=[Row("file", "/tmp/a.bin", is_file=True), Row("f", "v")], path="/p"),
        options=Options(Timeouts(1.5, None, 3, 4), False, 3, False, True),
        auth=AuthConfig("bearer", {"prefix": "Token"}))


def test_every_request_field_round_trips(col):
    item = first_request(col)
    item.spec, item.name = full_spec(), "Änderung: 100%"
    save_request(item)
    again = first_request(reopen(col))
    assert (again.name, again.spec, again.id) == ("Änderung: 100%", full_spec(), item.id)


def test_folder_collection_and_environment_settings_round_trip(col):
    folder = col.root.children[0]
    folder.headers, folder.auth = [Row("X-F", "1")], AuthConfig("basic", {"username": "u"})
    col.headers, col.auth = [Row("X-C", "2", enabled=False)], AuthConfig("none")
    col.variables = [Variable("host", "example.org"), Variable("off", "1", enabled=False)]
    env = new_environment(col, "Staging")
    env.variables = [Variable("host", "staging.example.org")]
    save_folder(folder), save_collection(col), save_environment(env)
    again = reopen(col)
    assert (again.id, again.name, again.headers, again.variables) == (
        col.id, "API", col.headers, col.variables)
    assert (again.root.children[0].headers, again.root.children[0].auth) == (
        folder.headers, folder.auth)
    assert [(e.name, e.variables) for e in again.environments] == [("Staging", env.variables)]


def test_a_new_request_inherits_auth_and_its_file_is_small(col):
    item = first_request(col)
    assert item.spec.auth.scheme == "inherit"
    assert item.path.read_text() == (f"name: List users\nmethod: GET\n"
                                     f"url: https://example.org/users\nid: {item.id}\n")


def test_saving_an_unchanged_request_writes_nothing(col):
    item = first_request(reopen(col))
    before = item.path.stat().st_mtime_ns, item.path.read_bytes()
    assert save_request(item) is False
    assert (item.path.stat().st_mtime_ns, item.path.read_bytes()) == before


def test_change_and_change_back_gives_the_same_bytes(col):
    item = first_request(col)
    item.spec = full_spec()
    save_request(item)
    saved = item.path.read_bytes()
    item.spec.url = "https://other"
    save_request(item)
    item.spec.url = full_spec().url
    save_request(item)
    assert item.path.read_bytes() == saved


def test_comments_and_order_of_a_hand_edited_file_survive_a_save(col):
    item = first_request(col)
    item.path.write_text("# Lists every user\nurl: https://example.org/users  # prod\n"
                         "name: List users\nheaders:\n  - name: Accept  # JSON only\n"
                         "    value: application/json\n    enabled: true\n")
    item = first_request(reopen(col))
    item.spec.headers[0].value = "text/csv"
    save_request(item)
    assert item.path.read_text() == (
        "# Lists every user\nurl: https://example.org/users  # prod\nname: List users\n"
        "headers:\n  - name: Accept  # JSON only\n    value: text/csv\n    enabled: true\n")


def test_a_file_changed_on_disk_while_open_is_a_conflict(col):
    item = first_request(col)
    item.path.write_text(item.path.read_text().replace("users", "people"))
    item.spec.method = "POST"
    with pytest.raises(ConflictError, match=re.escape(str(item.path))):
        save_request(item)
    assert "people" in item.path.read_text()


def test_force_overwrites_a_conflicting_file(col):
    item = first_request(col)
    item.path.write_text(item.path.read_text().replace("users", "people"))
    item.spec.method = "POST"
    save_request(item, force=True)
    assert first_request(reopen(col)).spec.url == "https://example.org/users"


def test_a_file_deleted_on_disk_is_a_conflict(col):
    item = first_request(col)
    item.path.unlink()
    with pytest.raises(ConflictError, match="deleted"):
        save_request(item)


def test_a_file_that_does_not_parse_is_listed_and_the_rest_opens(col):
    bad = col.root.children[0].path / "bad.request.yaml"
    bad.write_text("name: Bad\nurl: [unclosed\nmethod: GET\n")
    c, problems = open_collection(col.path)
    assert [(p.path, p.line) for p in problems] == [(bad, 3)]
    assert "bad.request.yaml, line 3: is not valid YAML" in str(problems[0])
    assert [r.name for r in c.requests()] == ["bad", "List users"]


def test_a_file_that_does_not_parse_is_never_overwritten(col):
    bad = col.root.children[0].path / "bad.request.yaml"
    bad.write_text("url: [unclosed\n")
    c, _ = open_collection(col.path)
    item = next(r for r in c.requests() if r.path == bad)
    item.spec.url = "https://fixed"
    with pytest.raises(BrokenFileError, match=r"bad\.request\.yaml"):
        save_request(item, force=True)
    assert bad.read_text() == "url: [unclosed\n"


@pytest.mark.parametrize(("text", "line", "message"), [
    ("name: x\nurl: /\nmethd: GET\n", 3, "methd: unknown key 'methd'"),
    ("name: x\nheaders:\n  - name: A\n    value: [1]\n", 4, "headers.0.value: must be text"),
    ("name: x\noptions:\n  max_redirects: lots\n", 3, "must be a whole number, not text"),
    ("", None, "the file is empty"),
    ("name: x\nbody:\n  kind: xml\n", 2, "body.kind 'xml' is not one of"),
    ("url: !!python/object/apply:os.system [echo]\n", 1, "tag:yaml.org,2002:python/object"),
    ("name: a\nname: b\n", 2, "the key 'name' is given twice"),
])
def test_bad_request_files_are_reported_with_file_and_line(col, text, line, message):
    bad = col.path / "bad.request.yaml"
    bad.write_text(text)
    _, problems = open_collection(col.path)
    assert [(p.path, p.line) for p in problems] == [(bad, line)]
    assert message in problems[0].message


def test_a_duplicate_id_is_reported_and_the_copy_gets_a_new_one(col):
    item = first_request(col)
    copied = item.path.with_name("copy.request.yaml")
    copied.write_bytes(item.path.read_bytes())
    c, problems = open_collection(col.path)
    assert [p.path for p in problems] == [item.path]  # sorted: copy.… is read first
    assert "has the same id as" in problems[0].message
    assert len({r.id for r in c.requests()}) == 2


def test_a_folder_that_is_not_a_collection_is_refused(tmp_path):
    with pytest.raises(CollectionError, match=r"no collection\.yaml"):
        open_collection(tmp_path)


def test_a_broken_collection_file_still_opens_the_requests(col):
    col.settings_path.write_text("name: [\n")
    c, problems = open_collection(col.path)
    assert problems[0].path == col.settings_path and len(c.requests()) == 1
    with pytest.raises(BrokenFileError):
        save_collection(c)


def test_an_unwritable_folder_is_a_clear_error_and_nothing_is_lost(col, monkeypatch):
    item = first_request(col)
    before = item.path.read_bytes()
    if os.geteuid() == 0:  # root writes through chmod: simulate the refusal
        def refuse(path, data):
            raise PermissionError(13, "Permission denied", str(path))
        monkeypatch.setattr(colstore, "write_atomic", refuse)
    else:
        item.path.parent.chmod(0o500)
    item.spec.url = "https://changed"
    try:
        with pytest.raises(CollectionError, match=r"could not be saved: Permission denied"):
            save_request(item)
    finally:
        item.path.parent.chmod(0o755)
    assert item.path.read_bytes() == before and item.spec.url == "https://changed"
    monkeypatch.undo()
    assert save_request(item) is True


CHILD = """
import os, sys, time
from gui.core.collections.manage import open_collection, save_request
from gui.core.model import BodyKind

real_fdopen = os.fdopen

class Slow:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *exc): self.fh.close()
    def flush(self): self.fh.flush()
    def fileno(self): return self.fh.fileno()
    def write(self, data):
        for i in range(0, len(data), 1 << 16):
            self.fh.write(data[i:i + (1 << 16)])
            self.fh.flush()
            if i == 1 << 18:
                print("half-way", flush=True)
            time.sleep(0.01)

os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))
c, _ = open_collection(sys.argv[1])
item = c.requests()[0]
item.spec.body.kind, item.spec.body.text = BodyKind.RAW, "x" * 5_000_000
save_request(item)
print("finished", flush=True)
"""


def test_a_save_killed_half_way_leaves_the_old_file_intact(col):
    item = first_request(col)
    before = item.path.read_bytes()
    with subprocess.Popen([sys.executable, "-c", CHILD, str(col.path)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout.readline() == "half-way\n"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert item.path.read_bytes() == before
    assert any(p.name.endswith(".tmp") for p in item.path.parent.iterdir())  # the half file
    assert first_request(reopen(col)).spec.url == "https://example.org/users"


def test_yaml_1_1_words_and_leading_zeros_stay_text(col):
    item = first_request(col)
    item.spec.headers = [Row("on", "yes"), Row("n", "010"), Row("d", "2024-01-01")]
    save_request(item)
    assert first_request(reopen(col)).spec.headers == item.spec.headers


def test_new_names_become_unique_slugs(col):
    folder = col.root.children[0]
    a, b = new_request(folder, "Get user!"), new_request(folder, "get   USER")
    assert (a.path.name, b.path.name) == ("get-user.request.yaml", "get-user-2.request.yaml")


def test_a_root_folder_named_environments_does_not_collide(col):
    assert new_folder(col.root, "Environments").path.name == "environments-2"


def test_rename_changes_the_name_and_the_file_name(col):
    item = first_request(col)
    rename(item, "All people")
    assert item.path.name == "all-people.request.yaml" and item.path.exists()
    assert [r.name for r in reopen(col).requests()] == ["All people"]


def test_renaming_a_folder_moves_what_it_holds(col):
    folder = col.root.children[0]
    rename(folder, "People")
    assert folder.path.name == "people" and first_request(col).path.parent == folder.path
    assert reopen(col).root.children[0].name == "People"


def test_duplicate_copies_a_folder_with_new_ids(col):
    folder = col.root.children[0]
    copy = duplicate(folder)
    assert isinstance(copy, Folder) and copy.name == "Users copy"
    again = reopen(col)
    assert [r.name for r in again.requests()] == ["List users", "List users"]
    assert len({r.id for r in again.requests()}) == 2


def test_delete_removes_the_file_and_returns_its_keychain_keys(col):
    item = first_request(col)
    keys = delete(item)
    assert not item.path.exists() and reopen(col).requests() == []
    assert f"{col.namespace}/requests/{item.id}/auth/basic/password" in keys


def test_delete_refuses_a_folder_whose_file_changed_on_disk(col):
    folder = col.root.children[0]
    first_request(col).path.write_text("name: edited elsewhere\n")
    with pytest.raises(ConflictError):
        delete(folder)
    assert folder.path.exists()


def test_move_into_another_folder_at_a_position_is_kept(col):
    item = first_request(col)
    target = new_folder(col.root, "Admin")
    new_request(target, "Audit")
    move(item, target, 0)
    again = reopen(col)
    admin = next(f for f in again.root.children if f.name == "Admin")
    assert [c.name for c in admin.children] == ["List users", "Audit"]


def test_a_folder_cannot_move_into_itself(col):
    folder = col.root.children[0]
    inner = new_folder(folder, "Inner")
    with pytest.raises(CollectionError, match="into itself"):
        move(folder, inner)


def test_request_auth_secrets_go_to_the_keychain_not_the_file(col):
    store = SecretStore(MemoryKeyring())
    item = first_request(col)
    item.spec.auth = AuthConfig("basic", {"username": "u", "password": "hunter2"})
    save_request(item, store)
    assert b"hunter2" not in item.path.read_bytes()
    again = first_request(reopen(col))
    fill_secrets(again, store)
    assert again.spec.auth.values["password"] == "hunter2"


def test_secret_variables_are_markers_in_the_file(col):
    store = SecretStore(MemoryKeyring())
    col.variables = [Variable("token", "abc123", secret=True)]
    save_collection(col, store)
    assert "value: {secret: keychain}" in col.settings_path.read_text()
    assert store.get(f"{col.namespace}/collection/var/token") == "abc123"
    assert f"{col.namespace}/collection/var/token" in secret_keys(col)


def test_a_hand_made_collection_file_without_id_gets_one_when_saved(tmp_path):
    (tmp_path / "collection.yaml").write_text("name: Mine  # by hand\n")
    c, problems = open_collection(tmp_path)
    assert problems == [] and len(c.id) == 32
    save_collection(c)
    assert (tmp_path / "collection.yaml").read_text() == f"id: {c.id}\nname: Mine  # by hand\n"


def test_a_newer_format_version_is_not_written_over(col):
    col.settings_path.write_text(f"version: 99\nid: {col.id}\nname: API\n")
    c, problems = open_collection(col.path)
    assert "newer than this Gatepost reads" in problems[0].message
    with pytest.raises(BrokenFileError):
        save_collection(c)


def test_temporary_and_hidden_files_are_ignored(col):
    (col.path / ".x.request.yaml.123.tmp").write_text("half")
    (col.path / ".git").mkdir()
    (col.path / "README.md").write_text("# API\n")
    assert len(reopen(col).requests()) == 1


def test_the_loader_writes_nothing(col):
    before = {p: p.stat().st_mtime_ns for p in col.path.rglob("*")}
    reopen(col)
    assert {p: p.stat().st_mtime_ns for p in col.path.rglob("*")} == before


def test_the_yaml_reader_never_runs_code(col, tmp_path):
    marker = tmp_path / "pwned"
    (col.path / "evil.request.yaml").write_text(textwrap.dedent(f"""\
        url: !!python/object/apply:os.system ["touch {marker}"]
        """))
    _, problems = open_collection(col.path)
    assert problems and not marker.exists()


def test_headers_flow_down_and_a_request_overrides_by_name(col):
    from gui.core.collections.inherit import effective_headers

    col.headers = [Row("Accept", "*/*"), Row("X-Team", "core")]
    col.root.children[0].headers = [Row("X-Team", "users"), Row("X-Off", "1", enabled=False)]
    item = first_request(col)
    item.spec.headers = [Row("accept", "text/csv")]
    assert [(r.name, r.value) for r in effective_headers(item)] == [
        ("X-Team", "users"), ("accept", "text/csv")]


def test_inherit_uses_the_nearest_parent_that_has_auth(col):
    from gui.core.collections.inherit import auth_source, effective_auth

    folder = col.root.children[0]
    item = new_request(new_folder(folder, "Inner"), "Deep")
    col.auth = AuthConfig("bearer", {"token": "t"})
    assert auth_source(item) is col
    folder.auth = AuthConfig("basic", {"username": "u"})
    assert auth_source(item) is folder and effective_auth(item) == folder.auth


def test_prepare_applies_inheritance_and_variables(col):
    from gui.core.collections.inherit import prepare

    col.headers = [Row("X-Env", "{{env}}")]
    col.auth = AuthConfig("basic", {"username": "{{user}}"})
    item = first_request(col)
    item.spec.url = "https://{{host}}/users"
    spec = prepare(item, {"env": "prod", "user": "ada", "host": "example.org"})
    assert (spec.url, spec.headers[0].value, spec.auth.values["username"]) == (
        "https://example.org/users", "prod", "ada")


def test_renaming_an_environment_moves_its_secrets(col):
    store = SecretStore(MemoryKeyring())
    env = new_environment(col, "Staging")
    env.variables = [Variable("key", "k-1", secret=True)]
    save_environment(env, store)
    rename(env, "Preprod", store)
    assert env.path.name == "preprod.yaml"
    assert store.get(f"{col.namespace}/env/preprod/var/key") == "k-1"
    assert store.get(f"{col.namespace}/env/staging/var/key") is None


def test_moving_within_a_folder_reorders_it(col):
    folder = col.root.children[0]
    second = new_request(folder, "Create user")
    move(second, folder, 0)
    assert [c.name for c in reopen(col).root.children[0].children] == [
        "Create user", "List users"]


def test_duplicating_a_request_copies_its_secrets_to_the_new_id(col):
    store = SecretStore(MemoryKeyring())
    item = first_request(col)
    item.spec.auth = AuthConfig("bearer", {"token": "tok-9"})
    save_request(item, store)
    item.spec.auth.values["token"] = ""  # as after a restart
    copy = duplicate(item, store)
    assert copy.id != item.id
    assert store.get(f"{col.namespace}/requests/{copy.id}/auth/bearer/token") == "tok-9"


def test_deleting_an_environment_returns_its_secret_variable_keys(col):
    env = new_environment(col, "Prod")
    env.variables = [Variable("key", secret=True), Variable("host", "h")]
    save_environment(env)
    assert delete(env) == [f"{col.namespace}/env/prod/var/key"]
    assert not env.path.exists() and reopen(col).environments == []


def test_duplicating_a_request_keeps_its_assertions_and_captures(col):
    item = first_request(col)
    text = item.path.read_text()
    item.path.write_text(text + "assertions:\n  - query: status\n    equals: 200\n"
                         "captures:\n  - name: user_id\n    query: jmespath id\n")
    item = first_request(reopen(col))
    copy = duplicate(item)
    again = next(r for r in reopen(col).requests() if r.id == copy.id)
    assert len(again.assertions) == 1 and len(again.captures) == 1
    assert again.captures[0].name == "user_id"
