"""Every form a secret can take in a record, written out plainly (independently of
gui/core/masking.py's patterns), for tests that search outputs for leaks."""

from __future__ import annotations

import base64
import json
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
