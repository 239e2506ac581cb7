"""A request as a curl command line: the request as sent, secrets still masked."""

from __future__ import annotations

import shlex

from .exchange import SentRequest
from .model import BodyKind, RequestSpec

#: Headers curl writes itself.
_CURL_OWN = {"host", "content-length", "user-agent", "accept-encoding", "connection"}


def to_curl(sent: SentRequest, spec: RequestSpec | None = None) -> str:
    """curl for the hop's request. The body comes from the spec when the hop carried
    one (a redirect may have dropped it). Masked values stay masked: an export never
    holds a secret."""
    parts = ["curl"]
    if sent.method != "GET":
        parts += ["-X", sent.method]
    parts.append(sent.url)
    for name, value in sent.headers:
        if name.lower() not in _CURL_OWN:
            parts += ["-H", f"{name}: {value}"]
    if spec is not None and sent.body_size:
        body = spec.body
        if body.kind in (BodyKind.RAW, BodyKind.JSON):
            parts += ["--data-raw", body.text]
        elif body.kind is BodyKind.FORM:
            for row in body.rows:
                if row.enabled and row.name:
                    parts += ["--data-urlencode", f"{row.name}={row.value}"]
        elif body.kind is BodyKind.MULTIPART:
            for row in body.rows:
                if row.enabled and row.name:
                    parts += ["-F", f"{row.name}=@{row.value}" if row.is_file
                              else f"{row.name}={row.value}"]
        elif body.kind is BodyKind.FILE:
            parts += ["--data-binary", f"@{body.path}"]
    return " ".join(shlex.quote(p) for p in parts)
