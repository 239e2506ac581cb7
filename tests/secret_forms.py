"""Every form a secret can take in a record, written out plainly (independently of
gui/core/http/masking.py's patterns), for tests that search outputs for leaks."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
from contextlib import closing, redirect_stdout
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx

#: Forms shorter than this are not searched for: four base64 characters or fewer turn
#: up by chance in any record.
MIN_FORM = 5


def _httpx_forms(secret: str) -> set[str]:
    """How httpx itself writes the secret in a URL's query, path and user info."""
    forms = set()
    url = httpx.URL("http://h/", params={"k": secret})
    forms.add(url.query.decode("ascii").partition("=")[2])
    try:
        forms.add(httpx.URL("http://h/").copy_with(path="/" + secret).raw_path
                  .decode("ascii")[1:])
    except httpx.InvalidURL:
        pass  # `?` or `#`: not something a path holds as typed
    return forms


def _base64_cores(raw: bytes) -> set[str]:
    cores = set()
    for prefix in (b"", b"u:", b"us:"):
        encoded = base64.b64encode(prefix + raw + b"\xff\xff\xff").decode("ascii")
        # Characters that depend on the prefix or the suffix are not the secret's.
        first = -(-len(prefix) * 8 // 6)
        last = (len(prefix) + len(raw)) * 8 // 6
        core = encoded[first:last]
        cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def forms(secret: str) -> set[str]:
    """As typed; percent-encoded every usual way (full, partial as httpx does, `+` for
    space, keeping `/`, double, lower-case hex); JSON-escaped; base64 in three
    alignments, standard and URL-safe."""
    found = {secret, secret.strip()}
    encoded = {quote(secret, safe=""), quote(secret), quote_plus(secret),
               quote_plus(secret, safe="/"), quote(secret, safe="/:@!$&'()*+,;="),
               *_httpx_forms(secret)}
    found |= encoded
    found |= {quote(e, safe="") for e in encoded}  # double-encoded
    found |= {e.lower() for e in encoded if "%" in e}
    for ascii_only in (True, False):
        escaped = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
        found |= {escaped, escaped.replace("/", "\\/")}
    found |= _base64_cores(secret.encode("utf-8"))
    return {f for f in found if len(f) >= MIN_FORM}


def leaks(text: str, secrets: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """(secret, form) for every form of every secret found in the text."""
    return [(s, f) for s in secrets for f in forms(s) if f in text]


def outputs(exchange, spec, secrets: tuple[str, ...], folder: Path) -> str:
    """Everything Gatepost writes, prints or copies about one exchange: the record as
    `gatepost send --json` and its text print it, the Timeline's hop panes, the bodies
    recorded, the error, Sent requests (dumped, and its files' bytes), Copy as curl.
    The final response body aside: what a server chooses to echo is the server's."""
    from gui.cli.send import print_exchange
    from gui.core.http.curl import to_curl
    from gui.core.http.masking import mask_spec
    from gui.core.present import hop_text
    from gui.core.storage.history import SentRequests

    doc = exchange.to_dict()
    doc.pop("body")
    out = [json.dumps(doc, ensure_ascii=False), json.dumps(doc)]
    out += [hop_text(h) for h in exchange.hops]
    out += [h.request.body.decode("utf-8", "replace") for h in exchange.hops]
    if exchange.error:
        out.append(exchange.error.message)
    printed = io.StringIO()
    with redirect_stdout(printed):
        print_exchange(exchange, body_only=False)
    out.append(printed.getvalue().split("\n\n", 1)[0])  # the hops; the body follows
    store = SentRequests(folder / "history.sqlite3")
    store.record(spec, exchange, secrets)
    with closing(sqlite3.connect(store.path)) as db:
        out.append("\n".join(db.iterdump()))
    out.append(b"".join(p.read_bytes() for p in folder.glob("history.sqlite3*"))
               .decode("utf-8", "replace"))
    out.append(to_curl(exchange, mask_spec(spec, secrets)))  # as the window does
    out.append(to_curl(exchange, spec, secrets))
    return "\n".join(out)
