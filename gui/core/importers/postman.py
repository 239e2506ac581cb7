"""Postman: collections v2.0 and v2.1, environment and globals exports.

Written from Postman's published collection schema (schema.postman.com, v2.0.0 and
v2.1.0) and its environment export format. What maps: folders at any depth, every body
mode, params and headers with their disabled rows, variables at every level, auth at
every level (gui/core/importers/_postman_auth.py), a request's redirect and TLS
settings. What cannot is a Notice: scripts (their text kept in IMPORT-NOTES.md, never
run), dynamic variables (`{{$guid}}`), unknown auth types, saved example responses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model import AuthConfig, Body, BodyKind, RequestSpec, Row
from ..urls import query_pairs, with_query
from ..variables import Variable
from . import (
    ImportedEnvironment,
    ImportedFolder,
    ImportedRequest,
    ImportFailed,
    ImportResult,
    Notice,
    read_json,
)
from ._postman_auth import auth_in

LABEL = "Postman collection v2.0/v2.1, environment or globals"

_COLLECTION = re.compile(r'"schema"\s*:\s*"https?://schema\.(?:get)?postman\.com/json/'
                         r'collection/v(\d)\.(\d)\.\d/')
_SCOPE = re.compile(r'"_postman_variable_scope"\s*:\s*"(environment|globals)"')
_ENV_START = re.compile(r'\A\s*\{\s*(?:"(?:id|name)"\s*:\s*"[^"\\]*"\s*,\s*)*"values"\s*:\s*\['
                        r'\s*(?:\]|\{\s*"key"\s*:)')
_DYNAMIC = re.compile(r"\{\{\s*(\$[A-Za-z0-9_]+)\s*\}\}")
_SECRET_NAME = re.compile(r"pass(word|wd|phrase)?$|secret|token|api[-_]?key|private[-_]?key"
                          r"|credential", re.IGNORECASE)
_REFERENCE_ONLY = re.compile(r"\A\s*\{\{[^{}]*\}\}\s*\Z")
_LANGUAGES = {"text": "text/plain", "javascript": "application/javascript",
              "html": "text/html", "xml": "application/xml"}


def sniff(path: Path, head: str) -> bool:
    if _COLLECTION.search(head):
        return True  # another version is refused by read(), saying which
    return bool(_SCOPE.search(head) or _ENV_START.search(head))


def read(path: Path) -> ImportResult:
    data = read_json(path)
    if isinstance(data, dict) and isinstance(data.get("info"), dict):
        return _Collection(path).read(data)
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        return _variables_file(path, data)
    raise ImportFailed(f"{path} is JSON but neither a Postman collection (no info and item) "
                       "nor an environment or globals export (no values).")


def text(value: Any) -> str:
    """A Postman value as text: null is empty, true is "true", numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def description(value: Any) -> str:
    """A description: a string, or v2's {content, type}."""
    return text(value.get("content")) if isinstance(value, dict) else text(value)


def _variables_file(path: Path, data: dict[str, Any]) -> ImportResult:
    scope = text(data.get("_postman_variable_scope")) or "environment"
    name = text(data.get("name")) or path.stem
    notices: list[Notice] = []
    variables = variables_in(data["values"], name, notices)
    if scope == "globals":
        return ImportResult("Postman globals", name, globals=variables, notices=notices)
    return ImportResult("Postman environment", name,
                        environments=[ImportedEnvironment(name, variables)], notices=notices)


def variables_in(rows: Any, where: str, notices: list[Notice]) -> list[Variable]:
    """Postman variables (`key`, `value`, `disabled`/`enabled`, `type`) as Variables; a
    `secret` type, or a secret-looking name with a literal value, is kept as a secret
    (its value goes to the keychain, not the file)."""
    out: list[Variable] = []
    guessed = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        name = text(row.get("key") if "key" in row else row.get("id"))
        value = text(row.get("value"))
        enabled = not row.get("disabled", False) and row.get("enabled", True) is not False
        secret = row.get("type") == "secret"
        if not secret and value and _SECRET_NAME.search(name) and \
                not _REFERENCE_ONLY.match(value):
            secret = True
            guessed.append(name)
        out.append(Variable(name, value, bool(enabled), secret))
    if guessed:
        listed = ", ".join("{{" + n + "}}" for n in guessed)
        one = len(guessed) == 1
        notices.append(Notice(where, f"{listed} look{'s like a' if one else ' like'} "
                                     f"secret{'' if one else 's'}: kept in the keychain as "
                                     f"secret variable{'' if one else 's'}"))
    return out


class _Collection:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[Notice] = []
        self.variables: list[Variable] = []
        self.moved_variables: list[str] = []
        self.examples = 0

    def note(self, where: str, message: str, details: str = "") -> None:
        self.notices.append(Notice(where, message, details))

    def read(self, data: dict[str, Any]) -> ImportResult:
        info = data["info"]
        schema = text(info.get("schema"))
        match = _COLLECTION.search(f'"schema": "{schema}"')
        if schema and (match is None or match.group(1) != "2"):
            raise ImportFailed(f"{self.path}: the collection schema {schema} is not one "
                               "Gatepost reads (Postman v2.0 or v2.1); export it again as "
                               "Collection v2.1 from Postman.")
        version = f"v2.{match.group(2)}" if match else "v2.1"
        if not isinstance(data.get("item"), list):
            raise ImportFailed(f"{self.path}: item must be a list of requests and folders "
                               "(JSON path item).")
        name = text(info.get("name")) or self.path.stem
        self.variables = variables_in(data.get("variable"), "collection", self.notices)
        root = ImportedFolder(name, description=description(info.get("description")))
        root.auth = self.auth(data.get("auth"), "collection", None)
        if root.auth.scheme == "inherit":
            root.auth = AuthConfig("none")
        self.events(data.get("event"), "collection")
        behaviour = data.get("protocolProfileBehavior")
        self.items(data["item"], root, [], "item", behaviour if isinstance(behaviour, dict)
                   else {})
        if self.moved_variables:
            listed = ", ".join("{{" + n + "}}" for n in self.moved_variables)
            self.note("collection", f"folder and request variables {listed} became "
                                    "collection variables (Gatepost has no narrower scope)")
        if self.examples:
            self.note("collection", f"{self.examples} saved example response"
                                    f"{'s were' if self.examples != 1 else ' was'} not "
                                    "imported (Gatepost keeps no examples)")
        return ImportResult(f"Postman collection {version}", name, root=root,
                            variables=self.variables, notices=self.notices)

    def auth(self, data: Any, where: str, body: Body | None) -> AuthConfig:
        form = body is not None and body.kind is BodyKind.FORM
        return auth_in(data, lambda message: self.note(where, message), form)

    def events(self, events: Any, where: str) -> None:
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, dict):
                continue
            script = event.get("script") if isinstance(event.get("script"), dict) else {}
            lines = script.get("exec", "")
            body = "\n".join(map(text, lines)) if isinstance(lines, list) else text(lines)
            listen = text(event.get("listen")) or "event"
            label = {"prerequest": "pre-request", "test": "test"}.get(listen, listen)
            off = " (switched off)" if event.get("disabled") else ""
            if body.strip():
                count = body.count("\n") + 1
                self.note(where, f"{label} script{off} of {count} line{'s' * (count != 1)}"
                                 " is not run by Gatepost; its text is in IMPORT-NOTES.md",
                          body)
            if script.get("src"):
                self.note(where, f"{label} script from {text(script['src'])} is not run "
                                 "by Gatepost")

    def more_variables(self, rows: Any, where: str) -> None:
        known = {v.name: v for v in self.variables}
        for v in variables_in(rows, where, self.notices):
            if v.name in known:
                if known[v.name].value != v.value:
                    self.note(where, f"variable {{{{{v.name}}}}} has another value in an "
                                     "outer scope; the collection's value is kept")
                continue
            self.variables.append(v)
            known[v.name] = v
            self.moved_variables.append(v.name)

    def items(self, items: list[Any], parent: ImportedFolder, names: list[str], json_path: str,
              behaviour: dict[str, Any]) -> None:
        for n, entry in enumerate(items):
            at = f"{json_path}[{n}]"
            if not isinstance(entry, dict):
                self.note(" / ".join(names) or "collection",
                          f"{at} is not an object; skipped")
                continue
            name = text(entry.get("name")) or ("Folder" if "item" in entry else "Request")
            where = " / ".join([*names, name])
            try:
                if isinstance(entry.get("item"), list):
                    parent.children.append(self.folder(entry, name, [*names, name], at,
                                                       behaviour))
                elif "request" in entry:
                    parent.children.append(self.request(entry, name, where, behaviour))
                else:
                    self.note(where, f"{at} is neither a request nor a folder; skipped")
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self.note(where, f"{at} could not be read ({exc}); skipped")

    def folder(self, entry: dict[str, Any], name: str, names: list[str], at: str,
               behaviour: dict[str, Any]) -> ImportedFolder:
        where = " / ".join(names)
        folder = ImportedFolder(name, description=description(entry.get("description")))
        folder.auth = self.auth(entry.get("auth"), where, None)
        self.events(entry.get("event"), where)
        self.more_variables(entry.get("variable"), where)
        own = entry.get("protocolProfileBehavior")
        merged = {**behaviour, **own} if isinstance(own, dict) else behaviour
        self.items(entry["item"], folder, names, f"{at}.item", merged)
        return folder

    def request(self, entry: dict[str, Any], name: str, where: str,
                behaviour: dict[str, Any]) -> ImportedRequest:
        request = entry["request"]
        if isinstance(request, str):
            request = {"url": request, "method": "GET"}
        if not isinstance(request, dict):
            raise ValueError("request is neither a URL nor an object")
        spec = RequestSpec(method=(text(request.get("method")) or "GET").upper())
        spec.url, spec.params = self.url(request.get("url"), where)
        spec.headers = _headers(request.get("header"))
        spec.body = self.body(request.get("body"), where)
        spec.auth = self.auth(request.get("auth"), where, spec.body)
        own = entry.get("protocolProfileBehavior")
        _options(spec, {**behaviour, **own} if isinstance(own, dict) else behaviour)
        for key, what in (("proxy", "proxy"), ("certificate", "client certificate")):
            if request.get(key):
                self.note(where, f"its own {what} setting was not imported; use "
                                 f"{'Certificates…' if key == 'certificate' else 'a proxy'}")
        self.events(entry.get("event"), where)
        self.more_variables(entry.get("variable"), where)
        responses = entry.get("response")
        self.examples += len(responses) if isinstance(responses, list) else 0
        dynamic = sorted(set(_DYNAMIC.findall(json.dumps(request))))
        if dynamic:
            listed = ", ".join("{{" + d + "}}" for d in dynamic)
            self.note(where, f"uses Postman's dynamic variable{'s' * (len(dynamic) != 1)} "
                             f"{listed}, which Gatepost does not generate: define "
                             f"{'them' if len(dynamic) != 1 else 'it'} or edit the request")
        return ImportedRequest(name, spec, description(entry.get("description"))
                               or description(request.get("description")))

    def url(self, url: Any, where: str) -> tuple[str, list[Row]]:
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
                raw = pattern.sub(lambda _m, v=value: v, raw)
            elif pattern.search(raw):
                self.note(where, f"path variable :{key} has no value; it is left in the URL")
        return raw, rows

    def body(self, body: Any, where: str) -> Body:
        if not isinstance(body, dict) or not body.get("mode"):
            return Body()
        mode = text(body["mode"])
        if body.get("disabled"):
            self.note(where, f"its {mode} body is switched off in Postman and was not "
                             "imported")
            return Body()
        if mode == "raw":
            options = body.get("options") if isinstance(body.get("options"), dict) else {}
            raw_options = options.get("raw") if isinstance(options.get("raw"), dict) else {}
            language = text(raw_options.get("language")) or "text"
            return self.raw(text(body.get("raw")), language, where)
        if mode == "urlencoded":
            return Body(BodyKind.FORM, rows=_rows(body.get("urlencoded")))
        if mode == "formdata":
            return Body(BodyKind.MULTIPART, rows=self.parts(body.get("formdata"), where))
        if mode == "file":
            file = body.get("file") if isinstance(body.get("file"), dict) else {}
            if file.get("src"):
                return Body(BodyKind.FILE, path=text(file["src"]))
            if file.get("content"):
                return Body(BodyKind.RAW, text=text(file["content"]),
                            content_type="application/octet-stream")
            self.note(where, "its binary body names no file; choose one in the Body tab")
            return Body(BodyKind.FILE)
        if mode == "graphql":
            return self.graphql(body.get("graphql"), where)
        self.note(where, f"body mode {mode!r} is not one Gatepost has; the body was not "
                         "imported")
        return Body()

    def raw(self, raw: str, language: str, where: str) -> Body:
        if language != "json":
            return Body(BodyKind.RAW, text=raw,
                        content_type=_LANGUAGES.get(language, "text/plain"))
        try:
            if raw.strip():
                # References may stand unquoted for a number: check the rest parses.
                json.loads(re.sub(r"\{\{[^{}]*\}\}", "0", raw))
        except ValueError:
            self.note(where, "its JSON body does not parse (comments?); kept as raw text "
                             "sent as application/json")
            return Body(BodyKind.RAW, text=raw, content_type="application/json")
        return Body(BodyKind.JSON, text=raw)

    def graphql(self, graphql: Any, where: str) -> Body:
        graphql = graphql if isinstance(graphql, dict) else {}
        query, variables = text(graphql.get("query")), text(graphql.get("variables")).strip()
        try:
            parsed = json.loads(variables) if variables else None
        except ValueError:
            parsed = ...
        if parsed is ...:
            # Variables that hold {{references}}: kept as written, resolved at send time.
            return self.raw(f'{{\n  "query": {json.dumps(query)},\n  "variables": '
                            f'{variables}\n}}', "json", where)
        document: dict[str, Any] = {"query": query}
        if parsed is not None:
            document["variables"] = parsed
        return Body(BodyKind.JSON, text=json.dumps(document, indent=2))

    def parts(self, rows: Any, where: str) -> list[Row]:
        out = []
        for part in rows if isinstance(rows, list) else []:
            if not isinstance(part, dict):
                continue
            name, enabled = text(part.get("key")), not part.get("disabled", False)
            if part.get("contentType"):
                self.note(where, f"part {name!r}: its content type "
                                 f"{text(part['contentType'])} is not sent by Gatepost")
            if part.get("type") != "file":
                out.append(Row(name, text(part.get("value")), enabled))
                continue
            sources = part.get("src")
            sources = sources if isinstance(sources, list) else [sources]
            files = [text(s) for s in sources if s]
            if not files:
                self.note(where, f"part {name!r} names no file; choose one in the Body tab")
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


def _rows(rows: Any) -> list[Row]:
    return [Row(text(r.get("key")), text(r.get("value")), not r.get("disabled", False))
            for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _headers(headers: Any) -> list[Row]:
    if isinstance(headers, str):
        # v2.0 allows the header block as text.
        out = []
        for line in headers.splitlines():
            name, colon, value = line.partition(":")
            if colon and name.strip():
                out.append(Row(name.strip(), value.strip()))
        return out
    return _rows(headers)


def _options(spec: RequestSpec, behaviour: dict[str, Any]) -> None:
    if behaviour.get("followRedirects") is False:
        spec.options.follow_redirects = False
    if isinstance(behaviour.get("maxRedirects"), int) and behaviour["maxRedirects"] >= 0:
        spec.options.max_redirects = behaviour["maxRedirects"]
    if behaviour.get("strictSSL") is False:
        spec.options.verify_tls = False
