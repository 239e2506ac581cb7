"""The exchange's deadline and body size limit as settings (issue 19): checked by name,
kept in collection files, in the Settings tab, and honoured by the window."""

from __future__ import annotations

import math

import pytest

from gui.core.collections.manage import new_collection, new_request, open_collection, save_request
from gui.core.model import MAX_BODY_SIZE, MAX_TIME, Options, RequestSpec, Timeouts
from gui.core.validate import check
from tests.hostile_servers import hostile_server


def _problems(options: Options) -> list[str]:
    return [str(p) for p in check(RequestSpec(url="http://h/", options=options))]


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0, 1e12])
def test_timeouts_out_of_range_are_refused_by_name(value):
    problems = _problems(Options(timeouts=Timeouts(value, 30, 30, 30)))
    assert len(problems) == 1 and problems[0].startswith("options: The connect timeout")
    problems = _problems(Options(max_time=value))
    assert len(problems) == 1 and "time limit (max time)" in problems[0]


def test_no_limit_is_allowed_and_the_defaults_are_sensible():
    assert _problems(Options(timeouts=Timeouts.all(None), max_time=None,
                             max_body_size=None)) == []
    assert Options().max_time == MAX_TIME == 300
    assert Options().max_body_size == MAX_BODY_SIZE == 1 << 30


@pytest.mark.parametrize("size", [-1, 1.5, "big", True])
def test_a_bad_body_size_is_refused(size):
    assert "maximum body size" in _problems(Options(max_body_size=size))[0]


def test_limits_round_trip_through_a_collection_file(tmp_path):
    c = new_collection(tmp_path / "api", "API")
    item = new_request(c.root, "Slow", RequestSpec(url="http://h/"))
    item.spec.options.max_time = 12.5
    item.spec.options.max_body_size = 1234
    save_request(item)
    text = next((tmp_path / "api").glob("*.request.yaml")).read_text()
    assert "max_time: 12.5" in text and "max_body_size: 1234" in text
    opened, problems = open_collection(c.path)
    assert problems == []
    options = opened.requests()[0].spec.options
    assert (options.max_time, options.max_body_size) == (12.5, 1234)


def test_the_settings_tab_keeps_the_limits(qtbot):
    from gui.widgets.request.editor import OptionsForm

    form = OptionsForm()
    qtbot.addWidget(form)
    assert (form.options().max_time, form.options().max_body_size) == (300, 1 << 30)
    form.set_options(Options(max_time=None, max_body_size=1234))
    assert form.max_time.text() == "none"
    # A size that is no whole number of megabytes comes back as it was...
    assert (form.options().max_time, form.options().max_body_size) == (None, 1234)
    form.max_body.setValue(5)  # ...until it is changed.
    form.max_time.setValue(2.5)
    assert (form.options().max_time, form.options().max_body_size) == (2.5, 5 << 20)


def test_the_window_stops_at_the_deadline_with_a_message(qtbot, window):
    with hostile_server() as url:
        window.editor.url.setText(url + "/drip-body")
        window.editor.options.max_time.setValue(2)
        window.editor.send_requested.emit()
        qtbot.waitUntil(lambda: window.job is None, timeout=30000)
    exchange = window.last_exchange
    assert exchange.error.kind == "deadline"
    assert exchange.hops[0].response.body_size > 0
