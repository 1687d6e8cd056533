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
# How long after Loop priced an unchanged cart its quote may stand in for a failed fresh one
# (on the page and at place); a tab left open longer is asked to look at the offer again.
ACCEPTED_QUOTE_MAX_AGE_SECONDS = 3600.0


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
    cohort: str | None = None  # Loop's A/B cohort for the session (experiments on), if any

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
            "cohort": self.cohort,
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
        cohort = data.get("cohort")
        return cls(
            fingerprint, at, reason, quote, fresh_for, cohort if isinstance(cohort, str) else None
        )


@dataclass(frozen=True)
class OfferState:
    """What the session remembers about the offer for the cart it checks out.

    Two notices may follow an analysis: ``reconfirm`` (the cover of a ticked offer changed)
    and ``withdrawn`` (a ticked offer is no longer offered, so its fee went). Each stays until
    the shopper answers: ticks or unticks the offer (``opt_in``, ``opt_out``) or moves on to
    another step (``moved_on``).
    """

    analysis: Analysis | None = None
    loop_session_id: str | None = None  # re-sent so Loop re-uses one offer session
    accepted: Quote | None = None  # the quote the shopper opted in to, if any
    reconfirm: bool = False  # the coverage changed under an opt-in; ask again
    held: Quote | None = None  # an opt-in set aside while its cover is not on offer
    withdrawn: bool = False  # the offer the shopper had ticked is gone, and its fee with it
    # Loop has not answered yet: the page shows the offer loading and asks for it again.
    # Never kept in the session: the request that delivers the analysis saves the state.
    loading: bool = False

    @property
    def quote(self) -> Quote | None:
        """Return the quote on show, if the offer is shown."""
        return self.analysis.quote if self.analysis else None

    @property
    def opted_in(self) -> bool:
        """Tell whether the shopper has opted in to the quote on show."""
        return self.accepted is not None and self.accepted == self.quote

    def after_analysis(self, analysis: Analysis) -> OfferState:
        """Return the state once a new analysis is in, keeping, holding or clearing the opt-in.

        The shopper's choice is the quote they accepted, or one held since its cover went off
        offer. The same coverage on offer: the choice stands at the new price. Other coverage:
        the choice is held for when that cover comes back, and a ticked box asks again. No
        answer from Loop: the choice is held and the notices stay. Loop's no: the choice is
        cleared, since a fee must never be applied against a stale quote, and a ticked offer
        is said to be withdrawn.
        """
        quote, session_id = analysis.quote, self.loop_session_id
        choice = self.accepted or self.held
        if quote is None and analysis.loop_failed:
            return OfferState(
                analysis,
                session_id,
                held=choice,
                reconfirm=self.reconfirm,
                withdrawn=self.withdrawn,
            )
        if quote is None:
            withdrawn = self.withdrawn or self.accepted is not None
            return OfferState(analysis, session_id, withdrawn=withdrawn)
        if choice is not None and choice.same_coverage(quote):
            return OfferState(analysis, session_id, accepted=quote)
        asked = self.reconfirm or self.accepted is not None
        return OfferState(analysis, session_id, held=choice, reconfirm=asked)

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

    def through_failure(self, failed: Analysis) -> OfferState:
        """Return the state kept through a Loop failure on the cart its accepted quote priced.

        For use when ``still_accepted`` holds: the quote stands and stays on show, and the
        analysis that priced it answers for the cart until the failure's own pause is over.
        """
        priced = self.analysis
        if priced is None:
            return self
        pause = failed.analyzed_at + failed.fresh_for - priced.analyzed_at
        return replace(self, analysis=replace(priced, fresh_for=pause))

    def with_loop_session(self, session_id: str | None) -> OfferState:
        """Return the state with the Loop session to re-use next time."""
        return replace(self, loop_session_id=session_id)

    def moved_on(self) -> OfferState:
        """Return the state once the shopper went on to another step: its notices are answered."""
        return replace(self, reconfirm=False, withdrawn=False)

    def opt_in(self) -> OfferState:
        """Return the state with the shopper opted in to the quote on show."""
        return replace(self.moved_on(), accepted=self.quote, held=None)

    def opt_out(self) -> OfferState:
        """Return the state with the shopper declining protection."""
        return replace(self.moved_on(), accepted=None, held=None)

    def as_dict(self) -> dict[str, Any]:
        """Return the state as JSON-friendly data for the session."""
        return {
            "analysis": self.analysis.as_dict() if self.analysis else None,
            "loop_session_id": self.loop_session_id,
            "accepted": self.accepted.as_dict() if self.accepted else None,
            "reconfirm": self.reconfirm,
            "held": self.held.as_dict() if self.held else None,
            "withdrawn": self.withdrawn,
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
            held=Quote.from_dict(data.get("held")),
            withdrawn=data.get("withdrawn") is True,
        )
