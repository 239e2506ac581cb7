"""An httpx transport that picks the TLS set-up per request from the certificate settings.

httpx's own `mounts` choose a transport by URL pattern, but only one per request: a host
that matches a client-certificate pattern and a different CA-bundle pattern would get
one or the other. Here the settings decide the pair (client certificate, CA bundles) for
each request's host and port, and one pooled transport serves each distinct pair, so
connections are reused exactly as far as their TLS set-up is the same.

The certificate offered is put in the request's extensions before it is sent, so the
engine records it on the hop even when the handshake then fails.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from .tlsconfig import (
    Identity,
    TlsSettings,
    TlsSetupError,
    base_context,
    load_ca_file,
    load_identity,
)

if TYPE_CHECKING:
    from .tlsconfig import ClientCert

CLIENT_CERT_EXTENSION = "gatepost.client_certificate"
_Key = tuple[str | None, tuple[str, ...]]


class TlsRouter(httpx.BaseTransport):
    def __init__(self, settings: TlsSettings, *, verify: bool, http2: bool,
                 make_transport: Callable[[ssl.SSLContext], httpx.HTTPTransport]) -> None:
        self._settings = settings
        self._verify = verify
        self._http2 = http2
        self._make_transport = make_transport
        self._transports: dict[_Key, httpx.HTTPTransport] = {}
        self._identities: dict[str, Identity] = {}
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        cert: ClientCert | None = None
        bundles: tuple[str, ...] = ()
        if url.scheme == "https":
            port = url.port or 443
            cert = self._settings.client_cert_for(url.host, port)
            if self._verify:
                bundles = self._settings.ca_bundles_for(url.host, port)
        identity = self._identity(cert) if cert is not None else None
        if identity is not None:
            request.extensions[CLIENT_CERT_EXTENSION] = identity.leaf
        return self._transport(cert, identity, bundles).handle_request(request)

    def _identity(self, cert: ClientCert) -> Identity:
        with self._lock:
            identity = self._identities.get(cert.id)
            if identity is None:
                self._settings.passphrase(cert)
                identity = load_identity(cert, check_dates=False)
                self._identities[cert.id] = identity
        # Checked at every request, not once: a long session can outlive a certificate.
        identity.check_dates(cert.label)
        return identity

    def _transport(self, cert: ClientCert | None, identity: Identity | None,
                   bundles: tuple[str, ...]) -> httpx.HTTPTransport:
        key: _Key = (cert.id if cert else None, bundles)
        with self._lock:
            transport = self._transports.get(key)
            if transport is None:
                context = base_context(self._settings.system_trust, self._verify)
                for path in bundles:
                    try:
                        context.load_verify_locations(cadata=load_ca_file(path))
                    except ssl.SSLError as exc:
                        raise TlsSetupError(f"The CA file {path} cannot be used: "
                                            f"{exc.reason or exc}.") from None
                if identity is not None:
                    identity.load_into(context)
                transport = self._make_transport(context)
                self._transports[key] = transport
            return transport

    def close(self) -> None:
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()
