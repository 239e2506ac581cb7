"""A hop of the Timeline as sections a person reads, each one copyable on its own:
the request (line, headers, body), the response (status line, headers, sizes), each
auth challenge parsed into its parameters beside the answer the next hop sent, the
cookies, the proxy, TLS and the timings.

No Qt here: the window draws these (gui/widgets/response/hop_detail.py); everything
shown was already masked by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .http.challenge import MalformedChallenge, parse
from .present import client_cert_text, human_size, human_time, looks_binary, tls_text

if TYPE_CHECKING:
    from .http.exchange import Exchange, Hop

#: How much of a request body the section shows (the rest is said, not drawn).
BODY_PREVIEW = 4096
CHALLENGE_HEADERS = {"www-authenticate": "authorization",
                     "proxy-authenticate": "proxy-authorization"}
COOKIE_SOURCES = {"jar": "sent from the jar", "set": "stored", "deleted": "deleted",
                  "rejected": "refused"}


@dataclass
class Section:
    key: str
    title: str
    #: The first line, shown large (a request line, a status line, a scheme).
    headline: str = ""
    #: Name/value rows (headers, parameters, certificate fields).
    rows: list[tuple[str, str]] = field(default_factory=list)
    #: Text shown as it is (a body), monospace.
    text: str = ""
    #: A sentence under the rows (sizes, why something is missing).
    note: str = ""
    #: For the colour of the headline: "request", a status class ("2xx"), "error".
    tone: str = ""

    def copy_text(self) -> str:
        """What its Copy button puts on the clipboard: HTTP's own text where it has
        one (a head is `Name: value` lines), else `name: value` lines."""
        parts = [self.headline] if self.headline else []
        parts += [f"{n}: {v}" for n, v in self.rows]
        if self.text:
            parts += ["", self.text] if parts else [self.text]
        return "\n".join(parts)


def hop_sections(exchange: Exchange, index: int) -> list[Section]:
    hop = exchange.hops[index]
    following = exchange.hops[index + 1] if index + 1 < len(exchange.hops) else None
    out = [_request(hop)]
    body = _request_body(hop)
    if body is not None:
        out.append(body)
    out.append(_response(hop))
    out += _challenges(hop, following, index + 2)
    if hop.cookies:
        out.append(_cookies(hop))
    if hop.proxy:
        out.append(Section("proxy", "Proxy", hop.proxy, [("Handshake", human_time(
            hop.timings.proxy))] if hop.timings.proxy else [],
            note="The hop went through this proxy (its credentials are never shown)."))
    if hop.tls is not None or hop.client_certificate is not None:
        out.append(_tls(hop))
    out.append(_timings(hop))
    return out


def _request(hop: Hop) -> Section:
    req = hop.request
    note = f"Sent to {hop.remote_address}." if hop.remote_address else ""
    return Section("request", "Request", f"{req.method} {req.url}", list(req.headers),
                   note=note, tone="request")


def _request_body(hop: Hop) -> Section | None:
    req = hop.request
    if not req.body_size:
        return None
    size = human_size(req.body_size)
    if req.body is None:
        return Section("request-body", "Request body", note=f"{size}, too large to keep "
                       "for display.")
    sample = req.body[:BODY_PREVIEW]
    if looks_binary(sample):
        return Section("request-body", "Request body", note=f"{size} of binary data.")
    text = sample.decode("utf-8", "replace")
    more = f" (the first {human_size(BODY_PREVIEW)} shown)" if req.body_size > BODY_PREVIEW \
        else ""
    return Section("request-body", "Request body", text=text, note=f"{size}{more}.")


def _response(hop: Hop) -> Section:
    r = hop.response
    if r is None:
        return Section("response", "Response", "No response", tone="error",
                       note="The server sent no status line for this hop.")
    note = (f"Body: {human_size(r.body_size)} decoded, {human_size(r.body_wire_size)} "
            "on the wire.")
    if r.body_error:
        note += f" {r.body_error}"
    return Section("response", "Response", f"{r.http_version} {r.status} {r.reason}",
                   list(r.headers), note=note, tone=f"{r.status // 100}xx")


def _challenges(hop: Hop, following: Hop | None, next_number: int) -> list[Section]:
    if hop.response is None:
        return []
    out = []
    for name, value in hop.response.headers:
        answer_header = CHALLENGE_HEADERS.get(name.lower())
        if answer_header is None:
            continue
        try:
            challenges = parse(value)
        except MalformedChallenge as exc:
            out.append(Section("challenge", f"Challenge ({name})", value, tone="error",
                               note=f"It does not parse: {exc}."))
            continue
        for c in challenges:
            rows = [(k, v) for k, v in c.params.items()]
            if c.token:
                rows.append(("token", c.token))
            out.append(Section("challenge", f"Challenge ({name})", c.scheme, rows,
                               note="" if rows else "No parameters."))
        answer = _answer(following, answer_header)
        if answer is not None:
            answer.title = f"Answer sent in hop {next_number} ({answer.title})"
            out.append(answer)
    return out


def _answer(following: Hop | None, header: str) -> Section | None:
    """The credentials the next hop sent for a challenge, parsed the same way (Digest's
    and most schemes' credentials are auth-params too)."""
    if following is None:
        return None
    for name, value in following.request.headers:
        if name.lower() != header:
            continue
        scheme, _, rest = value.partition(" ")
        rows: list[tuple[str, str]] = []
        try:
            parsed = parse(value)
            if len(parsed) == 1 and (parsed[0].params or parsed[0].token):
                rows = list(parsed[0].params.items())
                if parsed[0].token:
                    rows.append(("credentials", parsed[0].token))
        except MalformedChallenge:
            pass
        if not rows and rest:
            rows = [("credentials", rest)]
        return Section("answer", name, scheme, rows)
    return None


def _cookies(hop: Hop) -> Section:
    rows = []
    for c in hop.cookies:
        attrs = [a for a in (c.domain and f"domain {c.domain}", c.path and f"path {c.path}",
                             c.expires, c.secure and "Secure", c.http_only and "HttpOnly",
                             c.same_site and f"SameSite={c.same_site}") if a]
        detail = f"{c.name}={c.value}" + (f"  ({', '.join(attrs)})" if attrs else "")
        if c.note:
            detail += f": {c.note}"
        rows.append((COOKIE_SOURCES.get(c.source, c.source), detail))
    return Section("cookies", "Cookies", rows=rows)


def _tls(hop: Hop) -> Section:
    rows: list[tuple[str, str]] = []
    headline = ""
    if hop.tls is not None:
        t = hop.tls
        headline = f"{t.version}, {t.cipher}"
        rows.append(("ALPN", t.alpn or "none"))
        for line in tls_text(t)[1:]:
            name, _, value = line.strip().partition(":")
            rows.append((name.strip(), value.strip()) if value else (line.strip(), ""))
    if hop.client_certificate is not None:
        lines = client_cert_text(hop.client_certificate)
        rows.append((lines[0], ""))
        for line in lines[1:]:
            name, _, value = line.strip().partition(":")
            rows.append((name.strip(), value.strip()))
    return Section("tls", "TLS", headline, rows)


def _timings(hop: Hop) -> Section:
    t = hop.timings
    rows = [(name, human_time(value)) for name, value in (
        ("DNS", t.dns), ("Connect", t.connect), ("TLS", t.tls), ("Send", t.send),
        ("Wait", t.wait), ("Receive", t.receive), ("Proxy", t.proxy)) if value]
    rows.append(("Total", human_time(t.total)))
    note = f"Next: {hop.next_reason}." if hop.next_reason else ""
    return Section("timings", "Timings", rows=rows, note=note)
