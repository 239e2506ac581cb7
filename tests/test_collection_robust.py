"""Collections always open (issue 19): whatever one file holds, it is one named problem
(with its line where there is one, never its content) and everything else opens; saves
keep a file's mode and a killed save's temporary file is gone at the next open."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest

from gui.core.collections import files as colfiles
from gui.core.collections.manage import new_collection, new_request, open_collection, save_request
from gui.core.collections.yamlio import line_of
from gui.core.model import RequestSpec
from gui.core.storage import atomic

GOOD = "method: GET\nurl: http://h/\n"


@pytest.fixture
def col(tmp_path):
    c = new_collection(tmp_path / "api", "API")
    new_request(c.root, "Good", RequestSpec(url="http://h/good"))
    return c


def _open_with(col, name: str, write) -> tuple:
    path = col.path / name
    write(path)
    opened, problems = open_collection(col.path)
    assert "http://h/good" in [r.spec.url for r in opened.requests()]  # the rest opens
    assert len(problems) == 1, problems
    return problems[0], path


@pytest.mark.parametrize(("content", "line", "words"), [
    (GOOD + "options:\n  max_redirects: " + "9" * 5000 + "\n", 4, "5000 digits"),
    (GOOD + "headers: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n", 3, "nested"),
    (GOOD + "body:\n  text: " + "[" * 5000 + "]" * 5000 + "\n", 4, "nesting"),
    (GOOD + "\nname: a\0b\n", 4, "control character"),
])
def test_a_hostile_file_is_one_problem_with_its_line(col, content, line, words):
    problem, _ = _open_with(col, "bad.request.yaml",
                            lambda p: p.write_text(content, encoding="utf-8"))
    assert problem.path.name == "bad.request.yaml"
    assert problem.line == line and words in problem.message


def test_invalid_utf8_gets_its_line(col):
    problem, _ = _open_with(col, "bad.request.yaml",
                            lambda p: p.write_bytes(GOOD.encode() + b"\nname: caf\xe9\n"))
    assert (problem.line, problem.message) == (4, "is not UTF-8 text")


def test_a_symbolic_link_loop_is_named(col):
    problem, _ = _open_with(col, "loop.request.yaml",
                            lambda p: os.symlink(p.name, p))
    assert "cannot be read" in problem.message


def test_a_fifo_does_not_hang_the_open(col):
    problem, _ = _open_with(col, "pipe.request.yaml", os.mkfifo)
    assert "not a regular file" in problem.message


def test_links_out_of_the_collection_are_not_followed(col, tmp_path):
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("root:s3cret-hash:19000:0:99999:7:::\n")
    problem, _ = _open_with(col, "shadow.request.yaml", lambda p: os.symlink(secret, p))
    assert "outside the collection folder" in problem.message
    assert "s3cret" not in problem.message
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.request.yaml").write_text(GOOD)
    os.unlink(col.path / "shadow.request.yaml")
    problem, _ = _open_with(col, "etc", lambda p: os.symlink(outside, p))
    assert problem.path.name == "etc" and "not followed" in problem.message


def test_a_link_inside_the_collection_is_followed(col):
    (col.path / "real").mkdir()
    (col.path / "real" / "r.request.yaml").write_text("method: GET\nurl: http://h/inner\n")
    os.symlink("real", col.path / "alias")
    os.symlink(".", col.path / "again")  # a loop back to the root: read once
    opened, problems = open_collection(col.path)
    assert problems == []
    assert [r.spec.url for r in opened.requests()].count("http://h/inner") >= 1


def test_a_file_too_large_is_not_read(col, monkeypatch):
    monkeypatch.setattr(colfiles, "MAX_FILE_SIZE", 1000)
    problem, _ = _open_with(col, "big.request.yaml",
                            lambda p: p.write_text(GOOD + "# " + "x" * 2000 + "\n"))
    assert "larger than" in problem.message


def test_finding_a_line_does_not_reparse_a_large_file_slowly(col):
    rows = "  - name: a\n    value: b\n" * 100_000  # 2.6 MB
    text = GOOD + "headers:\n" + rows + "  - name: a\n    bogus: 1\n"
    started = time.monotonic()
    assert line_of(text, ("headers", 100_000, "bogus")) == 200_005
    # ruamel took about 25 s a megabyte here; libyaml's events take well under one.
    assert time.monotonic() - started < 15
    assert line_of(text, ("headers", 5, "name")) == 14
    assert line_of(text, ("nothing",)) is None
    assert line_of("[1, 2", ("a",)) is None


def test_a_save_keeps_the_file_mode(col):
    item = open_collection(col.path)[0].requests()[0]
    os.chmod(item.path, 0o644)
    item.spec.url = "http://h/changed"
    save_request(item)
    assert stat.S_IMODE(os.stat(item.path).st_mode) == 0o644
    os.chmod(item.path, 0o640)
    item.spec.url = "http://h/changed-again"
    save_request(item)
    assert stat.S_IMODE(os.stat(item.path).st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode(tmp_path):
    target = tmp_path / "new.yaml"
    atomic.write_atomic(target, b"x")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o666 & ~atomic._UMASK


def test_a_killed_saves_temporary_file_is_removed_at_the_next_open(col):
    # A process that is gone for sure: one that ran and was waited for.
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    stale = col.path / f".good.request.yaml.{dead}.abcd1234.tmp"
    stale.write_text("half a fi")
    ours = col.path / f".good.request.yaml.{os.getpid()}.efgh5678.tmp"  # a save under way
    ours.write_text("being written")
    legacy = col.path / ".good.request.yaml.ijkl9012.tmp"
    legacy.write_text("old")
    old = time.time() - 2 * atomic.STALE_AFTER
    os.utime(legacy, (old, old))
    editors = col.path / ".notes.swp"
    editors.write_text("keep me")
    _, problems = open_collection(col.path)
    assert problems == []
    assert not stale.exists() and not legacy.exists()
    assert ours.exists() and editors.exists()
