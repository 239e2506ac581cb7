"""Every on-disk location Gatepost uses, behind one function each.

`GATEPOST_DATA_DIR` moves them all (the tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import deferred


def data_dir() -> Path:
    override = os.environ.get("GATEPOST_DATA_DIR")
    if override:
        return Path(override)
    return Path(deferred.platformdirs.user_data_dir("gatepost", appauthor=False))


def current_request_file() -> Path:
    return data_dir() / "current-request.json"


def tls_settings_file() -> Path:
    """Client certificates, CA bundles and the trust choice (no passphrases)."""
    return data_dir() / "certificates.json"


def session_file() -> Path:
    """The collections and tabs open when the window last closed."""
    return data_dir() / "session.json"


def collection_owners_file() -> Path:
    """Which collection folder owns which keychain namespace on this machine
    (gui/core/collections/owners.py)."""
    return data_dir() / "collection-owners.json"


def proxy_settings_file() -> Path:
    """The global proxy settings (gui/core/http/proxies.py; the password is in the keychain)."""
    return data_dir() / "proxy.json"
