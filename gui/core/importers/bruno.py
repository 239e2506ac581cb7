"""Bruno collections: a folder with `bruno.json` and `.bru` files, or Bruno's YAML
(OpenCollection) layout, a folder with `opencollection.yml` and `.yml` files (or one
bundled OpenCollection file).

`.bru` files are read by `_bru.py` into the OpenCollection shape, so both layouts are
mapped by the same code here (bodies in `_bru_body.py`, auth in `_bru_auth.py`). A file
that does not parse is skipped and listed with its line while the rest imports. Request
and folder variables (Bruno's `vars:pre-request`) are written into the requests they
apply to; scripts, tests and assertions are kept as text and listed.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path
from typing import Any

from ..model import AuthConfig, BodyKind, RequestSpec, Row
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
from . import _bru as bru
from ._bru_auth import map_auth
from ._bru_body import body_in, rows_in, sub, subst_all
from .common import (
    Secrets,
    as_dict,
    dynamic_variables,
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

LABEL = "Bruno collection"

_YAML_ROOTS = ("opencollection.yml", "opencollection.yaml")
_SKIP_DIRS = {"environments", "node_modules", ".git"}


def sniff(path: Path, head: str) -> bool:
    if path.is_dir():
        return (path / "bruno.json").is_file() or any((path / n).is_file()
                                                      for n in _YAML_ROOTS)
    if path.name == "bruno.json":
        return '"collection"' in head or '"version"' in head
    return bool(re.search(r"^opencollection:\s*['\"]?\d", head[:4096], re.M))


def read(path: Path) -> ImportResult:
    if path.is_file() and path.name in ("bruno.json", *_YAML_ROOTS):
        path = path.parent
    reader = _Reader(path)
    if path.is_file():
        return reader.bundled(path)
    if (path / "bruno.json").is_file():
        return reader.bru_folder()
    if any((path / n).is_file() for n in _YAML_ROOTS):
        return reader.yaml_folder()
    raise ImportFailed(f"{path} is not a Bruno collection: it has no bruno.json and no "
                       "opencollection.yml.")


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.result = ImportResult(LABEL)
        self.secrets = Secrets()

    def notice(self, where: str, message: str, details: str = "") -> None:
        self.result.notices.append(Notice(where, message, details=details))

    # -- the three layouts -------------------------------------------------------------

    def bru_folder(self) -> ImportResult:
        config = parse_json(self.root / "bruno.json", read_text(self.root / "bruno.json"))
        if not isinstance(config, dict):
            raise ImportFailed(f"{self.root / 'bruno.json'} is not a Bruno collection file.")
        for key in ("proxy", "clientCertificates"):
            if config.get(key):
                self.notice("bruno.json", f"the collection's {key} settings are not "
                            "imported: set them in Gatepost (Certificates…, proxy).")
        ignore = {str(x) for x in _list(config.get("ignore"))} | _SKIP_DIRS
        root = self._bru_file(self.root / "collection.bru", collection=True) or {}
        root["info"] = {"name": text(config.get("name")) or self.root.name}
        root["items"] = self._bru_items(self.root, ignore)
        envs = []
        for f in sorted((self.root / "environments").glob("*.bru")):
            try:
                envs.append(bru.environment(bru.parse(read_text(f)), f.stem))
            except bru.BruError as exc:
                self._broken(f, exc)
        return self._finish(root, envs)

    def _bru_file(self, path: Path, collection: bool = False) -> dict[str, Any] | None:
        if not path.is_file():
            return None
        try:
            return bru.folder(bru.parse(read_text(path)), collection)
        except bru.BruError as exc:
            self._broken(path, exc)
            return None

    def _bru_items(self, folder: Path, ignore: set[str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in ignore:
                continue
            if entry.is_dir():
                node = self._bru_file(entry / "folder.bru") or {}
                node.setdefault("info", {})
                node["info"]["name"] = node["info"].get("name") or entry.name
                node["items"] = self._bru_items(entry, ignore)
                items.append(node)
            elif entry.suffix == ".bru" and entry.name not in ("folder.bru", "collection.bru"):
                try:
                    item = bru.request(bru.parse(read_text(entry)))
                except bru.BruError as exc:
                    self._broken(entry, exc)
                    continue
                item["info"]["name"] = item["info"]["name"] or entry.stem
                items.append(item)
        return items

    def _broken(self, path: Path, exc: bru.BruError) -> None:
        self.notice(f"{path.relative_to(self.root)}, line {exc.line}",
                    f"not imported: {exc}.")

    def yaml_folder(self) -> ImportResult:
        name = next(n for n in _YAML_ROOTS if (self.root / n).is_file())
        root = self._yaml(self.root / name) or {}
        if not root.get("bundled"):
            # bruno.json's `ignore`, which Bruno's YAML writer keeps here.
            bruno_ext = as_dict(as_dict(root.get("extensions")).get("bruno"))
            ignore = {str(x) for x in _list(bruno_ext.get("ignore"))} | _SKIP_DIRS
            root["items"] = self._yaml_items(self.root, ignore)
        envs = _list(as_dict(root.get("config")).get("environments"))
        for f in sorted((self.root / "environments").glob("*.y*ml")):
            env = self._yaml(f)
            if env is not None:
                envs.append({**env, "name": env.get("name") or f.stem})
        return self._finish(root, envs)

    def _yaml(self, path: Path) -> dict[str, Any] | None:
        try:
            data = parse_yaml(path, read_text(path))
        except ImportFailed as exc:
            self.notice(str(path.relative_to(self.root)), f"not imported: {exc}")
            return None
        if not isinstance(data, dict):
            self.notice(str(path.relative_to(self.root)), "not imported: not a mapping.")
            return None
        return data

    def _yaml_items(self, folder: Path, ignore: set[str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in ignore:
                continue
            if entry.is_dir():
                node = (self._yaml(entry / "folder.yml") if (entry / "folder.yml").is_file()
                        else None) or {}
                if node:  # Bruno reads a folder.yml without auth as No auth (see _folder)
                    node.setdefault("request", {})
                node.setdefault("info", {}).setdefault("name", entry.name)
                node["items"] = self._yaml_items(entry, ignore)
                items.append(node)
            elif entry.suffix in (".yml", ".yaml") and entry.name not in (
                    *_YAML_ROOTS, "folder.yml"):
                item = self._yaml(entry)
                if item is not None:
                    item.setdefault("info", {}).setdefault("name", entry.stem)
                    items.append(item)
        return items

    def bundled(self, path: Path) -> ImportResult:
        self.root = path.parent
        data = parse_yaml(path, read_text(path))
        if not isinstance(data, dict):
            raise ImportFailed(f"{path} is not an OpenCollection file.")
        return self._finish(data, _list(as_dict(data.get("config")).get("environments")))

    # -- OpenCollection to the tree ----------------------------------------------------

    def _finish(self, root: dict[str, Any], envs: list[Any]) -> ImportResult:
        result = self.result
        info = as_dict(root.get("info"))
        result.name = text(info.get("name")) or self.root.name
        defaults = as_dict(root.get("request"))
        result.variables = self._variables(defaults.get("variables"))
        for env in envs:
            if isinstance(env, dict):
                variables = self._variables(env.get("variables"))
                mark_secret_variables(variables)
                result.environments.append(ImportedEnvironment(
                    text(env.get("name")) or "Environment", variables))
        mark_secret_variables(result.variables)
        self.secrets.reserve({v.name for v in result.variables}
                             | {v.name for e in result.environments for v in e.variables})
        tree = self._folder(root, "", {}, top=True)
        tree.name = result.name
        if tree.auth.scheme == "inherit":
            tree.auth = AuthConfig("none")
        result.root = tree
        result.variables += self.secrets.variables
        used = " ".join(json.dumps(v.value) for v in result.variables)
        if "process.env." in used or any("process.env." in n.message for n in result.notices):
            self.notice("", "{{process.env.…}} values come from Bruno's .env file, which is "
                        "not imported: define them as variables.")
        return result

    def _variables(self, rows: Any) -> list[Variable]:
        out = []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("name"):
                out.append(Variable(text(row["name"]), _value(row.get("value")),
                                    not row.get("disabled", False), bool(row.get("secret"))))
        return out

    def _folder(self, node: dict[str, Any], where: str, scope: dict[str, str],
                top: bool = False) -> ImportedFolder:
        info = as_dict(node.get("info"))
        defaults = as_dict(node.get("request"))
        folder = ImportedFolder(text(info.get("name")) or "Folder",
                                description=_docs(node.get("docs")))
        here = where or folder.name
        if not top:
            scope = {**scope, **{v.name: v.value for v in self._variables(
                defaults.get("variables")) if v.enabled}}
            if defaults.get("variables"):
                self.notice(here, "folder variables were written into its requests "
                            "(Gatepost has no folder variables).")
        folder.headers = rows_in(defaults.get("headers"), scope)
        self.secrets.protect_rows(folder.headers, headers=True)
        # Bruno's YAML writer leaves `auth` out for No auth, and its readers (filestore
        # toBrunoAuth, converters fromOpenCollectionAuth) read it back so; a folder without
        # request defaults (no folder file, or a bundled folder without `request`) passes
        # its parent's auth on. Folders Bruno creates say `auth: inherit`.
        absent = "none" if isinstance(node.get("request"), dict) else "inherit"
        folder.auth = self._auth(defaults.get("auth", absent), here, scope)
        self._scripts(defaults.get("scripts"), here)
        self._extra(node, here)
        children = [c for c in _list(node.get("items")) if isinstance(c, dict)]
        for child in sorted(children, key=_seq):
            info = as_dict(child.get("info"))
            name = text(info.get("name")) or "Untitled"
            path = f"{where} / {name}" if where else name
            if "items" in child or info.get("type") == "folder":
                folder.children.append(self._folder(child, path, scope))
            elif "http" in child or "graphql" in child:
                folder.children.append(self._request(child, name, path, scope))
            else:
                kind = info.get("type") or next(iter(child), "item")
                self.notice(path, f"Bruno {kind} requests are not imported.")
        return folder

    def _request(self, item: dict[str, Any], name: str, where: str,
                 scope: dict[str, str]) -> ImportedRequest:
        details = as_dict(item.get("http") or item.get("graphql"))
        runtime = as_dict(item.get("runtime"))
        own = self._variables(runtime.get("variables"))
        if own:
            scope = {**scope, **{v.name: v.value for v in own if v.enabled}}
            self.notice(where, "request variables were written into the request "
                        "(Gatepost has no request variables).")
        spec = RequestSpec(method=(text(details.get("method")) or "GET").upper())
        params = details.get("params") or []
        if isinstance(params, dict):  # an older layout: {query: [...], path: [...]}
            params = [{**p, "type": kind} for kind in ("query", "path")
                      for p in _list(params.get(kind)) if isinstance(p, dict)]
        params = _list(params)
        query = [p for p in params if isinstance(p, dict) and p.get("type", "query") == "query"]
        path = {text(p.get("name")): sub(text(p.get("value")), scope)
                for p in params if isinstance(p, dict) and p.get("type") == "path"}
        url = path_params(sub(text(details.get("url")), scope), path)
        spec.url, spec.params = url_and_params(url, rows_in(query, scope), mirror=True)
        spec.headers = rows_in(details.get("headers"), scope)
        is_graphql = "graphql" in item or (item.get("info") or {}).get("type") == "graphql"
        spec.body = body_in(details.get("body"), scope, is_graphql,
                            partial(self.notice, where), self.root)
        if spec.body.kind is BodyKind.MULTIPART:
            spec.headers = [h for h in spec.headers if h.name.lower() != "content-type"]
        if spec.body.kind is BodyKind.FILE and spec.body.content_type and not any(
                h.name.lower() == "content-type" for h in spec.headers):
            spec.headers.append(Row("Content-Type", spec.body.content_type))
        spec.auth = self._auth(details.get("auth", "none"), where, scope)  # as in _folder
        self._settings(item.get("settings"), spec)
        self.secrets.protect_rows(spec.headers, headers=True)
        self.secrets.protect_rows(spec.params)
        self.secrets.protect_rows(spec.body.rows)
        if spec.params:
            spec.url = with_query(spec.url, spec.enabled_params())
        self._scripts(runtime.get("scripts"), where)
        for what in ("assertions", "actions"):
            if _list(runtime.get(what)):
                self.notice(where, f"{len(runtime[what])} {what} are not run by Gatepost.")
        self._extra(item, where)
        texts = [spec.url, spec.body.text, *(r.value for r in spec.headers + spec.params)]
        for name_ in dynamic_variables(*texts):
            self.notice(where, f"the dynamic variable {{{{{name_}}}}} has no value in "
                        "Gatepost: define it or replace it.")
        if any("process.env." in t for t in texts):
            self.notice(where, "uses {{process.env.…}} from Bruno's .env file.")
        return ImportedRequest(name, spec, _docs(item.get("docs")))

    def _settings(self, settings: Any, spec: RequestSpec) -> None:
        if not isinstance(settings, dict):
            return
        if isinstance(settings.get("followRedirects"), bool):
            spec.options.follow_redirects = settings["followRedirects"]
        if isinstance(settings.get("maxRedirects"), int):
            spec.options.max_redirects = settings["maxRedirects"]
        timeout = settings.get("timeout")
        if isinstance(timeout, int | float) and timeout > 0:
            spec.options.timeouts.read = timeout / 1000

    def _auth(self, auth: Any, where: str, scope: dict[str, str]) -> AuthConfig:
        if auth in (None, "inherit") or (isinstance(auth, dict) and auth.get("type") ==
                                         "inherit"):
            return AuthConfig("inherit")
        if auth == "none":  # what an absent `auth` means (see _folder)
            return AuthConfig("none")
        if not isinstance(auth, dict):
            self.notice(where, f"the auth {auth!r} is not understood; No auth.")
            return AuthConfig("none")
        notices: list[Notice] = []
        config = map_auth(subst_all(auth, scope), where, notices)
        if config.scheme == "oauth2":
            oauth2_redirect(text(auth.get("callbackUrl")), config.values, where, notices)
        self.result.notices += notices
        return config

    def _scripts(self, scripts: Any, where: str) -> None:
        names = {"before-request": "the pre-request script",
                 "after-response": "the post-response script", "tests": "the tests",
                 "hooks": "the hooks"}
        for script in scripts if isinstance(scripts, list) else []:
            if isinstance(script, dict) and text(script.get("code")).strip():
                label = names.get(text(script.get("type")), "a script")
                self.result.notices.append(script_notice(where, label, text(script["code"]),
                                                         "Bruno"))

    def _extra(self, node: dict[str, Any], where: str) -> None:
        for block, content in node.get("_extra") or []:
            self.notice(where, f"the `{block}` block is not imported (Gatepost has no "
                        "counterpart).", content)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _seq(node: dict[str, Any]) -> tuple[float, str]:
    info = as_dict(node.get("info"))
    seq = info.get("seq")
    try:
        number = float(seq) if seq not in (None, "") else float("inf")
    except (TypeError, ValueError):
        number = float("inf")
    return number, text(info.get("name"))


def _value(value: Any) -> str:
    """An OpenCollection variable value: text, {type, data}, or variants (the selected)."""
    if isinstance(value, list):
        chosen = next((v for v in value if isinstance(v, dict) and v.get("selected")),
                      value[0] if value else None)
        return _value(chosen.get("value") if isinstance(chosen, dict) else chosen)
    if isinstance(value, dict):
        return text(value.get("data"))
    return text(value)


def _docs(docs: Any) -> str:
    return text(docs.get("content")) if isinstance(docs, dict) else text(docs)


