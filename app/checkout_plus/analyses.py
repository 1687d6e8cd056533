"""The analysis log: each time the offer service asked Loop about a cart, and what came of it.

It answers the merchant's "why didn't this shopper see the offer?" without reading logs: one
entry per real analyze call, failures included (timeout, unavailable...), and per empty cart,
with Loop's reason or ours. Only the latest ``KEEP`` entries are kept: a window for diagnosis,
not an archive. Writing it must never cost the shopper a wait: each thread writes through a
connection of its own, kept open, that gives up on a lock quickly and does not sync each entry
to disk (the offer service swallows the errors).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.storage.sqlite import connect_sqlite
from app.storage.sqlite import prepare_sqlite

KEEP = 1000
# A busy file costs the shopper this much at most, then the entry is dropped.
LOCK_WAIT_SECONDS = 0.25
SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    id INTEGER PRIMARY KEY,
    analyzed_at REAL NOT NULL,
    cart_id TEXT NOT NULL,
    session_id TEXT,
    reason TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    mode TEXT NOT NULL,
    amount INTEGER,
    currency TEXT,
    cohort TEXT
);
CREATE INDEX IF NOT EXISTS analyses_by_cart ON analyses (cart_id);
CREATE INDEX IF NOT EXISTS analyses_by_session ON analyses (session_id);
"""


@dataclass(frozen=True)
class LoggedAnalysis:
    """One analysis of a cart: Loop's answer, or why there was none."""

    analyzed_at: float  # Unix time
    cart_id: str
    session_id: str | None  # Loop's session, when one was known
    reason: str  # Loop's reason, or ours ("timeout", "empty_cart", "currency_mismatch"...)
    eligible: bool  # what Loop said; False when Loop did not answer
    mode: tuple[str, ...]  # verbatim from Loop; empty when not eligible
    amount: int | None  # minor units of currency
    currency: str | None
    cohort: str | None = None  # Loop's A/B cohort (experiments on); "control" hides the offer

    def as_dict(self) -> dict[str, Any]:
        """Return the entry as JSON-friendly data."""
        return {
            "analyzed_at": self.analyzed_at,
            "cart_id": self.cart_id,
            "session_id": self.session_id,
            "reason": self.reason,
            "eligible": self.eligible,
            "mode": list(self.mode),
            "amount": self.amount,
            "currency": self.currency,
            "cohort": self.cohort,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoggedAnalysis:
        """Read an entry written by ``as_dict``."""
        # Entries written before cohorts were kept have none.
        return cls(**{"cohort": None, **data, "mode": tuple(data["mode"])})


class AnalysisLog:
    """The latest analyses in SQLite under the instance folder."""

    def __init__(self, path: Path, keep: int = KEEP) -> None:
        self._path = path
        self.keep = keep
        self._local = threading.local()
        prepare_sqlite(path, SCHEMA, {"analyses.cohort": "TEXT"})

    def record(self, entry: LoggedAnalysis) -> None:
        """Add an entry, and drop those that fall out of the window."""
        db = self._writer()
        db.execute(
            "INSERT INTO analyses (analyzed_at, cart_id, session_id, reason, eligible, mode, "
            "amount, currency, cohort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.analyzed_at,
                entry.cart_id,
                entry.session_id,
                entry.reason,
                int(entry.eligible),
                json.dumps(list(entry.mode)),
                entry.amount,
                entry.currency,
                entry.cohort,
            ),
        )
        # Ids only grow (the newest row is never deleted), so the window is the last ids.
        db.execute(
            "DELETE FROM analyses WHERE id <= (SELECT MAX(id) FROM analyses) - ?", (self.keep,)
        )

    def _writer(self) -> sqlite3.Connection:
        """Return this thread's connection for writing, opened on first use and kept.

        SQLite checkpoints the file, with a disk sync, whenever its last connection closes:
        a connection per entry would pay that on every analysis.
        """
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
            # WAL without a sync per commit: a power cut may lose the last entries, no more.
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def recent(
        self, limit: int = 50, cart_id: str | None = None, session_id: str | None = None
    ) -> list[LoggedAnalysis]:
        """Return the latest entries, newest first, of one cart or Loop session if given."""
        query, values = SELECT + " WHERE 1 = 1", []
        if cart_id is not None:
            query, values = query + " AND cart_id = ?", [*values, cart_id]
        if session_id is not None:
            query, values = query + " AND session_id = ?", [*values, session_id]
        with connect_sqlite(self._path) as db:
            rows = db.execute(query + " ORDER BY id DESC LIMIT ?", (*values, limit)).fetchall()
        return [_entry(row) for row in rows]

    def count_by_reason(self) -> dict[str, int]:
        """Return how many kept entries give each reason, the most frequent first."""
        with connect_sqlite(self._path) as db:
            rows = db.execute(
                "SELECT reason, COUNT(*) FROM analyses GROUP BY reason ORDER BY 2 DESC, reason"
            ).fetchall()
        return dict(rows)


# A fixed query; only values are ever bound into it.
SELECT = (
    "SELECT analyzed_at, cart_id, session_id, reason, eligible, mode, amount, currency, cohort "
    "FROM analyses"
)


def _entry(row: tuple) -> LoggedAnalysis:
    """Read an entry from a row of ``SELECT``."""
    return LoggedAnalysis(
        row[0],
        row[1],
        row[2],
        row[3],
        bool(row[4]),
        tuple(json.loads(row[5])),
        row[6],
        row[7],
        row[8],
    )
