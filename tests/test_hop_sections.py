"""The Timeline's selected hop as sections: a redirect then a Digest challenge against
httpbin, each section copyable on its own, nothing secret in any of them."""

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from gui.core.hopsections import hop_sections
from gui.core.http.engine import Engine
from gui.core.model import AuthConfig, Body, BodyKind, RequestSpec
from gui.widgets.response.hop_detail import ALL, HopDetail

PASSWORD = "hop-secret-pw"


@pytest.fixture(scope="module")
def digest_exchange(httpbin_url):
    spec = RequestSpec(url=f"{httpbin_url}/redirect-to?url=/digest-auth/auth/ann/{PASSWORD}",
                       auth=AuthConfig("digest", {"username": "ann", "password": PASSWORD}))
    from gui.core import auth

    with Engine() as engine:
        return engine.send(spec, auth=auth.build_auth(spec.auth))


def keys(sections):
    return [s.key for s in sections]


def test_the_challenged_hop_shows_the_challenge_parsed_and_the_answer(digest_exchange):
    assert [h.response.status for h in digest_exchange.hops] == [302, 401, 200]
    sections = hop_sections(digest_exchange, 1)
    # httpbin's Digest endpoint sets cookies too.
    assert keys(sections) == ["request", "response", "challenge", "answer", "cookies",
                              "timings"]
    challenge = sections[2]
    assert challenge.headline == "Digest" and challenge.title == "Challenge (WWW-Authenticate)"
    params = dict(challenge.rows)
    assert {"realm", "nonce", "qop", "algorithm"} <= params.keys()
    answer = sections[3]
    assert answer.title == "Answer sent in hop 3 (Authorization)"
    sent = dict(answer.rows)
    assert sent["username"] == "ann" and sent["nonce"] == params["nonce"]
    assert sections[1].headline.endswith("401 UNAUTHORIZED") and sections[1].tone == "4xx"
    assert sections[-1].note == "Next: challenge: Digest."


def test_sections_copy_as_http_text_and_hold_no_secret(digest_exchange):
    for index in range(len(digest_exchange.hops)):
        for s in hop_sections(digest_exchange, index):
            assert PASSWORD not in s.copy_text(), s.key
    request = hop_sections(digest_exchange, 0)[0]
    lines = request.copy_text().splitlines()
    assert lines[0].startswith("GET ") and "Accept: */*" in lines
    assert any(line.startswith("User-Agent: Gatepost/") for line in lines)


def test_a_request_body_is_a_section_of_its_own(httpbin_url):
    spec = RequestSpec(method="POST", url=f"{httpbin_url}/post",
                       body=Body(BodyKind.JSON, text='{"a": 1}'))
    with Engine() as engine:
        exchange = engine.send(spec)
    sections = hop_sections(exchange, 0)
    assert keys(sections)[:3] == ["request", "request-body", "response"]
    assert sections[1].text == '{"a": 1}' and sections[1].note == "8 B."


def test_the_widget_draws_sections_with_copy_links(qtbot, digest_exchange):
    detail = HopDetail()
    qtbot.addWidget(detail)
    detail.show_hop(digest_exchange, 1)
    html = detail.toHtml()
    for n in range(len(detail.sections())):
        assert f"copy:{n}" in html
    assert "copy:all" in html and "Challenge (WWW-Authenticate)" in html
    # Copy all: the hop as HTTP text, as it always read.
    assert detail.toPlainText().startswith("GET ") and "Digest: realm=" in \
        detail.toPlainText()
    detail.copy_section("2")
    assert QGuiApplication.clipboard().text().startswith("Digest\nrealm: ")
    assert detail.copy_section(ALL) == detail.toPlainText()
    assert PASSWORD not in detail.toHtml()


def test_the_window_timeline_uses_the_sections(qtbot, httpbin_url):
    from gui.widgets.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.editor.url.setText(f"{httpbin_url}/redirect/1")
    window.send()
    qtbot.waitUntil(lambda: window.job is None and window.last_exchange is not None,
                    timeout=15000)
    detail = window.findChild(QWidget, "hopDetail")
    assert isinstance(detail, HopDetail) and detail.accessibleName()
    window.response.hops.selectRow(0)
    assert keys(detail.sections())[:2] == ["request", "response"]
    assert "Location" in dict(detail.sections()[1].rows)
