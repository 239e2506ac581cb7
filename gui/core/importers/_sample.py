"""A sample value from a JSON Schema (OpenAPI's dialect), for an example body.

The schema's own `example`, `examples`, `default`, `const` or first `enum` value wins;
otherwise a value is made up from the type and format. Depth and size are bounded, so
a recursive schema or a YAML alias bomb yields a small sample, not a hang.
"""

from __future__ import annotations

from typing import Any

from ._refs import Documents, RefError

MAX_DEPTH = 8
#: Values made for one sample at most; past it objects and arrays come out empty.
MAX_NODES = 2000

_FORMATS: dict[str, Any] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com",
    "uri-reference": "/path",
    "iri": "https://example.com",
    "url": "https://example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "password": "",
    "byte": "U3dhZ2dlciByb2Nrcw==",
    "binary": "",
    "regex": ".*",
    "json-pointer": "/a",
}


class Sampler:
    def __init__(self, docs: Documents, writing: bool = True) -> None:
        self._docs = docs
        #: A request body leaves out readOnly properties (the server sets them).
        self._writing = writing
        self._nodes = 0
        #: The schemas being sampled, outermost first: a recursive one stops at its
        #: first repetition (a tree's children come out empty).
        self._active: list[int] = []
        #: RefErrors met on the way: the sample is still made, without those parts.
        self.problems: list[RefError] = []

    def sample(self, schema: Any, where: str, depth: int = 0) -> Any:
        self._nodes += 1
        try:
            schema = self._docs.deref(schema, where)
        except RefError as exc:
            self.problems.append(exc)
            return None
        if not isinstance(schema, dict):
            return None
        if id(schema) in self._active:
            return _empty(schema)
        self._active.append(id(schema))
        try:
            return self._make(schema, where, depth)
        finally:
            self._active.pop()

    def _make(self, schema: dict[str, Any], where: str, depth: int) -> Any:
        for key in ("example", "default", "const"):
            if key in schema:
                return schema[key]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return schema["examples"][0]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        if depth >= MAX_DEPTH or self._nodes > MAX_NODES:
            return _empty(schema)
        if isinstance(schema.get("allOf"), list):
            return self._all_of(schema, where, depth)
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self.sample(schema[key][0], f"{where}.{key}[0]", depth + 1)
        kind = _type(schema)
        if kind == "object":
            return self._object(schema, where, depth)
        if kind == "array":
            items = schema.get("items")
            if isinstance(items, list):  # draft-04 tuple form
                items = items[0] if items else {}
            if isinstance(schema.get("prefixItems"), list) and schema["prefixItems"]:
                items = schema["prefixItems"][0]
            if not items:
                return []
            item = self.sample(items, f"{where}.items", depth + 1)
            return [] if item == {} or item == [] else [item]
        return _scalar(kind, schema)

    def _object(self, schema: dict[str, Any], where: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        properties = schema.get("properties")
        for name, prop in (properties.items() if isinstance(properties, dict) else ()):
            if self._nodes > MAX_NODES:
                break
            try:
                resolved = self._docs.deref(prop, f"{where}.properties.{name}")
            except RefError as exc:
                self.problems.append(exc)
                continue
            if isinstance(resolved, dict) and resolved.get(
                    "readOnly" if self._writing else "writeOnly"):
                continue
            out[str(name)] = self.sample(resolved, f"{where}.properties.{name}", depth + 1)
        extra = schema.get("additionalProperties")
        if not out and isinstance(extra, dict) and extra:
            out["key"] = self.sample(extra, f"{where}.additionalProperties", depth + 1)
        return out

    def _all_of(self, schema: dict[str, Any], where: str, depth: int) -> Any:
        merged: Any = None
        for i, part in enumerate(schema["allOf"]):
            value = self.sample(part, f"{where}.allOf[{i}]", depth + 1)
            if isinstance(merged, dict) and isinstance(value, dict):
                merged.update(value)
            elif value is not None:
                merged = value
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if "properties" in rest:
            own = self._object(rest, where, depth)
            merged = {**merged, **own} if isinstance(merged, dict) else own
        return merged


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return ""


def _empty(schema: dict[str, Any]) -> Any:
    kind = _type(schema)
    return {} if kind == "object" else [] if kind == "array" else _scalar(kind, schema)


def _scalar(kind: str, schema: dict[str, Any]) -> Any:
    if kind == "string":
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt]
        length = schema.get("minLength")
        return "x" * length if isinstance(length, int) and 0 < length <= 64 else "string"
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = low if isinstance(low, int | float) and not isinstance(low, bool) else 0
        exclusive = schema.get("exclusiveMinimum")
        # 3.0: a flag beside `minimum`; 3.1: the bound itself.
        if exclusive is True or (exclusive is not None and not isinstance(exclusive, bool)):
            value += 1
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    return None
