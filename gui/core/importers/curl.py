"""curl command lines: a pasted one as a request (`parse_curl`), a file of them as a
collection.

The request is what curl would send: the same method, URL, headers and body bytes
(tests/test_import_curl.py sends both to one server and compares). What Gatepost keeps
elsewhere (certificates under Certificates…) or cannot do yet (proxies) is said in a
notice naming the option; an unknown option or unbalanced quotes is an error naming
it, since what follows it cannot be read reliably. Nothing is run and no file named by
the command is read: `-d @file` becomes a file body, sent when the request is.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..model import RequestSpec, Row
from ..urls import query_pairs, with_query
from ..variables import Variable
from . import ImportedFolder, ImportedRequest, ImportFailed, ImportResult, Notice
from ._curlargs import CurlError, options, words
from ._curlspec import ParsedCurl, _Build
from ._refs import read_text

__all__ = ["LABEL", "CurlError", "ParsedCurl", "looks_like_curl", "parse_curl", "read",
           "sniff"]

LABEL = "curl command lines"
_START = re.compile(r"^\s*(?:\$\s+)?curl(?:\.exe)?\s", re.IGNORECASE)


def looks_like_curl(text: str) -> bool:
    """Whether pasted text is a curl command (the URL field turns it into a request)."""
    return bool(_START.match(text))


def parse_curl(text: str) -> ParsedCurl:
    """A curl command as a request; CurlError (a sentence) when it cannot be read."""
    args = words(text.strip())
    if args and args[0] == "$":
        args = args[1:]
    if not args or args[0].lower() not in ("curl", "curl.exe"):
        raise CurlError("This is not a curl command: it does not start with `curl`.")
    opts, rest = options(args[1:])
    return _Build(opts, rest).run()


# -- a file of commands ---------------------------------------------------------------------


def sniff(path: Path, head: str) -> bool:
    for line in head.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return looks_like_curl(line)
    return False


def commands(text: str) -> list[tuple[int, str]]:
    """(first line number, command text) for each command: `\\` continues a line, and so
    does an open quotation, until the next line that starts a new curl command."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        start = i + 1
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        buffer = line
        while True:
            if buffer.rstrip().endswith("\\") and i < len(lines):
                buffer = buffer.rstrip()[:-1] + " " + lines[i]
                i += 1
                continue
            if i < len(lines) and not looks_like_curl(lines[i]) and _open_quote(buffer):
                buffer += "\n" + lines[i]
                i += 1
                continue
            break
        out.append((start, buffer))
    return out


def _open_quote(text: str) -> bool:
    try:
        words(text)
    except CurlError:
        return True
    return False


def read(path: Path) -> ImportResult:
    path = Path(path)
    text = read_text(path)
    result = ImportResult(source=LABEL, name=path.stem)
    root = ImportedFolder(path.stem)
    result.root = root
    names: dict[str, int] = {}
    for line, command in commands(text):
        where = f"{path.name}, line {line}"
        try:
            parsed = parse_curl(command)
        except CurlError as exc:
            result.notices.append(Notice(where, f"{exc} The command was skipped."))
            continue
        result.notices += [Notice(where, n) for n in parsed.notices]
        _protect(parsed.spec, result.variables)
        name = _name(parsed.spec)
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            name = f"{name} ({names[name]})"
        root.children.append(ImportedRequest(name, parsed.spec))
    if not root.children and not result.notices:
        raise ImportFailed(f"{path} holds no curl command.")
    return result


_SECRET_NAME = re.compile(r"pass(word|wd)?$|secret|token|api[-_.]?key|^key$|signature|"
                          r"session|^authorization$|^proxy-authorization$|^cookie$", re.I)


def _protect(spec: RequestSpec, variables: list[Variable]) -> None:
    """Credentials in headers and the query (an API key, a cookie) become secret
    collection variables, so that the written collection holds `{{name}}` and the value
    goes to the keychain, as if typed into the variables dialog."""

    def ref(hint: str, value: str) -> str:
        for var in variables:
            if var.value == value:
                return "{{" + var.name + "}}"
        base = re.sub(r"[^A-Za-z0-9_]+", "_", hint).strip("_").lower() or "secret"
        name, n = base, 2
        while any(v.name == name for v in variables):
            name, n = f"{base}_{n}", n + 1
        variables.append(Variable(name, value, True, True))
        return "{{" + name + "}}"

    for row in spec.headers:
        if row.value and "{{" not in row.value and _SECRET_NAME.search(row.name):
            row.value = ref(row.name, row.value)
    secret_query = [(n, v) for n, v in query_pairs(spec.url)
                    if v and "{{" not in v and _SECRET_NAME.search(n)]
    if secret_query:
        pairs = [(n, ref(n, v) if (n, v) in secret_query else v)
                 for n, v in query_pairs(spec.url)]
        spec.url = with_query(spec.url, pairs)
        spec.params = [Row(n, v) for n, v in pairs]


def _name(spec: RequestSpec) -> str:
    try:
        parts = urlsplit(spec.url if "://" in spec.url else "http://" + spec.url)
        where = f"{parts.hostname or ''}{parts.path or '/'}"
    except ValueError:
        where = spec.url
    return f"{spec.method} {where}"[:120]
