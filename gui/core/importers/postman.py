"""Postman: collections v2.0 and v2.1, environment and globals exports.

Written from Postman's published collection schema (schema.postman.com, v2.0.0 and
v2.1.0) and its environment export format. What maps: folders at any depth, every body
mode, params and headers with their disabled rows, a request's redirect and TLS settings
(gui/core/importers/_postman_request.py), variables at every level, auth at every level
(gui/core/importers/_postman_auth.py). What cannot is a Notice: scripts (their text
kept in IMPORT-NOTES.md, never run), dynamic variables (`{{$guid}}`), unknown auth
types, saved example responses.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from typing import Any

from ..model import AuthConfig, Body, BodyKind, RequestSpec
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
from ._postman_request import body_in, headers_in, options_in, text, url_in
from .common import as_dict

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
            script = as_dict(event.get("script"))
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
        note = partial(self.note, where)
        spec.url, spec.params = url_in(request.get("url"), note)
        spec.headers = headers_in(request.get("header"))
        spec.body = body_in(request.get("body"), note)
        spec.auth = self.auth(request.get("auth"), where, spec.body)
        own = entry.get("protocolProfileBehavior")
        options_in(spec, {**behaviour, **own} if isinstance(own, dict) else behaviour)
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


