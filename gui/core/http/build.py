"""Turn a RequestSpec into an httpx.Request, nothing half-built.

The body is always built as bytes in memory, so that an auth scheme can answer a
challenge by sending it again (httpx cannot resend a streamed body after a 401).
"""

from __future__ import annotations

import mimetypes
import os
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from ..model import BodyKind, RequestSpec
from ..validate import EXTENDED_PARAMETER_HEADERS, normalise_url


def _content_type_set(spec: RequestSpec) -> bool:
    return any(n.lower() == "content-type" for n, _ in spec.enabled_headers())


def body_arguments(spec: RequestSpec) -> tuple[dict[str, Any], str | None]:
    """Keyword arguments for httpx's build_request, and a default Content-Type."""
    body = spec.body
    kind = body.kind
    if kind is BodyKind.RAW:
        return {"content": body.text.encode()}, body.content_type or None
    if kind is BodyKind.JSON:
        # Checked by validate.py; never parsed again here: a body nested deeper than
        # the parser allows is sent as typed.
        text = body.text if body.text.strip() else ""
        return {"content": text.encode()}, "application/json"
    if kind is BodyKind.FORM:
        pairs = [(r.name, r.value) for r in body.rows if r.enabled and r.name]
        return {"content": urlencode(pairs).encode()}, "application/x-www-form-urlencoded"
    if kind is BodyKind.MULTIPART:
        files: list[tuple[str, tuple[str | None, bytes] | tuple[str, bytes, str]]] = []
        for row in body.rows:
            if not (row.enabled and row.name):
                continue
            if row.is_file:
                with open(row.value, "rb") as fh:
                    data = fh.read()
                name = os.path.basename(row.value)
                files.append((row.name, (name, data, mimetypes.guess_type(name)[0]
                                         or "application/octet-stream")))
            else:
                files.append((row.name, (None, row.value.encode())))
        return ({"files": files} if files else {}), None
    if kind is BodyKind.FILE:
        with open(body.path, "rb") as fh:
            data = fh.read()
        return {"content": data}, (mimetypes.guess_type(body.path)[0]
                                   or "application/octet-stream")
    return {}, None


#: RFC 8187 attr-char, besides letters and digits: left as they are in an ext-value.
_ATTR_CHARS = "!#$&+-.^_`|~"


def _split_parameters(value: str) -> list[str]:
    """`type; a=1; b="x;y"` -> ["type", " a=1", ' b="x;y"']: semicolons in quotes kept."""
    parts, current, quoted, escaped = [], "", False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def _ascii_fallback(text: str) -> str:
    """café.txt -> cafe.txt, for recipients that do not read filename*."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.replace("\\", "_").replace('"', "_") or "_"


def extended_parameters(value: str) -> str:
    """Parameters beyond ASCII as RFC 8187 ext-values (`filename*=UTF-8''caf%C3%A9`),
    a `filename` with an ASCII fallback beside it (RFC 6266 section 4.3); the rest as
    typed."""
    out = []
    for part in _split_parameters(value):
        name, equals, raw = part.partition("=")
        if not equals or part.isascii() or not name.strip() or not name.strip().isascii():
            out.append(part)
            continue
        text = raw.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        key = name.strip().rstrip("*")
        if key != name.strip() and text.count("'") >= 2:
            text = text.split("'", 2)[2]  # typed as charset'language'value already
        if key.lower() == "filename":
            out.append(f' filename="{_ascii_fallback(text)}"')
        out.append(f" {key}*=UTF-8''{quote(text, safe=_ATTR_CHARS)}")
    return ";".join(out)


def header_items(spec: RequestSpec, default_type: str | None = None
                 ) -> list[tuple[bytes, bytes]]:
    """The enabled headers (and the body's Content-Type when none is typed) as bytes.
    Whitespace around a value is not part of it (RFC 9110 section 5.5; h11 refuses it).
    Values are ASCII (validate.py refuses others) unless `utf8_headers`: then a value
    beyond ASCII goes in its RFC 8187 form where the header has one, else as UTF-8
    (text given to httpx would be encoded as ASCII)."""
    headers = spec.enabled_headers()
    if default_type and not _content_type_set(spec):
        headers.append(("Content-Type", default_type))
    out = []
    for name, value in headers:
        value = value.strip(" \t")
        if spec.options.utf8_headers and not value.isascii():
            if name.lower() in EXTENDED_PARAMETER_HEADERS:
                value = extended_parameters(value)
            out.append((name.encode("ascii"), value.encode("utf-8")))
        else:
            out.append((name.encode("ascii"), value.encode("ascii")))
    return out


#: Headers HTTP needs where they apply: never left out, whatever `omit_headers` says.
NEEDED = frozenset({"host", "content-length", "transfer-encoding"})


@lru_cache(maxsize=64)
def _timeout(connect: float | None, read: float | None, write: float | None,
             pool: float | None) -> httpx.Timeout:
    # One per set of values, not one per send: httpx copies it into the request.
    return httpx.Timeout(connect=connect, read=read, write=write, pool=pool)


@lru_cache(maxsize=256)
def _parsed(url: str) -> httpx.URL:
    # An httpx.URL is immutable, and httpx takes one as it is: one parse per URL, not
    # one per send (about 10 µs; InvalidURL is not cached, it is raised every time).
    return httpx.URL(url)


def build_request(client: httpx.Client, spec: RequestSpec) -> httpx.Request:
    arguments, default_type = body_arguments(spec)
    headers = header_items(spec, default_type)
    t = spec.options.timeouts
    timeout = _timeout(t.connect, t.read, t.write, t.pool)
    request = client.build_request(spec.method, _parsed(normalise_url(spec.url)),
                                   headers=headers, timeout=timeout, **arguments)
    if spec.omit_headers:
        # The client's defaults (User-Agent, Accept, Accept-Encoding, Connection) and
        # the body's Content-Type are in the built request; a typed header stays.
        typed = {name.lower() for name, _ in spec.enabled_headers()}
        for name in spec.omit_headers:
            if name not in typed and name not in NEEDED:
                request.headers.pop(name, None)
    return request
