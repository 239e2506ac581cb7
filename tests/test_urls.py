from gui.core.model import Row
from gui.core.urls import merge_rows, query_pairs, with_query


def test_query_pairs_keep_text_as_typed():
    assert query_pairs("http://h/p?a=1&b=x y&c#frag") == [("a", "1"), ("b", "x y"), ("c", "")]


def test_no_query():
    assert query_pairs("http://h/p") == []


def test_with_query_replaces_and_keeps_fragment():
    assert with_query("http://h/p?old=1#top", [("a", "1"), ("b", "2")]) == \
        "http://h/p?a=1&b=2#top"


def test_with_no_pairs_drops_question_mark():
    assert with_query("http://h/p?a=1", []) == "http://h/p"


def test_merge_keeps_disabled_rows_in_place():
    rows = [Row("a", "1"), Row("off", "x", enabled=False), Row("b", "2")]
    merged = merge_rows(rows, [("a", "9"), ("c", "3"), ("d", "4")])
    assert [(r.name, r.value, r.enabled) for r in merged] == [
        ("a", "9", True), ("off", "x", False), ("c", "3", True), ("d", "4", True)]


def test_merge_drops_enabled_rows_the_url_no_longer_has():
    merged = merge_rows([Row("a", "1"), Row("b", "2")], [("a", "1")])
    assert [(r.name, r.value) for r in merged] == [("a", "1")]
