"""HAR 1.2, a browser's record of what it sent: one request per entry, in a folder per
host, with the headers and cookies as sent.

HTTP/2 pseudo-headers (`:authority`) and what the client computes again (Host,
Content-Length, hop-by-hop headers, a multipart boundary) are left out. A recorded
Authorization header becomes the auth scheme that sends it again, and credentials (the
Cookie header, an `api_key` parameter) become secret collection variables, so none of
them lands in a collection file. Entries that are not http(s) are skipped and listed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..model import AuthConfig, Body, BodyKind, RequestSpec, Row
from ..urls import with_query
from . import ImportedFolder, ImportedRequest, ImportFailed, ImportResult, Notice
from .common import (
    Secrets,
    as_dict,
    as_list,
    auth_from_header,
    parse_json,
    read_text,
    text,
    url_and_params,
)

LABEL = "HAR 1.2 (browser export)"

_SNIFF = re.compile(r'^\s*\{\s*"log"\s*:\s*\{')
_DROPPED = frozenset({"host", "content-length", "connection", "keep-alive", "te",
                      "transfer-encoding", "upgrade", "proxy-connection", "trailer"})


def sniff(path: Path, head: str) -> bool:
    if path.is_dir() or not _SNIFF.match(head):
        return False
    return any(key in head for key in ('"entries"', '"creator"', '"version"'))


def read(path: Path) -> ImportResult:
    data = parse_json(path, read_text(path))
    log = data.get("log") if isinstance(data, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        raise ImportFailed(f"{path} is not a HAR file: it has no log.entries list.")
    creator = as_dict(log.get("creator"))
    result = ImportResult(LABEL, name=path.stem)
    root = ImportedFolder(result.name, auth=AuthConfig("none"),
                          description=f"Recorded by {text(creator.get('name'))} "
                          f"{text(creator.get('version'))}".strip()
                          if creator.get("name") else "")
    secrets = Secrets()
    folders: dict[str, ImportedFolder] = {}
    for index, entry in enumerate(log["entries"]):
        where = f"log.entries[{index}]"
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict):
            result.notices.append(Notice(where, "has no request; skipped."))
            continue
        url = text(request.get("url"))
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            # Only the scheme: the rest of a recorded URL may hold a token.
            result.notices.append(Notice(where, f"a {parts.scheme or 'relative'}: entry is "
                                         "not an HTTP request; skipped."))
            continue
        host = parts.hostname or parts.netloc
        folder = folders.get(host)
        if folder is None:
            folder = folders[host] = ImportedFolder(host)
            root.children.append(folder)
        name = f"{text(request.get('method')) or 'GET'} {parts.path or '/'}"
        where = f"{host} / {name[:80]}"
        folder.children.append(ImportedRequest(name[:80], _spec(request, url, where,
                                                                   secrets, result.notices),
                                               _started(entry)))
    if not root.children:
        result.notices.append(Notice("", "the HAR holds no http(s) request."))
    result.root = root
    result.variables = secrets.variables
    return result


def _started(entry: dict[str, Any]) -> str:
    when = text(entry.get("startedDateTime"))
    return f"Recorded {when}." if when else ""


def _spec(request: dict[str, Any], url: str, where: str, secrets: Secrets,
          notices: list[Notice]) -> RequestSpec:
    spec = RequestSpec(method=(text(request.get("method")) or "GET").upper())
    spec.url, spec.params = url_and_params(url.partition("#")[0], [], mirror=True)
    headers = [Row(text(h.get("name")), text(h.get("value")))
               for h in as_list(request.get("headers")) if isinstance(h, dict)]
    headers = [h for h in headers if h.name and not h.name.startswith(":")
               and h.name.lower() not in _DROPPED]
    cookies = [c for c in as_list(request.get("cookies")) if isinstance(c, dict)]
    if cookies and not any(h.name.lower() == "cookie" for h in headers):
        headers.append(Row("Cookie", "; ".join(f"{text(c.get('name'))}={text(c.get('value'))}"
                                               for c in cookies)))
    for h in list(headers):
        if h.name.lower() == "authorization":
            auth = auth_from_header(h.value, where, notices)
            if auth is not None:
                spec.auth = auth
                headers.remove(h)
    spec.body = _body(request.get("postData"), where, notices)
    if spec.body.kind is BodyKind.MULTIPART:
        headers = [h for h in headers if h.name.lower() != "content-type"]
    spec.headers = headers
    secrets.protect_rows(spec.headers, headers=True)
    secrets.protect_rows(spec.params)
    secrets.protect_rows(spec.body.rows)
    if spec.params:
        spec.url = with_query(spec.url, spec.enabled_params())
    return spec


def _body(post: Any, where: str, notices: list[Notice]) -> Body:
    if not isinstance(post, dict):
        return Body()
    mime = text(post.get("mimeType"))
    kind = mime.split(";")[0].strip().lower()
    content = text(post.get("text"))
    params = [p for p in as_list(post.get("params")) if isinstance(p, dict)]
    if kind == "application/x-www-form-urlencoded":
        if content:
            return Body(BodyKind.FORM, rows=[Row(n, v) for n, v in
                                             parse_qsl(content, keep_blank_values=True)])
        return Body(BodyKind.FORM, rows=[Row(text(p.get("name")), text(p.get("value")))
                                         for p in params])
    if kind == "multipart/form-data":
        rows = []
        parts = params or _multipart(content, mime)
        if not parts and content:
            notices.append(Notice(where, "the multipart body could not be split into parts; "
                                  "kept as raw text."))
            return Body(BodyKind.RAW, text=content, content_type=mime)
        for p in parts:
            if p.get("fileName"):
                rows.append(Row(text(p.get("name")), text(p.get("fileName")), True, True))
                notices.append(Notice(where, f"the file {text(p.get('fileName'))!r} of the "
                                      f"part {text(p.get('name'))!r} is not in the HAR "
                                      "(only its name): choose it in the Body tab."))
            else:
                rows.append(Row(text(p.get("name")), text(p.get("value"))))
        return Body(BodyKind.MULTIPART, rows=rows)
    if not content:
        return Body()
    if kind == "application/json":
        return Body(BodyKind.JSON, text=content)
    return Body(BodyKind.RAW, text=content, content_type=mime)


def _multipart(content: str, mime: str) -> list[dict[str, str]]:
    """The parts of a recorded multipart body (browsers record it as text, file
    contents left out): name, and value or fileName."""
    m = re.search(r'boundary="?([^";]+)"?', mime)
    if not m or not content:
        return []
    parts = []
    for chunk in content.split("--" + m.group(1))[1:]:
        if chunk.startswith("--"):
            break
        head, _, value = chunk.lstrip("\r\n").partition("\r\n\r\n")
        if not _:
            head, _, value = chunk.lstrip("\n").partition("\n\n")
        name = re.search(r'\bname="([^"]*)"', head)
        if name is None:
            continue
        filename = re.search(r'\bfilename="([^"]*)"', head)
        part = {"name": name.group(1), "value": value.rstrip("\r\n")}
        if filename:
            part["fileName"] = filename.group(1)
        parts.append(part)
    return parts
