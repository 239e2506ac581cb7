"""A small, strict reader of Bruno's `.bru` files, and their blocks as OpenCollection
items (the shape of Bruno's YAML layout), so that `bruno.py` maps one shape only.

A `.bru` file is a sequence of blocks, each opened by a name at the start of a line:

    name {                    a dictionary: indented `key: value` lines, `~key` disabled,
      key: value              `key: '''` ... `'''` for a value over several lines
    }
    body:json {               a text block: its lines, two spaces of indent removed
      {"a": 1}
    }
    vars:secret [             a list (environments): names, `~name` disabled
      token,
    ]

A block ends at a `}` (or `]`) alone at the start of a line. Anything else is an error
naming its line; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Blocks whose content is text, not `key: value` lines.
TEXT_BLOCKS = frozenset({
    "body", "body:json", "body:text", "body:xml", "body:sparql", "body:graphql",
    "body:graphql:vars", "script:pre-request", "script:post-response", "tests", "docs"})
DICT_BLOCKS = frozenset({
    "meta", "get", "post", "put", "delete", "patch", "options", "head", "connect", "trace",
    "params:query", "params:path", "headers", "query", "auth", "vars", "vars:pre-request",
    "vars:post-response", "assert", "settings", "body:form-urlencoded",
    "body:multipart-form", "body:file"}) | {f"auth:{a}" for a in (
        "basic", "bearer", "digest", "ntlm", "awsv4", "oauth1", "oauth2", "apikey", "wsse")}
METHODS = ("get", "post", "put", "delete", "patch", "options", "head", "connect", "trace")

_OPEN = re.compile(r"([A-Za-z][\w\-]*(?::[\w\-]+)*)\s*([{\[])\s*$")
_PAIR = re.compile(r"\s+(~?)(\"(?:[^\"\\]|\\.)*\"|[^\s:\"][^\s:]*)\s*:\s?(.*)$")


class BruError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Block:
    name: str
    line: int
    #: (key, value, enabled) of a dictionary block.
    pairs: list[tuple[str, str, bool]] = field(default_factory=list)
    #: The content of a text block.
    text: str = ""
    #: (name, enabled) of a list block.
    items: list[tuple[str, bool]] = field(default_factory=list)


def parse(source: str) -> list[Block]:
    lines = source.replace("\r\n", "\n").split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        m = _OPEN.fullmatch(line)
        if m is None or line[0].isspace():
            raise BruError(f"expected a block such as `headers {{`, found {line.strip()[:60]!r}",
                           i + 1)
        name, bracket = m.group(1), m.group(2)
        close = "]" if bracket == "[" else "}"
        end = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip() == close), None)
        if end is None:
            raise BruError(f"the block `{name}` opened here is never closed by a `{close}` "
                           "at the start of a line", i + 1)
        block = Block(name, i + 1)
        body = lines[i + 1:end]
        if bracket == "[":
            block.items = _items(body)
        elif name in TEXT_BLOCKS or name not in DICT_BLOCKS:
            block.text = "\n".join(x[2:] if x.startswith("  ") else x.lstrip() for x in body)
            block.text = block.text.strip("\n")
        else:
            block.pairs = _pairs(body, i + 2, name)
        blocks.append(block)
        i = end + 1
    return blocks


def _items(body: list[str]) -> list[tuple[str, bool]]:
    out = []
    for raw in body:
        for part in raw.split(","):
            name = part.strip()
            if name:
                out.append((name.lstrip("~"), not name.startswith("~")))
    return out


def _pairs(body: list[str], first: int, block: str) -> list[tuple[str, str, bool]]:
    out: list[tuple[str, str, bool]] = []
    i = 0
    while i < len(body):
        raw = body[i]
        if not raw.strip():
            i += 1
            continue
        m = _PAIR.fullmatch(raw)
        if m is None:
            raise BruError(f"expected an indented `name: value` line in `{block}`, found "
                           f"{raw.strip()[:60]!r}", first + i)
        key = m.group(2)
        if key.startswith('"'):
            key = key[1:-1].replace('\\"', '"')
        value = m.group(3).rstrip()
        if value == "'''":
            end = next((j for j in range(i + 1, len(body)) if body[j].strip() == "'''"), None)
            if end is None:
                raise BruError(f"the value of {key!r} opened with ''' is never closed",
                               first + i)
            chunk = body[i + 1:end]
            indent = min((len(x) - len(x.lstrip()) for x in chunk if x.strip()), default=0)
            value = "\n".join(x[indent:] for x in chunk)
            i = end
        out.append((key, value, m.group(1) != "~"))
        i += 1
    return out


# -- blocks as OpenCollection items -------------------------------------------------------


def _rows(block: Block | None) -> list[dict[str, Any]]:
    if block is None:
        return []
    return [{"name": k, "value": v, **({} if on else {"disabled": True})}
            for k, v, on in block.pairs]


def _dict(block: Block | None) -> dict[str, str]:
    return {k: v for k, v, on in block.pairs if on} if block is not None else {}


def auth_of(blocks: dict[str, Block], mode: str) -> Any:
    """An auth block as an OpenCollection auth ("inherit", or a mapping with a type)."""
    mode = mode.strip()
    if mode in ("", "none"):
        return {"type": "none"}
    if mode == "inherit":
        return "inherit"
    values: dict[str, Any] = dict(_dict(blocks.get(f"auth:{mode}")))
    if mode == "oauth2":
        return _oauth2(values)
    if mode == "apikey":
        values["placement"] = "query" if values.get("placement") == "queryparams" \
            else values.get("placement", "header")
    return {**values, "type": mode}


def _oauth2(v: dict[str, str]) -> dict[str, Any]:
    flow = {"password": "resource_owner_password_credentials"}.get(
        v.get("grant_type", ""), v.get("grant_type", "authorization_code"))
    return {
        "type": "oauth2", "flow": flow, "authorizationUrl": v.get("authorization_url", ""),
        "accessTokenUrl": v.get("access_token_url", ""),
        "refreshTokenUrl": v.get("refresh_token_url", ""),
        "callbackUrl": v.get("callback_url", ""), "scope": v.get("scope", ""),
        "credentials": {"clientId": v.get("client_id", ""),
                        "clientSecret": v.get("client_secret", ""),
                        "placement": v.get("credentials_placement", "")},
        "resourceOwner": {"username": v.get("username", ""),
                          "password": v.get("password", "")},
        "pkce": {"disabled": v.get("pkce", "false").strip().lower() != "true"},
        "tokenConfig": {"placement": ({"query": v.get("token_query_key", "access_token")}
                                      if v.get("token_placement") == "url" else
                                      {"header": v.get("token_header_prefix", "Bearer")})},
    }


def _body(blocks: dict[str, Block], mode: str) -> Any:
    mode = {"formUrlEncoded": "form-urlencoded", "multipartForm": "multipart-form"}.get(
        mode, mode)
    if mode in ("json", "text", "xml", "sparql"):
        block = blocks.get(f"body:{mode}")
        return {"type": mode, "data": block.text if block else ""}
    if mode == "form-urlencoded":
        return {"type": "form-urlencoded", "data": _rows(blocks.get("body:form-urlencoded"))}
    if mode == "multipart-form":
        data = []
        for row in _rows(blocks.get("body:multipart-form")):
            value = row["value"]
            m = re.fullmatch(r"@file\((.*?)\)\s*(?:@contentType\((.*)\))?", value.strip())
            extra = {"contentType": m.group(2)} if m and m.group(2) else {}
            if m:
                data.append({**row, **extra, "type": "file", "value": m.group(1).split("|")})
            else:
                m2 = re.fullmatch(r"(.*?)\s*@contentType\((.*)\)", value)
                data.append({**row, "type": "text", "value": m2.group(1) if m2 else value,
                             **({"contentType": m2.group(2)} if m2 else {})})
        return {"type": "multipart-form", "data": data}
    if mode == "file":
        data = []
        for row in _rows(blocks.get("body:file")):
            m = re.fullmatch(r"@file\((.*?)\)\s*(?:@contentType\((.*)\))?", row["value"].strip())
            if m:
                data.append({"filePath": m.group(1), "contentType": m.group(2) or "",
                             "selected": not row.get("disabled")})
        return {"type": "file", "data": data}
    if mode == "graphql":
        query = blocks.get("body:graphql")
        variables = blocks.get("body:graphql:vars")
        return {"query": query.text if query else "",
                "variables": variables.text if variables else ""}
    return None


def _scripts(blocks: dict[str, Block]) -> list[dict[str, str]]:
    out = []
    for name, kind in (("script:pre-request", "before-request"),
                       ("script:post-response", "after-response"), ("tests", "tests")):
        if name in blocks and blocks[name].text.strip():
            out.append({"type": kind, "code": blocks[name].text})
    return out


def _index(blocks: list[Block]) -> dict[str, Block]:
    index: dict[str, Block] = {}
    for block in blocks:
        if block.name in index:
            raise BruError(f"the block `{block.name}` is given twice", block.line)
        index[block.name] = block
    return index


def request(blocks: list[Block]) -> dict[str, Any]:
    """A request file as an OpenCollection HttpRequest (or GraphQLRequest) item."""
    b = _index(blocks)
    meta = _dict(b.get("meta"))
    methods = [m for m in METHODS if m in b]
    if len(methods) != 1:
        line = b["meta"].line if "meta" in b else 1
        raise BruError("a request needs exactly one method block (get, post, ...), "
                       f"found {len(methods)}", line)
    main = _dict(b[methods[0]])
    kind = meta.get("type", "http")
    params = [{**r, "type": "query"} for r in _rows(b.get("params:query") or b.get("query"))]
    params += [{**r, "type": "path"} for r in _rows(b.get("params:path"))]
    mode = main.get("body", "")
    if not mode:
        mode = next((n.split(":")[1] for n in b if n.startswith("body:")), "none")
    details = {"method": methods[0].upper(), "url": main.get("url", ""),
               "headers": _rows(b.get("headers")), "params": params,
               "body": _body(b, mode), "auth": auth_of(b, main.get("auth", "none"))}
    item: dict[str, Any] = {
        "info": {"name": meta.get("name", ""), "type": kind, "seq": meta.get("seq")},
        "graphql" if kind == "graphql" else "http": details,
        "runtime": {"variables": _rows(b.get("vars:pre-request")),
                    "scripts": _scripts(b)},
        "docs": b["docs"].text if "docs" in b else "",
        "settings": _settings(b.get("settings")),
        "_extra": _extra(b, set(METHODS)),
    }
    return item


def _settings(block: Block | None) -> dict[str, Any]:
    """`settings` (followRedirects: false, maxRedirects: 3, timeout: 5000) typed as the
    YAML layout has them."""
    out: dict[str, Any] = {}
    for key, value in _dict(block).items():
        value = value.strip()
        if value in ("true", "false"):
            out[key] = value == "true"
        elif value.isdigit():
            out[key] = int(value)
    return out


def _extra(b: dict[str, Block], known: set[str]) -> list[tuple[str, str]]:
    """Blocks that carry something Gatepost does not do, with their text, for notices."""
    listed = known | {"meta", "params:query", "params:path", "query", "headers", "auth",
                      "vars:pre-request", "docs", "settings", "script:pre-request",
                      "script:post-response", "tests"}
    return [(n, block.text or "\n".join(f"{'' if on else '~'}{k}: {v}"
                                         for k, v, on in block.pairs))
            for n, block in b.items() if n not in listed
            and not n.startswith(("auth:", "body"))]


def folder(blocks: list[Block], is_collection: bool) -> dict[str, Any]:
    """folder.bru or collection.bru as an OpenCollection Folder (request defaults)."""
    b = _index(blocks)
    meta = _dict(b.get("meta"))
    mode = _dict(b.get("auth")).get("mode", "none" if is_collection else "inherit")
    return {"info": {"name": meta.get("name", ""), "seq": meta.get("seq")},
            "request": {"headers": _rows(b.get("headers")), "auth": auth_of(b, mode),
                        "variables": _rows(b.get("vars:pre-request")),
                        "scripts": _scripts(b)},
            "docs": b["docs"].text if "docs" in b else "",
            "_extra": _extra(b, set())}


def environment(blocks: list[Block], name: str) -> dict[str, Any]:
    b = _index(blocks)
    variables: list[dict[str, Any]] = _rows(b.get("vars"))
    for secret, on in b["vars:secret"].items if "vars:secret" in b else []:
        variables.append({"name": secret, "secret": True, **({} if on else {"disabled": True})})
    return {"name": name, "variables": variables}
