"""Which folders of a collection's directory are collection folders (issue 12): only
those with Gatepost files; a collection inside another is not read as its folder."""

from __future__ import annotations

import os

from gui.core.collections import manage as col
from gui.core.collections.model import Folder


def names(folder: Folder) -> list[str]:
    return [child.name for child in folder.children]


def test_folders_without_gatepost_files_are_not_collection_folders(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    col.new_request(c.root, "Health")
    # What a project folder holds besides: a virtualenv, sources, an empty folder.
    for d in ("venv/bin", "venv/lib/python3.11/site-packages/pkg", "src", "empty"):
        (c.path / d).mkdir(parents=True)
    (c.path / "venv/bin/python").write_text("")
    (c.path / "src/main.py").write_text("print(1)\n")
    opened, problems = col.open_collection(c.path)
    assert names(opened.root) == ["Health"]
    assert problems == []


def test_folders_with_a_folder_file_or_requests_below_are_kept(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    col.new_folder(c.root, "Made here")  # folder.yaml, nothing else yet
    deep = c.path / "plain" / "deeper"
    deep.mkdir(parents=True)
    (deep / "ping.request.yaml").write_text("method: GET\nurl: http://127.0.0.1:9/\n")
    opened, problems = col.open_collection(c.path)
    assert problems == []
    assert sorted(names(opened.root)) == ["Made here", "plain"]
    plain = next(f for f in opened.root.children if f.name == "plain")
    assert names(plain) == ["deeper"] and names(plain.children[0]) == ["ping"]


def test_a_collection_inside_another_is_not_one_of_its_folders(tmp_path):
    outer = col.new_collection(tmp_path / "outer", "Outer")
    col.new_request(outer.root, "Outer request")
    inner = col.new_collection(outer.path / "inner", "Inner")
    col.new_folder(inner.root, "Inner folder")
    col.new_request(inner.root, "Inner request")
    opened, _ = col.open_collection(outer.path)
    assert names(opened.root) == ["Outer request"]
    assert [r.name for r in opened.requests()] == ["Outer request"]
    inner_opened, _ = col.open_collection(inner.path)
    assert sorted(names(inner_opened.root)) == ["Inner folder", "Inner request"]


def test_a_link_out_inside_a_folder_that_is_not_ours_is_not_reported(tmp_path):
    c = col.new_collection(tmp_path / "api", "API")
    (c.path / "node_modules").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", c.path / "node_modules" / "link")
    opened, problems = col.open_collection(c.path)
    assert names(opened.root) == [] and problems == []
