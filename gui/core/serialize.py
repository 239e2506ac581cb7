"""RequestSpec <-> plain dicts (for JSON and YAML files), secrets left out.

Defaults are omitted so that files stay small and diffs show only what a person
changed. A secret field is written as `{"secret": "keychain"}`: the file records that a
secret is there and where it lives, never its value.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from .auth import AuthError, get
from .model import AuthConfig, Body, BodyKind, Options, RequestSpec, Row, Timeouts

SECRET_MARK = {"secret": "keychain"}


class FormatError(ValueError):
    """A file's content is not a request: the message says which key and why."""


def rows_out(rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        d: dict[str, Any] = {"name": row.name, "value": row.value}
        if not row.enabled:
            d["enabled"] = False
        if row.is_file:
            d["file"] = True
        out.append(d)
    return out


def _rows_in(data: Any, where: str) -> list[Row]:
    if data is None:
        return []
    if not isinstance(data, list):
        raise FormatError(f"{where} must be a list of rows")
    rows = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("name", ""), str):
            raise FormatError(f"{where}[{i}] must be a mapping with a name and a value")
        rows.append(Row(str(item.get("name", "")), str(item.get("value", "")),
                        bool(item.get("enabled", True)), bool(item.get("file", False))))
    return rows


def auth_to_dict(config: AuthConfig) -> dict[str, Any]:
    try:
        fields = {f.name: f for f in get(config.scheme).fields}
    except AuthError:
        fields = {}
    values: dict[str, Any] = {}
    for name, value in config.values.items():
        f = fields.get(name)
        if f is not None and f.secret:
            if value:
                values[name] = dict(SECRET_MARK)
        elif value != (f.default if f is not None else "") and value is not None:
            values[name] = value
    return {"scheme": config.scheme, **({"values": values} if values else {})}


def auth_from_dict(data: Any) -> AuthConfig:
    if data is None:
        return AuthConfig()
    if not isinstance(data, dict) or not isinstance(data.get("scheme", "none"), str):
        raise FormatError("auth must be a mapping with a scheme")
    values = data.get("values") or {}
    if not isinstance(values, dict):
        raise FormatError("auth.values must be a mapping")
    # Secret markers become empty values: the caller fills them from the keychain.
    return AuthConfig(data.get("scheme", "none"),
                      {k: ("" if v == SECRET_MARK else v) for k, v in values.items()})


_DEFAULT_BODY = Body()
_DEFAULT_OPTIONS = Options()


@cache
def _default_options() -> dict[str, Any]:
    # Computed once: saving 5,000 imported requests called asdict(Options()) per request.
    return asdict(Options())


def spec_to_dict(spec: RequestSpec) -> dict[str, Any]:
    d: dict[str, Any] = {"method": spec.method, "url": spec.url}
    if spec.params:
        d["params"] = rows_out(spec.params)
    if spec.headers:
        d["headers"] = rows_out(spec.headers)
    if spec.omit_headers:
        d["omit_headers"] = list(spec.omit_headers)
    if spec.body.kind is not BodyKind.NONE or spec.body != _DEFAULT_BODY:
        body: dict[str, Any] = {k: getattr(spec.body, k) for k in ("text", "content_type", "path")
                                if getattr(spec.body, k) != getattr(_DEFAULT_BODY, k)}
        body["kind"] = spec.body.kind.value
        if spec.body.rows:
            body["rows"] = rows_out(spec.body.rows)
        d["body"] = body
    # Field by field, the nested timeouts turned into a dict only when they differ:
    # asdict on every request was most of the cost of saving an imported collection.
    options: dict[str, Any] = {}
    for name, default in _default_options().items():
        value = getattr(spec.options, name)
        if name == "timeouts":
            if value == _DEFAULT_OPTIONS.timeouts:
                continue
            value = asdict(value)
        if value != default:
            options[name] = value
    if options:
        d["options"] = options
    if spec.auth.scheme != "none":
        d["auth"] = auth_to_dict(spec.auth)
    return d


def spec_from_dict(data: Any) -> RequestSpec:
    if not isinstance(data, dict):
        raise FormatError("a request must be a mapping")
    spec = RequestSpec(method=str(data.get("method", "GET")), url=str(data.get("url", "")))
    spec.params = _rows_in(data.get("params"), "params")
    spec.headers = _rows_in(data.get("headers"), "headers")
    omit = data.get("omit_headers") or []
    if not isinstance(omit, list) or not all(isinstance(n, str) for n in omit):
        raise FormatError("omit_headers must be a list of header names")
    spec.omit_headers = list(dict.fromkeys(n.strip().lower() for n in omit if n.strip()))
    body = data.get("body")
    if body is not None:
        if not isinstance(body, dict):
            raise FormatError("body must be a mapping")
        try:
            kind = BodyKind(body.get("kind", "none"))
        except ValueError:
            raise FormatError(f"body.kind {body.get('kind')!r} is not one of "
                              f"{', '.join(k.value for k in BodyKind)}") from None
        spec.body = Body(kind, str(body.get("text", "")),
                         str(body.get("content_type", _DEFAULT_BODY.content_type)),
                         _rows_in(body.get("rows"), "body.rows"), str(body.get("path", "")))
    options = data.get("options") or {}
    if not isinstance(options, dict):
        raise FormatError("options must be a mapping")
    timeouts = options.get("timeouts") or {}
    try:
        spec.options = Options(
            timeouts=Timeouts(**timeouts),  # what it leaves out: the defaults
            **{k: v for k, v in options.items() if k != "timeouts"})
    except TypeError as exc:
        raise FormatError(f"options: {exc}") from None
    spec.auth = auth_from_dict(data.get("auth"))
    return spec
