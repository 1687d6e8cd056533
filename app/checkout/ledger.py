"""The order ledger: which BigCommerce order a checkout became, and whether it is paid.

BigCommerce creates a new order every time it is asked, so a double click, a refresh or two
tabs would make two orders. Every web worker shares this ledger (SQLite under the instance
folder), takes a short lease on a checkout before placing it, and reuses the order it
recorded for the same cart state.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.storage.sqlite import connect_sqlite
from app.storage.sqlite import prepare_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS placements (
    checkout_id TEXT PRIMARY KEY,
    order_id INTEGER,
    state_key TEXT,
    paid INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL NOT NULL DEFAULT 0
)
"""


class PlacementBusy(Exception):
    """Another request is still placing this checkout."""


@dataclass(frozen=True)
class Placement:
    """What the ledger knows about one checkout."""

    order_id: int | None
    state_key: str | None  # the cart state and Checkout+ decision the order was made for
    paid: bool


class LeaseWaiting:
    """The lease loop both ledgers share: take the lease, or wait for its holder to let go."""

    @contextmanager
    def lease(self, checkout_id: str, wait_seconds: float = 20.0) -> Iterator[Placement]:
        """Hold the checkout for one placement; wait for another holder, or raise PlacementBusy."""
        owner = uuid.uuid4().hex
        deadline = time.monotonic() + wait_seconds
        while not self._acquire(checkout_id, owner):
            if time.monotonic() >= deadline:
                raise PlacementBusy(checkout_id)
            time.sleep(0.05)
        try:
            yield self.get(checkout_id)
        finally:
            self._let_go(checkout_id, owner)

    def get(self, checkout_id: str) -> Placement:
        """Return the checkout's placement (empty if it was never placed)."""
        raise NotImplementedError

    def _acquire(self, checkout_id: str, owner: str) -> bool:
        raise NotImplementedError

    def _let_go(self, checkout_id: str, owner: str) -> None:
        raise NotImplementedError


class OrderLedger(LeaseWaiting):
    """Leases and order ids per checkout in SQLite, safe across threads and processes."""

    def __init__(self, path: Path, lease_seconds: float = 120.0) -> None:
        self._path = path
        # Longer than the slowest placement (each upstream call is bounded by its timeout).
        self._lease_seconds = lease_seconds
        prepare_sqlite(path, SCHEMA)

    def get(self, checkout_id: str) -> Placement:
        """Return the checkout's placement (empty if it was never placed)."""
        with connect_sqlite(self._path, transaction=True) as db:
            row = db.execute(
                "SELECT order_id, state_key, paid FROM placements WHERE checkout_id = ?",
                (checkout_id,),
            ).fetchone()
        if row is None:
            return Placement(None, None, False)
        return Placement(row[0], row[1], bool(row[2]))

    def record_order(self, checkout_id: str, order_id: int, state_key: str) -> None:
        """Remember the order made from the checkout in this state."""
        with connect_sqlite(self._path, transaction=True) as db:
            db.execute(
                "UPDATE placements SET order_id = ?, state_key = ?, paid = 0 WHERE checkout_id = ?",
                (order_id, state_key, checkout_id),
            )

    def mark_paid(self, checkout_id: str) -> None:
        """Remember that the checkout's order is paid: nothing may charge it again."""
        with connect_sqlite(self._path, transaction=True) as db:
            db.execute("UPDATE placements SET paid = 1 WHERE checkout_id = ?", (checkout_id,))

    def _let_go(self, checkout_id: str, owner: str) -> None:
        with connect_sqlite(self._path, transaction=True) as db:
            db.execute(
                "UPDATE placements SET lease_owner = NULL, lease_until = 0 "
                "WHERE checkout_id = ? AND lease_owner = ?",
                (checkout_id, owner),
            )

    def _acquire(self, checkout_id: str, owner: str) -> bool:
        now = time.time()
        with connect_sqlite(self._path, transaction=True) as db:
            db.execute("INSERT OR IGNORE INTO placements (checkout_id) VALUES (?)", (checkout_id,))
            taken = db.execute(
                "UPDATE placements SET lease_owner = ?, lease_until = ? "
                "WHERE checkout_id = ? AND lease_until < ?",
                (owner, now + self._lease_seconds, checkout_id, now),
            )
            return taken.rowcount == 1
