"""A Postman request's parts as Gatepost's: the URL (raw or composed, its query rows,
path variables), every body mode, headers (v2.0's text block too) and the
protocolProfileBehavior options. Anything that does not map is said through `note`,
bound to the request's place in the collection (postman.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..model import Body, BodyKind, RequestSpec, Row
from ..urls import query_pairs, with_query
from .common import as_dict

#: Records a notice about the request being read.
Note = Callable[[str], None]

_LANGUAGES = {"text": "text/plain", "javascript": "application/javascript",
              "html": "text/html", "xml": "application/xml"}


def text(value: Any) -> str:
    """A Postman value as text: null is empty, true is "true", numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def url_in(url: Any, note: Note) -> tuple[str, list[Row]]:
    if url is None:
        return "", []
    if isinstance(url, str):
        return url, [Row(n, v) for n, v in query_pairs(url)]
    if not isinstance(url, dict):
        raise ValueError("url is neither text nor an object")
    raw = text(url.get("raw")) or _compose(url)
    query = url.get("query")
    if isinstance(query, list):
        rows = [Row(text(q.get("key")), text(q.get("value")),
                    not q.get("disabled", False))
                for q in query if isinstance(q, dict)]
        pairs = [(r.name, r.value) for r in rows if r.enabled]
        if query_pairs(raw) != pairs:
            raw = with_query(raw, pairs)
    else:
        rows = [Row(n, v) for n, v in query_pairs(raw)]
    for variable in url.get("variable") or []:
        if not isinstance(variable, dict) or not variable.get("key"):
            continue
        key, value = text(variable["key"]), text(variable.get("value"))
        pattern = re.compile(rf"(?<=/):{re.escape(key)}(?=[/?#]|$)")
        if value:
            raw = pattern.sub(lambda _m: value, raw)  # noqa: B023 - used at once
        elif pattern.search(raw):
            note(f"path variable :{key} has no value; it is left in the URL")
    return raw, rows


def body_in(body: Any, note: Note) -> Body:
    if not isinstance(body, dict) or not body.get("mode"):
        return Body()
    mode = text(body["mode"])
    if body.get("disabled"):
        note(f"its {mode} body is switched off in Postman and was not imported")
        return Body()
    if mode == "raw":
        options = as_dict(body.get("options"))
        raw_options = as_dict(options.get("raw"))
        language = text(raw_options.get("language")) or "text"
        return _raw(text(body.get("raw")), language, note)
    if mode == "urlencoded":
        return Body(BodyKind.FORM, rows=rows_in(body.get("urlencoded")))
    if mode == "formdata":
        return Body(BodyKind.MULTIPART, rows=_parts(body.get("formdata"), note))
    if mode == "file":
        file = as_dict(body.get("file"))
        if file.get("src"):
            return Body(BodyKind.FILE, path=text(file["src"]))
        if file.get("content"):
            return Body(BodyKind.RAW, text=text(file["content"]),
                        content_type="application/octet-stream")
        note("its binary body names no file; choose one in the Body tab")
        return Body(BodyKind.FILE)
    if mode == "graphql":
        return _graphql(body.get("graphql"), note)
    note(f"body mode {mode!r} is not one Gatepost has; the body was not imported")
    return Body()


def _raw(raw: str, language: str, note: Note) -> Body:
    if language != "json":
        return Body(BodyKind.RAW, text=raw,
                    content_type=_LANGUAGES.get(language, "text/plain"))
    try:
        if raw.strip():
            # References may stand unquoted for a number: check the rest parses.
            json.loads(re.sub(r"\{\{[^{}]*\}\}", "0", raw))
    except ValueError:
        note("its JSON body does not parse (comments?); kept as raw text sent as "
             "application/json")
        return Body(BodyKind.RAW, text=raw, content_type="application/json")
    return Body(BodyKind.JSON, text=raw)


def _graphql(graphql: Any, note: Note) -> Body:
    graphql = graphql if isinstance(graphql, dict) else {}
    query, variables = text(graphql.get("query")), text(graphql.get("variables")).strip()
    try:
        parsed = json.loads(variables) if variables else None
    except ValueError:
        parsed = ...
    if parsed is ...:
        # Variables that hold {{references}}: kept as written, resolved at send time.
        return _raw(f'{{\n  "query": {json.dumps(query)},\n  "variables": '
                    f'{variables}\n}}', "json", note)
    document: dict[str, Any] = {"query": query}
    if parsed is not None:
        document["variables"] = parsed
    return Body(BodyKind.JSON, text=json.dumps(document, indent=2))


def _parts(rows: Any, note: Note) -> list[Row]:
    out = []
    for part in rows if isinstance(rows, list) else []:
        if not isinstance(part, dict):
            continue
        name, enabled = text(part.get("key")), not part.get("disabled", False)
        if part.get("contentType"):
            note(f"part {name!r}: its content type {text(part['contentType'])} is not "
                 "sent by Gatepost")
        if part.get("type") != "file":
            out.append(Row(name, text(part.get("value")), enabled))
            continue
        sources = part.get("src")
        sources = sources if isinstance(sources, list) else [sources]
        files = [text(s) for s in sources if s]
        if not files:
            note(f"part {name!r} names no file; choose one in the Body tab")
            files = [""]
        out += [Row(name, f, enabled, True) for f in files]
    return out


def _compose(url: dict[str, Any]) -> str:
    host = url.get("host")
    host = ".".join(map(text, host)) if isinstance(host, list) else text(host)
    path = url.get("path")
    if isinstance(path, list):
        path = "/".join(text(p.get("value")) if isinstance(p, dict) else text(p)
                        for p in path)
    out = f"{text(url['protocol'])}://" if url.get("protocol") else ""
    out += host + (f":{text(url['port'])}" if url.get("port") else "")
    out += f"/{text(path).lstrip('/')}" if path else ""
    return out + (f"#{text(url['hash'])}" if url.get("hash") else "")


def rows_in(rows: Any) -> list[Row]:
    return [Row(text(r.get("key")), text(r.get("value")), not r.get("disabled", False))
            for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def headers_in(headers: Any) -> list[Row]:
    if isinstance(headers, str):
        # v2.0 allows the header block as text.
        out = []
        for line in headers.splitlines():
            name, colon, value = line.partition(":")
            if colon and name.strip():
                out.append(Row(name.strip(), value.strip()))
        return out
    return rows_in(headers)


def options_in(spec: RequestSpec, behaviour: dict[str, Any]) -> None:
    if behaviour.get("followRedirects") is False:
        spec.options.follow_redirects = False
    if isinstance(behaviour.get("maxRedirects"), int) and behaviour["maxRedirects"] >= 0:
        spec.options.max_redirects = behaviour["maxRedirects"]
    if behaviour.get("strictSSL") is False:
        spec.options.verify_tls = False
