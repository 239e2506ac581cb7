"""OpenAPI 3.0 / 3.1 and Swagger 2.0 (JSON or YAML): a request per operation.

Operations go in a folder per first tag; the servers (Swagger: schemes, host and
basePath) become the `baseUrl` variable, with one environment per server; path
parameters are `{{name}}` variables; query and header parameters are rows, enabled
when required; bodies come from the examples, or a sample made from the schema. The
security schemes map to Gatepost's auth at the collection (global `security`) or the
request (an operation's own). `$ref`s are followed within the spec's folder
(`_refs.py`); what cannot be followed or mapped is listed, and the rest imports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model import AuthConfig, Body, BodyKind, RequestSpec, Row
from ..variables import Variable
from . import (
    ImportedEnvironment,
    ImportedFolder,
    ImportedRequest,
    ImportFailed,
    ImportResult,
    Notice,
)
from ._openapi_auth import Security
from ._refs import Documents, RefError, parse, read_text
from ._sample import Sampler

LABEL = "OpenAPI / Swagger"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SNIFF = re.compile(r"""^\s*(?:"|')?(openapi|swagger)(?:"|')?\s*:\s*(?:"|')?(\d)""",
                    re.MULTILINE)
#: Headers a parameter may not set (OpenAPI 3: such definitions SHALL be ignored).
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


def sniff(path: Path, head: str) -> bool:
    match = _SNIFF.search(head)
    if match is None:
        return False
    return (match.group(1), match.group(2)) in (("openapi", "3"), ("swagger", "2"))


def read(path: Path) -> ImportResult:
    path = Path(path)
    spec = parse(read_text(path), path)
    if not isinstance(spec, dict):
        raise ImportFailed(f"{path} is not an OpenAPI document: it holds no mapping.")
    version = str(spec.get("openapi") or spec.get("swagger") or "")
    if not (version.startswith("3.") or version.startswith("2.")):
        raise ImportFailed(f"{path}: OpenAPI version {version or '(none)'} is not one "
                           "Gatepost reads (3.0, 3.1 or Swagger 2.0).")
    return _Reader(path, spec, swagger=version.startswith("2.")).run()


def var_name(name: str) -> str:
    """A parameter name as a Gatepost variable name ({{...}} takes [A-Za-z0-9_.-])."""
    return _NAME_CHARS.sub("_", name) or "param"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


class _Reader:
    def __init__(self, path: Path, spec: dict[str, Any], swagger: bool) -> None:
        self.path, self.spec, self.swagger = path, spec, swagger
        self.docs = Documents(path, spec)
        info = _mapping(spec.get("info"))
        self.result = ImportResult(source=LABEL, name=str(info.get("title") or path.stem))
        self.notices = self.result.notices
        self.path_vars: dict[str, str] = {}

    def note(self, where: str, message: str) -> None:
        self.notices.append(Notice(where, message))

    def deref(self, node: Any, where: str) -> Any:
        """The node behind a $ref, or None (listed) when it cannot be followed."""
        try:
            return self.docs.deref(node, where)
        except RefError as exc:
            self.notices.append(Notice(exc.where or where, exc.reason))
            return None

    def run(self) -> ImportResult:
        info = _mapping(self.spec.get("info"))
        root = ImportedFolder(self.result.name, description=str(info.get("description") or ""))
        self.result.root = root
        servers = self._servers()
        first = servers[0][1] if servers else ""
        self.security = Security(self, self.spec, first, self.swagger)
        root.auth = self.security.auth(self.spec.get("security"), "security") or AuthConfig("none")
        tags = {str(t.get("name")): t for t in self.spec.get("tags") or []
                if isinstance(t, dict)}
        folders: dict[str, ImportedFolder] = {}
        paths = self.deref(self.spec.get("paths") or {}, "paths") or {}
        if not isinstance(paths, dict):
            raise ImportFailed(f"{self.path}: `paths` is not a mapping.")
        for route, item in paths.items():
            where = f"paths.{route}"
            item = self.deref(item, where)
            if not isinstance(item, dict):
                continue
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                request = self._operation(str(route), method, item, op, f"{where}.{method}")
                if request is None:
                    continue
                op_tags = op.get("tags")
                tag = str(op_tags[0]) if isinstance(op_tags, list) and op_tags else ""
                if not tag:
                    root.children.append(request)
                    continue
                if tag not in folders:
                    about = tags.get(tag, {})
                    folders[tag] = ImportedFolder(
                        tag, description=str(about.get("description") or ""))
                    root.children.append(folders[tag])
                folders[tag].children.append(request)
        self.result.variables = [Variable("baseUrl", first)] + [
            Variable(name, value) for name, value in self.path_vars.items()]
        self.result.environments = [
            ImportedEnvironment(name, [Variable("baseUrl", url)]) for name, url in servers]
        return self.result

    # -- servers -------------------------------------------------------------------

    def _servers(self) -> list[tuple[str, str]]:
        """(environment name, base URL) per server."""
        if self.swagger:
            host = str(self.spec.get("host") or "")
            base = str(self.spec.get("basePath") or "").rstrip("/")
            schemes = [s for s in self.spec.get("schemes") or [] if s in ("http", "https")]
            if not host:
                self.note("host", "The spec names no host; baseUrl is set to "
                          "http://localhost: change it to the API's address.")
                host = "localhost"
            return [(f"{scheme}://{host}", f"{scheme}://{host}{base}")
                    for scheme in schemes or ["https"]]
        out = []
        for i, server in enumerate(self.spec.get("servers") or []):
            url = self._server_url(server, f"servers[{i}]")
            if url is not None:
                name = str(server.get("description") or url) if isinstance(server, dict) else url
                out.append((name, url))
        if not out:
            self.note("servers", "The spec names no server; set baseUrl to the API's "
                      "address.")
        names = [n for n, _ in out]
        return [(n if names.count(n) == 1 else f"{n} ({i + 1})", u)
                for i, (n, u) in enumerate(out)]

    def _server_url(self, server: Any, where: str) -> str | None:
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            return None
        url = server["url"]
        variables = _mapping(server.get("variables"))
        for name, var in variables.items():
            default = var.get("default") if isinstance(var, dict) else None
            url = url.replace("{" + str(name) + "}", _text(default))
        if "://" not in url:
            self.note(where, f"The server URL {url!r} is relative to where the spec is "
                      "served; put the API's address in front of it in baseUrl.")
        return url.rstrip("/")

    # -- operations ----------------------------------------------------------------

    def _operation(self, route: str, method: str, item: dict[str, Any], op: dict[str, Any],
                   where: str) -> ImportedRequest | None:
        name = str(op.get("summary") or op.get("operationId") or f"{method.upper()} {route}")
        name = name.strip().splitlines()[0][:120] if name.strip() else f"{method.upper()} {route}"
        spec = RequestSpec(method=method.upper())
        base = "{{baseUrl}}"
        own_servers = op.get("servers") or item.get("servers")
        if not self.swagger and isinstance(own_servers, list) and own_servers:
            base = self._server_url(own_servers[0], f"{where}.servers[0]") or base
        url = base + re.sub(r"\{([^}/]+)\}", lambda m: "{{" + var_name(m.group(1)) + "}}",
                            route)
        params = self._parameters(item, op, where)
        query: list[Row] = []
        cookies: list[str] = []
        form: list[tuple[dict[str, Any], str]] = []
        for param, pwhere in params:
            place, pname = param.get("in"), str(param.get("name") or "")
            required = bool(param.get("required"))
            value = self._param_value(param, pwhere)
            if place == "path":
                # The first example given for a name is the variable's value.
                if not self.path_vars.get(var_name(pname)):
                    self.path_vars[var_name(pname)] = value
            elif place == "query":
                query.append(Row(pname, value, required))
            elif place == "header":
                if pname.lower() not in _IGNORED_HEADERS:
                    spec.headers.append(Row(pname, value, required))
            elif place == "cookie":
                cookies.append(f"{pname}={value}")
            elif place == "body" and self.swagger:
                self._swagger_body(spec, op, param, pwhere)
            elif place == "formData" and self.swagger:
                form.append((param, pwhere))
        if cookies:
            spec.headers.append(Row("Cookie", "; ".join(cookies), True))
        if form:
            self._swagger_form(spec, op, form)
        if not self.swagger and "requestBody" in op:
            self._body(spec, op["requestBody"], f"{where}.requestBody")
        spec.params = query
        enabled = [f"{r.name}={r.value}" for r in query if r.enabled]
        spec.url = url + ("?" + "&".join(enabled) if enabled else "")
        if "security" in op:
            auth = self.security.auth(op["security"], f"{where}.security")
            root = self.result.root
            if auth is not None and (root is None or auth != root.auth):
                spec.auth = auth
            else:
                spec.auth = AuthConfig("inherit")
        else:
            spec.auth = AuthConfig("inherit")
        description = str(op.get("description") or "")
        if op.get("deprecated"):
            description = ("Deprecated.\n\n" + description).strip()
        return ImportedRequest(name, spec, description)

    def _parameters(self, item: dict[str, Any], op: dict[str, Any],
                    where: str) -> list[tuple[dict[str, Any], str]]:
        """Path-level parameters overridden by the operation's, by (in, name)."""
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for owner, owner_where in ((item, where.rsplit(".", 1)[0]), (op, where)):
            listed = owner.get("parameters")
            for i, raw in enumerate(listed if isinstance(listed, list) else []):
                pwhere = f"{owner_where}.parameters[{i}]"
                param = self.deref(raw, pwhere)
                if isinstance(param, dict) and param.get("name") and param.get("in"):
                    found[(str(param["in"]), str(param["name"]))] = (param, pwhere)
        return list(found.values())

    def _param_value(self, param: dict[str, Any], where: str) -> str:
        for key in ("example", "x-example"):  # x-example: Swagger 2.0's usual extension
            if key in param:
                return _text(param[key])
        examples = param.get("examples")
        if isinstance(examples, dict) and examples:
            key, first = next(iter(examples.items()))
            first = self.deref(first, f"{where}.examples.{key}")
            if isinstance(first, dict) and "value" in first:
                return _text(first["value"])
        schema = param.get("schema", param if self.swagger else None)
        schema = self.deref(schema, f"{where}.schema") if schema is not None else None
        if isinstance(schema, dict):
            for key in ("example", "default"):
                if key in schema:
                    return _text(schema[key])
            if isinstance(schema.get("enum"), list) and schema["enum"]:
                return _text(schema["enum"][0])
        return ""

    # -- bodies --------------------------------------------------------------------

    def _body(self, spec: RequestSpec, raw: Any, where: str) -> None:
        body = self.deref(raw, where)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return
        media = _pick_media(list(content))
        mwhere = f"{where}.content.{media}"
        entry = self.deref(content[media], mwhere)
        if not isinstance(entry, dict):
            return
        value, found = self._example(entry, mwhere)
        schema: Any = {}
        if "schema" in entry:
            schema = self.deref(entry["schema"], f"{mwhere}.schema")
            if schema is None:
                return  # listed by deref: no body rather than a made-up one
            if not found:
                value = self._sample(schema, f"{mwhere}.schema")
        self._fill(spec, media, value, schema, mwhere)

    def _example(self, entry: dict[str, Any], where: str) -> tuple[Any, bool]:
        if "example" in entry:
            return entry["example"], True
        examples = entry.get("examples")
        if isinstance(examples, dict) and examples:
            key, first = next(iter(examples.items()))
            first = self.deref(first, f"{where}.examples.{key}")
            if isinstance(first, dict) and "value" in first:
                return first["value"], True
            if isinstance(first, dict) and "externalValue" in first:
                self.note(f"{where}.examples.{key}", "The example is in an external file "
                          f"({first['externalValue']}); a sample from the schema is used.")
        return None, False

    def _sample(self, schema: Any, where: str) -> Any:
        sampler = Sampler(self.docs)
        value = sampler.sample(schema, where)
        for problem in sampler.problems:
            self.note(problem.where or where, problem.reason)
        return value

    def _fill(self, spec: RequestSpec, media: str, value: Any, schema: dict[str, Any],
              where: str) -> None:
        kind = media.split(";")[0].strip().lower()
        if kind in ("*/*", "application/*") and not isinstance(value, str):
            kind = media = "application/json"  # "anything": JSON when the sample is data
        if kind == "application/x-www-form-urlencoded" or kind == "multipart/form-data":
            rows = []
            props = schema.get("properties") if isinstance(schema, dict) else None
            for key, val in (value.items() if isinstance(value, dict) else ()):
                prop = self.deref((props or {}).get(key), f"{where}.schema.properties.{key}") \
                    if isinstance(props, dict) and key in props else None
                is_file = isinstance(prop, dict) and prop.get("format") in ("binary", "base64")
                rows.append(Row(str(key), "" if is_file else _text(val), not is_file, is_file))
                if is_file:
                    self.note(where, f"Choose the file to send as {key!r} (the row is off).")
            spec.body = Body(BodyKind.FORM if kind.startswith("application") else
                             BodyKind.MULTIPART, rows=rows)
        elif kind == "application/json" or kind.endswith("+json"):
            spec.body = Body(BodyKind.JSON, text=json.dumps(value, indent=2,
                                                            ensure_ascii=False))
            if kind != "application/json":
                spec.headers.append(Row("Content-Type", media))
        elif kind == "application/octet-stream" or (
                isinstance(schema, dict) and schema.get("format") == "binary"):
            spec.body = Body(BodyKind.FILE, content_type=media)
            spec.headers.append(Row("Content-Type", media))
            self.note(where, "The body is a file: choose it in the Body tab.")
        else:
            text = value if isinstance(value, str) else "" if value is None else (
                json.dumps(value, indent=2, ensure_ascii=False))
            spec.body = Body(BodyKind.RAW, text=text, content_type=media)

    def _swagger_body(self, spec: RequestSpec, op: dict[str, Any], param: dict[str, Any],
                      where: str) -> None:
        media = _pick_media(self._consumes(op) or ["application/json"])
        value = param["x-example"] if "x-example" in param else None
        schema = self.deref(param.get("schema", {}), f"{where}.schema")
        if schema is None:
            return
        if value is None:
            value = self._sample(schema, f"{where}.schema")
        self._fill(spec, media, value, schema, where)

    def _swagger_form(self, spec: RequestSpec, op: dict[str, Any],
                      form: list[tuple[dict[str, Any], str]]) -> None:
        multipart = "multipart/form-data" in self._consumes(op) or any(
            p.get("type") == "file" for p, _ in form)
        rows = []
        for param, where in form:
            is_file = param.get("type") == "file"
            value = "" if is_file else self._param_value(param, where)
            rows.append(Row(str(param["name"]), value,
                            bool(param.get("required")) and not is_file, is_file))
            if is_file:
                self.note(where, f"Choose the file to send as {param['name']!r} "
                          "(the row is off).")
        spec.body = Body(BodyKind.MULTIPART if multipart else BodyKind.FORM, rows=rows)

    def _consumes(self, op: dict[str, Any]) -> list[str]:
        consumes = op.get("consumes", self.spec.get("consumes"))
        return [str(c) for c in consumes] if isinstance(consumes, list) else []


def _pick_media(types: list[str]) -> str:
    """The media type to send: JSON first, then forms, then whatever comes first."""
    lowered = [t.split(";")[0].strip().lower() for t in types]
    for wanted in ("application/json", "+json", "application/x-www-form-urlencoded",
                   "multipart/form-data"):
        for original, low in zip(types, lowered, strict=True):
            if low == wanted or (wanted.startswith("+") and low.endswith(wanted)):
                return original
    return types[0]
