"""The runner's core: every query and operator against real responses from httpbin,
declarations read strictly (file, line, key), data files, captures."""

from __future__ import annotations

import textwrap
from http.server import BaseHTTPRequestHandler

import pytest

from gui.core.http.engine import Engine
from gui.core.model import RequestSpec
from gui.core.runner import declare
from gui.core.runner.assertions import check
from gui.core.runner.captures import take
from gui.core.runner.data import DataError, load_data
from gui.core.runner.queries import Response
from tests.servers import handler_server


@pytest.fixture(scope="module")
def responses(httpbin_url):
    """One real exchange per endpoint, sent once for the whole module."""
    urls = {
        "json": "/json",
        "xml": "/xml",
        "html": "/html",
        "headers": "/response-headers?X-Count=42&X-Empty=&X-Word=gatepost",
        "cookie": "/cookies/set?session=abc123",
        "status": "/status/201",
        "bytes": "/bytes/100",
        "anything": "/anything/items?tag=a&tag=b",
    }
    with Engine() as engine:
        yield {name: engine.send(RequestSpec(url=httpbin_url + path))
               for name, path in urls.items()}


def _check(exchange, text: str, scope=None):
    assertion = declare.parse_assertion(_yaml(text))
    return check(assertion, Response(exchange, scope or {}))


def _yaml(text: str):
    from gui.core.collections.yamlio import load_fast

    return load_fast(textwrap.dedent(text))


# (endpoint, assertion, passes)
CASES = [
    ("status", "{query: status, equals: 201}", True),
    ("status", "{query: status, equals: 200}", False),
    ("status", "{query: status, not_equals: 200}", True),
    ("status", "{query: status, '!=': 201}", False),
    ("status", "{query: status, greater: 200}", True),
    ("status", "{query: status, greater: 201}", False),
    ("status", "{query: status, greater_or_equal: 201}", True),
    ("status", "{query: status, '>=': 202}", False),
    ("status", "{query: status, less: 300}", True),
    ("status", "{query: status, less: 201}", False),
    ("status", "{query: status, less_or_equal: 201}", True),
    ("status", "{query: status, le: 200}", False),
    ("status", "{query: status, in: [200, 201, 204]}", True),
    ("status", "{query: status, in: [200, 204]}", False),
    ("status", "{query: status, not_in: [200, 204]}", True),
    ("status", "{query: status, not_in: [201]}", False),
    ("status", "{query: status, type: number}", True),
    ("status", "{query: status, type: integer}", True),
    ("status", "{query: status, type: string}", False),
    ("headers", "{query: header X-Count, equals: 42}", True),
    ("headers", "{query: header x-count, equals: '42'}", True),
    ("headers", "{query: header X-Count, equals: 43}", False),
    ("headers", "{query: header X-Count, greater: 41.5}", True),
    ("headers", "{query: header X-Word, contains: post}", True),
    ("headers", "{query: header X-Word, contains: nope}", False),
    ("headers", "{query: header X-Word, not_contains: nope}", True),
    ("headers", "{query: header X-Word, not_contains: gate}", False),
    ("headers", "{query: header X-Word, starts_with: gate}", True),
    ("headers", "{query: header X-Word, starts_with: post}", False),
    ("headers", "{query: header X-Word, ends_with: post}", True),
    ("headers", "{query: header X-Word, ends_with: gate}", False),
    ("headers", "{query: header X-Word, matches: '^g[a-z]+t$'}", True),
    ("headers", "{query: header X-Word, matches: '^\\d+$'}", False),
    ("headers", "{query: header X-Word, exists: true}", True),
    ("headers", "{query: header X-Missing, exists: true}", False),
    ("headers", "{query: header X-Missing, not_exists: true}", True),
    ("headers", "{query: header X-Word, not_exists: true}", False),
    ("headers", "{query: header X-Missing, exists: false}", True),
    ("headers", "{query: header X-Empty, empty: true}", True),
    ("headers", "{query: header X-Word, empty: true}", False),
    ("headers", "{query: header X-Word, empty: false}", True),
    ("headers", "{query: header X-Word, length: 8}", True),
    ("headers", "{query: header X-Word, length: {greater: 8}}", False),
    ("headers", "{query: header X-Missing, equals: x}", False),
    ("cookie", "{query: cookie session, equals: abc123}", True),
    ("cookie", "{query: cookie session, equals: other}", False),
    ("cookie", "{query: cookie nothere, exists: true}", False),
    ("json", "{query: jmespath slideshow.author, equals: Yours Truly}", True),
    ("json", "{query: jmespath slideshow.author, equals: Someone}", False),
    ("json", "{query: jmespath slideshow.slides, type: array}", True),
    ("json", "{query: jmespath slideshow.slides, type: object}", False),
    ("json", "{query: jmespath slideshow, type: object}", True),
    ("json", "{query: jmespath slideshow.slides, length: 2}", True),
    ("json", "{query: jmespath slideshow.slides, length: {'<': 2}}", False),
    ("json", "{query: 'jmespath slideshow.slides[].title', contains: Overview}", True),
    ("json", "{query: 'jmespath slideshow.slides[].title', contains: Closing}", False),
    ("json", "{query: jmespath slideshow.nothing, exists: true}", False),
    ("json", "{query: jmespath slideshow.nothing, not_exists: true}", True),
    ("json", "{query: 'jmespath slideshow.slides[0].items', not_exists: true}", True),
    ("json", "{query: 'jsonpath $.slideshow.title', equals: Sample Slide Show}", True),
    ("json", "{query: 'jsonpath $.slideshow.slides[*].type', equals: [all, all]}", True),
    ("json", "{query: 'jsonpath $.slideshow.slides[1].items', length: 2}", True),
    ("json", "{query: 'jsonpath $.slideshow.slides[1].items', length: 3}", False),
    ("json", "{query: 'jsonpath $..title', contains: Overview}", True),
    ("json", "{query: 'jsonpath $.slideshow.x', exists: true}", False),
    ("json", "{query: body, contains: WonderWidgets}", True),
    ("json", "{query: body, not_contains: WonderWidgets}", False),
    ("xml", "{query: xpath string(/slideshow/@title), equals: Sample Slide Show}", True),
    ("xml", "{query: xpath /slideshow/@author, equals: Someone}", False),
    ("xml", "{query: 'xpath count(//slide)', equals: 2}", True),
    ("xml", "{query: 'xpath count(//slide)', greater: 2}", False),
    ("xml", "{query: 'xpath //slide[2]/title', equals: Overview}", True),
    ("xml", "{query: 'xpath //slide/title', length: 2}", True),
    ("xml", "{query: 'xpath //nothing', exists: true}", False),
    ("xml", "{query: 'xpath //item', contains: Why WonderWidgets are great}", True),
    ("html", "{query: 'xpath //h1/text()', starts_with: Herman}", True),
    ("bytes", "{query: size, equals: 100}", True),
    ("bytes", "{query: size, greater: 100}", False),
    ("bytes", "{query: duration, less: 60000}", True),
    ("bytes", "{query: duration, greater: 60000}", False),
    ("anything", "{query: jmespath args.tag, equals: [a, b]}", True),
    ("anything", "{query: jmespath args.tag, in: [a, b]}", False),
    ("anything", "{query: jmespath method, in: [GET, HEAD]}", True),
    ("anything", "{query: jmespath args.tag, empty: false}", True),
    ("anything", "{query: jmespath data, empty: true}", True),
    ("anything", "{query: jmespath json, type: 'null'}", False),  # null: nothing found
]


@pytest.mark.parametrize(("endpoint", "text", "passes"), CASES)
def test_every_operator_passes_and_fails_as_it_should(responses, endpoint, text, passes):
    result = _check(responses[endpoint], text)
    assert result.passed is passes, (result.expected, result.actual, result.message)
    if not passes:
        assert result.message  # a failure always says why


def test_a_failure_shows_expected_and_actual(responses):
    result = _check(responses["status"], "{query: status, equals: 200}")
    assert (result.expected, result.actual) == ("200", "201")
    assert result.message == "expected 200, got 201"
    typed = _check(responses["json"], "{query: jmespath slideshow.author, type: number}")
    assert typed.actual.startswith("string: Yours Truly")


def test_variables_in_expected_values_and_the_variable_query(responses):
    scope = {"count": "42", "word": "{{prefix}}post", "prefix": "gate"}
    assert _check(responses["headers"], "{query: header X-Count, equals: '{{count}}'}",
                  scope).passed
    assert _check(responses["headers"], "{query: variable word, equals: gatepost}",
                  scope).passed
    assert _check(responses["headers"], "{query: variable count, greater: 41}", scope).passed
    missing = _check(responses["headers"], "{query: variable nope, exists: true}", scope)
    assert not missing.passed and "variable nope was not found" in missing.message


def test_a_jmespath_into_a_body_that_is_not_json_says_so(responses):
    result = _check(responses["xml"], "{query: jmespath slideshow, exists: true}")
    assert not result.passed
    assert result.message.startswith("the body is not JSON (application/xml")


def test_an_xpath_into_a_body_that_is_not_xml_says_so(responses):
    result = _check(responses["json"], "{query: xpath //slide, exists: true}")
    assert not result.passed and "the body is not XML" in result.message


class _Entities(BaseHTTPRequestHandler):
    secret_file = ""

    def do_GET(self):
        body = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://'
                f'{self.secret_file}">]><r><v>&x;</v><w>plain</w></r>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_xml_external_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE")
    _Entities.secret_file = str(secret)
    with handler_server(_Entities) as url, Engine() as engine:
        exchange = engine.send(RequestSpec(url=url))
    value = _check(exchange, "{query: xpath string(//v), contains: TOP-SECRET}")
    assert not value.passed and "TOP-SECRET" not in value.actual
    assert _check(exchange, "{query: xpath string(//w), equals: plain}").passed


# -- declarations ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "keys", "words"), [
    ("[{query: status}]", (0,), "says nothing to check"),
    ("[{equals: 200}]", (0,), "has no query"),
    ("[{query: stat, equals: 200}]", (0, "query"), "'stat' is not a query"),
    ("[{query: header, exists: true}]", (0, "query"), "header needs a header name"),
    ("[{query: status 200, equals: 200}]", (0, "query"), "takes nothing after it"),
    ("[{query: 'jmespath a.[', exists: true}]", (0, "query"), "does not parse"),
    ("[{query: 'jsonpath $.a[', exists: true}]", (0, "query"), "does not parse"),
    ("[{query: 'xpath //a[', exists: true}]", (0, "query"), "does not parse"),
    ("[{query: status, equals: 200, less: 300}]", (0, "less"), "has 2 operators"),
    ("[{query: status, is: 200}]", (0, "is"), "unknown key 'is'"),
    ("[{query: body, matches: '(['}]", (0, "matches"), "does not compile"),
    ("[{query: body, type: text}]", (0, "type"), "type must be one of"),
    ("[{query: body, exists: yes}]", (0, "exists"), "takes true or false"),
    ("[{query: body, length: {about: 2}}]", (0, "length"), "is not a comparison"),
    ("[{query: status, in: 200}]", (0, "in"), "takes a list"),
    ("[{query: status, equals: 1, enabled: 1}]", (0, "enabled"), "true or false"),
    ("[status]", (0,), "each assertion is a mapping"),
    ("{query: status}", (), "must be a list"),
])
def test_assertions_that_do_not_parse_name_the_part(text, keys, words):
    with pytest.raises(declare.DeclarationError) as caught:
        declare.assertions_from_data(_yaml(text))
    assert caught.value.keys == keys
    assert words in str(caught.value)


@pytest.mark.parametrize(("text", "keys", "words"), [
    ("[{query: status}]", (0,), "needs a name"),
    ("[{name: 'a b', query: status}]", (0, "name"), "is not a variable name"),
    ("[{name: a, query: jmespath}]", (0, "query"), "needs an expression"),
    ("[{name: a, query: body, pattern: '(['}]", (0, "pattern"), "does not compile"),
    ("[{name: a, query: body, secret: maybe}]", (0, "secret"), "true or false"),
    ("[{name: a, query: body, equals: 1}]", (0, "equals"), "unknown key"),
])
def test_captures_that_do_not_parse_name_the_part(text, keys, words):
    with pytest.raises(declare.DeclarationError) as caught:
        declare.captures_from_data(_yaml(text))
    assert caught.value.keys == keys and words in str(caught.value)


def test_a_bad_assertion_in_a_file_is_named_with_its_line(tmp_path):
    from gui.core.collections.load import open_collection

    (tmp_path / "collection.yaml").write_text("version: 1\nname: C\n")
    (tmp_path / "a.request.yaml").write_text(textwrap.dedent("""\
        name: A
        url: http://example.invalid/
        assertions:
          - query: status
            equals: 200
          - query: jmespath json.id
            typ: number
        """))
    _, problems = open_collection(tmp_path)
    assert len(problems) == 1
    text = str(problems[0])
    assert text.startswith(f"{tmp_path / 'a.request.yaml'}, line 7: assertions.1.typ:")
    assert "unknown key 'typ'" in text


def test_declarations_round_trip_and_an_unchanged_file_keeps_its_bytes(tmp_path):
    from gui.core.collections.load import open_collection
    from gui.core.collections.store import save_request

    (tmp_path / "collection.yaml").write_text("version: 1\nname: C\n")
    path = tmp_path / "a.request.yaml"
    path.write_text(textwrap.dedent("""\
        name: A
        url: http://example.invalid/
        assertions:   # checked after each send
          - query: status
            "==": 200
          - name: has an id
            query: jmespath json.id
            length: {gt: 2}
          - query: body
            exists: true
            enabled: false
        captures:
          - {name: token, query: header X-Token, pattern: 'Bearer (.*)', secret: true}
        """))
    before = path.read_bytes()
    collection, problems = open_collection(tmp_path)
    assert not problems
    item = collection.requests()[0]
    assert [a.op for a in item.assertions] == ["equals", "length", "exists"]
    assert item.assertions[1].expected == {"gt": 2}
    assert item.captures[0].secret and item.captures[0].pattern == "Bearer (.*)"
    assert save_request(item) is False and path.read_bytes() == before
    item.assertions[0].expected = 201
    item.assertions[1].expected = {"gt": 3}
    assert save_request(item) is True
    after = path.read_text()
    assert '"==": 201' in after and "# checked after each send" in after
    assert "length: {gt: 3}" in after and "equals" not in after
    assert open_collection(tmp_path)[1] == []
    assert "{name: token, query: header X-Token" in after


def test_labels_say_what_is_checked():
    parse = declare.parse_assertion
    assert declare.describe(parse({"query": "status", "equals": 200})) == "status == 200"
    assert declare.describe(parse({"query": "header A", "exists": False})) == \
        "header A does not exist"
    assert declare.describe(parse({"query": "body", "empty": False})) == "body is not empty"
    assert declare.describe(parse({"query": "jmespath a", "length": {"gt": 1}})) == \
        "jmespath a length > 1"
    assert declare.describe(parse({"name": "Mine", "query": "size", "lt": 9})) == "Mine"


# -- captures -------------------------------------------------------------------------------


def test_captures_take_text_numbers_patterns_and_report_what_found_nothing(responses):
    captures = declare.captures_from_data(_yaml("""\
        - {name: author, query: jmespath slideshow.author}
        - {name: count, query: jmespath length(slideshow.slides)}
        - {name: first, query: jmespath slideshow.author, pattern: '^(\\w+)'}
        - {name: slides, query: "jmespath slideshow.slides[].type"}
        - {name: gone, query: jmespath slideshow.nothing}
        - {name: hidden, query: jmespath slideshow.title, secret: true}
        - {name: off, query: body, enabled: false}
        """))
    got = take(captures, Response(responses["json"], {}), "a.request.yaml")
    assert got.values == {"author": "Yours Truly", "count": "2", "first": "Yours",
                          "slides": '["all","all"]', "hidden": "Sample Slide Show"}
    assert got.secrets == ["Sample Slide Show"]
    assert set(got.failed) == {"gone"}
    assert "the capture 'gone' of a.request.yaml found nothing" in got.failed["gone"]
    shown = {r.label: r.actual for r in got.results}
    assert shown["capture hidden from jmespath slideshow.title"] == "****"


# -- data files -----------------------------------------------------------------------------


def test_csv_with_a_bom_quoting_and_empty_cells(tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes("\ufeffname,note,id\r\n"
                     '"Doe, Jane","said ""hi""\nthen left",1\r\n'
                     "\r\n"
                     "Bob,,2\r\n".encode())
    assert load_data(path) == [
        {"name": "Doe, Jane", "note": 'said "hi"\nthen left', "id": "1"},
        {"name": "Bob", "note": "", "id": "2"},
    ]


def test_a_csv_row_with_another_number_of_cells_names_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3\n")
    with pytest.raises(DataError, match=r"bad.csv, line 3: has 1 cell, the header has 2"):
        load_data(path)
    path.write_text("a,b\n1,2,3\n")
    with pytest.raises(DataError, match=r"line 2: has 3 cells"):
        load_data(path)


def test_json_data_with_a_bom_types_and_bad_items(tmp_path):
    path = tmp_path / "rows.json"
    path.write_bytes('\ufeff[{"id": 1, "ok": true, "name": "a", "none": null},'
                     ' {"id": 2.5, "ok": false, "name": "", "none": [1]}]'.encode())
    assert load_data(path) == [{"id": "1", "ok": "true", "name": "a", "none": ""},
                               {"id": "2.5", "ok": "false", "name": "", "none": "[1]"}]
    path.write_text('[{"a": 1},\n 5]')
    with pytest.raises(DataError, match="item 2 is not an object"):
        load_data(path)
    path.write_text('[{"a": 1},\n {"a": }]')
    with pytest.raises(DataError, match="line 2: is not valid JSON"):
        load_data(path)


def test_run_variables_remember_where_each_value_came_from(responses):
    from gui.core.runner.captures import RunVariables

    captures = declare.captures_from_data(_yaml("""\
        - {name: author, query: jmespath slideshow.author}
        - {name: title, query: jmespath slideshow.title, secret: true}
        - {name: gone, query: jmespath slideshow.nothing}
        """))
    variables = RunVariables()
    variables.update(take(captures, Response(responses["json"], {}), "a.request.yaml"),
                     "a.request.yaml")
    assert variables.values() == {"author": "Yours Truly", "title": "Sample Slide Show"}
    assert variables.secrets() == ("Sample Slide Show",)
    assert variables.origin("author").source == "a.request.yaml"
    assert not variables.origin("author").secret and variables.origin("title").secret
    explained = variables.explain("Not sent: unknown variable {{gone}} in url.")
    assert explained.endswith("(the capture 'gone' of a.request.yaml found nothing: "
                              "jmespath slideshow.nothing found nothing)")
