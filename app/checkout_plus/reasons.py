"""Why an analysis ended as it did: Loop's reasons and our own, each with the merchant's words.

One list for the whole server: the admin page says them in words, and the metrics count these
reasons by name (any other folds into "other", so Loop's new words cannot grow the series).
"""

from __future__ import annotations

CONTROL_GROUP = "ab_test_affects_attachment_rate_control_group"

# Loop's reasons, as its Checkout+ guide lists them. The sandbox Loop keeps its own list, as it
# imports nothing of the product; tests/metrics checks the two agree.
LOOP_REASONS = {
    "eligible": "Offer shown",
    "configuration_missing": "Loop has no Checkout+ configuration for this store",
    "order_protection_disabled": "Checkout+ is turned off for this store in Loop",
    "empty_cart": "The cart was empty",
    "cart_only_has_coverage_products": "The cart held only coverage products",
    "cart_only_has_excluded_products": "Every item is excluded from cover",
    "cart_has_excluded_product": "An item in the cart is excluded from cover",
    "b2b_customer_excluded": "Business customers are excluded",
    "pickup_delivery_selected": "Pickup or local delivery was chosen",
    "cart_total_too_low": "The cart is below the lowest value Loop covers",
    "cart_too_valuable": "The cart is above the highest value Loop covers",
    "locale_not_supported": "The shopper's language is not among Loop's for this store",
    "currency_not_supported": "The cart's currency is not among Loop's for this store",
    CONTROL_GROUP: "Control group: Loop's experiment hides the offer from this session",
    "rule_evaluation_error": "A rule of this store's failed in Loop (report the request id)",
    "system_error": "Loop failed to judge the cart (asked again at the next change)",
}
# Ours: Loop did not answer, or answered something this checkout cannot offer
# (checkout_plus/service.py).
OUR_REASONS = {
    "timeout": "Loop did not answer in time",
    "unavailable": "Loop could not be reached",
    "rate_limited": "Loop asked this server to slow down",
    "unauthorized": "Loop refused this server's API key",
    "invalid_response": "Loop's answer could not be read",
    "loop_error": "Loop refused the request",
    "request_too_large": "The cart is too large to send to Loop",
    "unsupported_charge_method": "Loop asked for a charge method this checkout cannot apply",
    "currency_mismatch": "Loop priced the offer in another currency than the cart's",
    "unknown_mode": "Loop offered cover this checkout cannot describe",
}


def reason_words(reason: str) -> str:
    """Return a reason in words; one this server does not know is said to be unknown."""
    return LOOP_REASONS.get(reason) or OUR_REASONS.get(reason) or UNKNOWN


UNKNOWN = "A reason this server does not know yet"
