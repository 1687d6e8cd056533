"""Offer sessions: merchant-scoped, found by ``sessionId`` or by the top-level ``cartId``."""

from __future__ import annotations

import hashlib
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any

from app.sandbox.loop.evaluate import CONTROL
from app.sandbox.loop.evaluate import Decision

SESSION_ALPHABET = string.ascii_letters + string.digits
TREATMENT = "treatment"


class SessionNotFound(LookupError):
    """A well-formed session id that this merchant does not have."""


@dataclass
class Session:
    """One offer session and the outcome of its latest analysis."""

    id: str
    merchant: str
    cart_id: str | None
    created_at: datetime
    updated_at: datetime
    analysis_count: int = 0
    decision: Decision | None = None
    cohort: str | None = None
    analytics: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly view for the control API."""
        decision = self.decision
        return {
            "id": self.id,
            "merchant": self.merchant,
            "cartId": self.cart_id,
            "createdAt": rfc3339(self.created_at),
            "updatedAt": rfc3339(self.updated_at),
            "analysisCount": self.analysis_count,
            "reason": decision.reason if decision else None,
            "mode": list(decision.modes) if decision else [],
            "amount": decision.amount if decision and decision.eligible else None,
            "experimentCohort": self.cohort,
            "analytics": dict(self.analytics),
        }


def new_session_id() -> str:
    """Return a fresh id of the documented form ``lop_`` + 20 alphanumerics."""
    return "lop_" + "".join(secrets.choice(SESSION_ALPHABET) for _ in range(20))


def experiment_cohort(session_id: str, control_share: float) -> str:
    """Place a session in ``control`` or ``treatment``; the same id always lands the same way."""
    digest = hashlib.sha256(session_id.encode("ascii")).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    return CONTROL if position < control_share else TREATMENT


def rfc3339(moment: datetime) -> str:
    """Format like ``2026-04-23T13:25:00+00:00``: UTC, no fractional seconds."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


class SessionStore:
    """All sessions of all merchants, safe to use from the server's threads."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._by_cart: dict[tuple[str, str], str] = {}

    def get(self, merchant: str, session_id: str) -> Session | None:
        """Return the merchant's session with this id, or None (other merchants' are invisible)."""
        with self._lock:
            session = self._sessions.get(session_id)
        return session if session is not None and session.merchant == merchant else None

    def all(self) -> list[Session]:
        """Return every session, oldest first."""
        with self._lock:
            return list(self._sessions.values())

    def clear(self) -> None:
        """Forget every session."""
        with self._lock:
            self._sessions.clear()
            self._by_cart.clear()

    def analyze(
        self,
        merchant: str,
        session_id: str | None,
        cart_id: str | None,
        judge: Callable[[Session], tuple[Decision, str | None, dict[str, Any]]],
    ) -> tuple[Session, bool]:
        """Find or create the session, record ``judge``'s outcome on it, and say if it is new.

        ``sessionId`` wins over ``cartId``; a ``cartId`` re-uses the merchant's session for that
        cart. The whole analysis holds the lock so two calls for one new cart share one session.
        """
        with self._lock:
            session, created = self._resolve(merchant, session_id, cart_id)
            decision, cohort, analytics = judge(session)
            if created:
                self._sessions[session.id] = session
                if cart_id is not None:
                    self._by_cart[(merchant, cart_id)] = session.id
            session.decision = decision
            session.cohort = cohort
            session.analytics = analytics
            session.analysis_count += 1
            session.updated_at = self._clock()
            return session, created

    def _resolve(
        self, merchant: str, session_id: str | None, cart_id: str | None
    ) -> tuple[Session, bool]:
        if session_id is not None:
            session = self._sessions.get(session_id)
            if session is None or session.merchant != merchant:
                raise SessionNotFound(session_id)
            return session, False
        if cart_id is not None:
            known = self._by_cart.get((merchant, cart_id))
            if known is not None:
                return self._sessions[known], False
        now = self._clock()
        new_id = new_session_id()
        while new_id in self._sessions:
            new_id = new_session_id()
        session = Session(
            id=new_id, merchant=merchant, cart_id=cart_id, created_at=now, updated_at=now
        )
        return session, True
