"""Insomnia exports: v4 (JSON or YAML, `_type: export`, a flat list of resources tied by
`parentId`) and v5 (YAML, `type: collection.insomnia.rest/5.0`, a nested tree).

Both are first turned into one nested shape, then mapped: folders and requests, the base
environment as collection variables, sub-environments as Gatepost environments, and
Insomnia's Nunjucks `{{ _.name }}` as Gatepost's `{{name}}`. Template tags (`{% ... %}`),
filters and scripts cannot run here: they are kept as text and listed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..model import AuthConfig, Body, BodyKind, RequestSpec, Row
from ..urls import with_query
from ..variables import Variable
from . import (
    ImportedEnvironment,
    ImportedFolder,
    ImportedRequest,
    ImportFailed,
    ImportResult,
    Notice,
)
from ._insomnia_auth import auth_problems, map_auth
from .common import (
    Secrets,
    as_dict,
    as_list,
    mark_secret_variables,
    oauth2_redirect,
    parse_json,
    parse_yaml,
    path_params,
    read_text,
    script_notice,
    text,
    url_and_params,
)

LABEL = "Insomnia export"

_V4 = re.compile(r"""["']?_type["']?\s*:\s*["']?export\b""")
_V5 = re.compile(r"""^type:\s*["']?(collection|environment|spec)\.insomnia\.rest/5\.""",
                 re.M)
_VAR = re.compile(r"\{\{\s*(?:_\.)?([A-Za-z_][\w\-]*(?:\.[\w\-]+)*)\s*\}\}")
_GATEPOST = re.compile(r"\{\{[A-Za-z0-9_.\-]+\}\}")
_TEMPLATE = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"\{%-?\s*(\w+).*?%\}", re.S)
_NOT_HTTP = {"grpc_request": "gRPC request", "websocket_request": "WebSocket request",
             "graphql_subscription": "GraphQL subscription", "mcp_request": "MCP request",
             "socket_io_request": "Socket.IO request"}


def sniff(path: Path, head: str) -> bool:
    return not path.is_dir() and bool(_V4.search(head[:4096]) or _V5.search(head[:4096]))


def read(path: Path) -> ImportResult:
    raw = read_text(path)
    data = parse_json(path, raw) if raw.lstrip().startswith("{") else parse_yaml(path, raw)
    if not isinstance(data, dict):
        raise ImportFailed(f"{path} is not an Insomnia export (no mapping at the top).")
    reader = _Reader(path)
    if data.get("_type") == "export":
        return reader.v4(data)
    if re.match(r"(collection|environment|spec)\.insomnia\.rest/5\.", str(data.get("type"))):
        return reader.v5(data)
    raise ImportFailed(f"{path} is not an Insomnia export (no `_type: export` and no "
                       "`type: collection.insomnia.rest/5.0`).")


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.result = ImportResult(LABEL)
        self.secrets = Secrets()
        self._seen: set[tuple[str, str]] = set()

    def notice(self, where: str, message: str, details: str = "") -> None:
        if (where, message) not in self._seen:
            self._seen.add((where, message))
            self.result.notices.append(Notice(where, message, details=details))

    # -- the two layouts, to one nested shape ------------------------------------------

    def v4(self, data: dict[str, Any]) -> ImportResult:
        resources = data.get("resources")
        if not isinstance(resources, list):
            raise ImportFailed(f"{self.path}: an Insomnia v4 export needs a `resources` "
                               "list.")
        resources = [r for r in resources if isinstance(r, dict)]
        by_parent: dict[Any, list[dict[str, Any]]] = {}
        for r in resources:
            by_parent.setdefault(r.get("parentId"), []).append(r)
        workspaces = [r for r in resources if r.get("_type") == "workspace"]
        ids = {r.get("_id") for r in resources}

        def tree(parent: Any) -> list[dict[str, Any]]:
            nodes = sorted(by_parent.get(parent, []), key=lambda r: _number(r.get("metaSortKey")))
            out = []
            for r in nodes:
                kind = r.get("_type")
                if kind == "request_group":
                    out.append({**r, "children": tree(r.get("_id"))})
                elif kind in ("request", *_NOT_HTTP):
                    out.append({**r, "_kind": kind})
                elif kind == "cookie_jar" and r.get("cookies"):
                    self.notice("", f"the cookie jar {r.get('name', '')!r} holds "
                                f"{len(r['cookies'])} cookie(s); cookies are not imported.")
                elif kind in ("unit_test_suite", "unit_test"):
                    self.notice(str(r.get("name", "")), "Insomnia unit tests are not "
                                "imported.", text(r.get("code")))
                elif kind == "api_spec" and r.get("contents"):
                    self.notice(str(r.get("fileName", "")), "the API design document is "
                                "not imported here: import it as an OpenAPI file.")
            return out

        roots = [w.get("_id") for w in workspaces] or [None]
        # Requests whose parent is not in the file still belong to the import.
        orphans = [r for r in resources if r.get("_type") in ("request", "request_group")
                   and r.get("parentId") not in ids and r.get("parentId") not in roots]
        for r in orphans:
            by_parent.setdefault(roots[0], []).append(r)
        envs: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for root in roots:
            for base in by_parent.get(root, []):
                if base.get("_type") == "environment":
                    subs = [e for e in by_parent.get(base.get("_id"), []) if e is not base
                            and base.get("_id") and e.get("_type") == "environment"]
                    envs.append((base, sorted(subs, key=lambda e: _number(
                        e.get("metaSortKey")))))
        if len(workspaces) > 1:
            children = [{"name": w.get("name", "Workspace"), "description": w.get("description"),
                         "children": tree(w.get("_id"))} for w in workspaces]
            name = self.path.stem
        else:
            children = tree(roots[0])
            name = workspaces[0].get("name", "") if workspaces else self.path.stem
        return self._finish(name, text(workspaces[0].get("description")) if len(workspaces)
                            == 1 else "", children, envs)

    def v5(self, data: dict[str, Any]) -> ImportResult:
        def tree(items: Any) -> list[dict[str, Any]]:
            out = []
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                meta = as_dict(item.get("meta"))
                node = {**item, "description": item.get("description", meta.get(
                    "description")), "metaSortKey": meta.get("sortKey")}
                item_id = str(meta.get("id", ""))
                if "children" in item:
                    node["children"] = tree(item["children"])
                elif item_id.startswith("greq_") or "protoMethodName" in item:
                    node["_kind"] = "grpc_request"
                elif item_id.startswith("ws-req_") or str(item.get("url", "")).startswith(
                        ("ws://", "wss://")):
                    node["_kind"] = "websocket_request"
                else:
                    node["_kind"] = "request"
                out.append(node)
            return sorted(out, key=lambda n: _number(n.get("metaSortKey")))

        envs = []
        base = data.get("environments")
        if isinstance(base, dict):
            subs = [s for s in as_list(base.get("subEnvironments")) if isinstance(s, dict)]
            envs.append((base, subs))
        meta = as_dict(data.get("meta"))
        return self._finish(text(data.get("name")) or self.path.stem,
                            text(meta.get("description")), tree(data.get("collection")), envs)

    def _finish(self, name: str, description: str, children: list[dict[str, Any]],
                envs: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> ImportResult:
        result = self.result
        result.name = name
        root = ImportedFolder(name, auth=AuthConfig("none"), description=description)
        for base, subs in envs:
            for var in self._variables(base, "Base environment"):
                self._add_variable(var, "Base environment")
            for sub in subs:
                env_name = text(sub.get("name")) or "Environment"
                env = ImportedEnvironment(env_name, self._variables(sub, env_name))
                mark_secret_variables(env.variables)
                result.environments.append(env)
        self.secrets.reserve({v.name for v in result.variables}
                             | {v.name for e in result.environments for v in e.variables})
        root.children = self._children(children, "")
        mark_secret_variables(result.variables)
        result.variables += self.secrets.variables
        result.root = root
        return result

    def _add_variable(self, var: Variable, where: str) -> None:
        existing = {v.name: v for v in self.result.variables}
        if var.name not in existing:
            self.result.variables.append(var)
        elif existing[var.name].value != var.value:
            self.notice(where, f"the variable {var.name!r} is also defined higher up with "
                        "another value; the collection keeps the first one.")

    def _variables(self, env: dict[str, Any], where: str) -> list[Variable]:
        """An environment's data flattened: {"auth": {"token": x}} is `auth.token`."""
        out: list[Variable] = []
        if env.get("environmentType") == "kv" and isinstance(env.get("kvPairData"), list):
            for pair in env["kvPairData"]:
                if isinstance(pair, dict) and pair.get("name"):
                    out.append(Variable(text(pair["name"]),
                                        self.convert(text(pair.get("value")), where),
                                        pair.get("enabled", True) is not False,
                                        pair.get("type") == "secret"))
            return out

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, dict) and value:
                for key, item in value.items():
                    walk(f"{prefix}.{key}" if prefix else str(key), item)
            elif prefix:
                out.append(Variable(prefix, self.convert(text(value), where)))

        walk("", as_dict(env.get("data")))
        return out

    # -- folders and requests ----------------------------------------------------------

    def _children(self, nodes: list[dict[str, Any]], prefix: str
                  ) -> list[ImportedFolder | ImportedRequest]:
        out: list[ImportedFolder | ImportedRequest] = []
        for node in nodes:
            name = text(node.get("name")) or "Untitled"
            where = f"{prefix}{name}"
            if "children" in node:
                folder = ImportedFolder(name, description=text(node.get("description")))
                folder.headers = self._rows(node.get("headers"), where)
                self.secrets.protect_rows(folder.headers, headers=True)
                folder.auth = self._auth(node.get("authentication"), where)
                env = node.get("environment")
                if isinstance(env, dict) and env:
                    for var in self._variables({"data": env}, where):
                        self._add_variable(var, where)
                    self.notice(where, "folder variables became collection variables "
                                "(Gatepost has no folder variables).")
                self._scripts(node, where)
                folder.children = self._children(node["children"], f"{where} / ")
                out.append(folder)
            elif node.get("_kind") == "request":
                out.append(self._request(node, name, where))
            else:
                what = _NOT_HTTP.get(str(node.get("_kind")), "request")
                self.notice(where, f"Insomnia {what}s are not imported.")
        return out

    def _request(self, d: dict[str, Any], name: str, where: str) -> ImportedRequest:
        spec = RequestSpec(method=(text(d.get("method")) or "GET").upper())
        url = self.convert(text(d.get("url")), where)
        pairs = d.get("pathParameters")
        if isinstance(pairs, list) and pairs:
            url = path_params(url, {text(p.get("name")): self.convert(text(p.get("value")),
                                                                      where)
                                    for p in pairs if isinstance(p, dict)})
        params = self._rows(d.get("parameters"), where)
        spec.url, spec.params = url_and_params(url, params, mirror=False)
        spec.headers = self._rows(d.get("headers"), where)
        spec.body = self._body(d.get("body"), where)
        if spec.body.kind is BodyKind.MULTIPART:
            # Gatepost writes the boundary; a bare multipart/form-data header would lose it.
            spec.headers = [h for h in spec.headers if h.name.lower() != "content-type"]
        spec.auth = self._auth(d.get("authentication"), where)
        follow = d.get("settingFollowRedirects", (d.get("settings") or {}).get(
            "followRedirects") if isinstance(d.get("settings"), dict) else None)
        if follow in ("off", False):
            spec.options.follow_redirects = False
        elif follow in ("on", True):
            spec.options.follow_redirects = True
        self.secrets.protect_rows(spec.headers, headers=True)
        self.secrets.protect_rows(spec.params)
        self.secrets.protect_rows(spec.body.rows)
        if spec.params:  # a secret moved out of a param leaves the URL too
            spec.url = with_query(spec.url, spec.enabled_params())
        self._scripts(d, where)
        return ImportedRequest(name, spec, text(d.get("description")))

    def _scripts(self, d: dict[str, Any], where: str) -> None:
        scripts = as_dict(d.get("scripts"))
        for key, label in (("preRequestScript", "the pre-request script"),
                           ("afterResponseScript", "the after-response script")):
            code = text(d.get(key) or scripts.get(key.removesuffix("Script")))
            if code.strip():
                notice = script_notice(where, label, code, "Insomnia")
                self.notice(notice.where, notice.message, notice.details)

    def _rows(self, rows: Any, where: str) -> list[Row]:
        out = []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and (row.get("name") or row.get("value")):
                out.append(Row(self.convert(text(row.get("name")), where),
                               self.convert(text(row.get("value")), where),
                               not row.get("disabled", False)))
        return out

    def _body(self, body: Any, where: str) -> Body:
        if not isinstance(body, dict) or not body:
            return Body()
        mime = text(body.get("mimeType")).split(";")[0].strip().lower()
        content = self.convert(text(body.get("text")), where)
        if mime == "application/x-www-form-urlencoded":
            return Body(BodyKind.FORM, rows=self._rows(body.get("params"), where))
        if mime == "multipart/form-data":
            rows = []
            for p in as_list(body.get("params")):
                if not isinstance(p, dict):
                    continue
                is_file = p.get("type") == "file"
                value = text(p.get("fileName")) if is_file else text(p.get("value"))
                rows.append(Row(self.convert(text(p.get("name")), where),
                                self.convert(value, where), not p.get("disabled", False),
                                is_file))
                if is_file and not value:
                    self.notice(where, f"the multipart file {p.get('name')!r} names no "
                                "file: choose one in the Body tab.")
            return Body(BodyKind.MULTIPART, rows=rows)
        if mime == "application/graphql":
            return Body(BodyKind.JSON, text=_graphql(content))
        if body.get("fileName") is not None and not content:
            return Body(BodyKind.FILE, path=text(body.get("fileName")))
        if mime == "application/json":
            return Body(BodyKind.JSON, text=content)
        if content or mime:
            return Body(BodyKind.RAW, text=content, content_type=mime)
        return Body()

    def _auth(self, a: Any, where: str) -> AuthConfig:
        if not isinstance(a, dict) or not a.get("type"):
            return AuthConfig("inherit")
        kind = text(a["type"]).lower()
        v = {k: self.convert(text(x), where) if isinstance(x, str) else x
             for k, x in a.items()}
        if kind == "none":
            return AuthConfig("none")
        if a.get("disabled"):
            self.notice(where, f"the {kind} auth was turned off in Insomnia; it was not "
                        "imported (No auth).")
            return AuthConfig("none")
        config = map_auth(kind, v)
        if config is None:
            self.notice(where, f"Insomnia's {kind!r} auth has no Gatepost counterpart; "
                        "the request was imported with No auth.")
            return AuthConfig("none")
        for problem in auth_problems(kind, v):
            self.notice(where, problem)
        if kind == "oauth2":
            notices: list[Notice] = []
            oauth2_redirect(text(v.get("redirectUrl")), config.values, where, notices)
            for n in notices:
                self.notice(n.where, n.message)
        return config

    # -- templating --------------------------------------------------------------------

    def convert(self, value: str, where: str) -> str:
        """`{{ _.name }}` and `{{ name }}` as `{{name}}`; anything else listed."""
        if "{" not in value:
            return value
        value = _VAR.sub(lambda m: "{{" + m.group(1) + "}}", value)
        for m in _TEMPLATE.finditer(value):
            if not _GATEPOST.fullmatch(m.group(0)):
                self.notice(where, f"the template {m.group(0)} was kept as it is: "
                            "Gatepost only substitutes {{name}}.")
        for m in _TAG.finditer(value):
            self.notice(where, f"the template tag {{% {m.group(1)} %}} was kept as text: "
                        "Gatepost does not run Insomnia's template tags.")
        return value


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _graphql(content: str) -> str:
    """Insomnia keeps a GraphQL body as JSON text {query, variables}: sent as it is."""
    try:
        data = json.loads(content) if content.strip() else {"query": ""}
    except ValueError:
        data = {"query": content}
    if not isinstance(data, dict):
        data = {"query": content}
    if isinstance(data.get("variables"), str):
        try:
            data["variables"] = json.loads(data["variables"] or "{}")
        except ValueError:
            pass
    return json.dumps({k: v for k, v in data.items() if v not in (None, "")}, indent=2)
