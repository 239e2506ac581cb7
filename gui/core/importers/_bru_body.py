"""A Bruno request's body (every type; of variants, the selected one), its name/value
rows, and `{{variables}}` of request and folder scope written into them, which
Gatepost has no scope for. Anything that does not map is said through `note`, bound to
the request's place (bruno.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import Body, BodyKind, Row
from .common import as_list, text

#: Records a notice about the request being read.
Note = Callable[[str], None]

_VAR = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


def body_in(body: Any, scope: dict[str, str], graphql: bool, note: Note, root: Path
            ) -> Body:
    """The body Bruno sends (of variants, the selected one), `{{variables}}` of `scope`
    written in; file paths made absolute from `root`, the collection folder."""
    if isinstance(body, list):  # variants: the selected one is sent
        body = next((b.get("body") for b in body if isinstance(b, dict)
                     and b.get("selected")), body[0].get("body") if body and
                    isinstance(body[0], dict) else None)
    if not isinstance(body, dict):
        return Body()
    kind = {"formUrlEncoded": "form-urlencoded", "multipartForm": "multipart-form"}.get(
        text(body.get("type")), text(body.get("type")))
    data = body.get("data")
    if graphql or (not kind and "query" in body):
        query = sub(text(body.get("query")), scope)
        variables: Any = sub(text(body.get("variables")), scope).strip()
        try:
            variables = json.loads(variables) if variables else None
        except ValueError:
            note("the GraphQL variables are not JSON; sent as text.")
        payload = {"query": query, **({"variables": variables} if variables else {})}
        return Body(BodyKind.JSON, text=json.dumps(payload, indent=2))
    if kind == "json":
        return Body(BodyKind.JSON, text=sub(text(data), scope))
    if kind in ("text", "xml", "sparql"):
        ctype = {"text": "text/plain", "xml": "application/xml",
                 "sparql": "application/sparql-query"}[kind]
        return Body(BodyKind.RAW, text=sub(text(data), scope), content_type=ctype)
    if kind == "form-urlencoded":
        return Body(BodyKind.FORM, rows=rows_in(data, scope))
    if kind == "multipart-form":
        return Body(BodyKind.MULTIPART, rows=_multipart(data, scope, note, root))
    if kind == "file":
        files = [f for f in as_list(data) if isinstance(f, dict)]
        chosen = next((f for f in files if f.get("selected")), None)
        if chosen is None:
            return Body()
        return Body(BodyKind.FILE, path=file_path(text(chosen.get("filePath")), root, note),
                    content_type=text(chosen.get("contentType")))
    if kind:
        note(f"the body type {kind!r} is not imported.")
    return Body()


def _multipart(data: Any, scope: dict[str, str], note: Note, root: Path) -> list[Row]:
    rows = []
    for part in data if isinstance(data, list) else []:
        if not isinstance(part, dict):
            continue
        name, on = sub(text(part.get("name")), scope), not part.get("disabled", False)
        if part.get("contentType"):
            note(f"the content type of the part {name!r} is not kept (Gatepost picks it "
                 "from the file).")
        if part.get("type") == "file":
            paths = part.get("value")
            for p in paths if isinstance(paths, list) else [paths]:
                rows.append(Row(name, file_path(text(p), root, note), on, True))
        else:
            rows.append(Row(name, sub(text(part.get("value")), scope), on))
    return rows


def file_path(value: str, root: Path, note: Note) -> str:
    """Bruno keeps file paths relative to the collection folder; Gatepost needs one
    that works from anywhere."""
    if not value:
        return value
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (root / path).resolve()
    if not path.exists():
        note(f"the file {value} does not exist here; choose it again.")
    return str(path)


def rows_in(rows: Any, scope: dict[str, str]) -> list[Row]:
    out = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and (row.get("name") or row.get("value")):
            out.append(Row(sub(text(row.get("name")), scope),
                           sub(text(row.get("value")), scope),
                           not row.get("disabled", False)))
    return out


def sub(value: str, scope: dict[str, str]) -> str:
    if not scope or "{{" not in value:
        return value
    return _VAR.sub(lambda m: scope.get(m.group(1), m.group(0)), value)


def subst_all(value: Any, scope: dict[str, str]) -> Any:
    if isinstance(value, str):
        return sub(value, scope)
    if isinstance(value, dict):
        return {k: subst_all(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [subst_all(v, scope) for v in value]
    return value
