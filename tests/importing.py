"""Helpers for the importer tests: write an ImportResult through the real writer, open
it back, send one of its requests, and scan every written file for secrets."""

from __future__ import annotations

import json
from pathlib import Path

from gui.core.collections.lookup import find_environment, find_request, load_collection
from gui.core.collections.manage import open_collection
from gui.core.importers import ImportResult
from gui.core.importers.write import write
from gui.core.storage.keychain import SecretStore
from gui.core.workspace import Workspace
from tests.fakes import MemoryKeyring

DATA = Path(__file__).parent / "data" / "import"


def written(result: ImportResult, tmp_path: Path):
    """The result written into a new folder and opened again: (collection, store)."""
    store = SecretStore(MemoryKeyring())
    folder = tmp_path / "imported"
    write(result, folder, store)
    collection, problems = open_collection(folder)
    assert problems == []
    return collection, store


def by_name(collection, name: str):
    matches = [r for r in collection.requests() if r.name == name]
    assert len(matches) == 1, [r.name for r in collection.requests()]
    return matches[0]


def assert_no_secret_in_files(folder: Path, secrets: list[str]) -> None:
    """No secret value in any file the import wrote, as it is or JSON-escaped."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        content = path.read_text(encoding="utf-8", errors="replace")
        for secret in secrets:
            assert secret not in content, f"{secret!r} written in {path}"
            assert json.dumps(secret)[1:-1] not in content


def send(folder: Path, store: SecretStore, request: str, engine, overrides=None,
         environment: str | None = None):
    """The saved request sent the way `gatepost send --collection` does."""
    collection = load_collection(folder, store)
    item = find_request(collection, request)
    env = find_environment(collection, environment) if environment else None
    plan = Workspace(store).plan(item.spec, item, env, overrides or {})
    return engine.send(plan.spec, secrets=plan.secrets, context=plan.context, tls=plan.tls)


def echoed(exchange) -> dict:
    assert exchange.error is None, exchange.error
    return json.loads(exchange.response.text())
