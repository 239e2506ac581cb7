"""What a query finds in an exchange: the value an assertion checks or a capture takes.

A query finds a value, finds nothing (MISSING: a header that is not there, a JMESPath
that selects nothing), or cannot be evaluated (QueryError: a JMESPath into a body that
is not JSON), which a check reports in a sentence. The body is parsed once per exchange,
however many checks read it. XML is parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from ..http.cookies import cookies_set
from ..variables import Resolver, VariableError

if TYPE_CHECKING:
    from ..http.exchange import Exchange, ReceivedResponse


class _Missing:
    def __repr__(self) -> str:
        return "nothing"

    def __bool__(self) -> bool:
        return False


#: What a query returns when it finds nothing.
MISSING: Any = _Missing()


class QueryError(Exception):
    """The query cannot be evaluated on this response; the message says why."""


@lru_cache(maxsize=256)
def compile_jsonpath(expression: str) -> Any:
    """A compiled JSONPath (RFC 9535, python-jsonpath); ValueError naming the problem."""
    try:
        return deferred.jsonpath.compile(expression)
    except deferred.jsonpath.JSONPathError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid"
        raise ValueError(f"the JSONPath {expression!r} does not parse: {first}") from None


@lru_cache(maxsize=256)
def compile_xpath(expression: str) -> Any:
    try:
        return deferred.etree.XPath(expression)
    except deferred.etree.XPathError as exc:
        raise ValueError(f"the XPath {expression!r} does not parse: {exc}") from None


@lru_cache(maxsize=256)
def _jmespath(expression: str) -> Any:
    try:
        return deferred.jmespath.compile(expression)
    except deferred.jmespath_exceptions.JMESPathError as exc:
        raise QueryError(f"the JMESPath {expression!r} does not parse: {exc}") from None


class Response:
    """One exchange as the queries read it: its final response, body parsed lazily."""

    def __init__(self, exchange: Exchange, scope: Mapping[str, str],
                 secrets: tuple[str, ...] = ()) -> None:
        self.exchange = exchange
        self.scope = scope
        #: The secrets the exchange's record was masked with: an expected value is
        #: masked with them too, so that it compares with what the record holds (a
        #: server echoing a token reads `Bearer ****` there) and is never shown.
        self.secrets = secrets
        self.final: ReceivedResponse | None = exchange.response
        self._json: Any = MISSING
        self._json_error: str | None = None
        self._xml: Any = None

    def _need(self) -> ReceivedResponse:
        if self.final is None:
            raise QueryError("there is no response")
        return self.final

    def text(self) -> str:
        return self._need().text()

    def json(self) -> Any:
        if self._json is MISSING and self._json_error is None:
            final = self._need()
            try:
                self._json = json.loads(final.body)
            except (ValueError, UnicodeDecodeError) as exc:
                kind = final.content_type or "no content type"
                self._json_error = (f"the body is not JSON ({kind}, "
                                    f"{final.body_size} bytes: {exc})")
        if self._json_error is not None:
            raise QueryError(self._json_error)
        return self._json

    def xml(self) -> Any:
        if self._xml is None:
            final = self._need()
            body = final.body
            try:
                if "html" in final.content_type:
                    html = deferred.lxml_html
                    self._xml = html.document_fromstring(
                        body, parser=html.HTMLParser(no_network=True))
                else:
                    parser = deferred.etree.XMLParser(
                        resolve_entities=False, no_network=True, load_dtd=False,
                        dtd_validation=False, huge_tree=False)
                    self._xml = deferred.etree.fromstring(body, parser=parser)
            except (deferred.etree.XMLSyntaxError, deferred.etree.ParserError,
                    ValueError) as exc:
                kind = final.content_type or "no content type"
                raise QueryError(f"the body is not XML ({kind}: {exc})") from None
            if self._xml is None:
                raise QueryError("the body is empty, not XML")
        return self._xml


def evaluate(kind: str, argument: str, response: Response) -> Any:
    """The value the query finds, MISSING, or QueryError."""
    if kind == "variable":
        if argument not in response.scope:
            return MISSING
        try:
            return Resolver(response.scope).text(response.scope[argument])
        except VariableError as exc:
            raise QueryError(str(exc)) from None
    if kind == "duration":
        # Milliseconds, as people write limits ("less: 500").
        return round(response.exchange.total * 1000, 3)
    final = response._need()
    if kind == "status":
        return final.status
    if kind == "header":
        values = [v for n, v in final.headers if n.lower() == argument.lower()]
        return ", ".join(values) if values else MISSING
    if kind == "cookie":
        found = [c for c in cookies_set(response.exchange) if c.name == argument]
        return found[-1].value if found else MISSING
    if kind == "body":
        return final.text()
    if kind == "size":
        return final.body_size
    if kind == "jmespath":
        result = _jmespath(argument).search(response.json())
        return MISSING if result is None else result
    if kind == "jsonpath":
        try:
            matches = compile_jsonpath(argument).findall(response.json())
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        if not matches:
            return MISSING
        return matches[0] if len(matches) == 1 else matches
    if kind == "xpath":
        return _xpath(argument, response)
    raise QueryError(f"{kind!r} is not a query")


def _xpath(argument: str, response: Response) -> Any:
    try:
        compiled = compile_xpath(argument)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    try:
        result = compiled(response.xml())
    except deferred.etree.XPathError as exc:
        raise QueryError(f"the XPath {argument!r} failed: {exc}") from None
    if isinstance(result, list):
        values = [_node_text(node) for node in result]
        if not values:
            return MISSING
        return values[0] if len(values) == 1 else values
    if isinstance(result, float) and result.is_integer():
        return int(result)  # count(//item) is 3, not 3.0
    return str(result) if isinstance(result, bytes) else result


def _node_text(node: Any) -> Any:
    if isinstance(node, str | bytes):
        return str(node)  # text(), @attribute: lxml's smart strings
    if hasattr(node, "itertext"):
        return "".join(node.itertext())
    return str(node)


def as_text(value: Any) -> str:
    """A found value as a variable holds it: text as is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
