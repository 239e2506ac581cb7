"""An exchange as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): an entry
per hop, redirects, challenges and token calls included.

Built only from the record (`Exchange`), which is masked when each hop is recorded:
URLs, headers and request bodies hold `****` where a secret was, never the request as
resolved. A HAR file leaves the machine (a bug report, a colleague), so nothing the
record does not show may go into it; and since a response body is recorded as it came
(a server may echo a credential back), every text is masked once more with the
`secrets` the caller knows (the request's own and its secret variables'), as Copy as
curl does.

A CONNECT to a proxy is not an entry: HAR wants an absolute URL for each, and a tunnel's
target is `host:port`. As browsers export them, the CONNECTs (407s and answers
included) are folded into the request that went through the tunnel: their time in
`timings._blocked_proxy` (Chrome's name), each with its status in `_proxyConnects`, and
the proxy in `_proxy`.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ... import __version__
from ..http.cookies import parse_set_cookie
from ..http.exchange import Exchange, Hop, HopKind, ReceivedResponse, SentRequest
from ..http.masking import Masker, masker

#: Response bodies larger than this are described, not included.
MAX_CONTENT = 10 * 1024 * 1024
_TEXT_TYPES = ("text/", "json", "xml", "javascript", "x-www-form-urlencoded", "html",
               "csv", "yaml", "graphql")


def to_har(exchange: Exchange, started: datetime | None = None,
           secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """The HAR document for `exchange`. `started` is when it was sent (default: now
    less its duration); `secrets` are masked wherever they appear."""
    if started is None:
        started = datetime.now(UTC) - timedelta(seconds=exchange.total)
    elif started.tzinfo is None:
        started = started.astimezone()
    m = masker(tuple(secrets))
    entries: list[dict[str, Any]] = []
    connects: list[Hop] = []
    for hop in exchange.hops:
        if hop.kind is HopKind.CONNECT:
            connects.append(hop)
            continue
        entries.append(_entry(hop, started, m, connects))
        connects = []
    log: dict[str, Any] = {"version": "1.2",
                           "creator": {"name": "Gatepost", "version": __version__},
                           "entries": entries}
    if exchange.error is not None:
        said = m.text(f"{exchange.error.kind}: {exchange.error.message}")
        if entries and not connects:
            entries[-1]["comment"] = said
        else:
            log["comment"] = said  # it ended at a CONNECT: no request to say it on
    return {"log": log}


def dumps(exchange: Exchange, started: datetime | None = None,
          secrets: tuple[str, ...] = ()) -> str:
    return json.dumps(to_har(exchange, started, secrets), indent=2, ensure_ascii=False)


def _ms(seconds: float | None) -> float:
    return -1 if seconds is None else round(seconds * 1000, 3)


def _entry(hop: Hop, started: datetime, m: Masker, connects: list[Hop]) -> dict[str, Any]:
    t = hop.timings
    connect = None if t.connect is None else t.connect + (t.tls or 0.0)
    timings = {"blocked": -1, "dns": _ms(t.dns), "connect": _ms(connect), "ssl": _ms(t.tls),
               "send": max(_ms(t.send), 0), "wait": max(_ms(t.wait), 0),
               "receive": max(_ms(t.receive), 0)}
    total = sum(v for k, v in timings.items() if v > 0 and k != "ssl")
    version = hop.response.http_version if hop.response is not None else "HTTP/1.1"
    entry: dict[str, Any] = {
        "startedDateTime": (started + timedelta(seconds=t.start)).isoformat(
            timespec="milliseconds"),
        "time": round(total, 3),
        "request": _request(hop.request, version, m),
        "response": _response(hop.response, version, m),
        "cache": {},
        "timings": timings,
        "_kind": hop.kind.value,
    }
    if hop.remote_address:
        entry["serverIPAddress"] = hop.remote_address.rsplit(":", 1)[0].strip("[]")
    if hop.proxy:
        entry["_proxy"] = hop.proxy
    if connects:
        spent = sum(c.timings.total for c in connects)
        timings["_blocked_proxy"] = _ms(spent)
        entry["time"] = round(entry["time"] + _ms(spent), 3)
        entry["startedDateTime"] = (started + timedelta(seconds=connects[0].timings.start)
                                    ).isoformat(timespec="milliseconds")
        entry["_proxyConnects"] = [_connect(c, m) for c in connects]
    return entry


def _connect(hop: Hop, m: Masker) -> dict[str, Any]:
    out: dict[str, Any] = {"target": hop.request.url, "time": _ms(hop.timings.total)}
    if hop.response is not None:
        out["status"] = hop.response.status
        out["statusText"] = hop.response.reason
        challenge = _header(hop.response.headers, "proxy-authenticate")
        if challenge:
            out["proxyAuthenticate"] = m.text(challenge)
    sent = _header(hop.request.headers, "proxy-authorization")
    if sent:
        out["proxyAuthorization"] = m.header("Proxy-Authorization", sent)
    return out


def _header(headers: list[tuple[str, str]], name: str) -> str:
    name = name.lower()
    return next((v for n, v in headers if n.lower() == name), "")


def _request(sent: SentRequest, version: str, m: Masker) -> dict[str, Any]:
    headers = [(n, m.header(n, v)) for n, v in sent.headers]
    url = m.text(sent.url)
    cookies = []
    for n, v in headers:
        if n.lower() == "cookie":
            for pair in v.split(";"):
                name, _, value = pair.strip().partition("=")
                if name:
                    cookies.append({"name": name, "value": value})
    query = urlsplit(url).query
    out: dict[str, Any] = {
        "method": sent.method,
        "url": url,
        "httpVersion": version,
        "cookies": cookies,
        "headers": [{"name": n, "value": v} for n, v in headers],
        "queryString": [{"name": n, "value": v}
                        for n, v in parse_qsl(query, keep_blank_values=True)],
        "headersSize": sent.head_size or -1,
        "bodySize": sent.body_size,
    }
    if sent.body_size:
        mime = _header(sent.headers, "content-type")
        post: dict[str, Any] = {"mimeType": mime, "text": ""}
        if sent.body is None:
            post["comment"] = f"The body ({sent.body_size} bytes) was too large to keep."
        else:
            post["text"] = m.text(sent.body.decode("utf-8", errors="replace"))
            if mime.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
                post["params"] = [{"name": n, "value": v} for n, v in
                                  parse_qsl(post["text"], keep_blank_values=True)]
        out["postData"] = post
    return out


def _response(received: ReceivedResponse | None, version: str, m: Masker) -> dict[str, Any]:
    if received is None:
        # HAR has no entry without a response: status 0 says none came, as browsers do.
        return {"status": 0, "statusText": "", "httpVersion": version, "cookies": [],
                "headers": [], "content": {"size": 0, "mimeType": ""},
                "redirectURL": "", "headersSize": -1, "bodySize": -1}
    headers = [(n, m.header(n, v)) for n, v in received.headers]
    cookies = []
    for n, v in headers:
        if n.lower() == "set-cookie":
            parsed = parse_set_cookie(v)
            if parsed is not None:
                cookie: dict[str, Any] = {"name": parsed.name, "value": parsed.value}
                for key, value in (("path", parsed.path), ("domain", parsed.domain),
                                   ("expires", parsed.expires)):
                    if value:
                        cookie[key] = value
                cookie["httpOnly"], cookie["secure"] = parsed.http_only, parsed.secure
                cookies.append(cookie)
    mime = received.header("content-type") or ""
    content: dict[str, Any] = {"size": received.body_size, "mimeType": mime}
    if received.body_wire_size and received.body_wire_size != received.body_size:
        content["compression"] = received.body_size - received.body_wire_size
    if received.body_size > MAX_CONTENT:
        content["comment"] = f"The body ({received.body_size} bytes) is not included."
    elif received.body_size:
        data = received.data.read(0, received.body_size)
        text = _as_text(data, received.charset, mime)
        if text is None:
            content["text"], content["encoding"] = base64.b64encode(data).decode(), "base64"
        else:
            content["text"] = m.text(text)
    if received.body_error:
        content["comment"] = received.body_error
    return {
        "status": received.status,
        "statusText": received.reason,
        "httpVersion": received.http_version,
        "cookies": cookies,
        "headers": [{"name": n, "value": v} for n, v in headers],
        "content": content,
        "redirectURL": m.text(received.header("location") or ""),
        "headersSize": received.head_size or -1,
        "bodySize": received.body_wire_size,
    }


def _as_text(data: bytes, charset: str | None, mime: str) -> str | None:
    textual = any(t in mime.lower() for t in _TEXT_TYPES)
    try:
        text = data.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return data.decode("utf-8", errors="replace") if textual else None
    return text if textual or "\x00" not in text else None
