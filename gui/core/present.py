"""Text for showing an exchange: sizes, durations, pretty bodies, a hop's wire text.

Shared by the window and the command line; pretty-printing runs in the worker thread,
never on the GUI thread.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# highlight, jsonpretty and jsontree (their regexes: ~5 ms) through deferred: `gatepost
# send` imports this module for human_time and human_size alone.
from . import deferred
from .http.challenge import describe
from .http.exchange import Hop, ReceivedResponse
from .tls.info import Certificate, TlsInfo

#: Pretty-printing, highlighting and the JSON tree stop past this size (a setting).
PRETTY_LIMIT = 10 * 1024 * 1024
#: The raw and hex views load a body in pages of this many bytes.
PAGE = 64 * 1024


@dataclass
class Presentation:
    """A response body made ready for the views, computed off the GUI thread."""

    language: str = "text"  # json, xml, html, javascript, css, text, image, binary
    pretty: str = ""
    #: The JSON's structure for the tree (a gui.core.jsontree.JsonTree over `pretty`: no
    #: Python object per value); None when not JSON or too big. The filter parses
    #: `pretty` when it is used.
    parsed: Any = None
    #: The first page of the raw text.
    raw_page: str = ""
    #: Something the user should know: a limit reached, JSON that does not parse…
    note: str = ""
    #: Colouring of `pretty`, per line (gui.core.highlight), or None.
    spans: Any = None
    #: The body was over the limit: `pretty` is only its first page, views page the raw
    #: bytes instead.
    over_limit: bool = False
    #: The bytes are not text (looks_binary): the views open it in Hex, never decode it.
    binary: bool = False
    #: A large body that looked like JSON and is not: Pretty pages its bytes as Raw does,
    #: rather than hold all of its text.
    raw_paged: bool = False


def language_of(response: ReceivedResponse) -> str:
    ctype = response.content_type
    if ctype == "application/json" or ctype.endswith("+json") or ctype == "text/json":
        return "json"
    if ctype.endswith("/xml") or ctype.endswith("+xml"):
        return "xml" if ctype != "image/svg+xml" else "image"
    if ctype == "text/html":
        return "html"
    if ctype in ("application/javascript", "text/javascript"):
        return "javascript"
    if ctype == "text/css":
        return "css"
    if ctype.startswith("image/"):
        return "image"
    if ctype.startswith("text/") or not ctype:
        return "text"
    return "binary"


def _decode(data: bytes, response: ReceivedResponse) -> str:
    try:
        return data.decode(response.charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


#: How much of a body looks_binary reads.
SNIFF = 8192
#: Control characters that text does not hold (tab, newlines, form feed, backspace and
#: escape are left out: they appear in logs and terminal output).
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\r\f\b\x1b") + b"\x7f"


def looks_binary(sample: bytes, charset: str | None = None) -> bool:
    """Whether the first bytes of a body are not text: a NUL, more than 5 % control
    characters, or bytes that do not decode in the charset (UTF-8 when none is given;
    a character cut at the end of the sample does not count)."""
    if not sample:
        return False
    if b"\0" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if controls * 20 > len(sample):
        return True
    try:
        decoder = codecs.getincrementaldecoder(charset or "utf-8")("strict")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return True
    return False


def present(response: ReceivedResponse, limit: int | None = None) -> Presentation:
    """Everything the body views need; `limit` defaults to PRETTY_LIMIT."""
    limit = PRETTY_LIMIT if limit is None else limit
    out = Presentation(language=language_of(response))
    size = response.body_size
    # A declared text type is trusted; a type we do not know as text (application/
    # octet-stream, /bytes/…) or none at all is judged by its bytes, so that YAML or
    # NDJSON under such a label still reads as text.
    if (out.language == "binary" or not response.content_type) and looks_binary(
            response.data.read(0, SNIFF), response.charset):
        out.binary = True
        out.note = (f"A binary body ({response.content_type or 'no Content-Type'}, "
                    f"{human_size(size)}): shown in Hex; Save… writes it to a file.")
        if response.body_error:
            out.note += f" {response.body_error}"
        return out
    out.raw_page = _decode(response.data.read(0, PAGE), response)
    if size > limit:
        out.over_limit = True
        out.pretty = out.raw_page
        out.note = (f"The body is {human_size(size)}: pretty view, highlighting and the JSON "
                    f"tree are off past {human_size(limit)}; the raw view is paged. "
                    "“Pretty-print anyway” lifts the limit for this body.")
        return out
    if out.language in ("json", "text") and out.raw_page.lstrip()[:1] in ("{", "["):
        _present_json(response, out)
    else:
        out.pretty = response.text()
        if out.language == "xml":
            out.pretty = _pretty_xml(out.pretty)
    if response.body_error:
        out.note = " ".join(n for n in (out.note, response.body_error) if n)
    if out.spans is None and not out.raw_paged:
        out.spans = deferred.highlight.spans(out.pretty, out.language)
    return out


def _present_json(response: ReceivedResponse, out: Presentation) -> None:
    """Pretty text, tree and colouring of a body that may be JSON; never all three of
    bytes, text and parsed values at once (gui.core.jsonpretty)."""
    text: str | None
    if response.body_size <= deferred.jsonpretty.ORJSON_LIMIT:
        text = deferred.jsonpretty.pretty_small(response.body) if _is_utf8(response) else None
        if text is None:
            text = _pretty_python(response, out)
    else:
        try:
            text = deferred.jsonpretty.pretty(response.data.chunks(deferred.jsonpretty.CHUNK),
                                              _encoding(response))
        except deferred.jsonpretty.NotJson as exc:
            out.raw_paged, out.pretty = True, out.raw_page
            if out.language == "json":
                out.note = (f"The body says it is JSON but does not parse ({exc}): it is "
                            "shown as it came.")
            return
    if text is None:
        out.pretty = response.text()
        return
    out.language, out.pretty, out.parsed = "json", text, deferred.jsontree.JsonTree(text)
    out.spans = deferred.highlight.JSON_LINES


def _pretty_python(response: ReceivedResponse, out: Presentation) -> str | None:
    """Python's json for a small body orjson refused: it also reads NaN, integers past
    64 bits and names what went wrong. None (and a note) when it is not JSON."""
    try:
        return json.dumps(json.loads(response.text()), indent=2, ensure_ascii=False)
    except RecursionError:
        if out.language == "json":
            out.note = ("The JSON is nested deeper than Gatepost's parser allows: it "
                        "is shown as it came, without the tree and the filter.")
    except ValueError as exc:
        if out.language == "json":
            out.note = f"The body says it is JSON but does not parse: {exc}."
    return None


def _encoding(response: ReceivedResponse) -> str:
    try:
        return codecs.lookup(response.charset or "utf-8").name
    except LookupError:
        return "utf-8"


def _is_utf8(response: ReceivedResponse) -> bool:
    return _encoding(response) in ("utf-8", "ascii")


def _pretty_xml(text: str) -> str:
    try:
        pretty = deferred.minidom.parseString(text.encode()).toprettyxml(indent="  ")
    except (deferred.expat.ExpatError, ValueError):
        return text
    return "\n".join(line for line in pretty.splitlines() if line.strip())


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}"
    raise AssertionError


def human_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def hexdump(data: bytes, offset: int = 0) -> str:
    """Classic 16-bytes-a-line dump: offset, hex, printable ASCII."""
    lines = []
    for i in range(0, len(data), 16):
        row = data[i:i + 16]
        hexes = " ".join(f"{b:02x}" for b in row)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
        lines.append(f"{offset + i:08x}  {hexes:<47}  {text}")
    return "\n".join(lines)


def tls_text(tls: TlsInfo) -> list[str]:
    lines = [f"{tls.version}, cipher {tls.cipher}, ALPN {tls.alpn or 'none'}"]
    for n, cert in enumerate(tls.certificates):
        lines.append(f"Certificate {n} {'(server)' if n == 0 else ''}".rstrip())
        lines.append(f"  subject: {cert.subject}")
        lines.append(f"  issuer:  {cert.issuer}")
        lines.append(f"  valid:   {cert.not_before} to {cert.not_after}")
        if cert.sans:
            lines.append(f"  names:   {', '.join(cert.sans)}")
        lines.append(f"  sha256:  {cert.fingerprint_sha256}")
    return lines


def client_cert_text(cert: Certificate) -> list[str]:
    """The client certificate Gatepost had ready for the host (sent if the server asked)."""
    return ["Client certificate (offered when the server asks for one)",
            f"  subject: {cert.subject}", f"  issuer:  {cert.issuer}",
            f"  valid:   {cert.not_before} to {cert.not_after}",
            f"  sha256:  {cert.fingerprint_sha256}"]


def hop_text(hop: Hop) -> str:
    """The hop as it went over the wire: request head, then response head and timings."""
    req = hop.request
    lines = [f"{req.method} {req.url}"]
    if hop.remote_address:
        lines[0] += f"    (to {hop.remote_address})"
    lines += [f"{n}: {v}" for n, v in req.headers]
    lines.append(f"[request body: {human_size(req.body_size)}]")
    lines.append("")
    if hop.response is None:
        lines.append("[no response]")
    else:
        r = hop.response
        lines.append(f"{r.http_version} {r.status} {r.reason}")
        lines += [f"{n}: {v}" for n, v in r.headers]
        for name in ("WWW-Authenticate", "Proxy-Authenticate"):
            for n, v in r.headers:
                if n.lower() == name.lower():
                    lines.append(f"[{name} challenge]")
                    lines += describe(v)
        lines.append(f"[response body: {human_size(r.body_size)} decoded, "
                     f"{human_size(r.body_wire_size)} on the wire]")
        if r.body_error:
            lines.append(f"[{r.body_error}]")
    if hop.tls is not None:
        lines.append("")
        lines.append("TLS: " + "\n".join(tls_text(hop.tls)))
    if hop.client_certificate is not None:
        lines.append("")
        lines += client_cert_text(hop.client_certificate)
    t = hop.timings
    lines.append("")
    lines.append("Timings: " + ", ".join(
        f"{name} {human_time(value)}" for name, value in (
            ("DNS", t.dns), ("connect", t.connect), ("TLS", t.tls), ("send", t.send),
            ("wait", t.wait), ("receive", t.receive), ("total", t.total))))
    if hop.next_reason:
        lines.append(f"Next: {hop.next_reason}")
    return "\n".join(lines)


#: How much of the body the whole-body search decodes at a time.
SEARCH_CHUNK = 1 << 20


def search_body(response: ReceivedResponse, needle: str, start: int = 0,
                first: bool = False,
                cancelled: Callable[[], bool] = lambda: False) -> tuple[int, int | None]:
    """Case-insensitive matches of `needle` in the decoded body from byte `start`, read a
    chunk at a time (a spooled body is never loaded whole): (how many, None), or with
    `first`, (1, the byte offset of the end of the chunk holding the first match) as soon
    as one is found, (0, None) if none. Runs in a worker; `cancelled` stops it early."""
    wanted = needle.lower()
    if not wanted:
        return 0, None
    try:
        decoder = codecs.getincrementaldecoder(response.charset or "utf-8")("replace")
    except LookupError:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
    data, offset, count, tail = response.data, start, 0, ""
    while offset < data.size and not cancelled():
        chunk = data.read(offset, SEARCH_CHUNK)
        offset += len(chunk)
        # The tail is shorter than the needle, so a match found here ends in this chunk
        # and is never counted twice.
        text = tail + decoder.decode(chunk, final=offset >= data.size).lower()
        found = text.count(wanted)
        if first and found:
            return 1, offset
        count += found
        tail = text[-(len(wanted) - 1):] if len(wanted) > 1 else ""
    return count, None


def search_text(text: str, needle: str, start: int = 0, first: bool = False,
                cancelled: Callable[[], bool] = lambda: False) -> tuple[int, int | None]:
    """search_body over a text held in memory (a pretty-printed body, a filter's result),
    a window at a time: lower-casing all of a large text at once holds the GIL for as
    long and copies it whole. With `first`, (1, the offset just past the first match)."""
    wanted = needle.lower()
    if not wanted:
        return 0, None
    offset, count, tail = start, 0, ""
    while offset < len(text) and not cancelled():
        window = tail + text[offset:offset + SEARCH_CHUNK].lower()
        if first:
            at = window.find(wanted)
            if at >= 0:
                return 1, offset - len(tail) + at + len(wanted)
        else:
            count += window.count(wanted)  # as in search_body: never counted twice
        offset += SEARCH_CHUNK
        tail = window[-(len(wanted) - 1):] if len(wanted) > 1 else ""
    return count, None
