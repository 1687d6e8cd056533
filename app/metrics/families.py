"""Every metric of the app, defined once, and the functions that count into them.

Label values come from small fixed sets: never a cart, session or order id, and an open-ended
value from upstream (Loop's reasons) is folded into ``other`` when it is not one we know, so a
new word from Loop cannot grow the series without bound.
"""

from __future__ import annotations

from prometheus_client import Counter
from prometheus_client import Histogram

from app.checkout_plus.offer import ELIGIBLE
from app.checkout_plus.offer import LOOP_FAILURES
from app.checkout_plus.reasons import LOOP_REASONS
from app.checkout_plus.reasons import OUR_REASONS

PREFIX = "checkout_plus_"
OTHER = "other"
# The offer service does not call Loop for an empty cart (Loop asks not to be).
EMPTY_CART = "empty_cart"
ANSWERED, NOT_ASKED, NO_REASON = "answered", "not_asked", "none"
# Loop's analyze timeout is 1.5 s by default and 10 s at most.
ANALYZE_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)

ANALYZE_SECONDS = Histogram(
    PREFIX + "loop_analyze_seconds",
    "Seconds of each Loop analyze call (POST /v1/analyze), failures included.",
    buckets=ANALYZE_BUCKETS,
)
ANALYSES = Counter(
    PREFIX + "analyses",
    "Analyses of a cart state: outcome answered (reason: Loop's, or ours when we hide its "
    "offer), not_asked (an empty cart), or why Loop gave no answer (reason none).",
    ["outcome", "reason"],
)
OFFERS_SHOWN = Counter(
    PREFIX + "offers_shown",
    "Analyses whose quote is put on show (one per analysis, however many pages show it).",
)
OFFER_DECISIONS = Counter(
    PREFIX + "offer_decisions",
    "Orders placed, by decision: accepted (protection applied) or declined with an offer on "
    "show, or not_shown (Loop's control group, whose offer is hidden).",
    ["decision"],
)
UPSTREAM_REQUESTS = Counter(
    PREFIX + "upstream_requests",
    "HTTP calls to BigCommerce, its payments and Loop, by service and status (the HTTP "
    "status, or timeout or connection_error when none came back).",
    ["service", "status"],
)
UPSTREAM_ERRORS = Counter(
    PREFIX + "upstream_errors",
    "Upstream calls that failed, by service and kind: timeout, connection, rate_limited "
    "(429) or server_error (5xx).",
    ["service", "kind"],
)
PLACE_ORDER = Counter(
    PREFIX + "place_order",
    "Place order submissions by outcome: placed, unfinished (paid, its record finished "
    "later), or why the checkout came back (the payment section's notice, payment_failed, "
    "invalid_form, no_cart, cart_gone).",
    ["outcome"],
)


def count_analysis(reason: str) -> None:
    """Count one analysis by the reason it ended with (Loop's or ours)."""
    if reason in LOOP_FAILURES:
        outcome, reason = reason, NO_REASON
    elif reason == EMPTY_CART:
        outcome = NOT_ASKED
    else:
        outcome = ANSWERED
        if reason not in LOOP_REASONS and reason not in OUR_REASONS:
            reason = OTHER
    ANALYSES.labels(outcome, reason).inc()
    if reason == ELIGIBLE:
        # The offer service shows a quote exactly when it judges an answer eligible.
        OFFERS_SHOWN.inc()


def count_decision(shown: bool, accepted: bool) -> None:
    """Count an order's decision: accepted or declined when the offer was on show."""
    decision = ("accepted" if accepted else "declined") if shown else "not_shown"
    OFFER_DECISIONS.labels(decision).inc()


def count_place_order(outcome: str) -> None:
    """Count one Place order submission by its outcome."""
    PLACE_ORDER.labels(outcome).inc()
