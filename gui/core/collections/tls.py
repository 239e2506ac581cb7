"""A collection's own certificates: client certificates and CA bundles that its
requests use before the global ones (Insomnia and Bruno keep them per collection).

In collection.yaml (docs/collections.md) they sit under `certificates:`; a path may be
relative to the collection folder, so that a team can keep a test CA beside the
requests, and a passphrase is never there: it is in the keychain under
`secret_key(collection.namespace, "certificates", certificate id)` (the namespace this
machine gave the collection's folder, gui/core/collections/owners.py, not the copyable id).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..storage.keychain import secret_key
from ..tls.config import TlsSettings

if TYPE_CHECKING:
    from ..storage.keychain import SecretStore
    from .model import Collection

PLACE = "certificates"


def passphrase_key(collection: Collection, cert_id: str) -> str:
    return secret_key(collection.namespace, PLACE, cert_id)


def _absolute(path: str, base: Path) -> str:
    """A path as given in the file (relative to the collection folder, `/` separated)
    or typed in the dialog, made absolute; not resolved, so symbolic links stay."""
    if not path:
        return path
    candidate = Path(path).expanduser()
    return os.path.abspath(candidate if candidate.is_absolute() else base / candidate)


def _relative(path: str, base: Path, original: str = "") -> str:
    """How a path is written: as the file had it when it still names the same file;
    relative (with `/`, so that it works on every system) when inside the collection
    folder; otherwise absolute."""
    if not path:
        return path
    absolute = _absolute(path, base)
    if original and _absolute(original, base) == absolute:
        return original
    relative = os.path.relpath(absolute, os.path.abspath(base))
    if relative.startswith(os.pardir):
        return absolute
    return Path(relative).as_posix()


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
        cert.owner = collection.name
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
        cert.owner = collection.name
        if store is not None:
            cert.passphrase = store.get(cert.keychain_key) or ""
    for bundle in settings.ca_bundles:
        bundle.path = _absolute(bundle.path, collection.path)
    return settings


def apply(collection: Collection, edited: TlsSettings) -> None:
    """Put the dialog's certificates into the collection, paths inside its folder made
    relative and passphrases left out; the caller saves collection.yaml, then calls
    `store_passphrases`."""
    before = {c.id: c for c in collection.client_certs}
    bundles_before = {(b.host, _absolute(b.path, collection.path)): b.path
                      for b in collection.ca_bundles}
    collection.client_certs = []
    for cert in edited.client_certs:
        was = before.get(cert.id)
        saved = copy.copy(cert)
        saved.cert = _relative(cert.cert, collection.path, was.cert if was else "")
        saved.key = _relative(cert.key, collection.path, was.key if was else "")
        saved.passphrase, saved.keychain_key, saved.owner = "", "", ""
        collection.client_certs.append(saved)
    collection.ca_bundles = []
    for bundle in edited.ca_bundles:
        kept = copy.copy(bundle)
        original = bundles_before.get((bundle.host, _absolute(bundle.path, collection.path)))
        kept.path = _relative(bundle.path, collection.path, original or "")
        collection.ca_bundles.append(kept)


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


def resolved(settings: TlsSettings, collection: Collection) -> TlsSettings:
    """Copies with paths typed relative to the collection folder made absolute, for
    checking them as the engine will read them."""
    out = copy.copy(settings)
    out.client_certs = []
    for cert in settings.client_certs:
        cert = copy.copy(cert)
        cert.cert = _absolute(cert.cert, collection.path)
        cert.key = _absolute(cert.key, collection.path)
        out.client_certs.append(cert)
    out.ca_bundles = []
    for bundle in settings.ca_bundles:
        bundle = copy.copy(bundle)
        bundle.path = _absolute(bundle.path, collection.path)
        out.ca_bundles.append(bundle)
    return out
