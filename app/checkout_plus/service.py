"""Keep the shopper's offer current: analyze the cart with Loop, at most once per cart state.

Every way Loop can fail ends here as "no offer" with a reason, never as an exception for the
page: checkout goes on without protection. Each outcome goes to the analysis log, if one is
given, so the merchant can see why a shopper had no offer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from typing import Protocol

from app.checkout_plus.analyses import LoggedAnalysis
from app.checkout_plus.analyze_request import build_analyze_request
from app.checkout_plus.analyze_request import cart_fingerprint
from app.checkout_plus.inflight import InFlight
from app.checkout_plus.offer import ACCEPTED_QUOTE_MAX_AGE_SECONDS
from app.checkout_plus.offer import ELIGIBLE
from app.checkout_plus.offer import INVALID_RESPONSE
from app.checkout_plus.offer import LOOP_ERROR
from app.checkout_plus.offer import RATE_LIMITED
from app.checkout_plus.offer import TIMEOUT
from app.checkout_plus.offer import UNAUTHORIZED
from app.checkout_plus.offer import UNAVAILABLE
from app.checkout_plus.offer import Analysis
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import Checkout
from app.clients.loop import LoopClient
from app.clients.loop import LoopError
from app.clients.loop import LoopInvalidResponse
from app.clients.loop import LoopRateLimited
from app.clients.loop import LoopRequestTooLarge
from app.clients.loop import LoopUnauthorized
from app.clients.loop import LoopUnavailable
from app.clients.loop import Offer

log = logging.getLogger(__name__)

# Loop lets a session answer be cached this long (GET /v1/session sends max-age=45).
ANALYSIS_FRESH_SECONDS = 45.0
# A failed call is not repeated for a short while, so a reload does not wait on Loop again.
FAILURE_FRESH_SECONDS = 10.0
MAX_RATE_LIMIT_WAIT_SECONDS = 60.0
# The coverage this checkout can describe; a mode we cannot put into words is not offered.
KNOWN_MODES = frozenset({"returnCoverage", "shippingProtection"})
CHARGE_METHOD = "fee"


@dataclass(frozen=True)
class OfferSettings:
    """The merchant's choices that shape every analyze request."""

    default_region: str
    mount_target: str
    cart_experience: str
    experiments: bool = False  # Loop may place sessions in A/B cohorts


class AnalysisRecorder(Protocol):
    """Where each analysis is logged (``AnalysisLog`` or its Redis twin)."""

    def record(self, entry: LoggedAnalysis) -> None: ...


class OfferService:
    """Analyze carts with Loop and apply the shopper's choice to the result."""

    def __init__(
        self,
        loop: LoopClient,
        settings: OfferSettings,
        clock: Callable[[], float] = time.time,
        analyses: AnalysisRecorder | None = None,
        inflight: InFlight | None = None,
        budget: float = 2.0,
    ) -> None:
        self._loop = loop
        self._settings = settings
        self._clock = clock
        self._analyses = analyses
        self._inflight = inflight
        # The longest a request waits on an analysis (Loop's timeout, and a margin).
        self._budget = budget

    @property
    def settings(self) -> OfferSettings:
        """Return the merchant's choices the offer is made with (its placement)."""
        return self._settings

    def refresh(
        self,
        checkout: Checkout,
        state: OfferState,
        locale: str | None,
        force: bool = False,
        wait: float | None = None,
    ) -> OfferState:
        """Return the state with an analysis of this checkout, re-using one for the same cart.

        ``force`` asks Loop again even for an unchanged cart (the quote must be fresh), and
        leaves a Loop failure for the caller to judge. Otherwise a Loop failure on the very
        cart the shopper's accepted quote priced leaves that quote standing, as placing the
        order would (``OfferState.still_accepted``): a timeout takes nothing away.

        ``wait``: the seconds this request may wait on Loop (the page's short wait); when Loop
        has not answered by then the state comes back ``loading`` and the analysis goes on in
        the background, for the offer's follow-up request to pick up. None waits the whole
        budget, after which a missing answer counts as a timeout.
        """
        request = build_analyze_request(
            checkout,
            session_id=state.loop_session_id,
            default_region=self._settings.default_region,
            locale=locale,
            mount_target=self._settings.mount_target,
            cart_experience=self._settings.cart_experience,
            experimentation_consent=self._settings.experiments,
        )
        fingerprint = cart_fingerprint(request)
        now = self._clock()
        if not force and state.analysis and state.analysis.reusable_for(fingerprint, now):
            return state
        if force or self._inflight is None:
            analysis, session_id = self._analyze(request, fingerprint, checkout.currency, now)
        else:
            # The shelf's scope, chosen on purpose: an outcome is shared by every request about
            # the same cart state (the fingerprint covers the cart id and everything Loop
            # prices) in the same Loop session, for as long as the analysis itself may be
            # re-used (``Analysis.fresh_for``: Loop's own 45 s max-age, 10 s for a failure).
            # Asking Loop again about an identical cart state within that time could only
            # return the same price, so the issue asks for no second analyze: a cart that goes
            # back to a state it had a moment ago (quantity 2, 1, then 2 again) is priced from
            # the shelf. Any change to what Loop prices is a new key, and so a new analyze.
            key = f"{fingerprint}:{request.get('sessionId') or ''}"
            outcome = self._inflight.outcome(
                key,
                lambda: self._analyze(request, fingerprint, checkout.currency, now),
                self._budget if wait is None else min(wait, self._budget),
            )
            if outcome is None and wait is not None:
                return replace(state, loading=True)
            if outcome is None:
                outcome = Analysis(fingerprint, now, TIMEOUT, None, FAILURE_FRESH_SECONDS), None
            analysis, session_id = outcome
        if not force and state.still_accepted(analysis, ACCEPTED_QUOTE_MAX_AGE_SECONDS):
            return state.through_failure(analysis)
        return state.after_analysis(analysis).with_loop_session(session_id or state.loop_session_id)

    def choose(self, state: OfferState, opt_in: bool, seen_quote: str | None) -> OfferState:
        """Apply the shopper's checkbox to the quote on show.

        ``seen_quote`` is the token of the quote the form showed; if the quote has changed
        since, the shopper is asked again rather than opted in to a price they did not see.
        """
        if not opt_in:
            return state.opt_out()
        quote = state.quote
        if quote is None:
            return state.opt_out()
        if seen_quote != quote.token:
            return replace(state.opt_out(), reconfirm=True)
        return state.opt_in()

    def _analyze(
        self, request: dict, fingerprint: str, currency: str, now: float
    ) -> tuple[Analysis, str | None]:
        """Ask Loop about one cart state, log the outcome and return it with Loop's session."""
        analysis, offer = self._ask(request, fingerprint, currency, now)
        self._log(request, analysis, offer)
        return analysis, offer.session_id if offer else None

    def _ask(
        self, request: dict, fingerprint: str, currency: str, now: float
    ) -> tuple[Analysis, Offer | None]:
        """Ask Loop about one cart state and turn every outcome into an Analysis."""

        def outcome(reason: str, fresh_for: float, quote: Quote | None = None) -> Analysis:
            return Analysis(fingerprint, now, reason, quote, fresh_for)

        if not request["cart"]["lines"]:
            # Loop asks not to be called for an empty cart.
            return outcome("empty_cart", ANALYSIS_FRESH_SECONDS), None
        try:
            offer = self._loop.analyze(request)
        except LoopRateLimited as error:
            wait = min(
                max(error.retry_after or 0, FAILURE_FRESH_SECONDS), MAX_RATE_LIMIT_WAIT_SECONDS
            )
            return outcome(RATE_LIMITED, wait), None
        except LoopUnavailable as error:
            return outcome(TIMEOUT if error.timed_out else UNAVAILABLE, FAILURE_FRESH_SECONDS), None
        except LoopUnauthorized:
            return outcome(UNAUTHORIZED, FAILURE_FRESH_SECONDS), None
        except LoopRequestTooLarge:
            # Loop's size limit is about this cart, so it is an answer, not a failure.
            return outcome("request_too_large", ANALYSIS_FRESH_SECONDS), None
        except LoopInvalidResponse:
            return outcome(INVALID_RESPONSE, FAILURE_FRESH_SECONDS), None
        except LoopError:
            return outcome(LOOP_ERROR, FAILURE_FRESH_SECONDS), None
        reason, quote = _judge(offer, currency)
        analysis = outcome(reason, ANALYSIS_FRESH_SECONDS, quote)
        return replace(analysis, cohort=offer.experiment_cohort), offer

    def _log(self, request: dict, analysis: Analysis, offer: Offer | None) -> None:
        """Add the outcome to the analysis log; a storage failure never reaches the shopper."""
        if self._analyses is None:
            return
        entry = LoggedAnalysis(
            analyzed_at=analysis.analyzed_at,
            cart_id=request.get("cartId") or "",
            session_id=offer.session_id if offer else request.get("sessionId"),
            reason=analysis.reason,
            eligible=offer is not None and offer.eligible,
            mode=offer.mode if offer else (),
            amount=offer.amount if offer else None,
            currency=offer.currency if offer else None,
            cohort=offer.experiment_cohort if offer else None,
        )
        try:
            self._analyses.record(entry)
        except Exception as error:
            # Any backend, any failure: the offer goes on. The error's type only is logged,
            # since a storage error's text may carry a connection URL.
            log.warning("Analysis of cart %s not logged: %s", entry.cart_id, type(error).__name__)


def _judge(offer: Offer, currency: str) -> tuple[str, Quote | None]:
    """Return the reason and the quote to show for Loop's answer."""
    if not offer.eligible:
        return offer.reason, None
    if offer.method != CHARGE_METHOD:
        log.warning("Loop offered charge method %r; only %r can be applied", offer.method, "fee")
        return "unsupported_charge_method", None
    if offer.currency != currency or offer.amount is None:
        log.warning("Loop quoted in %s for a cart in %s; offer hidden", offer.currency, currency)
        return "currency_mismatch", None
    unknown = [mode for mode in offer.mode if mode not in KNOWN_MODES]
    if unknown:
        log.warning("Loop offered coverage %s that the offer copy cannot describe", unknown)
        return "unknown_mode", None
    quote = Quote(offer.session_id, offer.mode, offer.amount, offer.currency)
    return ELIGIBLE, quote
