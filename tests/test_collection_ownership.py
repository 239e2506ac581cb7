"""Keychain entries belong to a collection folder on this machine, not to the id its
collection.yaml carries (issue 18): the attack reproduced against a real Secret Service
and a loopback server, the record (gui/core/collections/owners.py), the migration and the prompt."""

import json
import shutil
import uuid

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from gui.core.collections import manage as col
from gui.core.collections import owners as colowners
from gui.core.collections.owners import Choice, OwnerConflict
from gui.core.model import AuthConfig, RequestSpec
from gui.core.storage.keychain import SecretStore
from gui.core.storage.paths import collection_owners_file, session_file
from gui.core.variables import Variable
from gui.widgets.main_window import MainWindow

# -- the record, without a window -------------------------------------------------------------


def folder_with_id(path, cid, name="C"):
    path.mkdir(parents=True)
    (path / "collection.yaml").write_text(f"id: {cid}\nname: {name}\n")
    return path


def test_a_folder_first_seen_gets_a_fresh_namespace_and_keeps_it(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    first = colowners.claim(a, "team-api")
    assert first.startswith("team-api@") and first != "team-api"
    assert colowners.claim(a, "team-api") == first
    assert colowners.claim(tmp_path / "a" / ".." / "a", "team-api") == first
    assert colowners.owners() == [(a.resolve(), "team-api", first)]


def test_a_link_to_the_folder_is_the_same_folder(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    (tmp_path / "link").symlink_to(a)
    assert colowners.claim(tmp_path / "link", "team-api") == colowners.claim(a, "team-api")


def test_an_id_another_folder_owns_is_refused_in_one_line_without_a_choice(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    b = folder_with_id(tmp_path / "b", "team-api")
    colowners.claim(a, "team-api")
    with pytest.raises(OwnerConflict) as caught:
        colowners.claim(b, "team-api")
    message = str(caught.value)
    assert "\n" not in message and str(a.resolve()) in message and str(b) in message
    assert caught.value.owner == a.resolve()


def test_a_copy_gets_its_own_namespace_and_the_answer_is_remembered(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    b = folder_with_id(tmp_path / "b", "team-api")
    ns_a = colowners.claim(a, "team-api")
    ns_b = colowners.claim(b, "team-api", Choice.COPY)
    assert ns_b != ns_a and ns_b.startswith("team-api@")
    assert colowners.claim(b, "team-api") == ns_b  # no choice needed any more
    assert colowners.claim(a, "team-api") == ns_a


def test_moved_here_takes_the_namespace_and_the_old_folder_must_be_claimed_again(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    b = folder_with_id(tmp_path / "b", "team-api")
    ns_a = colowners.claim(a, "team-api")
    assert colowners.claim(b, "team-api", Choice.MOVED) == ns_a
    assert colowners.claim(b, "team-api") == ns_a
    with pytest.raises(OwnerConflict):
        colowners.claim(a, "team-api")


def test_an_id_with_a_slash_or_a_reserved_name_never_reaches_other_entries(tmp_path):
    for cid in ("scratch", "globals", "x/collection/var"):
        folder = folder_with_id(tmp_path / uuid.uuid4().hex, cid)
        namespace = colowners.claim(folder, cid)
        assert namespace not in ("scratch", "globals") and "/" not in namespace


def write_session(*folders):
    session_file().parent.mkdir(parents=True, exist_ok=True)
    session_file().write_text(json.dumps({"collections": [str(f) for f in folders]}))


def test_migration_keeps_the_bare_id_for_the_folders_of_the_last_session_once(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    twin = folder_with_id(tmp_path / "twin", "team-api")
    scratch = folder_with_id(tmp_path / "s", "scratch")
    later = folder_with_id(tmp_path / "later", "other-api")
    write_session(a, twin, scratch, tmp_path / "gone")
    assert colowners.claim(a, "team-api") == "team-api"
    with pytest.raises(OwnerConflict):  # the first of two folders with one id has it
        colowners.claim(twin, "team-api")
    assert colowners.claim(scratch, "scratch") != "scratch"
    write_session(a, later)  # the migration happened once: a later session changes nothing
    assert colowners.claim(later, "other-api") != "other-api"


def test_a_damaged_record_is_refused_with_its_name_and_left_as_it_is(tmp_path):
    a = folder_with_id(tmp_path / "a", "team-api")
    record = collection_owners_file()
    record.parent.mkdir(parents=True, exist_ok=True)
    for damage in ("{not json", '{"folders": [{"folder": 3}]}'):
        record.write_text(damage)
        with pytest.raises(col.CollectionError, match=r"collection-owners\.json is damaged"):
            colowners.claim(a, "team-api")
        assert record.read_text() == damage


class CountingStore(SecretStore):
    def __init__(self, keyring):
        super().__init__(keyring)
        self.reads = []

    def get(self, key):
        self.reads.append(key)
        return super().get(key)


def test_headless_an_unbound_copy_reads_no_secret(tmp_path):
    from tests.fakes import MemoryKeyring

    store = CountingStore(MemoryKeyring())
    a = col.new_collection(tmp_path / "a", "A")
    a.variables = [Variable("k", "var-a", secret=True)]
    col.save_collection(a, store)
    shutil.copytree(a.path, tmp_path / "b")
    b, _ = col.open_collection(tmp_path / "b")
    store.reads.clear()
    with pytest.raises(OwnerConflict):
        col.fill_secrets(b, store)  # nobody bound it: bound now, by the headless rule
    assert store.reads == []
    assert colowners.bind(b, Choice.COPY) != a.namespace
    col.fill_secrets(b, store)
    assert b.variables[0].value == ""


def test_a_collection_file_that_does_not_parse_gets_a_namespace_for_the_session(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "collection.yaml").write_text("id: [unclosed\n")
    c, problems = col.open_collection(folder)
    assert problems and colowners.bind(c) == c.namespace
    assert colowners.owners() == []


# -- the attack, against a real Secret Service and a loopback server ---------------------------


def secret(what):
    return f"{what}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def team(tmp_path, httpbin_url, secret_service):
    """The person's collection A: a bearer token, a secret variable and a request with
    its own token, all in the (real) keychain."""
    store = SecretStore(secret_service)
    values = {"token": secret("tok-a"), "k": secret("var-a"), "request": secret("req-a")}
    a = col.new_collection(tmp_path / "team", "Team API")
    a.auth = AuthConfig("bearer", {"token": values["token"]})
    a.variables = [Variable("base", httpbin_url), Variable("k", values["k"], secret=True)]
    col.save_collection(a, store)
    login = col.new_request(a.root, "Login", RequestSpec(
        url="{{base}}/anything?k={{k}}", auth=AuthConfig("bearer", {"token": values["request"]})))
    col.save_request(login, store)
    return a, login, values


def stranger_folder(path, team_id, request_id, url):
    """A folder anyone can write: A's ids (from its public repository), secret markers
    and a request to the stranger's own server."""
    path.mkdir()
    (path / "collection.yaml").write_text(
        f"version: 1\nid: {team_id}\nname: Innocent\n"
        "auth:\n  scheme: bearer\n  values:\n    token: {secret: keychain}\n"
        f"variables:\n  - name: base\n    value: {url}\n"
        "  - name: k\n    value: {secret: keychain}\n")
    (path / "steal.request.yaml").write_text(
        "name: Steal\nmethod: GET\nurl: '{{base}}/anything?k={{k}}'\n"
        f"id: {uuid.uuid4().hex}\n")
    (path / "steal-request.request.yaml").write_text(
        "name: Steal request\nmethod: GET\nurl: '{{base}}/anything?k={{k}}'\n"
        "auth:\n  scheme: bearer\n  values:\n    token: {secret: keychain}\n"
        f"id: {request_id}\n")
    return path


def make(qtbot, keyring):
    w = MainWindow(None, store=SecretStore(keyring))
    qtbot.addWidget(w)
    w.show()
    return w


def answer_prompt(qtbot, button, seen):
    """Click `button` ("A copy", "Moved here", "Cancel") on the owner prompt once it is
    shown (it is modal: its exec() runs this timer's event loop)."""
    def click():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible() and \
                    widget.objectName() == "collectionOwnerPrompt":
                seen.append(f"{widget.text()} {widget.informativeText()}")
                target = next(b for b in widget.buttons() if b.text().replace("&", "") == button)
                qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
                return
        QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


def send_request(qtbot, w, name):
    item = next(r for c in w.sidebar.collections for r in c.requests() if r.name == name)
    w.open_request(item)
    w.send()
    qtbot.waitUntil(lambda: w.job is None and w.last_exchange is not None
                    and w.last_exchange.response is not None, timeout=15000)
    return w.last_exchange


def seen_by_server(exchange):
    echo = json.loads(exchange.response.body)
    return json.dumps({"headers": echo["headers"], "args": echo["args"], "url": echo["url"]})


def record_prompts(monkeypatch, answer=("", False)):
    asked = []
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (asked.append(a[2]), answer)[1])
    return asked


def test_a_copy_of_the_id_gets_none_of_the_collections_secrets(echo_unmasked,
        qtbot, tmp_path, team, secret_service, httpbin_url, monkeypatch):
    a, login, values = team
    b = stranger_folder(tmp_path / "b", a.id, login.id, httpbin_url)
    asked = record_prompts(monkeypatch, ("mine-b", True))
    w = make(qtbot, secret_service)
    prompts = []
    answer_prompt(qtbot, "A copy", prompts)
    opened = w.open_collection(str(b))
    assert opened is not None and len(prompts) == 1
    assert str(b) in prompts[0] and str(a.path.resolve()) in prompts[0]
    for name in ("Steal", "Steal request"):
        server_saw = seen_by_server(send_request(qtbot, w, name))
        assert not any(v in server_saw for v in values.values()), name
        assert "Bearer mine-b" in server_saw and '"k": "mine-b"' in server_saw
    # The fresh copy asked for its own secrets, once each: token, k, the request's token.
    assert len(asked) == 3
    # Remembered: a new window opens the copy without asking which it is, with its own.
    monkeypatch.setattr(MainWindow, "_ask_owner", lambda *a: pytest.fail("asked again"))
    again = make(qtbot, secret_service)
    reopened = again.open_collection(str(b))
    assert reopened.variables[1].value == ""  # opening reads no secret: a send does
    assert '"k": "mine-b"' in seen_by_server(send_request(qtbot, again, "Steal"))


def test_cancel_leaves_the_copy_closed_and_reads_nothing(
        qtbot, tmp_path, team, secret_service, httpbin_url, monkeypatch):
    a, login, _ = team
    b = stranger_folder(tmp_path / "b", a.id, login.id, httpbin_url)
    w = make(qtbot, secret_service)
    store = CountingStore(secret_service)
    w._store = store
    prompts = []
    answer_prompt(qtbot, "Cancel", prompts)
    assert w.open_collection(str(b)) is None
    assert len(prompts) == 1 and w.sidebar.collections == [] and store.reads == []
    with pytest.raises(OwnerConflict):  # nothing remembered: still asks
        colowners.claim(b, a.id)


def test_moved_here_moves_access_and_the_old_folder_asks(echo_unmasked,
        qtbot, tmp_path, team, secret_service, monkeypatch):
    a, _, values = team
    moved = tmp_path / "moved"
    shutil.copytree(a.path, moved)
    asked = record_prompts(monkeypatch)
    w = make(qtbot, secret_service)
    answer_prompt(qtbot, "Moved here", [])
    assert w.open_collection(str(moved)) is not None
    server_saw = seen_by_server(send_request(qtbot, w, "Login"))
    assert f"Bearer {values['request']}" in server_saw and values["k"] in server_saw
    assert asked == []
    old = make(qtbot, secret_service)
    prompts = []
    answer_prompt(qtbot, "Cancel", prompts)
    assert old.open_collection(str(a.path)) is None and len(prompts) == 1


def test_folders_open_before_the_change_keep_their_entries_and_a_copy_gets_none(echo_unmasked,
        qtbot, tmp_path, httpbin_url, secret_service, monkeypatch):
    """Entries written before namespaces (keyed by the bare id) stay the folder's that
    the last session had open; a stranger presenting that id still gets nothing."""
    store = SecretStore(secret_service)
    a = col.new_collection(tmp_path / "old", "Old API")
    a.variables = [Variable("base", httpbin_url), Variable("k", "", secret=True)]
    a.auth = AuthConfig("bearer", {"token": {"secret": "keychain"}})
    col.save_collection(a)
    login = col.new_request(a.root, "Login", RequestSpec(
        url="{{base}}/anything?k={{k}}", auth=AuthConfig("inherit")))
    values = {"token": secret("old-tok"), "k": secret("old-var")}
    store.set(f"{a.id}/collection/auth/bearer/token", values["token"])
    store.set(f"{a.id}/collection/var/k", values["k"])
    write_session(a.path)
    assert not collection_owners_file().exists()
    asked = record_prompts(monkeypatch)
    w = make(qtbot, secret_service)
    w.restore()
    assert w.wait_for_collections()
    assert [c.namespace for c in w.sidebar.collections] == [a.id]
    server_saw = seen_by_server(send_request(qtbot, w, "Login"))
    assert f"Bearer {values['token']}" in server_saw and values["k"] in server_saw
    assert asked == []
    b = stranger_folder(tmp_path / "b", a.id, login.id, httpbin_url)
    asked = record_prompts(monkeypatch, ("mine-b", True))
    answer_prompt(qtbot, "A copy", [])
    w.open_collection(str(b))
    for name in ("Steal", "Steal request"):
        server_saw = seen_by_server(send_request(qtbot, w, name))
        assert not any(v in server_saw for v in values.values())
        assert "Bearer mine-b" in server_saw
    assert len(asked) == 3


def test_a_fresh_clone_asks_once_for_each_secret(echo_unmasked,
        qtbot, tmp_path, team, secret_service, monkeypatch, data_dir):
    a, _, values = team
    # Another machine: no record of A's folder, so not one of its entries is reachable.
    monkeypatch.setenv("GATEPOST_DATA_DIR", str(tmp_path / "other-machine"))
    clone = tmp_path / "clone"
    shutil.copytree(a.path, clone)
    asked = record_prompts(monkeypatch, ("typed-here", True))
    w = make(qtbot, secret_service)
    assert w.open_collection(str(clone)) is not None
    for _ in range(2):
        server_saw = seen_by_server(send_request(qtbot, w, "Login"))
        assert not any(v in server_saw for v in values.values())
        assert "Bearer typed-here" in server_saw and '"k": "typed-here"' in server_saw
    assert len(asked) == 2  # the variable and the request's token, each once


def test_headless_send_refuses_a_copy_in_one_line_and_sends_nothing(tmp_path, team):
    from http.server import BaseHTTPRequestHandler

    from tests.servers import handler_server
    from tests.test_cli import gatepost

    received = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    a, login, _ = team
    with handler_server(Recorder) as url:
        b = stranger_folder(tmp_path / "b", a.id, login.id, url)
        result = gatepost("send", "--collection", str(b), "steal.request.yaml")
    assert result.returncode == 2 and result.stdout == "" and received == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(a.path.resolve()) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
