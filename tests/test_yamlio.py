"""Any text a request can hold is written so that it reads back the same."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gui.core.collections.yamlio import dump, load_fast


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_round_trips(text):
    assert load_fast(dump({"text": text, "rows": [{"value": text}]})) == {
        "text": text, "rows": [{"value": text}]}


def test_a_control_character_in_multi_line_text_is_quoted_not_a_block():
    written = dump({"body": "\x1f\n0"})
    assert "|" not in written
    assert load_fast(written) == {"body": "\x1f\n0"}
