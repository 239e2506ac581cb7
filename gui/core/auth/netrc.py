"""Credentials from a netrc file, for the request's host.

httpx.NetRCAuth sends nothing for an entry without a password and an empty user name
for one without a login, without a word; here an incomplete entry stops the request
with a sentence naming the file and the host.
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Generator
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import deferred
from .base import AuthContext, AuthError, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx

    from .base import AuthFactory


def netrc_path(given: str) -> str:
    """The file to read: the one given, else $NETRC, else ~/.netrc (as curl does)."""
    return os.path.expanduser(given or os.environ.get("NETRC") or "~/.netrc")


def _parse(path: str) -> netrc.netrc:
    try:
        return netrc.netrc(path)
    except FileNotFoundError:
        raise AuthError(f"The netrc file {path} does not exist.") from None
    except netrc.NetrcParseError as exc:
        entry = _entry_at(exc.filename or path, exc.lineno or 0)
        where = f" (in {entry})" if entry else ""
        # The parser counts the line break after the bad token, so it may say the next
        # line.
        raise AuthError(f"The netrc file {exc.filename or path} does not parse near line "
                        f"{exc.lineno}{where}: {exc.msg}.") from None
    except OSError as exc:
        raise AuthError(f"The netrc file {path} cannot be read: {exc.strerror}.") from None


_KEYWORDS = frozenset({"machine", "default", "login", "user", "password", "account",
                       "macdef"})


def _entry_at(path: str, lineno: int) -> str | None:
    """Where a parse error is, for the message: the entry (host) that line `lineno` is
    in, and a keyword left without a value (`login` then a new line: the parser takes the
    next word, often `machine`, as the login)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()[:lineno]
    except OSError:
        return None
    tokens = [t for line in lines if not line.lstrip().startswith("#")
              for t in line.split()]
    entry, empty, i = None, None, 0
    while i < len(tokens):
        token = tokens[i]
        if token == "default":
            entry, empty = "the default entry", None
        elif token in _KEYWORDS and token != "macdef" and i + 1 < len(tokens):
            value = tokens[i + 1]
            if token == "machine":
                entry, empty = value.strip('"'), None
            elif value in _KEYWORDS:
                empty = token
            i += 1
        i += 1
    if entry is None:
        return None
    where = entry if entry == "the default entry" else f"the entry for {entry}"
    return f"{where}: `{empty}` has no value" if empty else where


def _missing(login: str, password: str) -> str | None:
    if not login and not password:
        return "has no login and no password"
    if not password:
        return "has a login but no password"
    if not login:
        return "has a password but no login"
    return None


def _incomplete(parsed: netrc.netrc) -> list[str]:
    return [f"{'the default entry' if host == 'default' else host} {what}"
            for host, (login, _, password) in parsed.hosts.items()
            if (what := _missing(login, password or ""))]


@cache
def _auth_class() -> AuthFactory:
    class NetrcAuth(deferred.httpx.Auth):
        """Basic credentials for the request's host (or the `default` entry)."""

        def __init__(self, path: str, parsed: netrc.netrc) -> None:
            self.path, self.parsed = path, parsed

        def auth_flow(self, request: httpx.Request
                      ) -> Generator[httpx.Request, httpx.Response, None]:
            host = request.url.host
            found = self.parsed.authenticators(host)
            if found is None:
                yield request  # no entry for this host: sent without credentials, as curl
                return
            login, _, password = found
            what = _missing(login, password or "")
            if what:
                entry = f"the entry for {host}" if host in self.parsed.hosts else (
                    f"the default entry (used for {host})")
                raise AuthError(f"The netrc file {self.path}: {entry} {what}. Complete it "
                                "(machine HOST login NAME password SECRET) or choose "
                                "another scheme; nothing was sent.")
            yield from deferred.httpx.BasicAuth(login, password).auth_flow(request)

    return NetrcAuth


class NetrcScheme(Scheme):
    id = "netrc"
    label = "NetRC"
    help = ("User name and password for the request's host from a netrc file: the file "
            "given, else $NETRC, else ~/.netrc. Matched by host name only, not port.")
    fields = (
        Field("file", "File", FieldKind.FILE, placeholder="$NETRC or ~/.netrc"),
    )

    def check(self, values: dict[str, Any]) -> list[str]:
        try:
            _parse(netrc_path(str(self.values(values)["file"])))
        except AuthError as exc:
            return [str(exc)]
        return []

    def notes(self, values: dict[str, Any]) -> list[str]:
        path = netrc_path(str(self.values(values)["file"]))
        try:
            parsed = _parse(path)
        except AuthError:
            return []
        notes = []
        if "default" in parsed.hosts:
            notes.append("This netrc file has a `default` entry: its credentials go to every "
                         "host without an entry of its own, even over plain http.")
        incomplete = _incomplete(parsed)
        if incomplete:
            notes.append(f"In {path}, " + "; ".join(incomplete) + ". A request to such a "
                         "host is stopped, not sent with empty credentials.")
        return notes

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        path = netrc_path(str(self.values(values)["file"]))
        parsed = _parse(path)  # the messages above, rather than httpx's bare exceptions
        return _auth_class()(path, parsed)

