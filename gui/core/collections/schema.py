"""The schema of each collection file kind (docs/collections.md), checked strictly.

Reading: `check` walks the parsed YAML against a schema, refusing unknown keys and wrong
types with the key path of the problem (turned into a line number by the caller), and
drops nulls, which mean "the default". Writing: `*_data` functions give the canonical
plain dict of an object — stable key order, defaults omitted, secrets as markers — which
is both what a new file holds and what a save compares against.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .. import deferred
from ..model import AuthConfig, RequestSpec, Row
from ..runner.declare import (
    DeclarationError,
    assertion_data,
    assertions_from_data,
    capture_data,
    captures_from_data,
)
from ..serialize import (
    SECRET_MARK,
    FormatError,
    auth_from_dict,
    auth_to_dict,
    rows_out,
    spec_from_dict,
)
from ..serialize import spec_to_dict as _spec_dict
from ..validate import MAX_SECONDS
from ..variables import Variable
from .model import FORMAT_VERSION, Collection, Environment, Folder, RequestItem


class SchemaError(ValueError):
    def __init__(self, message: str, keys: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        #: Where in the document: mapping keys and list indexes.
        self.keys = keys


class _Kind:
    def __init__(self, name: str) -> None:
        self.name = name


TEXT = _Kind("text")
#: Text, or a number or true/false written without quotes (kept as its text).
SCALAR = _Kind("text")
#: SCALAR or the secret marker {secret: keychain}.
SECRET_OR_SCALAR = _Kind("text or {secret: keychain}")
FLAG = _Kind("true or false")
INTEGER = _Kind("a whole number")
#: A whole number, 0 or more (a count, a size in bytes).
COUNT = _Kind("a whole number")
SECONDS = _Kind("a number of seconds or null")
#: An auth scheme's values: field name -> text, number, true/false or secret marker.
VALUES = _Kind("a mapping of field names to values")
#: A request's assertions or captures: checked by gui/core/runner/declare.py.
DECLARED = _Kind("a list")

ROW = {"name": SCALAR, "value": SCALAR, "enabled": FLAG, "file": FLAG}
AUTH = {"scheme": TEXT, "values": VALUES}
VARIABLE = {"name": TEXT, "value": SECRET_OR_SCALAR, "enabled": FLAG, "secret": FLAG}
REQUEST = {
    "name": SCALAR, "method": TEXT, "url": SCALAR, "params": [ROW], "headers": [ROW],
    "omit_headers": [TEXT],
    "body": {"kind": TEXT, "text": SCALAR, "content_type": TEXT, "rows": [ROW], "path": SCALAR},
    "options": {
        "timeouts": {"connect": SECONDS, "read": SECONDS, "write": SECONDS, "pool": SECONDS},
        "follow_redirects": FLAG, "max_redirects": COUNT, "verify_tls": FLAG, "http2": FLAG,
        "max_time": SECONDS, "max_body_size": COUNT, "use_cookie_jar": FLAG,
        "utf8_headers": FLAG,
    },
    "auth": AUTH, "assertions": DECLARED, "captures": DECLARED, "id": TEXT,
}
CLIENT_CERT = {"host": SCALAR, "type": TEXT, "cert": SCALAR, "key": SCALAR, "enabled": FLAG,
               "id": TEXT}
CA_CERT = {"host": SCALAR, "file": SCALAR, "enabled": FLAG}
PROXY = {"mode": TEXT, "url": SCALAR, "bypass": SCALAR, "auth": TEXT, "username": SCALAR}
COLLECTION = {"version": INTEGER, "id": TEXT, "name": SCALAR, "description": SCALAR,
              "headers": [ROW], "auth": AUTH,
              "variables": [VARIABLE], "order": [TEXT],
              "certificates": {"client": [CLIENT_CERT], "ca": [CA_CERT]}, "proxy": PROXY}
#: The certificate types a collection file may name (tlsconfig.ClientCert.kind).
CERT_TYPES = ("pem", "pkcs12")
FOLDER = {"name": SCALAR, "description": SCALAR, "id": TEXT, "headers": [ROW], "auth": AUTH,
          "order": [TEXT]}
ENVIRONMENT = {"name": SCALAR, "variables": [VARIABLE]}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a number" if isinstance(value, int | float) else "text"


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _leaf(value: Any, kind: _Kind, keys: tuple[Any, ...]) -> Any:
    if type(value) is str and kind in _TEXTS:
        return value  # nearly every leaf of a file
    if kind is SECRET_OR_SCALAR and value == SECRET_MARK:
        return dict(SECRET_MARK)
    if kind in (SCALAR, SECRET_OR_SCALAR) and _scalar(value) is not None:
        return _scalar(value)
    if kind is TEXT and isinstance(value, str):
        return value
    if kind is FLAG and isinstance(value, bool):
        return value
    if kind is INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is COUNT and isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise SchemaError(f"must be 0 or more, not {value}", keys)
        return value
    if kind is SECONDS and isinstance(value, int | float) and not isinstance(value, bool):
        # What a send would refuse (validate.py) is refused here, where the file and
        # the line can be named.
        if (isinstance(value, float) and not math.isfinite(value)) or not (
                0 < value <= MAX_SECONDS):
            shown = f"{value:g}" if isinstance(value, float) or abs(value) < 10**15 \
                else f"a number of {len(str(abs(value)))} digits"
            raise SchemaError(f"must be a number of seconds more than 0 and at most a "
                              f"year (null: no limit), not {shown}", keys)
        return value
    if kind is DECLARED:
        return value  # read_request parses it, naming the assertion and key
    if kind is VALUES and isinstance(value, dict):
        for name, v in value.items():
            if not isinstance(name, str) or (v != SECRET_MARK and _scalar(v) is None):
                raise SchemaError(f"{name!r} must be text, a number, true/false or "
                                  "{secret: keychain}", (*keys, name))
        return dict(value)
    raise SchemaError(f"must be {kind.name}, not {_type_name(value)}", keys)


def check(value: Any, schema: Any, keys: tuple[Any, ...] = ()) -> Any:
    """A cleaned copy of `value`: nulls dropped (except timeouts, where null means wait
    forever), scalars given for text turned into text. SchemaError on anything else."""
    try:
        return _check(value, schema)
    except SchemaError as exc:
        exc.keys = (*keys, *exc.keys)
        raise


#: What a key not in a schema gives (None is no kind).
_UNKNOWN = _Kind("unknown")
#: Kinds a text value passes as it is.
_TEXTS = (TEXT, SCALAR, SECRET_OR_SCALAR)


def _check(value: Any, schema: Any) -> Any:
    """check(), with the keys of a problem gathered on the way out: a file that is
    right (the usual case) costs no tuple of keys per value."""
    if type(schema) is dict:
        if not isinstance(value, dict):
            raise SchemaError(f"must be a mapping, not {_type_name(value)}")
        out: dict[Any, Any] = {}
        for key, item in value.items():
            kind = schema.get(key, _UNKNOWN)
            if kind is _UNKNOWN:
                raise SchemaError(f"unknown key {key!r}; expected one of "
                                  f"{', '.join(schema)}", (key,))
            if item is None:
                if kind is SECONDS:
                    out[key] = None
                continue
            try:
                out[key] = _check(item, kind)
            except SchemaError as exc:
                exc.keys = (key, *exc.keys)
                raise
        return out
    if type(schema) is list:
        if not isinstance(value, list):
            raise SchemaError(f"must be a list, not {_type_name(value)}")
        inner = schema[0]
        items = []
        for i, item in enumerate(value):
            try:
                items.append(_check(item, inner))
            except SchemaError as exc:
                exc.keys = (i, *exc.keys)
                raise
        return items
    return _leaf(value, schema, ())


def rows(data: list[dict[str, Any]] | None) -> list[Row]:
    return [Row(r.get("name", ""), r.get("value", ""), r.get("enabled", True),
                r.get("file", False)) for r in data or []]


def auth(data: dict[str, Any] | None, default: str) -> AuthConfig:
    return auth_from_dict(data) if data is not None else AuthConfig(default)


def auth_data(config: AuthConfig, default: str) -> dict[str, Any] | None:
    return None if config.scheme == default else auth_to_dict(config)


def variables(data: list[dict[str, Any]] | None) -> list[Variable]:
    out = []
    for v in data or []:
        secret = v.get("value") == SECRET_MARK or v.get("secret", False)
        value = "" if v.get("value") == SECRET_MARK else v.get("value", "")
        out.append(Variable(v.get("name", ""), value, v.get("enabled", True), secret))
    return out


def variables_data(items: list[Variable]) -> list[dict[str, Any]]:
    out = []
    for v in items:
        d: dict[str, Any] = {"name": v.name, "value": dict(SECRET_MARK) if v.secret else v.value}
        if not v.enabled:
            d["enabled"] = False
        out.append(d)
    return out


def spec(data: dict[str, Any]) -> RequestSpec:
    """The RequestSpec in a checked request file. A missing `auth` inherits."""
    try:
        parsed = spec_from_dict({k: v for k, v in data.items() if k not in ("name", "id")})
    except FormatError as exc:
        key = "body" if str(exc).startswith("body") else "options"
        raise SchemaError(str(exc), (key,)) from None
    if "auth" not in data:
        parsed.auth = AuthConfig("inherit")
    return parsed


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    """Without None values and empty lists: what is left out is the default."""
    return {k: v for k, v in d.items() if v is not None and v != []}


def request_data(item: RequestItem) -> dict[str, Any]:
    """name, then the request as spec_to_dict writes it (auth left out = inherit), id."""
    d = _spec_dict(item.spec)
    if item.spec.auth.scheme == "inherit":
        d.pop("auth", None)
    elif item.spec.auth.scheme == "none":
        d["auth"] = {"scheme": "none"}
    if item.assertions or item.captures:
        d["assertions"] = [assertion_data(a) for a in item.assertions]
        d["captures"] = [capture_data(c) for c in item.captures]
    return _compact({"name": item.name, **d, "id": item.id})


def folder_data(folder: Folder) -> dict[str, Any]:
    return _compact({"name": folder.name, "description": folder.description or None,
                     "id": folder.id, "headers": rows_out(folder.headers),
                     "auth": auth_data(folder.auth, "inherit"), "order": folder.order})


def certificates_data(c: Collection) -> dict[str, Any] | None:
    """The collection's certificates as written: paths as given (relative ones are
    relative to the collection folder), never a passphrase (that is in the keychain)."""
    client = [_compact({"host": cert.host, "type": cert.kind, "cert": cert.cert,
                        "key": cert.key or None, "enabled": None if cert.enabled else False,
                        "id": cert.id}) for cert in c.client_certs]
    ca = [_compact({"host": b.host, "file": b.path, "enabled": None if b.enabled else False})
          for b in c.ca_bundles]
    return _compact({"client": client, "ca": ca}) or None


def proxy_data(c: Collection) -> dict[str, Any] | None:
    """The collection's proxy as written: never its password (that is in the keychain)."""
    p = c.proxy
    if p is None:
        return None
    return _compact({"mode": p.mode, "url": p.url or None, "bypass": p.bypass or None,
                     "auth": None if p.auth == "any" else p.auth,
                     "username": p.username or None})


def collection_data(c: Collection) -> dict[str, Any]:
    return _compact({"version": c.version, "id": c.id, "name": c.name,
                     "description": c.description or None, "headers": rows_out(c.headers),
                     "auth": auth_data(c.auth, "none"),
                     "variables": variables_data(c.variables), "order": c.root.order,
                     "certificates": certificates_data(c), "proxy": proxy_data(c)})


def _proxy(d: dict[str, Any], c: Collection) -> None:
    if "proxy" not in d:
        return  # without loading the proxy code (urllib.request, http.client, email)
    p, px = d["proxy"], deferred.proxies
    mode = p.get("mode", "manual" if p.get("url") else "")
    if mode not in px.MODES:
        raise SchemaError(f"must be one of {', '.join(px.MODES)}"
                          + (f", not {mode!r}" if mode else " (or give a url)"),
                          ("proxy", "mode"))
    auth = p.get("auth", "any")
    if auth not in px.AUTH_SCHEMES:
        raise SchemaError(f"must be one of {', '.join(px.AUTH_SCHEMES)}, "
                          f"not {auth!r}", ("proxy", "auth"))
    url = p.get("url", "")
    if px.has_credentials(url):
        raise SchemaError("holds credentials; a collection's file never does: give the "
                          "user name as `username` and the password in Proxy… (it is kept "
                          "in the keychain)", ("proxy", "url"))
    for key, check_one in (("url", lambda: px.parse_url(url) if mode == "manual" else None),
                           ("bypass", lambda: px.Bypass(p.get("bypass", "")))):
        try:
            check_one()
        except px.ProxySettingsError as exc:
            raise SchemaError(str(exc), ("proxy", key)) from None
    c.proxy = px.ProxySettings(mode, url=url, bypass=p.get("bypass", ""), auth=auth,
                               username=p.get("username", ""))


def _certificates(d: dict[str, Any], c: Collection) -> None:
    if "certificates" not in d:
        return  # without loading the certificate code (ssl)
    certs, tls = d["certificates"] or {}, deferred.tls_config
    for n, entry in enumerate(certs.get("client", [])):
        kind = entry.get("type", "pem")
        if kind not in CERT_TYPES:
            raise SchemaError(f"must be one of {', '.join(CERT_TYPES)}, not {kind!r}",
                              ("certificates", "client", n, "type"))
        cert = tls.ClientCert(
            entry.get("host", ""), kind=kind, cert=entry.get("cert", ""),
            key=entry.get("key", ""), enabled=entry.get("enabled", True))
        if entry.get("id"):
            if any(other.id == entry["id"] for other in c.client_certs):
                # Two entries would share one passphrase in the keychain.
                raise SchemaError(f"the id {entry['id']!r} is used twice; give each certificate"
                                  " its own (or none)", ("certificates", "client", n, "id"))
            cert.id = entry["id"]
        c.client_certs.append(cert)
    c.ca_bundles = [tls.CaBundle(b.get("host", ""), b.get("file", ""), b.get("enabled", True))
                    for b in certs.get("ca", [])]


def environment_data(env: Environment) -> dict[str, Any]:
    return _compact({"name": env.name, "variables": variables_data(env.variables)})


def read_request(data: Any, path: Path) -> RequestItem:
    d = check(data, REQUEST)
    item = RequestItem(path, d.get("name", path.name.removesuffix(".request.yaml")),
                       spec({k: v for k, v in d.items() if k not in ("assertions", "captures")}),
                       d.get("id"))
    if "assertions" in d or "captures" in d:
        for key, parse in (("assertions", assertions_from_data),
                           ("captures", captures_from_data)):
            try:
                setattr(item, key, parse(d.get(key)))
            except DeclarationError as exc:
                raise SchemaError(str(exc), (key, *exc.keys)) from None
    return item


def read_folder(data: Any, path: Path) -> Folder:
    d = check(data if data is not None else {}, FOLDER)
    return Folder(path, d.get("name", path.name), rows(d.get("headers")),
                  auth(d.get("auth"), "inherit"), d.get("id"), d.get("order"),
                  description=d.get("description", ""))


def read_collection(data: Any, path: Path) -> Collection:
    d = check(data, COLLECTION)
    version = d.get("version", FORMAT_VERSION)
    if version > FORMAT_VERSION:
        raise SchemaError(f"format version {version} is newer than this Gatepost reads "
                          f"({FORMAT_VERSION}); update Gatepost", ("version",))
    # A hand-made file may lack the id: one is made now and written at the next save.
    c = Collection(path, d.get("id") or deferred.uuid.uuid4().hex, d.get("name", path.name),
                   rows(d.get("headers")), auth(d.get("auth"), "none"),
                   variables(d.get("variables")), description=d.get("description", ""),
                   version=version)
    c.root.order = d.get("order")
    _certificates(d, c)
    _proxy(d, c)
    return c


def read_environment(data: Any, path: Path) -> Environment:
    d = check(data, ENVIRONMENT)
    return Environment(path, d.get("name", path.name.removesuffix(".yaml")),
                       variables(d.get("variables")))
