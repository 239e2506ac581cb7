"""Masking: every form a secret takes on the wire or in a record, replaced by MASK.

One place for every output: hop records (and so the Timeline and `gatepost send`, text
and --json), Sent requests, Copy as curl, error messages. The rule (also in
docs/ARCHITECTURE.md, Secrets):

- A secret of MIN_MASKED characters or more (leading and trailing blanks not counted)
  is masked wherever it appears, in any form below.
- A shorter one ("a", "pw") is masked only where it stands as a whole value: a whole
  text or header value, a query or form value (`k=pw`), a multipart part's value, a
  JSON string value (`"pw"`).
  Masking every "a" of a record would garble it and protect nothing.
- The password in a URL's user info (`http://alice:pw@host/`) is always masked, known
  secret or not. An empty secret is ignored.

Forms: as typed; percent-encoded character by character in any mix, which covers
partial encodings (httpx's query keeps `/`: `abc%20def/ghi`), full ones, `+` for a
space, double encoding (`%252F`, OAuth 1 PLAINTEXT in a query) and either case of hex;
JSON-escaped (`\\u00e4`, `\\"`, `\\/`), with or without ensure_ascii; UTF-8 read as
Latin-1; base64, standard and URL-safe, at each of the three alignments a secret can
have inside a longer encoded value (`user:password`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, unquote, urlsplit

from ..auth import secret_values
from ..serialize import spec_from_dict, spec_to_dict

if TYPE_CHECKING:
    from ..model import RequestSpec

MASK = "****"
#: Secrets shorter than this are masked only as whole values (see the module's rule).
MIN_MASKED = 4
#: Headers whose value is a credential: the scheme word is kept, the rest masked.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
#: Past this many characters a secret (a PEM key, a long token) is matched by its usual
#: encodings only: a per-character pattern that long would be slow to build and run.
_PER_CHAR_LIMIT = 512

_JSON_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f",
               "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# The password of a URL's user info: up to the last @ before the path, query or fragment.
_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:]*:)([^\s/?#]*)(?=@)")


def _hex(value: int, width: int = 2) -> str:
    return "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in f"{value:0{width}X}")


def _percent(data: bytes) -> str:
    return "".join("%" + _hex(b) for b in data)


def _char(c: str) -> str:
    """A pattern for every way one character of a secret is written."""
    raw = c.encode("utf-8", "surrogatepass")
    units = c.encode("utf-16-be", "surrogatepass")
    hex4 = [_hex(int.from_bytes(units[i:i + 2]), 4) for i in range(0, len(units), 2)]
    forms = [re.escape(c), _percent(raw), "".join("%25" + _hex(b) for b in raw),
             "".join(r"\\u" + h for h in hex4), "".join("%5[Cc]u" + h for h in hex4)]
    if c == " ":
        forms += [r"\+", "%2[Bb]"]
    if c in _JSON_SHORT:
        short = _JSON_SHORT[c]
        forms += [re.escape(short), _percent(short.encode("ascii"))]
    if len(raw) > 1:
        forms.append(re.escape(raw.decode("latin-1")))
    return "(?:" + "|".join(forms) + ")"


def _base64_cores(secret: str) -> set[str]:
    """The part of base64(x + secret + y) that depends on the secret alone, for the
    three lengths of x modulo 3, in both alphabets."""
    raw = secret.encode("utf-8", "surrogatepass")
    cores = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode("ascii").rstrip("=")
        start, end = -(-8 * pad // 6), 8 * (pad + len(raw)) // 6
        core = encoded[start:end]
        if len(core) >= MIN_MASKED:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def _usual_forms(secret: str) -> set[str]:
    """For long secrets: the encodings met in practice, as plain strings."""
    forms = {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    for safe in ("", "/", "/:@", "/?:@!$&'()*+,;=", "!$&'()*+,;=:@/?~"):
        once = quote(secret, safe=safe)
        forms |= {once, quote(once, safe=""), quote_plus(secret, safe=safe), once.lower()}
    return forms


def _pattern(secret: str) -> str:
    if len(secret) > _PER_CHAR_LIMIT:
        forms = _usual_forms(secret)
    else:
        forms = set()
    forms |= _base64_cores(secret) if len(secret.strip()) >= MIN_MASKED else set()
    literal = [re.escape(f) for f in sorted(forms, key=len, reverse=True)]
    per_char = [] if len(secret) > _PER_CHAR_LIMIT else ["".join(map(_char, secret))]
    return "|".join(per_char + literal)


class Masker:
    """Masks one set of secrets; built once per set (masker())."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values: set[str] = set()
        for secret in secrets:
            if secret:
                values.add(secret)
                if secret.strip():
                    values.add(secret.strip())
        long = sorted((s for s in values if len(s.strip()) >= MIN_MASKED), key=len,
                      reverse=True)
        short = sorted((s for s in values if len(s.strip()) < MIN_MASKED), key=len,
                       reverse=True)
        self.secrets = tuple(long + short)
        # A lookahead finds overlapping matches: two secrets sharing characters are
        # both masked whole, never one leaving a piece of the other.
        any_long = "|".join(_pattern(s) for s in long)
        # A plain search first: half the time of the lookahead on text without a secret.
        self._any = re.compile(any_long) if long else None
        self._long = re.compile(f"(?=({any_long}))") if long else None
        whole = "|".join(_pattern(s) for s in long + short)
        self._whole = re.compile(f"(?:{whole})") if whole else None
        self._query = re.compile(r"(^|[?&;])([^=&#?;\s]*=)(?:" + whole
                                 + r")(?=$|[&#;\s\"'])") if whole else None
        self._json = re.compile(r"([:\[,]\s*\")(?:" + whole + r")(\"\s*[,}\]])") \
            if whole else None
        # A multipart part's whole value: after the part's headers, before the boundary.
        self._part = re.compile(r"(\r?\n\r?\n)(?:" + whole + r")(?=\r?\n--)") \
            if whole else None

    def text(self, text: str) -> str:
        if "@" in text and "://" in text:
            text = _USERINFO.sub(_userinfo_mask, text)
        if self._whole is None or not text:
            return text
        if self._whole.fullmatch(text):
            return MASK
        if self._any is not None and self._any.search(text):
            text = self._spans(text)
        assert self._query and self._json and self._part
        text = self._query.sub(lambda m: m.group(1) + m.group(2) + MASK, text)
        text = self._part.sub(lambda m: m.group(1) + MASK, text)
        return self._json.sub(lambda m: m.group(1) + MASK + m.group(2), text)

    def _spans(self, text: str) -> str:
        assert self._long is not None
        spans: list[list[int]] = []
        for m in self._long.finditer(text):
            start, end = m.start(), m.end(1)
            if end <= start:
                continue
            if spans and start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out += [text[last:start], MASK]
            last = end
        out.append(text[last:])
        return "".join(out)

    def header(self, name: str, value: str) -> str:
        if name.lower() in CREDENTIAL_HEADERS:
            scheme, sep, rest = value.partition(" ")
            if scheme.lower() == "digest":
                # A Digest answer carries a hash, not the password: showing it lets the
                # user check realm, nonce, uri, qop and algorithm against the challenge.
                return self.text(value)
            return f"{scheme} {MASK}" if sep and rest else MASK
        return self.text(value)

    def data(self, value: Any) -> Any:
        """Every string in a JSON-like value masked; every string counts as a whole
        value, so short secrets are masked where a field is exactly one."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        return value


def _userinfo_mask(m: re.Match[str]) -> str:
    return m.group(1) + (MASK if m.group(2) else "")


@lru_cache(maxsize=32)
def masker(secrets: tuple[str, ...] = ()) -> Masker:
    return Masker(secrets)


def mask_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """The text with every secret masked in every form, and any URL's user info
    password masked."""
    if not secrets and ("@" not in text or "://" not in text):
        return text  # the common case, on every header of every hop
    return masker(tuple(secrets)).text(text)


def mask_header(name: str, value: str, secrets: tuple[str, ...] = ()) -> str:
    """A header value masked: a credential header keeps only its scheme word (`Basic
    ****`); a Digest answer is kept with any known secret masked."""
    if not secrets and name.lower() not in CREDENTIAL_HEADERS:
        return mask_text(value)  # every header of every hop: skip the masker's lookup
    return masker(tuple(secrets)).header(name, value)


def mask_headers(headers: list[tuple[str, str]], secrets: tuple[str, ...] = ()
                 ) -> list[tuple[str, str]]:
    """mask_header over a hop's headers: one masker for all of them, and without
    secrets only the credential headers and URLs with user info are touched."""
    if secrets:
        m = masker(tuple(secrets))
        return [(n, m.header(n, v)) for n, v in headers]
    return [(n, mask_header(n, v)) if n.lower() in CREDENTIAL_HEADERS or "@" in v else (n, v)
            for n, v in headers]


def mask_values(headers: list[tuple[str, str]], secrets: tuple[str, ...] = ()
                ) -> list[tuple[str, str]]:
    """mask_text over each header's value (a response's: no credential headers)."""
    if secrets:
        m = masker(tuple(secrets))
        return [(n, m.text(v)) for n, v in headers]
    return [(n, mask_text(v)) if "@" in v else (n, v) for n, v in headers]


def url_secrets(url: str) -> tuple[str, ...]:
    """The password of the URL's user info, as typed and decoded: a secret wherever
    else it appears (the Basic header built from it, a redirect)."""
    if "@" not in url:
        return ()  # no user info: nothing to parse, at every send
    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        return ()
    if not password:
        return ()
    return tuple({password, unquote(password)})


def spec_secrets(spec: RequestSpec, secrets: tuple[str, ...] = ()) -> tuple[str, ...]:
    """`secrets` plus those the request holds itself: its scheme's secret fields and
    its URL's user info password."""
    if spec.auth.scheme == "none":
        # The built-in NoAuth has no fields: no scheme lookup at every send.
        return (*secrets, *url_secrets(spec.url))
    return (*secrets, *secret_values(spec.auth), *url_secrets(spec.url))


def mask_spec_dict(data: dict[str, Any], secrets: tuple[str, ...]) -> dict[str, Any]:
    """A request as serialize.spec_to_dict wrote it, masked; header rows as headers."""
    m = masker(tuple(secrets))
    masked = m.data(data)
    for row in masked.get("headers", []):
        row["value"] = m.header(row["name"], row["value"])
    return masked


def mask_spec(spec: RequestSpec, secrets: tuple[str, ...] = ()) -> RequestSpec:
    """A copy of the request with no secret left: secret auth fields emptied, every
    known secret masked in URL, params, headers and body (for Copy as curl)."""
    return spec_from_dict(mask_spec_dict(spec_to_dict(spec), spec_secrets(spec, secrets)))
