"""Large JSON bodies (issue 17): the streaming pretty-printer, the tree read from the
pretty text, and a body that stops being JSON past its first megabyte."""

from __future__ import annotations

import json
import random
import sys

import pytest

from gui.core import jsonpretty, jsontree
from gui.core.highlight import JSON_LINES
from gui.core.http.bodydata import BodyData
from gui.core.http.exchange import ReceivedResponse
from gui.core.jsonpretty import NotJson, load, pretty
from gui.core.jsontree import JsonTree
from gui.core.present import present


def pieces(data: bytes, size: int):
    return (data[i:i + size] for i in range(0, len(data), size))


def some_json(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 4 or roll < 0.3:
        return rng.choice([0, -2.5, 1e30, "a\\b\"c\n", "é", "", "{", "]", None, True])
    if roll < 0.65:
        return [some_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["k", 'a": b', "}", "\n", ""]) + str(i): some_json(rng, depth + 1)
            for i in range(rng.randint(0, 4))}


def test_pretty_is_json_dumps_indent_2_however_the_body_is_cut():
    rng = random.Random(17)
    for _ in range(500):
        value = some_json(rng)
        compact = json.dumps(value, separators=(",", ":")).encode()
        assert pretty(pieces(compact, rng.randint(1, 40))) == json.dumps(value, indent=2)
    spaced = json.dumps({"a": [1.5e-3, {}], "b": []}, indent=7).encode()
    assert pretty(pieces(spaced, 3)) == '{\n  "a": [\n    0.0015,\n    {}\n  ],\n  "b": []\n}'


def test_pretty_text_grows_as_the_body_is_read(monkeypatch):
    # Not joined at the end: one join of the whole text holds the GIL (the window
    # stalled 100-150 ms at 100 MB) and holds the pieces and the whole at once.
    monkeypatch.setattr(jsonpretty, "PIECE", 1000)
    so_far = []

    def chunks():
        for chunk in pieces(b"[" + ROWS + b"]", 1 << 16):
            so_far.append(len(sys._getframe(1).f_locals["text"]))
            yield chunk

    out = pretty(chunks())
    assert out == pretty([b"[" + ROWS + b"]"]) and so_far[-1] > len(out) * 0.9


@pytest.mark.parametrize("text", [
    b"[1,]", b"{,}", b'{"a"}', b'{"a":}', b"[1 2]", b"[1]]", b"[", b'{"a":1,}', b"[tru]",
    b"[1.]", b"[-]", b"{1:2}", b'["a":1]', b"[1] x", b'["\x01"]', b"[01]", b"[NaN]"])
def test_what_is_not_json_is_refused_however_it_is_cut(text):
    for size in (1, 2, 100):
        with pytest.raises(NotJson):
            pretty(pieces(text, size))


def summary(value) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    return json.dumps(value, ensure_ascii=False)


def walk(tree: JsonTree, node: jsontree.Node, value, limit: int) -> None:
    """The tree's nodes, batch by batch, against the value they were printed from."""
    assert node.summary == summary(value)
    pairs = list(value.items()) if isinstance(value, dict) else (
        list(enumerate(value)) if isinstance(value, list) else [])
    assert node.count == len(pairs)
    found, rest = [], None
    while True:
        batch = tree.children(node, rest, limit)
        assert len(batch.nodes) <= limit and batch.total == len(pairs)
        found += batch.nodes
        if batch.rest is None:
            break
        rest = batch.rest
    assert [n.key for n in found] == [str(k) for k, _ in pairs]
    for child, (_, child_value) in zip(found, pairs, strict=True):
        walk(tree, child, child_value, limit)


def test_tree_nodes_are_found_in_the_pretty_text(monkeypatch):
    monkeypatch.setattr(jsontree, "WINDOW", 7)  # reads cut everywhere: nothing missed
    rng = random.Random(5)
    for _ in range(300):
        value = some_json(rng)
        text = json.dumps(value, indent=2, ensure_ascii=False)
        tree = JsonTree(text)
        walk(tree, tree.root, value, rng.randint(1, 3))


def test_tree_children_are_found_only_when_asked_a_batch_at_a_time():
    value = {"items": [{"id": n, "tags": ["a"] * n} for n in range(1200)], "x": "\\u00e9"}
    tree = JsonTree(json.dumps(value, indent=2))
    # The tree holds the text and places in it, nothing per value.
    assert vars(tree).keys() == {"text", "root"}
    top = tree.children(tree.root)
    assert [(n.key, n.summary) for n in top.nodes] == [("items", "[1200 items]"),
                                                      ("x", '"\\\\u00e9"')]
    first = tree.children(top.nodes[0], limit=500)
    assert len(first.nodes) == 500 and first.rest is not None and first.total == 1200
    assert first.nodes[3].summary == "{2 keys}"
    second = tree.children(top.nodes[0], first.rest, 500)
    assert second.nodes[0].key == "500"
    assert tree.children(second.nodes[0]).nodes[1].summary == "[500 items]"


def test_json_lines_colours_a_line_alone():
    kinds = [kind for _, _, kind in JSON_LINES('    "a\\"": [1.5e3, true, "x"],')]
    assert kinds == ["key", "punct", "punct", "number", "punct", "keyword", "punct",
                     "string", "punct", "punct"]


def test_load_reads_what_pretty_printed():
    assert load('{\n  "a": [\n    1\n  ]\n}') == {"a": [1]}
    assert load("[" + ", ".join(["1"] * 400_000) + "]")[-1] == 1  # past orjson's limit


def response(body: bytes, ctype: str = "application/json") -> ReceivedResponse:
    return ReceivedResponse(200, "OK", "HTTP/1.1", [("Content-Type", ctype)],
                            BodyData.of(body))


ROWS = b",".join([b'{"id": 1, "name": "' + b"x" * 80 + b'"}'] * 20_000)  # 2 MB


def test_a_large_body_gets_pretty_text_a_tree_and_colouring():
    shown = present(response(b"[" + ROWS + b"]"), limit=1 << 30)
    assert shown.pretty.startswith('[\n  {\n    "id": 1,\n    "name": "xx')
    assert isinstance(shown.parsed, JsonTree) and shown.parsed.root.count == 20_000
    assert shown.spans is JSON_LINES and not shown.raw_paged


def test_json_that_breaks_past_the_first_megabyte_is_paged_raw():
    body = b"[" + ROWS + b", oops]"
    shown = present(response(body), limit=1 << 30)
    assert shown.parsed is None and shown.raw_paged
    assert "does not parse" in shown.note and f"byte {body.index(b'oops')}" in shown.note
    # Not the whole text held: Pretty pages the bytes as Raw does.
    assert shown.pretty == shown.raw_page and len(shown.pretty) < len(body)
    quiet = present(response(body, "text/plain"), limit=1 << 30)
    assert quiet.raw_paged and quiet.note == "" and quiet.language == "text"


def test_small_json_orjson_refuses_still_reads():
    shown = present(response(b'{"big": 123456789012345678901234567890, "n": NaN}'))
    assert shown.pretty == '{\n  "big": 123456789012345678901234567890,\n  "n": NaN\n}'
    assert shown.parsed.root.count == 2


@pytest.fixture
def body_view(qtbot):
    from gui.widgets.response.body_view import BodyView

    view = BodyView()
    qtbot.addWidget(view)
    return view


def show(view, body: bytes) -> None:
    r = response(body)
    view.show_body(r, present(r, limit=1 << 30))


def test_tree_items_are_made_when_expanded_and_more_on_a_click(qtbot, body_view):
    show(body_view, json.dumps({"items": [{"n": n} for n in range(1200)]}).encode())
    body_view.set_mode("tree")
    top = body_view.tree.topLevelItem(0)
    assert (top.text(0), top.text(1), top.childCount()) == ("items", "[1200 items]", 1)
    top.setExpanded(True)
    assert top.childCount() == 501 and top.child(499).text(0) == "499"
    assert top.child(1).text(1) == "{1 keys}" and top.child(1).childCount() == 1
    more = top.child(500)
    assert more.text(0) == "… 700 more"
    body_view.tree.itemClicked.emit(more, 0)
    body_view.tree.itemActivated.emit(more, 0)  # a second signal for it adds nothing
    assert top.childCount() == 1001 and top.child(1000).text(0) == "… 200 more"
    top.child(7).setExpanded(True)
    assert (top.child(7).child(0).text(0), top.child(7).child(0).text(1)) == ("n", "7")


def test_tree_of_a_large_node_is_found_in_a_worker(qtbot, body_view, monkeypatch):
    from gui.widgets.response.body_modes import tree

    monkeypatch.setattr(tree, "SYNC_SIZE", 0)
    show(body_view, json.dumps({"a": [1, 2], "b": {}}).encode())
    body_view.set_mode("tree")
    assert body_view.tree.topLevelItem(0).text(0) == "Loading…"
    qtbot.waitUntil(lambda: body_view.tree.topLevelItem(0).text(0) == "a")
    assert [body_view.tree.topLevelItem(i).text(1) for i in range(2)] == [
        "[2 items]", "{0 keys}"]


def test_a_body_broken_past_its_first_megabyte_opens_raw(qtbot, body_view):
    body = b"[" + ROWS + b", oops]"
    show(body_view, body)
    assert body_view.mode() == "pretty" and "does not parse" in body_view.note.text()
    assert body_view.text.toPlainText() == body[:len(body_view.text.toPlainText())].decode()
    assert not body_view._buttons["tree"].isEnabled() and not body_view.filter.isVisibleTo(
        body_view)
    assert body_view.more.isVisibleTo(body_view)  # the rest a page at a time


def test_search_text_counts_a_window_at_a_time(monkeypatch):
    from gui.core import present as present_module

    monkeypatch.setattr(present_module, "SEARCH_CHUNK", 5)  # cuts every match somewhere
    text = "Café x CAFÉ café\ncafé"
    assert present_module.search_text(text, "CAFÉ") == (4, None)
    assert present_module.search_text(text, "café", start=2, first=True) == (1, 11)
    assert present_module.search_text(text, "café", start=17, first=True) == (1, len(text))
    assert present_module.search_text(text, "nope", first=True) == (0, None)


def test_find_counts_a_large_pretty_text_in_a_worker(qtbot, body_view):
    body_view.show()
    show(body_view, b"[" + ROWS + b"]")
    assert body_view.more.isVisible()
    body_view.open_find()
    body_view.find.setText('"ID"')
    # Not lower-cased here: the label says so until the worker's count comes.
    assert body_view.find_count.text().endswith("counting the whole body…")
    qtbot.waitUntil(lambda: body_view.find_count.text().startswith("20000 matches ("))


def test_the_view_shown_is_not_drawn_again_when_its_button_is_pressed(qtbot, body_view):
    show(body_view, b"[" + ROWS + b"]")
    body_view._load_more()
    loaded = body_view._loaded
    body_view._buttons["pretty"].click()  # drawing it again cost a large body 15-30 ms
    assert body_view._loaded == loaded and body_view.mode() == "pretty"
    body_view._buttons["raw"].click()
    assert body_view.mode() == "raw" and body_view._loaded < loaded
    body_view._buttons["pretty"].click()
    assert body_view.mode() == "pretty" and body_view.text.toPlainText().startswith("[\n  {")
