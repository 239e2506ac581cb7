"""An httpx transport that picks the TLS set-up per request from the certificate settings.

httpx's own `mounts` choose a transport by URL pattern, but only one per request: a host
that matches a client-certificate pattern and a different CA-bundle pattern would get
one or the other. Here the settings decide the pair (client certificate, CA bundles) for
each request's host and port, and one pooled transport serves each distinct pair, so
connections are reused exactly as far as their TLS set-up is the same.

The certificate offered is put in the request's extensions before it is sent, so the
engine records it on the hop even when the handshake then fails. (httpx copies a
request's extensions into the request of a redirect, so the entry is cleared first.)
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from .config import TlsSettings
from .files import Identity, TlsSetupError, load_ca_file, load_identity, upper_first

if TYPE_CHECKING:
    from .config import ClientCert

CLIENT_CERT_EXTENSION = "gatepost.client_certificate"
_Key = tuple[object, tuple[str, ...]]


class TlsRouter(httpx.BaseTransport):
    """`base_context()` makes a fresh context with the base trust; `make_transport`
    turns a finished context into a pooled transport. `problem`, when set, is why the
    settings could not be read: HTTPS requests fail with it, plain HTTP goes on."""

    def __init__(self, settings: TlsSettings, *, verify: bool,
                 base_context: Callable[[], ssl.SSLContext],
                 make_transport: Callable[[ssl.SSLContext], httpx.BaseTransport],
                 problem: str | None = None) -> None:
        self._settings = settings
        self._verify = verify
        self._base_context = base_context
        self._make_transport = make_transport
        self._problem = problem
        self._transports: dict[_Key, httpx.BaseTransport] = {}
        self._identities: dict[tuple, Identity] = {}
        self._lock = threading.Lock()
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions.pop(CLIENT_CERT_EXTENSION, None)
        url = request.url
        cert: ClientCert | None = None
        bundles: tuple[str, ...] = ()
        if url.scheme == "https":
            if self._problem:
                raise TlsSetupError(self._problem)
            port = url.port or 443
            cert = self._settings.client_cert_for(url.host, port)
            if self._verify:
                bundles = self._settings.ca_bundles_for(url.host, port)
        identity = self._identity(cert) if cert is not None else None
        if identity is not None:
            request.extensions[CLIENT_CERT_EXTENSION] = identity.leaf
        return self._transport(identity, bundles).handle_request(request)

    def _identity(self, cert: ClientCert) -> Identity:
        # The keychain is read outside the lock: it may be slow, or ask the user.
        try:
            self._settings.passphrase(cert)
        except Exception as exc:  # noqa: BLE001 - a keychain failure is reported, not raised
            raise TlsSetupError(f"{upper_first(cert.label)}: its passphrase could not be "
                                f"read from the keychain ({type(exc).__name__}).") from None
        version = cert.version()
        with self._lock:
            identity = self._identities.get(version)
        if identity is None:
            try:
                identity = load_identity(cert, check_dates=False, trial=False)
            except TlsSetupError as exc:
                if cert.owner and not cert.passphrase and "passphrase" in str(exc):
                    # A teammate's clone: the collection names the file, the keychain
                    # of this machine has no passphrase for it yet.
                    raise TlsSetupError(
                        f"{exc} No passphrase is saved for it on this machine: set it "
                        f"under Certificates… in the menu of the collection {cert.owner}."
                    ) from None
                raise
            with self._lock:
                self._identities[version] = identity
        # Checked at every request, not once: a long session can outlive a certificate.
        identity.check_dates(cert.label)
        return identity

    def _transport(self, identity: Identity | None,
                   bundles: tuple[str, ...]) -> httpx.BaseTransport:
        key: _Key = (id(identity) if identity else None, bundles)
        with self._lock:
            transport = self._transports.get(key)
        if transport is not None:
            return transport
        context = self._base_context()
        for path in bundles:
            try:
                context.load_verify_locations(cadata=load_ca_file(path))
            except ssl.SSLError as exc:
                raise TlsSetupError(f"The CA file {path} cannot be used: "
                                    f"{exc.reason or exc}.") from None
        if identity is not None:
            identity.load_into(context)
        transport = self._make_transport(context)
        with self._lock:
            if self._closed:
                transport.close()
                raise TlsSetupError("The certificate settings changed while sending; "
                                    "send again.")
            kept = self._transports.setdefault(key, transport)
        if kept is not transport:
            transport.close()  # another thread made the same one first
        return kept

    def close(self) -> None:
        with self._lock:
            self._closed = True
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()
