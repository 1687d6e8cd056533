"""Webhook deliveries already handled, by BigCommerce's ``hash``, to drop replays.

BigCommerce retries a delivery it thinks failed and may deliver one twice; each carries the
same ``hash``. Hashes are kept for three days, longer than BigCommerce's retries (about 48 h).
"""

from __future__ import annotations

import time
from pathlib import Path

from app.storage.sqlite import connect_sqlite
from app.storage.sqlite import prepare_sqlite

KEEP_SECONDS = 3 * 24 * 3600
SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    hash TEXT PRIMARY KEY,
    received_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_time ON webhook_deliveries (received_at);
"""


class WebhookDeliveries:
    """Delivery hashes in SQLite under the instance folder."""

    def __init__(self, path: Path) -> None:
        self._path = path
        prepare_sqlite(path, SCHEMA)

    def first_time(self, delivery_hash: str) -> bool:
        """Remember a delivery; say whether it is new (False for a replay)."""
        now = time.time()
        with connect_sqlite(self._path) as db:
            db.execute(
                "DELETE FROM webhook_deliveries WHERE received_at < ?", (now - KEEP_SECONDS,)
            )
            added = db.execute(
                "INSERT OR IGNORE INTO webhook_deliveries (hash, received_at) VALUES (?, ?)",
                (delivery_hash, now),
            )
            return added.rowcount == 1

    def forget(self, delivery_hash: str) -> None:
        """Forget a delivery that could not be handled, so BigCommerce's retry is not dropped."""
        with connect_sqlite(self._path) as db:
            db.execute("DELETE FROM webhook_deliveries WHERE hash = ?", (delivery_hash,))
