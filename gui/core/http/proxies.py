"""Which proxy a request goes through: the system's settings, or a proxy set globally or
per collection, with a bypass list (curl's NO_PROXY rules).

The system's settings are what Python's `urllib.request.getproxies()` reads: the
`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` variables (lower case first, as
curl does), and where none is set, the registry's Internet Settings on Windows and the
System Configuration proxies on macOS. Desktop settings on Linux (GNOME, KDE) are not
read: they are exported as those variables by most sessions.

httpx reads the same variables only for a client it builds its own transports for
(`trust_env` is ignored when a transport is given, as the engine's are), so the engine
routes every request itself: `Resolver.route(url)` is the proxy for that URL, or None.
Nothing here does I/O but the settings file's load and save (never on the GUI thread).
"""

from __future__ import annotations

import ipaddress
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import deferred
from ..storage.atomic import write_atomic
from ..storage.paths import proxy_settings_file

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore

#: What the proxy mode may be: the system's, none at all, or the URL given.
MODES = ("system", "none", "manual")
#: Proxy authentication schemes: `any` answers the strongest the proxy offers.
AUTH_SCHEMES = ("none", "any", "basic", "digest", "ntlm", "negotiate")
SCHEMES = ("http", "https", "socks5", "socks5h")
DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
#: The keychain key of the global proxy's password (gui/core/storage/keychain.py).
GLOBAL_PASSWORD_KEY = "proxy/global/password"
#: The keychain place of a collection's proxy password, under its namespace.
COLLECTION_PLACE = "proxy"


def collection_password_key(namespace: str) -> str:
    """The keychain key of a collection's proxy password: `namespace` is the
    collection's on this machine (`Collection.namespace`), never its copyable id."""
    return deferred.keychain.secret_key(namespace, COLLECTION_PLACE, "password")


class ProxySettingsError(ValueError):
    """A proxy URL or bypass entry that cannot be used: the message names it."""


@dataclass(frozen=True)
class Route:
    """The proxy one request goes through. `url` is for display and records: it never
    holds the credentials."""

    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    auth: str = "any"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def is_socks(self) -> bool:
        return self.scheme.startswith("socks")

    @property
    def key(self) -> tuple[str, str, int, str]:
        """What makes two routes one pool: a tunnel opened with one person's
        credentials is not handed to another's."""
        return self.scheme, self.host, self.port, self.username

    def __str__(self) -> str:
        return self.url


def parse_url(text: str, *, username: str = "", password: str = "",
              auth: str = "any") -> Route:
    """A proxy URL as typed (`http://host:3128`, `socks5://host`, `host:8080`), with
    optional `user:password@`; explicit credentials win over those in the URL."""
    raw = text.strip()
    if not raw:
        raise ProxySettingsError("The proxy URL is empty.")
    if "://" not in raw:
        raw = "http://" + raw  # curl's default for a bare host:port
    try:
        parts = urllib.parse.urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ProxySettingsError(f"The proxy URL {shown_url(text)!r} does not parse: {exc}.") \
            from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ProxySettingsError(
            f"The proxy URL {shown_url(text)!r} has the scheme {scheme!r}; Gatepost speaks to "
            "http://, https:// and socks5:// proxies.")
    host = parts.hostname or ""
    if not host or any(c in host for c in " /\\?#"):
        raise ProxySettingsError(f"The proxy URL {shown_url(text)!r} names no host.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxySettingsError(f"The proxy URL {shown_url(text)!r} has a path; a proxy is "
                                 "a scheme, a host and a port only.")
    if auth not in AUTH_SCHEMES:
        raise ProxySettingsError(f"Proxy authentication {auth!r} is not one of "
                                 f"{', '.join(AUTH_SCHEMES)}.")
    user = username or urllib.parse.unquote(parts.username or "")
    secret = password or urllib.parse.unquote(parts.password or "")
    # Negotiate needs no user name: the session's Kerberos ticket is the credential.
    return Route(scheme, host, port or DEFAULT_PORTS[scheme], user, secret,
                 auth if user or auth == "negotiate" else "none")


def has_credentials(text: str) -> bool:
    """Whether a proxy URL holds `user@` or `user:password@`."""
    return "@" in text.strip().partition("://")[2]


def shown_url(text: str) -> str:
    """The URL as it may appear in a message: without its credentials."""
    scheme, sep, rest = text.strip().rpartition("://")
    rest = rest.rpartition("@")[2]
    return f"{scheme}{sep}{rest}"


class Bypass:
    """A NO_PROXY list: `*`, host names (a name matches itself and its subdomains; a
    leading `.` or `*.` is allowed), IP addresses, CIDR ranges, each with an optional
    `:port`. Separated by commas or spaces."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.everything = False
        self._names: list[tuple[str, int | None]] = []
        self._networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network,
                                   int | None]] = []
        for entry in text.replace(",", " ").split():
            self._add(entry)

    def _add(self, entry: str) -> None:
        if entry == "*":
            self.everything = True
            return
        port: int | None = None
        host = entry
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            if rest.startswith(":") and rest[1:].isdigit():
                port = int(rest[1:])
        elif entry.count(":") == 1:
            host, _, text_port = entry.partition(":")
            if not text_port.isdigit():
                raise ProxySettingsError(f"The bypass entry {entry!r} has a port that is "
                                         "not a number.")
            port = int(text_port)
        try:
            self._networks.append((ipaddress.ip_network(host, strict=False), port))
            return
        except ValueError:
            pass
        name = host.lower().removeprefix("*").lstrip(".").rstrip(".")
        if not name or any(c in name for c in "/@?#*"):
            raise ProxySettingsError(f"The bypass entry {entry!r} is not a host name, an "
                                     "address or an address range.")
        self._names.append((name, port))

    def matches(self, host: str, port: int) -> bool:
        if self.everything:
            return True
        if not self._names and not self._networks:
            return False
        host = host.lower().strip("[]").rstrip(".")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if address is not None:
            return any(address in net and p in (None, port) for net, p in self._networks)
        return any((host == name or host.endswith("." + name)) and p in (None, port)
                   for name, p in self._names)


@dataclass
class ProxySettings:
    """The proxy set-up of the window (global) or of a collection. `password` is held
    in memory only: on disk it is in the keychain."""

    mode: str = "system"
    url: str = ""
    bypass: str = ""
    auth: str = "any"
    username: str = ""
    password: str = field(default="", repr=False)
    #: Where the password is kept, read through `secret_lookup` by the Resolver (in the
    #: sending thread) when `password` is empty: a collection's proxy.
    keychain_key: str = field(default="", compare=False)
    secret_lookup: Callable[[str], str | None] | None = field(default=None, repr=False,
                                                             compare=False)
    #: Whose settings these are, for messages ("the collection 'Shop'"); empty: global.
    owner: str = field(default="", compare=False)

    def problems(self) -> list[str]:
        """Everything wrong with the settings, as sentences (empty: usable)."""
        found = []
        if self.mode not in MODES:
            found.append(f"The proxy mode {self.mode!r} is not one of {', '.join(MODES)}.")
        if self.mode == "manual":
            try:
                parse_url(self.url, auth=self.auth)
            except ProxySettingsError as exc:
                found.append(str(exc))
        try:
            Bypass(self.bypass)
        except ProxySettingsError as exc:
            found.append(str(exc))
        return found


class Resolver:
    """Routes each URL: through the manual proxy, the system's, or none."""

    def __init__(self, settings: ProxySettings | None = None,
                 system: Callable[[], dict[str, str]] | None = None) -> None:
        settings = settings or ProxySettings()
        self.settings = settings
        self._manual: Route | None = None
        self._system: dict[str, Route] = {}
        self._system_bypass: Bypass | None = None
        self._platform_bypass: Callable[[str], bool] | None = None
        self.problem: str | None = None
        self.bypass = Bypass()
        try:
            self.bypass = Bypass(settings.bypass)
            if settings.mode == "manual":
                self._manual = parse_url(settings.url, username=settings.username,
                                         password=_password(settings), auth=settings.auth)
            elif settings.mode == "system":
                self._read_system(system() if system else urllib.request.getproxies())
            elif settings.mode != "none":
                raise ProxySettingsError(f"The proxy mode {settings.mode!r} is not one of "
                                         f"{', '.join(MODES)}.")
        except ProxySettingsError as exc:
            # Reported by every request (a request that ignored it would go out directly,
            # past the proxy the person set).
            whose = f" of {settings.owner}" if settings.owner else ""
            self.problem = f"Proxy settings{whose}: {exc}"

    def _read_system(self, found: dict[str, str]) -> None:
        found = {k.lower(): v for k, v in found.items() if v}
        fallback = found.get("all")
        for scheme in ("http", "https"):
            value = found.get(scheme) or fallback
            if value:
                try:
                    self._system[scheme] = parse_url(value)
                except ProxySettingsError as exc:
                    raise ProxySettingsError(f"{exc} (from {scheme.upper()}_PROXY or "
                                             "ALL_PROXY)") from None
        if "no" in found:
            self._system_bypass = Bypass(found["no"])
        elif self._system and not _from_environment():
            # Windows and macOS keep their exception list with the proxies.
            self._platform_bypass = urllib.request.proxy_bypass

    @property
    def active(self) -> bool:
        return bool(self._manual or self._system or self.problem)

    def secrets(self) -> tuple[str, ...]:
        """The proxy passwords, to be masked wherever they could appear."""
        if self._manual is None and not self._system:
            return ()
        routes = [self._manual, *self._system.values()]
        return tuple(r.password for r in routes if r is not None and r.password)

    def route(self, scheme: str, host: str, port: int) -> Route | None:
        if self.problem:
            raise ProxySettingsError(self.problem)
        if self._manual is None and not self._system:
            return None  # no proxy: no bypass list to read, at every hop
        if self.bypass.matches(host, port):
            return None
        if self._manual is not None:
            return self._manual
        chosen = self._system.get(scheme)
        if chosen is None:
            return None
        if self._system_bypass is not None and self._system_bypass.matches(host, port):
            return None
        if self._platform_bypass is not None and self._platform_bypass(host):
            return None
        return chosen


def _password(settings: ProxySettings) -> str:
    if settings.password or not settings.username or not settings.keychain_key or \
            settings.secret_lookup is None:
        return settings.password
    return settings.secret_lookup(settings.keychain_key) or ""


def _from_environment() -> bool:
    return bool(urllib.request.getproxies_environment())


# -- the global settings file (data folder) ------------------------------------------------

def to_dict(settings: ProxySettings) -> dict:
    return {"mode": settings.mode, "url": settings.url, "bypass": settings.bypass,
            "auth": settings.auth, "username": settings.username}


def from_dict(data: dict, where: str = "") -> ProxySettings:
    def text(name: str, default: str = "") -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            raise ProxySettingsError(f"{name} must be text{where}.")
        return value

    return ProxySettings(mode=text("mode", "system"), url=text("url"),
                         bypass=text("bypass"), auth=text("auth", "any"),
                         username=text("username"))


def load(lookup: Callable[[str], str | None] | None = None) -> ProxySettings:
    """The saved global settings (the system's when there are none), the password
    read through `lookup` (a keychain's get). A damaged file raises
    ProxySettingsError naming it; it is left as it is."""
    path = proxy_settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ProxySettings()
    except (OSError, ValueError) as exc:
        raise ProxySettingsError(f"The proxy settings in {path} cannot be read: {exc}. "
                                 "They were left as they are; fix or delete the file.") \
            from None
    if not isinstance(data, dict):
        raise ProxySettingsError(f"The proxy settings in {path} are not a JSON object.")
    settings = from_dict(data, f" in {path}")
    if lookup is not None and settings.username:
        settings.password = lookup(GLOBAL_PASSWORD_KEY) or ""
    return settings


def save(settings: ProxySettings, store: SecretStore | None = None) -> None:
    """Write the settings atomically, the password to the keychain (`store`: a
    SecretStore); the file first, so a file that cannot be written leaves both."""
    write_atomic(proxy_settings_file(),
                 (json.dumps(to_dict(settings), indent=2) + "\n").encode("utf-8"))
    if store is not None:
        if settings.password and settings.username:
            store.set(GLOBAL_PASSWORD_KEY, settings.password)
        else:
            store.delete(GLOBAL_PASSWORD_KEY)
