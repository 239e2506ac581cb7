"""Certificate settings: client certificates (mutual TLS) and extra CA bundles per host
pattern, and whether to trust the operating system's certificate store.

What the other clients offer, with their rules:

- A host pattern is a host name or address with an optional port: `api.example.com`,
  `*.example.com` (any subdomain, not the bare domain), `*` (every host),
  `127.0.0.1:8443`, `[::1]:8443`. Without a port it matches every port. Matching is
  case-insensitive; `*` is the only wildcard.
- The first enabled client certificate whose pattern matches a request's host is
  offered (a server that does not ask for one never sees it); every enabled CA bundle
  whose pattern matches is trusted in addition to the base trust.
- The base trust is the operating system's store through truststore (the default: what
  the user's browser and company proxy rely on), or the Mozilla bundle httpx ships.

A certificate is PEM (certificate file, key in the same file or its own) or PKCS#12.
Whatever it is, it is checked before anything is sent — files readable, passphrase
right, key matching the certificate, the certificate valid now — and each problem is one
sentence naming the pattern and the file. The passphrase is a secret: it lives in the
keychain (`tls-passphrase:<id>`), never in the settings file.

Python's `ssl` only loads a client certificate from a file. So the identity is written,
certificate chain plus key encrypted under a random one-time password, to a private
temporary file that is removed as soon as OpenSSL has read it: the key is never on disk
in the clear, whatever form the user's file had.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import ssl
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import certifi
import truststore

from ..storage.atomic import write_atomic
from ..storage.paths import tls_settings_file
from .files import (
    TlsSetupError,
    load_ca_file,
    load_identity,
)

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore

SECRET_PREFIX = "tls-passphrase:"
FORMAT_VERSION = 1


@dataclass
class HostPattern:
    host: str
    port: int | None = None

    @classmethod
    def parse(cls, text: str) -> HostPattern:
        """The pattern typed; ValueError with a readable message when it is not one."""
        raw = text.strip()
        if "://" in raw:  # people paste URLs; keep only the authority
            raw = raw.split("://", 1)[1]
        raw = raw.split("/", 1)[0]
        if not raw:
            raise ValueError("the host pattern is empty")
        port: int | None = None
        host = raw
        if raw.startswith("["):
            end = raw.find("]")
            if end < 0:
                raise ValueError(f"{text!r}: an IPv6 address needs its closing ]")
            host, rest = raw[1:end], raw[end + 1:]
            if rest:
                if not rest.startswith(":"):
                    raise ValueError(f"{text!r}: expected :port after ]")
                port = _port(rest[1:], text)
        elif raw.count(":") == 1:
            host, _, port_text = raw.partition(":")
            port = _port(port_text, text)
        if not host and port is not None:
            host = "*"  # ":8443" is every host on that port
        if not host or any(c.isspace() for c in host):
            raise ValueError(f"{text!r} is not a host name (try *:PORT for every host on "
                             "a port)" if not host else f"{text!r} is not a host name")
        return cls(_ascii_host(host), port)

    def matches(self, host: str, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        host = _ascii_host(host.strip("[]"))
        if self.host == "*":
            return True
        if "*" not in self.host:
            return host == self.host
        # fnmatch's other wildcards ([…], ?) are escaped: `*` is the only one we offer.
        glob = self.host.replace("[", "[[]").replace("?", "[?]")
        return fnmatch.fnmatchcase(host, glob)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


def _ascii_host(host: str) -> str:
    """Lower case, no trailing dot, international labels as IDNA (xn--…), so that a
    pattern typed either way matches the host httpx reports either way."""
    labels = []
    for label in host.lower().rstrip(".").split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def _port(text: str, whole: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{whole!r}: the port must be a number from 1 to 65535")
    return int(text)


@functools.lru_cache(maxsize=256)
def _parsed(pattern: str) -> HostPattern | None:
    # Every HTTPS request asks each pattern; the text is parsed once.
    try:
        return HostPattern.parse(pattern)
    except ValueError:
        return None


def host_matches(pattern: str, host: str, port: int) -> bool:
    parsed = _parsed(pattern)
    return parsed is not None and parsed.matches(host, port)


@dataclass
class ClientCert:
    """One client certificate bound to a host pattern."""

    host: str
    #: "pem" (cert + key files) or "pkcs12" (one .p12/.pfx file in `cert`).
    kind: str = "pem"
    cert: str = ""
    #: PEM key file; empty when the key is in the certificate file.
    key: str = ""
    #: Never written to the settings file; kept in the keychain.
    passphrase: str = field(default="", repr=False)
    enabled: bool = True
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    #: Where the passphrase is in the keychain when not at `SECRET_PREFIX + id` (a
    #: collection's certificate: gui/core/collections/tls.py). Never written to a file.
    keychain_key: str = field(default="", repr=False, compare=False)
    #: The collection this certificate belongs to, for messages; "" for a global one.
    owner: str = field(default="", repr=False, compare=False)

    @property
    def label(self) -> str:
        where = f" (collection {self.owner})" if self.owner else ""
        return f"the client certificate for {self.host or '(no host)'}{where}"

    def version(self) -> tuple:
        """Changes when the files are replaced: a renewed certificate is picked up
        without a restart."""
        stamps = []
        for path in (self.cert, self.key):
            try:
                info = os.stat(os.path.expanduser(path)) if path else None
            except OSError:
                info = None
            stamps.append((info.st_mtime_ns, info.st_size) if info else None)
        return (self.id, self.kind, self.cert, self.key, self.passphrase, *stamps)


@dataclass
class CaBundle:
    """CA certificates (a PEM file) trusted, in addition, for hosts matching a pattern."""

    host: str
    path: str
    enabled: bool = True


@dataclass
class TlsSettings:
    system_trust: bool = True
    client_certs: list[ClientCert] = field(default_factory=list)
    ca_bundles: list[CaBundle] = field(default_factory=list)
    #: Reads a passphrase from the keychain by key, when a certificate is first used:
    #: a session that never talks to that host never reads it.
    secret_lookup: Callable[[str], str | None] | None = field(
        default=None, compare=False, repr=False)

    def passphrase(self, cert: ClientCert) -> str:
        if not cert.passphrase and self.secret_lookup is not None:
            key = cert.keychain_key or SECRET_PREFIX + cert.id
            cert.passphrase = self.secret_lookup(key) or ""
        return cert.passphrase

    @property
    def routed(self) -> bool:
        """True when some host gets something other than the base trust."""
        return any(c.enabled for c in self.client_certs) or any(
            b.enabled for b in self.ca_bundles)

    def client_cert_for(self, host: str, port: int) -> ClientCert | None:
        return next((c for c in self.client_certs
                     if c.enabled and host_matches(c.host, host, port)), None)

    def ca_bundles_for(self, host: str, port: int) -> tuple[str, ...]:
        return tuple(b.path for b in self.ca_bundles
                     if b.enabled and host_matches(b.host, host, port))

    def problems(self) -> list[str]:
        """Everything wrong with the settings, each a sentence; expiry included."""
        found = []
        for bundle in self.ca_bundles:
            if not bundle.enabled:
                continue
            found += [f"CA bundle for {bundle.host or '(no host)'}: {p}"
                      for p in _bundle_problems(bundle)]
        for cert in self.client_certs:
            if not cert.enabled:
                continue
            try:
                HostPattern.parse(cert.host)
                load_identity(cert, check_dates=True)
            except (ValueError, TlsSetupError) as exc:
                text = str(exc)
                found.append(text if text.startswith("The client certificate") else
                             f"The client certificate for {cert.host or '(no host)'}: {text}.")
        return found


def _bundle_problems(bundle: CaBundle) -> list[str]:
    try:
        HostPattern.parse(bundle.host)
    except ValueError as exc:
        return [str(exc)]
    try:
        load_ca_file(bundle.path)
    except TlsSetupError as exc:
        return [str(exc)]
    return []


# -- SSL contexts ------------------------------------------------------------------------


def base_context(system_trust: bool, verify: bool) -> ssl.SSLContext:
    """A client context with the base trust (or none, when verification is off)."""
    if not verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if system_trust:
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context(cafile=certifi.where())


# -- storage -----------------------------------------------------------------------------


def to_dict(settings: TlsSettings) -> dict:
    certs = []
    for cert in settings.client_certs:
        entry = asdict(cert)
        del entry["passphrase"], entry["keychain_key"], entry["owner"]
        certs.append(entry)
    return {"version": FORMAT_VERSION, "system_trust": settings.system_trust,
            "client_certificates": certs,
            "ca_bundles": [asdict(b) for b in settings.ca_bundles]}


def _entries(data: dict, name: str) -> list[dict]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise TlsSetupError(f"The certificate settings file is damaged: {name!r} is not a "
                            "list of entries.")
    return value


def from_dict(data: dict) -> TlsSettings:
    def text(entry: dict, name: str, default: str = "") -> str:
        value = entry.get(name, default)
        return value if isinstance(value, str) else default

    certs = [ClientCert(host=text(c, "host"), kind=text(c, "kind", "pem"),
                        cert=text(c, "cert"), key=text(c, "key"),
                        enabled=bool(c.get("enabled", True)),
                        id=text(c, "id") or uuid.uuid4().hex[:12])
             for c in _entries(data, "client_certificates")]
    bundles = [CaBundle(host=text(b, "host"), path=text(b, "path"),
                        enabled=bool(b.get("enabled", True)))
               for b in _entries(data, "ca_bundles")]
    return TlsSettings(system_trust=bool(data.get("system_trust", True)),
                       client_certs=certs, ca_bundles=bundles)


def load(store: SecretStore | None = None) -> TlsSettings:
    """The saved settings, passphrases filled from the keychain when `store` is given.
    A missing file is the defaults; a damaged one raises TlsSetupError naming it."""
    path = tls_settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return TlsSettings()
    except (OSError, ValueError) as exc:
        raise TlsSetupError(f"The certificate settings in {path} cannot be read: {exc}. "
                            "They were left as they are; fix or delete the file.") from None
    if not isinstance(data, dict):
        raise TlsSetupError(f"The certificate settings in {path} are not a JSON object.")
    try:
        settings = from_dict(data)
    except TlsSetupError as exc:
        raise TlsSetupError(f"{exc} ({path}). It was left as it is; fix or delete it.") \
            from None
    if store is not None:
        for cert in settings.client_certs:
            cert.passphrase = store.get(SECRET_PREFIX + cert.id) or ""
    return settings


def save(settings: TlsSettings, store: SecretStore | None = None,
         previous: TlsSettings | None = None) -> None:
    """Write the settings atomically; passphrases go to the keychain, and those of
    certificates that were removed are forgotten. The file is written first: when it
    cannot be, the keychain is left as it was too."""
    text = json.dumps(to_dict(settings), indent=2) + "\n"
    write_atomic(tls_settings_file(), text.encode("utf-8"))
    if store is not None:
        for cert in settings.client_certs:
            if cert.passphrase:
                store.set(SECRET_PREFIX + cert.id, cert.passphrase)
            else:
                store.delete(SECRET_PREFIX + cert.id)
        kept = {c.id for c in settings.client_certs}
        for cert in previous.client_certs if previous else []:
            if cert.id not in kept:
                store.delete(SECRET_PREFIX + cert.id)
