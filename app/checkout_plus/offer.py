"""The shopper's offer state: Loop's last analysis of the cart and what the shopper accepted.

It lives in the signed session cookie, so any web worker can serve the next request. The
server decides from this state, never from form fields: a shopper can only accept the quote
Loop last gave for their cart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from app.clients.loop import is_session_id
from app.money import is_currency

ELIGIBLE = "eligible"
# The reasons an analysis gives when Loop did not answer about the cart at all (the offer
# service sets them). Unlike Loop's own reasons they say nothing about the cart, so an
# acceptance of Loop's last quote for the same cart may outlive them (see ``still_accepted``).
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"
RATE_LIMITED = "rate_limited"
UNAUTHORIZED = "unauthorized"
INVALID_RESPONSE = "invalid_response"
LOOP_ERROR = "loop_error"
LOOP_FAILURES = frozenset(
    {TIMEOUT, UNAVAILABLE, RATE_LIMITED, UNAUTHORIZED, INVALID_RESPONSE, LOOP_ERROR}
)


@dataclass(frozen=True)
class Quote:
    """An eligible offer: the four values an acceptance carries to the order."""

    session_id: str
    mode: tuple[str, ...]  # verbatim from Loop: order and duplicates kept
    amount: int  # minor units of currency
    currency: str

    @property
    def token(self) -> str:
        """Return a short digest of the quote, so a form can say which price the shopper saw."""
        text = "|".join((self.session_id, ",".join(self.mode), str(self.amount), self.currency))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def same_coverage(self, other: Quote) -> bool:
        """Tell whether two quotes cover the same modes (membership, not order)."""
        return set(self.mode) == set(other.mode)

    def as_dict(self) -> dict[str, Any]:
        """Return the quote as JSON-friendly data for the session."""
        return {
            "session_id": self.session_id,
            "mode": list(self.mode),
            "amount": self.amount,
            "currency": self.currency,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Quote | None:
        """Read a quote back from the session; anything malformed reads as no quote."""
        if not isinstance(data, dict):
            return None
        session_id, mode = data.get("session_id"), data.get("mode")
        amount, currency = data.get("amount"), data.get("currency")
        if not is_session_id(session_id):
            return None
        if not (isinstance(mode, list) and mode and all(isinstance(m, str) for m in mode)):
            return None
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            return None
        if not is_currency(currency):
            return None
        return cls(session_id=session_id, mode=tuple(mode), amount=amount, currency=currency)


@dataclass(frozen=True)
class Analysis:
    """The outcome of analyzing one cart state: a quote to show, or the reason there is none."""

    fingerprint: str
    analyzed_at: float  # epoch seconds
    reason: str  # Loop's reason, or why we could not ask (e.g. "timeout")
    quote: Quote | None
    fresh_for: float  # seconds this outcome may be reused for the same cart

    @property
    def offered(self) -> bool:
        """Tell whether the shopper is shown the offer."""
        return self.quote is not None

    @property
    def loop_failed(self) -> bool:
        """Tell whether Loop gave no answer about the cart (timeout, outage, bad reply...)."""
        return self.reason in LOOP_FAILURES

    def reusable_for(self, fingerprint: str, now: float) -> bool:
        """Tell whether this outcome still answers for a cart with this fingerprint."""
        return self.fingerprint == fingerprint and 0 <= now - self.analyzed_at < self.fresh_for

    def as_dict(self) -> dict[str, Any]:
        """Return the analysis as JSON-friendly data for the session."""
        return {
            "fingerprint": self.fingerprint,
            "at": self.analyzed_at,
            "reason": self.reason,
            "quote": self.quote.as_dict() if self.quote else None,
            "fresh_for": self.fresh_for,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Analysis | None:
        """Read an analysis back from the session; anything malformed reads as none."""
        if not isinstance(data, dict):
            return None
        fingerprint, at = data.get("fingerprint"), data.get("at")
        reason, fresh_for = data.get("reason"), data.get("fresh_for")
        numbers_ok = all(
            isinstance(value, (int, float)) and not isinstance(value, bool)
            for value in (at, fresh_for)
        )
        if not (isinstance(fingerprint, str) and isinstance(reason, str) and numbers_ok):
            return None
        quote = Quote.from_dict(data.get("quote"))
        if (reason == ELIGIBLE) != (quote is not None):
            return None
        return cls(fingerprint, at, reason, quote, fresh_for)


@dataclass(frozen=True)
class OfferState:
    """What the session remembers about the offer for the cart it checks out."""

    analysis: Analysis | None = None
    loop_session_id: str | None = None  # re-sent so Loop re-uses one offer session
    accepted: Quote | None = None  # the quote the shopper opted in to, if any
    reconfirm: bool = False  # the coverage changed under an opt-in; ask again

    @property
    def quote(self) -> Quote | None:
        """Return the quote on show, if the offer is shown."""
        return self.analysis.quote if self.analysis else None

    @property
    def opted_in(self) -> bool:
        """Tell whether the shopper has opted in to the quote on show."""
        return self.accepted is not None and self.accepted == self.quote

    def after_analysis(self, analysis: Analysis) -> OfferState:
        """Return the state once a new analysis is in, keeping or clearing the opt-in.

        Same coverage: the choice stands at the new price. Coverage changed: the choice is
        cleared and the shopper asked again. No offer: the choice is cleared, since a fee must
        never be applied against a stale quote.
        """
        quote, session_id = analysis.quote, self.loop_session_id
        if quote is None:
            return OfferState(analysis, session_id, accepted=None, reconfirm=False)
        if self.accepted is None:
            return OfferState(analysis, session_id, accepted=None, reconfirm=self.reconfirm)
        if self.accepted.same_coverage(quote):
            return OfferState(analysis, session_id, accepted=quote, reconfirm=False)
        return OfferState(analysis, session_id, accepted=None, reconfirm=True)

    def still_accepted(self, fresh: Analysis | None, max_age: float) -> Quote | None:
        """Return the accepted quote when a fresh analysis failed for the very cart it priced.

        Loop's last word on an unchanged cart is the quote the shopper saw and accepted; a
        Loop failure since (``fresh.loop_failed``) is no new word, so that quote still holds
        for up to ``max_age`` seconds after Loop gave it. Anything else returns None.
        """
        accepted, priced = self.accepted, self.analysis
        if accepted is None or priced is None or priced.quote != accepted:
            return None
        if fresh is None or not fresh.loop_failed or fresh.fingerprint != priced.fingerprint:
            return None
        age = fresh.analyzed_at - priced.analyzed_at
        return accepted if 0 <= age <= max_age else None

    def with_loop_session(self, session_id: str | None) -> OfferState:
        """Return the state with the Loop session to re-use next time."""
        return replace(self, loop_session_id=session_id)

    def opt_in(self) -> OfferState:
        """Return the state with the shopper opted in to the quote on show."""
        return replace(self, accepted=self.quote, reconfirm=False)

    def opt_out(self) -> OfferState:
        """Return the state with the shopper declining protection."""
        return replace(self, accepted=None, reconfirm=False)

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-friendly data for the session."""
        return {
            "analysis": self.analysis.as_dict() if self.analysis else None,
            "loop_session_id": self.loop_session_id,
            "accepted": self.accepted.as_dict() if self.accepted else None,
            "reconfirm": self.reconfirm,
        }

    @classmethod
    def from_dict(cls, data: Any) -> OfferState:
        """Read the state back from the session; anything malformed starts afresh."""
        if not isinstance(data, dict):
            return cls()
        session_id = data.get("loop_session_id")
        if not is_session_id(session_id):
            session_id = None
        return cls(
            analysis=Analysis.from_dict(data.get("analysis")),
            loop_session_id=session_id,
            accepted=Quote.from_dict(data.get("accepted")),
            reconfirm=data.get("reconfirm") is True,
        )
