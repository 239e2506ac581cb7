"""An exchange as a curl command line, secrets masked.

Built from the masked record and a masked copy of the request (masking.mask_spec),
never from the request as resolved: an export holds no secret, only `****` where one
was. It reproduces the exchange from the URL the person sent (the first hop of their
own request, not the last hop of a redirect chain), with `-L` when redirects were
followed, so curl replays the redirects (and a 307/308's body) itself.
"""

from __future__ import annotations

import shlex

from ..model import BodyKind, RequestSpec
from .exchange import Exchange, HopKind, SentRequest
from .masking import MASK, mask_spec, masker, spec_secrets

#: Headers curl writes itself.
_CURL_OWN = {"host", "content-length", "user-agent", "accept-encoding", "connection"}
#: Schemes curl runs itself from `-u`: the header it would send is dropped.
_CURL_AUTH = {"basic": "", "digest": "--digest"}


def to_curl(exchange: Exchange, spec: RequestSpec | None = None,
            secrets: tuple[str, ...] = ()) -> str:
    """curl for the exchange; "" when nothing was sent. `spec` is the request that was
    sent (masked here again, with `secrets` and the secrets it holds itself)."""
    sent = _first_request(exchange)
    if sent is None:
        return ""
    if spec is not None:
        secrets = spec_secrets(spec, secrets)
        spec = mask_spec(spec, secrets)
    m = masker(tuple(secrets))
    parts = ["curl"]
    if any(h.kind is HopKind.REDIRECT for h in exchange.hops):
        parts.append("-L")
    body = _body(sent, spec)
    if sent.method == "HEAD":
        parts.append("-I")
    elif not (sent.method == "GET" and not body) and not (sent.method == "POST" and body):
        # curl sends data as a POST on its own; -X elsewhere only, since with -L it
        # would keep the method even where a 303 turns it into a GET.
        parts += ["-X", sent.method]
    if spec is not None:
        if not spec.options.verify_tls:
            parts.append("-k")
        if spec.options.http2:
            parts.append("--http2")
    auth = spec.auth.scheme if spec is not None else ""
    if spec is not None and auth in _CURL_AUTH:
        user = str(spec.auth.values.get("username", ""))
        parts += [*filter(None, [_CURL_AUTH[auth]]), "-u", f"{user}:{MASK}"]
    parts.append(sent.url)
    multipart = any(p == "-F" for p in body)
    for name, value in sent.headers:
        lower = name.lower()
        if lower in _CURL_OWN or (lower == "authorization" and auth in _CURL_AUTH) or \
                (lower == "content-type" and multipart):
            continue  # with -F, curl writes its own boundary
        parts += ["-H", f"{name}: {m.header(name, value)}"]
    sent_names = {name.lower() for name, _ in sent.headers}
    # curl would send its own User-Agent and Accept where this request sent none (its
    # omit_headers): `-H 'Name:'` is curl's way to leave one out.
    parts += [arg for name in ("User-Agent", "Accept") if name.lower() not in sent_names
              for arg in ("-H", f"{name}:")]
    parts += body
    return " ".join(shlex.quote(m.text(p)) for p in parts)


def _first_request(exchange: Exchange) -> SentRequest | None:
    """The user's request as first sent: not a token endpoint an auth flow called."""
    for hop in exchange.hops:
        if hop.kind is HopKind.REQUEST:
            return hop.request
    return exchange.hops[0].request if exchange.hops else None


def _body(sent: SentRequest, spec: RequestSpec | None) -> list[str]:
    if not sent.body_size:
        return []
    if spec is None:
        return _recorded(sent)
    body = spec.body
    if body.kind is BodyKind.FORM:
        return [arg for row in body.rows if row.enabled and row.name
                for arg in ("--data-urlencode", f"{row.name}={row.value}")]
    if body.kind is BodyKind.MULTIPART:
        return [arg for row in body.rows if row.enabled and row.name
                for arg in ("-F", f"{row.name}=@{row.value}" if row.is_file
                            else f"{row.name}={row.value}")]
    if body.kind is BodyKind.FILE:
        return ["--data-binary", f"@{body.path}"]
    # Raw and JSON: the bytes that went over the wire (an auth scheme may have added to
    # them), masked by the engine.
    return _recorded(sent) or ["--data-raw", body.text]


def _recorded(sent: SentRequest) -> list[str]:
    data = getattr(sent, "body", b"")
    if not data:
        return []
    try:
        return ["--data-raw", data.decode("utf-8")]
    except UnicodeDecodeError:
        return []  # binary: not something to paste into a shell
