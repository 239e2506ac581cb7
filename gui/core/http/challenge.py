"""Read `WWW-Authenticate` / `Proxy-Authenticate` for people (RFC 9110 section 11.6.1).

Parsing is for display only: the auth scheme itself (httpx) answers the challenge.
A header that does not parse is reported as such and shown raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_PARAM = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN}=*)\s*(,|$)')
_SCHEME = re.compile(rf"\s*({_TOKEN})(?:\s+|$)")


@dataclass
class Challenge:
    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    #: token68 form, e.g. `Negotiate <base64>`
    token: str | None = None


class MalformedChallenge(ValueError):
    pass


def parse(header: str) -> list[Challenge]:
    """Every challenge in the header, in order; MalformedChallenge when it is not valid."""
    challenges: list[Challenge] = []
    rest = header.strip()
    while rest:
        m = _SCHEME.match(rest)
        if not m:
            raise MalformedChallenge(f"expected an auth scheme at {rest[:30]!r}")
        challenge = Challenge(m.group(1))
        challenges.append(challenge)
        rest = rest[m.end():]
        token = re.match(r"([A-Za-z0-9._~+/-]+=*)\s*(,|$)", rest)
        if token and not _PARAM.match(rest):
            challenge.token = token.group(1)
            rest = rest[token.end():].lstrip(", ")
            continue
        while rest:
            p = _PARAM.match(rest)
            if not p:
                if _SCHEME.match(rest):
                    break  # the next challenge
                raise MalformedChallenge(f"cannot read {rest[:30]!r}")
            value = p.group(2)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            challenge.params[p.group(1).lower()] = value
            rest = rest[p.end():].lstrip(", ")
            if p.group(3) == "" or (rest and not _PARAM.match(rest)):
                break
    if not challenges:
        raise MalformedChallenge("the header is empty")
    return challenges


def describe(header: str) -> list[str]:
    """Lines for the History tab: scheme and parameters, or why it does not parse."""
    try:
        challenges = parse(header)
    except MalformedChallenge as exc:
        return [f"  (does not parse: {exc}; raw: {header})"]
    lines = []
    for c in challenges:
        parts = [f"{k}={v}" for k, v in c.params.items()]
        if c.token:
            parts.append(f"token={c.token}")
        lines.append(f"  {c.scheme}: " + (", ".join(parts) if parts else "(no parameters)"))
    return lines
