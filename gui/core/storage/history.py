"""Sent requests: every exchange sent, kept in SQLite in the user's data folder.

Called "Sent requests" everywhere a user reads it, so that nobody mistakes it for the
response's History tab (the hops of one exchange).

Nothing secret is stored: the request is kept as `spec_to_dict` writes it (secret auth
fields as keychain markers), credential headers typed by hand are masked, and any
further secret values the caller passes (e.g. secret variables' values) are masked
wherever they appear, in every encoding (gui/core/http/masking.py). The URL shown is the
first hop's, masked again here with every secret the request holds.

Used from worker threads: every call opens its own connection and closes it; WAL mode
lets a reader and a writer work at once, and a short busy timeout absorbs the rest.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..http.masking import mask_spec_dict, mask_text, spec_secrets
from ..serialize import spec_from_dict, spec_to_dict
from .paths import data_dir

if TYPE_CHECKING:
    from ..http.exchange import Exchange
    from ..model import RequestSpec

#: Rows kept; the oldest go first.
DEFAULT_CAP = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    duration REAL NOT NULL,
    error TEXT,
    spec TEXT NOT NULL
);
"""


_set_up_lock = threading.Lock()
_set_up_files: set[Path] = set()


def history_file() -> Path:
    return data_dir() / "history.sqlite3"


@dataclass(frozen=True)
class SentEntry:
    """One line of the Sent requests list."""

    id: int
    #: Seconds since the epoch, when it was sent.
    time: float
    method: str
    url: str
    #: The final status; None when no response came.
    status: int | None
    duration: float
    #: The error kind (gui/core/http/errors.py), None when the exchange succeeded.
    error: str | None


def stored_spec(spec: RequestSpec, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request as it is kept: no secret field, no credential header, no known secret."""
    return mask_spec_dict(spec_to_dict(spec), spec_secrets(spec, secrets))


def _like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SentRequests:
    """The store of sent requests in one SQLite file (default: history_file())."""

    def __init__(self, path: Path | None = None, cap: int = DEFAULT_CAP) -> None:
        self.path = path or history_file()
        self.cap = cap

    def _set_up(self) -> None:
        # Once per file and process, under a lock: switching to WAL takes an exclusive
        # lock that SQLite does not wait for, so threads racing to create it would fail.
        with _set_up_lock:
            if self.path in _set_up_files and self.path.exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=2.0)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            _set_up_files.add(self.path)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self._set_up()
        with closing(sqlite3.connect(self.path, timeout=2.0)) as db, db:
            # Cleared rows are overwritten, not left readable in free pages.
            db.execute("PRAGMA secure_delete=ON")
            yield db

    def record(self, spec: RequestSpec, exchange: Exchange,
               secrets: tuple[str, ...] = ()) -> int:
        """Keep one sent request; returns its id. `secrets`: further values to mask."""
        secrets = spec_secrets(spec, secrets)
        # The user's own request, not a token endpoint an auth flow called first.
        url = next((h.request.url for h in exchange.hops if h.kind == "request"),
                   exchange.hops[0].request.url if exchange.hops else spec.url)
        response = exchange.response
        row = (time.time(), spec.method, mask_text(url, secrets),
               response.status if response is not None else None, exchange.total,
               exchange.error.kind if exchange.error is not None else None,
               json.dumps(stored_spec(spec, secrets), ensure_ascii=False))
        with self._db() as db:
            cursor = db.execute("INSERT INTO sent (time, method, url, status, duration, "
                                "error, spec) VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            db.execute("DELETE FROM sent WHERE id <= (SELECT id FROM sent ORDER BY id DESC "
                       "LIMIT 1 OFFSET ?)", (self.cap,))
            return int(cursor.lastrowid or 0)

    def list(self, search: str = "", limit: int = 200) -> builtins.list[SentEntry]:
        """Newest first. Every word of `search` must match the URL (anywhere), the
        method (exactly) or the status (from its start: `4` or `4xx` finds every 4xx)."""
        where, args = [], []
        for term in search.split():
            where.append("(url LIKE ? ESCAPE '\\' OR method = ? OR "
                         "CAST(status AS TEXT) LIKE ?)")
            status = term.lower().rstrip("x")
            args += [f"%{_like(term)}%", term.upper(),
                     f"{_like(status)}%" if status.isdigit() else "-"]
        sql = ("SELECT id, time, method, url, status, duration, error FROM sent"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY id DESC LIMIT ?")
        with self._db() as db:
            return [SentEntry(*row) for row in db.execute(sql, (*args, limit))]

    def get(self, entry_id: int) -> RequestSpec:
        """The request as it was sent (secrets left empty); KeyError when it is gone."""
        with self._db() as db:
            row = db.execute("SELECT spec FROM sent WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        return spec_from_dict(json.loads(row[0]))

    def clear(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sent")
        with closing(sqlite3.connect(self.path, timeout=2.0)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")

    def count(self) -> int:
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM sent").fetchone()[0])
