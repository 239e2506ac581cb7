"""Turn a RequestSpec into an httpx.Request, nothing half-built.

The body is always built as bytes in memory, so that an auth scheme can answer a
challenge by sending it again (httpx cannot resend a streamed body after a 401).
"""

from __future__ import annotations

import json
import mimetypes
import os
from typing import Any
from urllib.parse import urlencode

import httpx

from .model import BodyKind, RequestSpec
from .validate import normalise_url


def _content_type_set(spec: RequestSpec) -> bool:
    return any(n.lower() == "content-type" for n, _ in spec.enabled_headers())


def body_arguments(spec: RequestSpec) -> tuple[dict[str, Any], str | None]:
    """Keyword arguments for httpx's build_request, and a default Content-Type."""
    body = spec.body
    kind = body.kind
    if kind is BodyKind.RAW:
        return {"content": body.text.encode()}, body.content_type or None
    if kind is BodyKind.JSON:
        text = body.text if body.text.strip() else ""
        if text:
            json.loads(text)  # validated earlier; a failure here is a bug, not bad input
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


def build_request(client: httpx.Client, spec: RequestSpec) -> httpx.Request:
    arguments, default_type = body_arguments(spec)
    headers = spec.enabled_headers()
    if default_type and not _content_type_set(spec):
        headers.append(("Content-Type", default_type))
    t = spec.options.timeouts
    timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)
    return client.build_request(spec.method, normalise_url(spec.url), headers=headers,
                                timeout=timeout, **arguments)
