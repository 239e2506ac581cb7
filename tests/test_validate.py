import pytest

from gui.core.model import Body, BodyKind, RequestSpec, Row
from gui.core.validate import check, normalise_url


def fields(spec):
    return [p.field for p in check(spec)]


def test_valid_request_has_no_problems():
    assert check(RequestSpec(url="https://example.com/x?y=1")) == []


@pytest.mark.parametrize("method", ["PROPFIND", "M-SEARCH", "purge", "X_CUSTOM"])
def test_any_token_is_a_method(method):
    assert check(RequestSpec(method=method, url="http://h/")) == []


@pytest.mark.parametrize("method", ["", "GET POST", "GE(T"])
def test_bad_methods(method):
    assert fields(RequestSpec(method=method, url="http://h/")) == ["method"]


@pytest.mark.parametrize("url,words", [
    ("", "Enter a URL"),
    ("ftp://h/x", "Unsupported scheme"),
    ("http://", "no host"),
    ("http://h:99999/", "Invalid URL"),
    ("http://exa mple.com/", "space"),
])
def test_bad_urls(url, words):
    problems = check(RequestSpec(url=url))
    assert [p.field for p in problems] == ["url"]
    assert words in problems[0].message


def test_url_without_scheme_means_http():
    assert normalise_url(" example.com/x ") == "http://example.com/x"


@pytest.mark.parametrize("name", ["X Bad", "X:Bad", "Bad\t"])
def test_header_names_with_separators(name):
    problems = check(RequestSpec(url="http://h/", headers=[Row("Ok", "1"), Row(name, "v")]))
    assert [(p.field, p.row) for p in problems] == [("headers", 1)]


def test_disabled_bad_header_is_ignored():
    assert check(RequestSpec(url="http://h/", headers=[Row("X Bad", "v", enabled=False)])) == []


def test_json_body_that_does_not_parse_names_line_and_column():
    problems = check(RequestSpec(url="http://h/", body=Body(BodyKind.JSON, text='{"a":\n 1,}')))
    assert problems[0].field == "body"
    assert "line 2" in problems[0].message


def test_deleted_body_file(tmp_path):
    gone = tmp_path / "gone.bin"
    problems = check(RequestSpec(url="http://h/", body=Body(BodyKind.FILE, path=str(gone))))
    assert "does not exist" in problems[0].message


def test_deleted_multipart_file(tmp_path):
    body = Body(BodyKind.MULTIPART, rows=[Row("f", str(tmp_path / "x"), is_file=True)])
    assert [(p.field, p.row) for p in check(RequestSpec(url="http://h/", body=body))] == [
        ("body", 0)]
