"""The analysis shelf: analyses in flight and just finished, shared by every web process.

gunicorn runs several processes, and the follow-up request for an offer (``GET
/checkout/offer``) may land on another one than the page that started the analysis. So the
process that asks Loop first *claims* the cart state (a short-lived marker, so a crashed
process blocks no one for long), and puts the outcome here when Loop answers; another process
finding the claim waits for the outcome instead of asking Loop a second time. Keys are
``<cart fingerprint>:<Loop session id>``: the fingerprint covers the cart id and everything
Loop prices, so two shoppers never share an entry.

Outcomes are kept as long as they may be re-used (``Analysis.fresh_for``). SQLite under the
instance folder (one machine); ``ShelfRedis`` is its twin for several machines. A busy or
broken shelf never costs the shopper more than a short wait: the offer service then asks Loop
itself.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.checkout_plus.offer import Analysis
from app.storage.sqlite import prepare_sqlite

LOCK_WAIT_SECONDS = 0.25
SCHEMA = """
CREATE TABLE IF NOT EXISTS shelf (
    key TEXT PRIMARY KEY,
    expires_at REAL NOT NULL,
    outcome TEXT
);
"""


def encode(analysis: Analysis, session_id: str | None) -> str:
    """Return an outcome as the JSON the shelf keeps."""
    return json.dumps({"analysis": analysis.as_dict(), "session_id": session_id})


def decode(text: str | bytes | None) -> tuple[Analysis, str | None] | None:
    """Read an outcome back; anything malformed reads as none."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    analysis = Analysis.from_dict(data.get("analysis"))
    session_id = data.get("session_id")
    if analysis is None or not (session_id is None or isinstance(session_id, str)):
        return None
    return analysis, session_id


class AnalysisShelf:
    """Claims and outcomes in SQLite, shared by the processes of one machine."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._local = threading.local()
        prepare_sqlite(path, SCHEMA)

    def claim(self, key: str, seconds: float) -> bool:
        """Claim a cart state for one analysis; False when someone else holds it or its outcome."""
        db, now = self._db(), self._clock()
        db.execute("DELETE FROM shelf WHERE expires_at <= ?", (now,))
        cursor = db.execute(
            "INSERT OR IGNORE INTO shelf (key, expires_at, outcome) VALUES (?, ?, NULL)",
            (key, now + seconds),
        )
        return cursor.rowcount == 1

    def put(self, key: str, analysis: Analysis, session_id: str | None) -> None:
        """Keep an outcome for as long as it may be re-used."""
        expires_at = analysis.analyzed_at + analysis.fresh_for
        self._db().execute(
            "INSERT OR REPLACE INTO shelf (key, expires_at, outcome) VALUES (?, ?, ?)",
            (key, expires_at, encode(analysis, session_id)),
        )

    def get(self, key: str) -> tuple[Analysis, str | None] | None:
        """Return the outcome kept for a cart state, if it is there and still current."""
        row = (
            self._db()
            .execute(
                "SELECT outcome FROM shelf WHERE key = ? AND expires_at > ?", (key, self._clock())
            )
            .fetchone()
        )
        return decode(row[0]) if row else None

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self._path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")  # a cache: a power cut may lose it
            self._local.db = db
        return db
