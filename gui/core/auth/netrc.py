"""Credentials from a netrc file, on httpx.NetRCAuth."""

from __future__ import annotations

import netrc
import os
from typing import TYPE_CHECKING, Any

from .base import AuthContext, AuthError, Field, FieldKind, Scheme

if TYPE_CHECKING:
    import httpx


def netrc_path(given: str) -> str:
    """The file to read: the one given, else $NETRC, else ~/.netrc (as curl does)."""
    return os.path.expanduser(given or os.environ.get("NETRC") or "~/.netrc")


def _parse(path: str) -> netrc.netrc:
    try:
        return netrc.netrc(path)
    except FileNotFoundError:
        raise AuthError(f"The netrc file {path} does not exist.") from None
    except netrc.NetrcParseError as exc:
        raise AuthError(f"The netrc file {exc.filename} does not parse at line {exc.lineno}: "
                        f"{exc.msg}.") from None
    except OSError as exc:
        raise AuthError(f"The netrc file {path} cannot be read: {exc.strerror}.") from None


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
        try:
            parsed = _parse(netrc_path(str(self.values(values)["file"])))
        except AuthError:
            return []
        if "default" in parsed.hosts:
            return ["This netrc file has a `default` entry: its credentials go to every host "
                    "without an entry of its own, even over plain http."]
        return []

    def build(self, values: dict[str, Any], context: AuthContext | None = None) -> httpx.Auth:
        import httpx

        path = netrc_path(str(self.values(values)["file"]))
        _parse(path)  # the messages above, rather than httpx's bare exceptions
        return httpx.NetRCAuth(file=path)
