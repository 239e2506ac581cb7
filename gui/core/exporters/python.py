"""A request as a runnable Python script on httpx, with Gatepost's own auth.

Basic and Digest use httpx's classes (Gatepost's are those, with messages added);
every other scheme is built by Gatepost's scheme (`gui.core.auth.build_auth`), so the
script signs exactly as the window does and needs gatepost installed. No secret is
written into the script: secret auth fields, `{{variables}}` left in the request,
credential headers and every value in `secrets` are read from environment variables,
named in the script's docstring.
"""

from __future__ import annotations

import re
from typing import Any

from ... import __version__
from ..auth import get
from ..model import BodyKind, RequestSpec
from ..validate import normalise_url

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
_CREDENTIAL_HEADER = re.compile(r"^(authorization|proxy-authorization|cookie)$|api[-_]?key|"
                                r"token|secret|password", re.I)
#: Schemes httpx has itself: the script then runs without gatepost installed.
_HTTPX = {"basic": "httpx.BasicAuth", "digest": "httpx.DigestAuth"}
_MIN_SECRET = 4


class _Env:
    """The environment variables the script reads, and why."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.names: dict[str, str] = {}
        self._secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len,
                               reverse=True)
        self._secret_names: dict[str, str] = {}

    def name(self, name: str, why: str) -> str:
        name = re.sub(r"[^A-Za-z0-9_]", "_", name)
        self.names.setdefault(name, why)
        return name

    def expr(self, text: str, what: str) -> str:
        """A Python expression for `text`: literals, with {{variables}} and known secret
        values read from the environment."""
        parts = [_VARIABLE.pattern] + [re.escape(s) for s in self._secrets]
        pieces: list[str] = []
        last = 0
        for m in re.finditer("|".join(parts), text):
            if m.start() > last:
                pieces.append(repr(text[last:m.start()]))
            if m.group(1):
                pieces.append(f"env({self.name(m.group(1), 'variable {{' + m.group(1) + '}}')!r})")
            else:
                secret = m.group(0)
                if secret not in self._secret_names:
                    self._secret_names[secret] = self.name(
                        f"GATEPOST_SECRET_{len(self._secret_names) + 1}", f"a secret in {what}")
                pieces.append(f"env({self._secret_names[secret]!r})")
            last = m.end()
        if last < len(text) or not pieces:
            pieces.append(repr(text[last:]))
        return " + ".join(pieces)


def to_python(spec: RequestSpec, secrets: tuple[str, ...] = ()) -> str:
    """The script for `spec` (as saved: `{{variables}}` not resolved). `secrets` are
    further values that must not be written (a secret variable's value)."""
    env = _Env(secrets)
    url = spec.url if spec.url.lstrip().startswith("{{") else normalise_url(spec.url)
    lines = ["def main() -> None:"]
    auth = _auth(spec, env, get)
    lines += [f"    {line}".rstrip() for line in auth]
    lines.append("    headers = [")
    headers = spec.enabled_headers()
    body_lines, default_type = _body(spec, env)
    if default_type and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", default_type))
    for name, value in headers:
        if _CREDENTIAL_HEADER.search(name) and "{{" not in value:
            value_expr = f"env({env.name('GATEPOST_HEADER_' + name.upper(), f'header {name}')!r})"
        else:
            value_expr = env.expr(value, f"header {name}")
        lines.append(f"        ({name!r}, {value_expr}),")
    lines.append("    ]")
    lines += [f"    {line}" for line in body_lines]
    o = spec.options
    t = o.timeouts
    client = [f"follow_redirects={o.follow_redirects!r}", f"max_redirects={o.max_redirects!r}",
              f"verify={o.verify_tls!r}",
              f"timeout=httpx.Timeout(connect={t.connect!r}, read={t.read!r}, "
              f"write={t.write!r}, pool={t.pool!r})"]
    if o.http2:
        client.append("http2=True  # needs: pip install 'httpx[http2]'")
    lines.append("    with httpx.Client(")
    lines += [f"        {arg}," for arg in client]
    lines += ["    ) as client:",
              f"        response = client.request({spec.method.upper()!r}, "
              f"{env.expr(url, 'the URL')}, headers=headers, auth=auth, **body)",
              '    print(response.http_version, response.status_code, response.reason_phrase,'
              ' file=sys.stderr)',
              "    sys.stdout.write(response.text)"]
    doc = [f'"""{spec.method.upper()} {_safe_doc(env, url)}: exported from Gatepost '
           f'{__version__}.', ""]
    if env.names:
        doc.append("Read from environment variables (nothing secret is written here):")
        doc += [f"    {name}: {why}" for name, why in env.names.items()]
    else:
        doc.append("It reads no environment variable.")
    doc.append('"""')
    head = ["#!/usr/bin/env python3", *doc, "", "import mimetypes  # noqa: F401",
            "import os", "import sys", "from urllib.parse import urlencode  # noqa: F401", "",
            "import httpx", "", "",
            "def env(name: str, default: str | None = None) -> str:",
            "    value = os.environ.get(name, default)",
            "    if value is None:",
            '        sys.exit(f"Set the environment variable {name} first (see the top of '
            'this script).")',
            "    return value", "", ""]
    tail = ["", "", 'if __name__ == "__main__":', "    main()", ""]
    return "\n".join(head + lines + tail)


def _safe_doc(env: _Env, text: str) -> str:
    """The URL for the docstring, secrets left out."""
    expr = env.expr(text, "the URL")
    return text if expr == repr(text) else "(URL built from environment variables)"


def _auth(spec: RequestSpec, env: _Env, get: Any) -> list[str]:
    scheme_id = spec.auth.scheme
    if scheme_id in ("none", "inherit") or not scheme_id:
        return ["auth = None"]
    try:
        scheme = get(scheme_id)
    except Exception:  # noqa: BLE001 - an unknown scheme is said in the script
        return [f"auth = None  # the auth scheme {scheme_id!r} is not known here"]
    values = scheme.values(spec.auth.values)
    rendered: dict[str, str] = {}
    for f in scheme.fields:
        value = values.get(f.name)
        if f.secret:
            name = env.name(f"GATEPOST_{f.name.upper()}", f"{scheme.label}: {f.label}"
                            + ("" if value else " (optional)"))
            # A secret the request leaves empty stays optional in the script too.
            rendered[f.name] = f"env({name!r})" if value else f"env({name!r}, '')"
        elif isinstance(value, str):
            rendered[f.name] = env.expr(value, f"{scheme.label}: {f.label}")
        else:
            rendered[f.name] = repr(value)
    if scheme_id in _HTTPX:
        return [f"auth = {_HTTPX[scheme_id]}({rendered['username']}, {rendered['password']})"]
    out = ["# Gatepost's own scheme, so the request is signed as the window signs it",
           "# (pip install gatepost).",
           "from gui.core.auth import build_auth",
           "from gui.core.model import AuthConfig", "",
           f"auth = build_auth(AuthConfig({scheme_id!r}, {{"]
    out += [f"    {name!r}: {expr}," for name, expr in rendered.items()]
    out.append("}))")
    if scheme_id == "oauth2":
        out.insert(0, "# OAuth 2: only client_credentials and password run without a browser;")
        out.insert(1, "# Gatepost's saved token is in its keychain, not here.")
    return out


def _body(spec: RequestSpec, env: _Env) -> tuple[list[str], str | None]:
    body = spec.body
    kind = body.kind
    if kind in (BodyKind.RAW, BodyKind.JSON):
        default = "application/json" if kind is BodyKind.JSON else body.content_type or None
        if not body.text.strip() and kind is BodyKind.JSON:
            return ["body = {}"], default
        return [f"body = {{'content': ({env.expr(body.text, 'the body')}).encode()}}"], default
    if kind is BodyKind.FORM:
        pairs = [f"    ({env.expr(r.name, 'the form')}, {env.expr(r.value, 'the form')}),"
                 for r in body.rows if r.enabled and r.name]
        return (["body = {'content': urlencode([", *pairs, "]).encode()}"],
                "application/x-www-form-urlencoded")
    if kind is BodyKind.MULTIPART:
        parts = []
        for r in body.rows:
            if not (r.enabled and r.name):
                continue
            if r.is_file:
                path = env.expr(r.value, "a file path")
                parts.append(f"    ({r.name!r}, (os.path.basename({path}), open({path}, 'rb')"
                             f".read(), mimetypes.guess_type({path})[0] or "
                             "'application/octet-stream')),")
            else:
                parts.append(f"    ({r.name!r}, (None, ({env.expr(r.value, 'the form')})"
                             ".encode())),")
        return (["body = {'files': [", *parts, "]}"] if parts else ["body = {}"]), None
    if kind is BodyKind.FILE:
        path = env.expr(body.path, "the body's file")
        return ([f"body = {{'content': open({path}, 'rb').read()}}",
                 "if not any(n.lower() == 'content-type' for n, _ in headers):",
                 f"    headers.append(('Content-Type', mimetypes.guess_type({path})[0] "
                 "or 'application/octet-stream'))"], None)
    return ["body = {}"], None
