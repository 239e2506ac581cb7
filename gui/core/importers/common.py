"""Helpers shared by the Insomnia, Bruno and HAR importers (not a format: the registry
skips a module named `common`).

Files are read whole, once, and parsed by `json` or by the safe YAML reader of
`gui/core/collections/yamlio.py`, which refuses every tag that would build an object. Values that
look like credentials (a literal Authorization or Cookie header, an `api_key` query
parameter) are moved out of the request into secret collection variables, so that the
writer puts them in the keychain and the YAML holds only `{{name}}`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import deferred
from ..model import AuthConfig, Row
from ..urls import merge_rows, query_pairs, with_query
from ..variables import Variable
from . import MAX_FILE_SIZE, ImportFailed, Notice

_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?$|pwd|secret|token|api[-_.]?key|apikey|access[-_.]?key|"
    r"private[-_.]?key|credential|session|cookie|^auth|signature|^x-amz-security", re.I)
#: A name ending in a separate word "key" (library_key, X-Admin-Key, adminKey).
_KEY_WORD = re.compile(r"(?:^|[-_.\s])[Kk][Ee][Yy]$|[a-z0-9]Key$")
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_HAS_TEMPLATE = re.compile(r"\{\{|\{%")
_DYNAMIC = re.compile(r"\{\{\s*(\$[A-Za-z][\w.]*)\s*\}\}")


# -- reading ------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A whole file as text; ImportFailed for a missing, huge or non-UTF-8 file."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:
            raise ImportFailed(f"{path} is {size // (1024 * 1024)} MB; files over "
                               f"{MAX_FILE_SIZE // (1024 * 1024)} MB are not imported.")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path} cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path} is not UTF-8 text (byte {exc.start}).") from None


def parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFailed(f"{path} nests too deeply to be read.") from None
    except json.JSONDecodeError as exc:
        what = ("ends before the JSON does (a truncated file?)"
                if exc.pos >= len(text.rstrip()) else f"is not valid JSON: {exc.msg}")
        raise ImportFailed(f"{path}, line {exc.lineno} column {exc.colno}: {what}.") \
            from None


def parse_yaml(path: Path, text: str) -> Any:
    """YAML through the safe reader: a `!!python/object` tag is refused, never built,
    and aliases that expand past the size of the text (a "billion laughs") are refused
    before anything walks them."""
    try:
        value = deferred.yamlio.load_fast(text)
    except deferred.yamlio.YamlSyntaxError as exc:
        line = f", line {exc.line}" if exc.line else ""
        raise ImportFailed(f"{path}{line}: not YAML that can be imported: {exc}.") from None
    except RecursionError:
        raise ImportFailed(f"{path} nests too deeply to be read.") from None
    if "*" in text and _expands_past(value, len(text) + 1000):
        raise ImportFailed(f"{path}: its YAML aliases expand to far more than the file "
                           "holds (a YAML bomb?); not imported.")
    return value


def _expands_past(value: Any, limit: int) -> bool:
    """Whether walking `value`, aliases included, visits more than `limit` nodes; stops
    as soon as it does, so the walk itself stays cheap."""
    stack, seen = [value], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def as_list(value: Any) -> list[Any]:
    """A list from a file, or none: a wrong type is treated as absent, not iterated."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str:
    """A scalar from a file as the text Gatepost holds ("" for null, JSON for others)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


# -- URLs and rows -----------------------------------------------------------------------


def url_and_params(url: str, rows: list[Row], mirror: bool) -> tuple[str, list[Row]]:
    """The URL Gatepost sends and its params table. Gatepost's URL holds the enabled
    query; the table adds disabled rows. `mirror`: the source keeps its table in step with
    the URL (Bruno), else the table's rows come in addition to the URL's query
    (Insomnia)."""
    in_url = query_pairs(url)
    enabled = [(r.name, r.value) for r in rows if r.enabled]
    if mirror:
        if enabled and not in_url:
            return with_query(url, enabled), rows
        return url, merge_rows(rows, in_url)
    table = [Row(n, v) for n, v in in_url] + rows
    return (with_query(url, in_url + enabled) if enabled else url), table


_PATH_PARAM = re.compile(r"(?<=/):([A-Za-z_][A-Za-z0-9_\-]*)")


def path_params(url: str, values: dict[str, str]) -> str:
    """`/users/:id` with its value filled in; a name with no value becomes `{{id}}`."""
    base, sep, rest = url.partition("?")

    def fill(m: re.Match[str]) -> str:
        value = values.get(m.group(1), "")
        return value if value else "{{" + m.group(1) + "}}"

    return _PATH_PARAM.sub(fill, base) + sep + rest


def dynamic_variables(*texts: str) -> list[str]:
    """`{{$guid}}`-style names in the texts: values Gatepost does not generate."""
    found: list[str] = []
    for t in texts:
        for m in _DYNAMIC.finditer(t):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found


# -- secrets -----------------------------------------------------------------------------


def looks_secret(name: str) -> bool:
    return bool(_SECRET_NAME.search(name) or _KEY_WORD.search(name))


class Secrets:
    """Literal secrets found in requests, kept as secret collection variables: each
    distinct value once, named after where it was first seen."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.variables: list[Variable] = []
        self._by_value: dict[str, str] = {}
        self._taken = set(taken or ())

    def reserve(self, names: list[str] | set[str]) -> None:
        """Names a secret variable must not take (the file's own variables)."""
        self._taken.update(names)

    def ref(self, hint: str, value: str) -> str:
        if value in self._by_value:
            return "{{" + self._by_value[value] + "}}"
        base = re.sub(r"[^A-Za-z0-9_]+", "_", hint).strip("_").lower() or "secret"
        name, n = base, 2
        while name in self._taken:
            name, n = f"{base}_{n}", n + 1
        self._taken.add(name)
        self._by_value[value] = name
        self.variables.append(Variable(name, value, True, True))
        return "{{" + name + "}}"

    def protect_rows(self, rows: list[Row], headers: bool = False) -> None:
        """Rows whose name says they hold a credential (and whose value is a literal, not
        already a {{variable}}) take a secret variable instead."""
        for row in rows:
            if row.is_file or not row.value or _HAS_TEMPLATE.search(row.value):
                continue
            if (headers and row.name.lower() in _SECRET_HEADERS) or looks_secret(row.name):
                row.value = self.ref(row.name, row.value)


def mark_secret_variables(variables: list[Variable]) -> None:
    """Variables a format cannot flag as secret but whose name says they are."""
    for var in variables:
        if var.value and looks_secret(var.name):
            var.secret = True


def auth_from_header(value: str, where: str, notices: list[Notice]) -> AuthConfig | None:
    """An Authorization header recorded as sent, as the scheme that sends it again (its
    secret then goes to the keychain), or None to keep the header as it is."""
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    kind = scheme.lower()
    if _HAS_TEMPLATE.search(value):
        return None
    if kind == "basic" and credentials:
        try:
            user, _, password = base64.b64decode(credentials, validate=True).decode(
                "utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return AuthConfig("basic", {"username": user, "password": password})
    if kind == "bearer" and credentials:
        return AuthConfig("bearer", {"token": credentials})
    if kind == "digest":
        found = re.search(r'username="([^"]*)"', credentials)
        notices.append(Notice(where, "a Digest Authorization header was recorded; it "
                              "became Digest auth: enter the password in the Auth tab."))
        return AuthConfig("digest", {"username": found.group(1) if found else ""})
    if kind == "aws4-hmac-sha256":
        cred = re.search(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/([^/]+)/", credentials)
        notices.append(Notice(where, "an AWS SigV4 signature was recorded; it became AWS "
                              "Signature v4 auth: enter the secret access key."))
        if cred:
            return AuthConfig("aws-sigv4", {"access_key": cred.group(1),
                                            "region": cred.group(2),
                                            "service": cred.group(3)})
        return AuthConfig("aws-sigv4", {})
    if kind in ("ntlm", "negotiate"):
        notices.append(Notice(where, f"a recorded {scheme} handshake header was left out; "
                              "choose NTLM or Kerberos in the Auth tab."))
        return AuthConfig("none")
    return None


def oauth2_redirect(url: str, values: dict[str, Any], where: str,
                    notices: list[Notice]) -> None:
    """A loopback redirect URI's port kept (Gatepost listens on 127.0.0.1); any other
    redirect URI cannot be used by a desktop client and is named in a notice."""
    if not url or _HAS_TEMPLATE.search(url):
        return
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        port, parts = None, None
    if parts is not None and parts.hostname in ("127.0.0.1", "localhost", "::1") and port:
        values["redirect_port"] = str(port)
        if parts.path not in ("/callback", "/callback/"):
            notices.append(Notice(where, f"OAuth 2 redirect URI {url} has the path "
                                  f"{parts.path or '/'}; Gatepost listens on "
                                  f"http://127.0.0.1:{port}/callback: register that one."))
        return
    notices.append(Notice(where, f"OAuth 2 redirect URI {url} was not kept: Gatepost "
                          "receives the code on http://127.0.0.1:<port>/callback; register "
                          "that with the provider and set the port in the Auth tab."))


def script_notice(where: str, what: str, code: str, tool: str) -> Notice:
    """A script Gatepost does not run, listed with its text kept beside the collection."""
    return Notice(where, f"{what} from {tool} will not run in Gatepost; its text is kept "
                  "in the import notes.", details=code.strip("\n"))
