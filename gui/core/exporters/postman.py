"""A collection, or one of its folders, as a Postman Collection v2.1 document.

Written to Postman's published v2.1.0 schema. Postman has no headers on a collection or
folder, so the headers a request inherits are written into each request (the request's
own win, as in Gatepost). Secret values are never read: the collection is opened
without the keychain, every secret field and secret variable is written empty, and the
notes (and the collection's description) say which were left out.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collections.inherit import effective_auth
from ..collections.manage import CollectionError, open_collection
from ..collections.model import Folder
from ..model import Body, BodyKind, Options, RequestSpec, Row
from ..urls import query_pairs
from ._postman_auth import auth_out

if TYPE_CHECKING:
    from ..collections.model import Collection, RequestItem

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
#: The Content-Type Postman sends for each raw language; any other type is sent as an
#: explicit header with the language "text".
_LANGUAGES = {"text/plain": "text", "application/javascript": "javascript",
              "text/html": "html", "application/xml": "xml", "application/json": "json"}


class ExportFailed(Exception):
    """The export cannot be made; the message names the collection or folder."""


def export(collection_dir: Path | str, folder: str | None = None
           ) -> tuple[dict[str, Any], list[str]]:
    """The collection in `collection_dir` (or its folder `folder`: names in the tree,
    'Parent/Child', or its directory) as a Postman v2.1 document, and the notes: what
    was left out or changed. Opens the folder without touching the keychain."""
    path = Path(collection_dir).expanduser()
    if not (path / "collection.yaml").is_file():
        raise ExportFailed(f"{path} is not a collection folder (no collection.yaml).")
    try:
        collection, problems = open_collection(path)
    except (CollectionError, OSError) as exc:
        raise ExportFailed(str(exc)) from None
    broken = [p for p in problems if p.path == collection.settings_path]
    if broken:
        raise ExportFailed(str(broken[0]))
    notes = [f"{p} (not exported)" for p in problems]
    target = find_folder(collection, folder) if folder else None
    data, more = to_postman(collection, target)
    return data, notes + more


def find_folder(collection: Collection, ref: str) -> Folder:
    folders = [f for f in collection.root.walk() if isinstance(f, Folder)]
    wanted = ref.strip("/")
    for f in folders:
        if "/".join(_names(f)) == wanted or f.path == (collection.path / ref) or \
                str(f.path.relative_to(collection.path)) == wanted:
            return f
    named = [f for f in folders if f.name == wanted]
    if len(named) == 1:
        return named[0]
    what = "several folders" if named else "no folder"
    raise ExportFailed(f"{collection.path} has {what} {ref!r}; give its names from the top "
                       "('Parent/Child') or its directory.")


def _names(item: Folder | RequestItem) -> list[str]:
    names = []
    node: Folder | RequestItem | None = item
    while node is not None and node.parent is not None:
        names.append(node.name)
        node = node.parent
    return list(reversed(names))


def to_postman(collection: Collection, folder: Folder | None = None
               ) -> tuple[dict[str, Any], list[str]]:
    """The document and its notes, from a collection in memory (secret values, if the
    caller filled any, are still left out)."""
    exporter = _Exporter(collection)
    top = folder or collection.root
    name = collection.name if folder is None else f"{collection.name} / {folder.name}"
    auth = collection.auth if folder is None else effective_auth(folder)
    data: dict[str, Any] = {
        "info": {"_postman_id": str(uuid.UUID(hex=_hex32(collection.id))), "name": name,
                 "schema": SCHEMA},
        "item": exporter.items(top, _inherited_headers(collection, top)),
    }
    described = collection.description if folder is None else folder.description
    if described:
        data["info"]["description"] = described
    document_auth = auth_out(auth, "collection" if folder is None else folder.name,
                             exporter.note, exporter.left_out)
    if document_auth is not None and auth.scheme != "none":
        data["auth"] = document_auth
    variables = exporter.variables(collection)
    if variables:
        data["variable"] = variables
    if collection.environments:
        exporter.note(f"{len(collection.environments)} environment"
                      f"{'s are' if len(collection.environments) != 1 else ' is'} not in a "
                      "Postman collection file (Postman keeps them apart); not exported")
    notes = exporter.notes
    if exporter.secrets:
        said = ("Exported from Gatepost. Secret values were left out; set them in Postman: "
                + "; ".join(exporter.secrets) + ".")
        # The person's own description is kept, below what they need to know first.
        own = data["info"].get("description")
        data["info"]["description"] = f"{said}\n\n{own}" if own else said
        notes = [said, *notes]
    return data, notes


def _hex32(text: str) -> str:
    digits = "".join(c for c in text.lower() if c in "0123456789abcdef")
    return (digits + uuid.uuid5(uuid.NAMESPACE_URL, text).hex)[:32]


def _inherited_headers(collection: Collection, folder: Folder) -> list[Row]:
    layers = [collection.headers]
    node: Folder | None = folder
    chain = []
    while node is not None and node.parent is not None:
        chain.append(node.headers)
        node = node.parent
    return _merge([*layers, *reversed(chain)])


def _merge(layers: list[list[Row]]) -> list[Row]:
    merged: dict[str, Row] = {}
    for rows in layers:
        for row in rows:
            if row.enabled and row.name:
                merged.pop(row.name.lower(), None)
                merged[row.name.lower()] = row
    return list(merged.values())


class _Exporter:
    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.notes: list[str] = []
        self.secrets: list[str] = []
        self.copied_headers = False

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def left_out(self, what: str) -> None:
        self.secrets.append(what)

    def variables(self, collection: Collection) -> list[dict[str, Any]]:
        out = []
        for v in collection.variables:
            row: dict[str, Any] = {"key": v.name, "value": "" if v.secret else v.value,
                                   "type": "string"}
            if v.secret:
                self.left_out(f"the secret variable {{{{{v.name}}}}}")
            if not v.enabled:
                row["disabled"] = True
            out.append(row)
        return out

    def items(self, folder: Folder, inherited: list[Row]) -> list[dict[str, Any]]:
        out = []
        for child in folder.children:
            where = " / ".join(_names(child))
            if child.disk.problem is not None:
                continue  # listed with the load problems
            if isinstance(child, Folder):
                item: dict[str, Any] = {"name": child.name, "item": self.items(
                    child, _merge([inherited, child.headers]))}
                if child.description:
                    item["description"] = child.description
                auth = auth_out(child.auth, where, self.note, self.left_out)
                if auth is not None:
                    item["auth"] = auth
                out.append(item)
            else:
                out.append(self.request(child.name, child.spec, inherited, where))
        return out

    def request(self, name: str, spec: RequestSpec, inherited: list[Row], where: str
                ) -> dict[str, Any]:
        own = {r.name.lower() for r in spec.headers if r.enabled and r.name}
        copied = [r for r in inherited if r.name.lower() not in own]
        if copied and not self.copied_headers:
            self.copied_headers = True
            self.note("collection and folder headers were copied into each request "
                      "(Postman has no shared headers)")
        request: dict[str, Any] = {
            "method": spec.method,
            "header": [_row(r) for r in [*copied, *spec.headers]],
            "url": url_object(spec),
        }
        body = self.body(spec.body, request["header"], where)
        if body is not None:
            request["body"] = body
        auth = auth_out(spec.auth, where, self.note, self.left_out)
        if auth is not None:
            request["auth"] = auth
        item: dict[str, Any] = {"name": name, "request": request}
        behaviour = self.behaviour(spec.options, where)
        if behaviour:
            item["protocolProfileBehavior"] = behaviour
        return item

    def body(self, body: Body, headers: list[dict[str, Any]], where: str
             ) -> dict[str, Any] | None:
        kind = body.kind
        if kind is BodyKind.JSON:
            return {"mode": "raw", "raw": body.text, "options": {"raw": {"language": "json"}}}
        if kind is BodyKind.RAW:
            language = _LANGUAGES.get(body.content_type.split(";")[0].strip().lower())
            if language is None or ";" in body.content_type:
                language = "text"
                if body.content_type and not any(h["key"].lower() == "content-type"
                                                 and not h.get("disabled") for h in headers):
                    headers.append({"key": "Content-Type", "value": body.content_type})
            elif not body.content_type:
                self.note(f"{where}: Postman sends text/plain with a raw body that Gatepost "
                          "sends without a Content-Type")
            return {"mode": "raw", "raw": body.text, "options": {"raw": {"language": language}}}
        if kind is BodyKind.FORM:
            return {"mode": "urlencoded", "urlencoded": [_row(r, "text") for r in body.rows]}
        if kind is BodyKind.MULTIPART:
            parts = []
            for r in body.rows:
                part: dict[str, Any] = {"key": r.name, "type": "file" if r.is_file else "text"}
                part["src" if r.is_file else "value"] = r.value
                if not r.enabled:
                    part["disabled"] = True
                parts.append(part)
            return {"mode": "formdata", "formdata": parts}
        if kind is BodyKind.FILE:
            return {"mode": "file", "file": {"src": body.path}}
        return None

    def behaviour(self, options: Options, where: str) -> dict[str, Any]:
        default = Options()
        out: dict[str, Any] = {}
        if not options.follow_redirects:
            out["followRedirects"] = False
        if options.max_redirects != default.max_redirects:
            out["maxRedirects"] = options.max_redirects
        if not options.verify_tls:
            out["strictSSL"] = False
        lost = [what for what, changed in (
            ("timeouts", options.timeouts != default.timeouts),
            ("HTTP/2", options.http2), ("the time limit", options.max_time != default.max_time),
            ("the body size limit", options.max_body_size != default.max_body_size))
            if changed]
        if lost:
            self.note(f"{where}: {', '.join(lost)} cannot be set per request in Postman; "
                      "not exported")
        return out


def _row(row: Row, kind: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": row.name, "value": row.value}
    if kind:
        out["type"] = kind
    if not row.enabled:
        out["disabled"] = True
    return out


def url_object(spec: RequestSpec) -> dict[str, Any]:
    """Postman's URL object: raw as typed, plus the parts its tools read (protocol, host
    split at dots, port, path segments, every query row with the disabled ones)."""
    raw = spec.url
    rest, _, fragment = raw.partition("#")
    rest = rest.split("?", 1)[0]
    out: dict[str, Any] = {"raw": raw}
    if "://" in rest:
        out["protocol"], rest = rest.split("://", 1)
    host, slash, path = rest.partition("/")
    host, port = _port(host)
    out["host"] = host.split(".") if host and "{{" not in host else [host]
    if port:
        out["port"] = port
    if slash:
        out["path"] = path.split("/")
    rows = spec.params or [Row(n, v) for n, v in query_pairs(raw)]
    if rows:
        out["query"] = [_row(r) for r in rows]
    if fragment:
        out["hash"] = fragment
    return out


def _port(host: str) -> tuple[str, str]:
    if host.startswith("[") and "]" in host:  # an IPv6 literal
        end = host.index("]") + 1
        return host[:end], host[end + 1:] if host[end:end + 1] == ":" else ""
    name, colon, port = host.rpartition(":")
    if colon and (port.isdigit() or (port.startswith("{{") and port.endswith("}}"))):
        return name, port
    return host, ""
