"""The decision log: the Checkout+ offer each order was shown, and whether the shopper took it.

A merchant auditing a complaint ("I never agreed to that fee", "why is my order not
covered?") needs what the shopper saw at the moment of ordering: Loop's session id, the
price, the modes and the consent evidence (the words on show, the shopper's own click). One
row per order, written when the order is paid; rows are never deleted, so the evidence is
kept as long as the log. An order of a session in Loop's control group has a row too, with
no offer on show, so attach rates compare between cohorts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.checkout_plus.consent import ConsentEvidence
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
    mode TEXT NOT NULL,
    shown INTEGER NOT NULL DEFAULT 1,
    cohort TEXT,
    mount_target TEXT NOT NULL DEFAULT '',
    cart_experience TEXT NOT NULL DEFAULT '',
    evidence TEXT
);
CREATE INDEX IF NOT EXISTS offer_decisions_by_time ON offer_decisions (decided_at);
"""
# Columns added since the log first shipped: an older file gains them as it opens.
ADDED_COLUMNS = {
    "offer_decisions.shown": "INTEGER NOT NULL DEFAULT 1",
    "offer_decisions.cohort": "TEXT",
    "offer_decisions.mount_target": "TEXT NOT NULL DEFAULT ''",
    "offer_decisions.cart_experience": "TEXT NOT NULL DEFAULT ''",
    "offer_decisions.evidence": "TEXT",
}


@dataclass(frozen=True)
class Decision:
    """One order's Checkout+ decision: the offer shown and the shopper's answer."""

    order_id: int
    decided_at: float  # Unix time the order was placed (paid)
    accepted: bool
    session_id: str
    amount: int  # minor units of currency; 0 when no offer was on show
    currency: str  # "" when no offer was on show
    mode: tuple[str, ...]  # verbatim, as Loop offered it
    shown: bool = True  # False: Loop's control group, whose offer is hidden
    cohort: str | None = None  # Loop's A/B cohort, when experiments are on
    mount_target: str = ""  # where the offer sat (CHECKOUT_PLUS_MOUNT_TARGET)
    cart_experience: str = ""  # how it was offered (CHECKOUT_PLUS_CART_EXPERIENCE)
    evidence: ConsentEvidence | None = None  # None for rows older than the evidence

    def as_dict(self) -> dict[str, Any]:
        """Return the decision as JSON-friendly data (one line of the export)."""
        return {
            "order_id": self.order_id,
            "decided_at": self.decided_at,
            "accepted": self.accepted,
            "session_id": self.session_id,
            "amount": self.amount,
            "currency": self.currency,
            "mode": list(self.mode),
            "shown": self.shown,
            "cohort": self.cohort,
            "mount_target": self.mount_target,
            "cart_experience": self.cart_experience,
            "evidence": self.evidence.as_dict() if self.evidence else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        """Read a decision written by ``as_dict`` (older ones lack the later fields)."""
        evidence = ConsentEvidence.from_dict(data.get("evidence"))
        return cls(**{**data, "mode": tuple(data["mode"]), "evidence": evidence})


@dataclass(frozen=True)
class DecisionCounts:
    """How many orders were placed with an offer on show, and how many took it."""

    shown: int
    accepted: int
    orders: int = 0  # every order with a row: the control group's too

    @property
    def declined(self) -> int:
        """Return how many orders left the offer on show unticked."""
        return self.shown - self.accepted


@dataclass(frozen=True)
class GroupCounts:
    """The counts of the orders of one cohort at one placement of the offer."""

    cohort: str | None
    mount_target: str
    cart_experience: str
    counts: DecisionCounts


class DecisionLog:
    """Decisions in SQLite under the instance folder."""

    def __init__(self, path: Path) -> None:
        self._path = path
        prepare_sqlite(path, SCHEMA, ADDED_COLUMNS)

    def record(self, decision: Decision) -> bool:
        """Record an order's decision once (a retried placement keeps the first); tell if new."""
        evidence = decision.evidence
        with connect_sqlite(self._path) as db:
            stored = db.execute(
                "INSERT OR IGNORE INTO offer_decisions "
                "(order_id, decided_at, accepted, session_id, amount, currency, mode, shown, "
                "cohort, mount_target, cart_experience, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    decision.order_id,
                    decision.decided_at,
                    int(decision.accepted),
                    decision.session_id,
                    decision.amount,
                    decision.currency,
                    json.dumps(list(decision.mode)),
                    int(decision.shown),
                    decision.cohort,
                    decision.mount_target,
                    decision.cart_experience,
                    json.dumps(evidence.as_dict()) if evidence else None,
                ),
            )
        return stored.rowcount == 1

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

    def oldest_first(self) -> Iterator[Decision]:
        """Yield every decision, oldest first (the export), without reading them all at once."""
        with connect_sqlite(self._path) as db:
            yield from (_decision(row) for row in db.execute(SELECT + " ORDER BY decided_at"))

    def counts(self) -> DecisionCounts:
        """Return how many orders had the offer on show, and how many accepted it."""
        with connect_sqlite(self._path) as db:
            row = db.execute(SELECT_COUNTS).fetchone()
        return DecisionCounts(*row)

    def by_group(self) -> list[GroupCounts]:
        """Return the counts per cohort and placement, the most orders first."""
        with connect_sqlite(self._path) as db:
            rows = db.execute(SELECT_GROUPS).fetchall()
        return [GroupCounts(row[0], row[1], row[2], DecisionCounts(*row[3:])) for row in rows]


def decision_now(order_id: int, accepted: bool, session_id: str, **rest: Any) -> Decision:
    """Return a decision stamped with the current time (``rest``: the other fields)."""
    return Decision(order_id, time.time(), accepted, session_id, **rest)


# Fixed queries; only values are ever bound into them.
SELECT_COUNTS = (
    "SELECT COALESCE(SUM(shown), 0), COALESCE(SUM(accepted), 0), COUNT(*) FROM offer_decisions"
)
SELECT_GROUPS = (
    "SELECT cohort, mount_target, cart_experience, COALESCE(SUM(shown), 0), "
    "COALESCE(SUM(accepted), 0), COUNT(*) FROM offer_decisions "
    "GROUP BY 1, 2, 3 ORDER BY 6 DESC, 1, 2, 3"
)
SELECT = (
    "SELECT order_id, decided_at, accepted, session_id, amount, currency, mode, shown, cohort, "
    "mount_target, cart_experience, evidence FROM offer_decisions"
)


def _decision(row: tuple) -> Decision:
    evidence = ConsentEvidence.from_dict(json.loads(row[11])) if row[11] else None
    return Decision(
        row[0],
        row[1],
        bool(row[2]),
        row[3],
        row[4],
        row[5],
        tuple(json.loads(row[6])),
        bool(row[7]),
        row[8],
        row[9],
        row[10],
        evidence,
    )
