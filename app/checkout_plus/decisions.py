"""The decision log: the Checkout+ offer each order was shown, and whether the shopper took it.

A merchant auditing a complaint ("I never agreed to that fee", "why is my order not
covered?") needs what the shopper saw at the moment of ordering: Loop's session id, the
price and the modes. One row per order, written when the order is paid.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from app.storage.sqlite import connect_sqlite
from app.storage.sqlite import prepare_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS offer_decisions (
    order_id INTEGER PRIMARY KEY,
    decided_at REAL NOT NULL,
    accepted INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    mode TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS offer_decisions_by_time ON offer_decisions (decided_at);
"""


@dataclass(frozen=True)
class Decision:
    """One order's Checkout+ decision: the offer shown and the shopper's answer."""

    order_id: int
    decided_at: float  # Unix time
    accepted: bool
    session_id: str
    amount: int  # minor units of currency
    currency: str
    mode: tuple[str, ...]  # verbatim, as Loop offered it

    def as_dict(self) -> dict:
        """Return the decision as JSON-friendly data."""
        return {
            "order_id": self.order_id,
            "decided_at": self.decided_at,
            "accepted": self.accepted,
            "session_id": self.session_id,
            "amount": self.amount,
            "currency": self.currency,
            "mode": list(self.mode),
        }


@dataclass(frozen=True)
class DecisionCounts:
    """How many orders were placed with an offer on show, and how many took it."""

    shown: int
    accepted: int

    @property
    def declined(self) -> int:
        """Return how many orders left the offer on show unticked."""
        return self.shown - self.accepted


class DecisionLog:
    """Decisions in SQLite under the instance folder."""

    def __init__(self, path: Path) -> None:
        self._path = path
        prepare_sqlite(path, SCHEMA)

    def record(self, decision: Decision) -> None:
        """Record an order's decision once (a retried placement keeps the first)."""
        with connect_sqlite(self._path) as db:
            db.execute(
                "INSERT OR IGNORE INTO offer_decisions "
                "(order_id, decided_at, accepted, session_id, amount, currency, mode) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    decision.order_id,
                    decision.decided_at,
                    int(decision.accepted),
                    decision.session_id,
                    decision.amount,
                    decision.currency,
                    json.dumps(list(decision.mode)),
                ),
            )

    def for_order(self, order_id: int) -> Decision | None:
        """Return an order's decision, if it was shown an offer."""
        with connect_sqlite(self._path) as db:
            row = db.execute(SELECT + " WHERE order_id = ?", (order_id,)).fetchone()
        return _decision(row) if row else None

    def recent(self, limit: int = 50) -> list[Decision]:
        """Return the latest decisions, newest first."""
        with connect_sqlite(self._path) as db:
            rows = db.execute(SELECT + " ORDER BY decided_at DESC LIMIT ?", (limit,)).fetchall()
        return [_decision(row) for row in rows]

    def counts(self) -> DecisionCounts:
        """Return how many decisions there are, and how many accepted the offer."""
        with connect_sqlite(self._path) as db:
            shown, accepted = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(accepted), 0) FROM offer_decisions"
            ).fetchone()
        return DecisionCounts(shown, accepted)


def decision_now(
    order_id: int,
    accepted: bool,
    session_id: str,
    amount: int,
    currency: str,
    mode: tuple[str, ...],
) -> Decision:
    """Return a decision stamped with the current time."""
    return Decision(order_id, time.time(), accepted, session_id, amount, currency, tuple(mode))


# A fixed query; only values are ever bound into it.
SELECT = (
    "SELECT order_id, decided_at, accepted, session_id, amount, currency, mode FROM offer_decisions"
)


def _decision(row: tuple) -> Decision:
    return Decision(row[0], row[1], bool(row[2]), row[3], row[4], row[5], tuple(json.loads(row[6])))
