"""A collection's own certificates: client certificates and CA bundles that its
requests use before the global ones (Insomnia and Bruno keep them per collection).

In collection.yaml (docs/collections.md) they sit under `certificates:`; a path may be
relative to the collection folder, so that a team can keep a test CA beside the
requests, and a passphrase is never there: it is in the keychain under
`secret_key(collection id, "certificates", certificate id)`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

from .secrets import secret_key
from .tlsconfig import TlsSettings

if TYPE_CHECKING:
    from .colmodel import Collection
    from .secrets import SecretStore

PLACE = "certificates"


def passphrase_key(collection: Collection, cert_id: str) -> str:
    return secret_key(collection.id, PLACE, cert_id)


def _absolute(path: str, base: Path) -> str:
    if not path:
        return path
    candidate = Path(path).expanduser()
    return str(candidate if candidate.is_absolute() else base / candidate)


def _relative(path: str, base: Path) -> str:
    """A path inside the collection folder is written relative to it; others as given."""
    if not path:
        return path
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return path


def collection_tls(collection: Collection) -> TlsSettings | None:
    """The collection's enabled certificates with absolute paths and keychain keys, for
    Engine.send(tls=…); None when it has none. Reads no keychain: the engine asks for a
    passphrase when a certificate is first used."""
    certs = []
    for cert in collection.client_certs:
        if not cert.enabled:
            continue
        cert = copy.copy(cert)
        cert.cert = _absolute(cert.cert, collection.path)
        cert.key = _absolute(cert.key, collection.path)
        cert.keychain_key = passphrase_key(collection, cert.id)
        certs.append(cert)
    bundles = []
    for bundle in collection.ca_bundles:
        if bundle.enabled:
            bundle = copy.copy(bundle)
            bundle.path = _absolute(bundle.path, collection.path)
            bundles.append(bundle)
    if not certs and not bundles:
        return None
    return TlsSettings(client_certs=certs, ca_bundles=bundles)


def for_editing(collection: Collection, store: SecretStore | None) -> TlsSettings:
    """Copies of every certificate (enabled or not) with absolute paths and passphrases
    read from the keychain, for the Certificates dialog."""
    settings = TlsSettings(client_certs=[copy.copy(c) for c in collection.client_certs],
                           ca_bundles=[copy.copy(b) for b in collection.ca_bundles])
    for cert in settings.client_certs:
        cert.cert = _absolute(cert.cert, collection.path)
        cert.key = _absolute(cert.key, collection.path)
        cert.keychain_key = passphrase_key(collection, cert.id)
        if store is not None:
            cert.passphrase = store.get(cert.keychain_key) or ""
    for bundle in settings.ca_bundles:
        bundle.path = _absolute(bundle.path, collection.path)
    return settings


def apply(collection: Collection, edited: TlsSettings) -> None:
    """Put the dialog's certificates into the collection, paths inside its folder made
    relative and passphrases left out; the caller saves collection.yaml, then calls
    `store_passphrases`."""
    collection.client_certs = []
    for cert in edited.client_certs:
        saved = copy.copy(cert)
        saved.cert = _relative(cert.cert, collection.path)
        saved.key = _relative(cert.key, collection.path)
        saved.passphrase, saved.keychain_key = "", ""
        collection.client_certs.append(saved)
    collection.ca_bundles = []
    for bundle in edited.ca_bundles:
        saved = copy.copy(bundle)
        saved.path = _relative(bundle.path, collection.path)
        collection.ca_bundles.append(saved)


def store_passphrases(collection: Collection, edited: TlsSettings, previous_ids: set[str],
                      store: SecretStore) -> None:
    """After collection.yaml was written: the passphrases to the keychain, and those of
    certificates that were removed forgotten."""
    kept = {c.id for c in edited.client_certs}
    for cert_id in previous_ids - kept:
        store.delete(passphrase_key(collection, cert_id))
    for cert in edited.client_certs:
        if cert.passphrase:
            store.set(passphrase_key(collection, cert.id), cert.passphrase)
        else:
            store.delete(passphrase_key(collection, cert.id))
