"""Eligibility and pricing: one merchant's rules applied to one analyze request.

Checks run in a fixed order and the first that applies gives the reason (the same order is
documented in rules.toml): merchant set-up first, then the request's currency, locale and
customer, then the cart's lines, then delivery, then the protected subtotal and its price, and
the A/B split last, so the control group only ever holds carts that would have been offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from app.sandbox.loop.analyze_request import AnalyzeRequest
from app.sandbox.loop.rules import MerchantRules
from app.sandbox.loop.rules import normalize_locale

ELIGIBLE = "eligible"
REASONS = (
    ELIGIBLE,
    "configuration_missing",
    "order_protection_disabled",
    "empty_cart",
    "cart_only_has_coverage_products",
    "cart_only_has_excluded_products",
    "cart_has_excluded_product",
    "b2b_customer_excluded",
    "pickup_delivery_selected",
    "cart_total_too_low",
    "cart_too_valuable",
    "locale_not_supported",
    "currency_not_supported",
    "ab_test_affects_attachment_rate_control_group",
    "rule_evaluation_error",
    "system_error",
)
PICKUP_METHODS = frozenset({"PICKUP", "LOCAL_DELIVERY"})
CONTROL = "control"


class Unpriced(Exception):
    """No tier prices the protected subtotal for an offered mode."""


@dataclass(frozen=True)
class Decision:
    """The outcome of one analysis; ``modes`` and ``breakdown`` are empty unless eligible."""

    reason: str
    currency: str
    modes: tuple[str, ...] = ()
    breakdown: tuple[tuple[str, int], ...] = ()
    debug: dict[str, Any] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        """Whether the offer is shown."""
        return self.reason == ELIGIBLE

    @property
    def amount(self) -> int:
        """The charge in minor units: the sum over the offered modes."""
        return sum(amount for _, amount in self.breakdown)


def evaluate(rules: MerchantRules | None, req: AnalyzeRequest, cohort: str | None) -> Decision:
    """Judge a request against a merchant's rules; unexpected failures become ``system_error``."""
    trace: dict[str, Any] = {"checks": []}
    try:
        return _evaluate(rules, req, cohort, trace)
    except Exception as error:  # Loop hides the offer on any internal failure; so does the sandbox.
        trace["error"] = f"{type(error).__name__}: {error}"
        return Decision(reason="system_error", currency=req.cart.currency, debug=trace)


def _evaluate(
    rules: MerchantRules | None, req: AnalyzeRequest, cohort: str | None, trace: dict[str, Any]
) -> Decision:
    cart = req.cart
    checks: list[str] = trace["checks"]

    def stop(reason: str) -> Decision:
        return Decision(reason=reason, currency=cart.currency, debug=trace)

    checks.append("configuration")
    if rules is None:
        return stop("configuration_missing")
    checks.append("enabled")
    if not rules.enabled:
        return stop("order_protection_disabled")
    checks.append("currency")
    if cart.currency not in rules.currencies:
        return stop("currency_not_supported")
    checks.append("locale")
    if not _locale_supported(rules.locales, req.locale):
        return stop("locale_not_supported")
    checks.append("b2b")
    if req.is_b2b and rules.exclude_b2b:
        return stop("b2b_customer_excluded")
    checks.append("lines")
    if not cart.lines:
        return stop("empty_cart")
    coverage_ids = rules.coverage_product_ids
    lines = [line for line in cart.lines if line.product_id not in coverage_ids]
    trace["coverageLineIds"] = [line.id for line in cart.lines if line.product_id in coverage_ids]
    if not lines:
        return stop("cart_only_has_coverage_products")
    checks.append("exclusions")
    try:
        patterns = [re.compile(pattern) for pattern in rules.excluded_title_patterns]
    except re.error as error:
        trace["error"] = f"excluded_title_patterns: {error}"
        return stop("rule_evaluation_error")
    flags = [
        line.product_id in rules.excluded_product_ids
        or any(pattern.search(line.title) for pattern in patterns)
        for line in lines
    ]
    excluded = [line for line, out in zip(lines, flags, strict=True) if out]
    priced = [line for line, out in zip(lines, flags, strict=True) if not out]
    trace["excludedLineIds"] = [line.id for line in excluded]
    if not priced:
        return stop("cart_only_has_excluded_products")
    if excluded and rules.excluded_lines == "disqualify":
        return stop("cart_has_excluded_product")
    checks.append("delivery")
    modes = rules.modes
    if PICKUP_METHODS.intersection(req.delivery_methods):
        # Only shipping protection depends on fulfilment; the policy may keep return coverage.
        if rules.pickup == "return_coverage_only":
            modes = tuple(mode for mode in modes if mode != "shippingProtection")
        if rules.pickup == "ineligible" or not modes:
            return stop("pickup_delivery_selected")
    checks.append("subtotal")
    subtotal = sum(line.total_price for line in priced)
    trace["protectedSubtotal"] = subtotal
    trace["pricedLineIds"] = [line.id for line in priced]
    pricing = rules.pricing.get(cart.currency)
    if pricing is not None and pricing.min_subtotal is not None and subtotal < pricing.min_subtotal:
        return stop("cart_total_too_low")
    if pricing is not None and pricing.max_subtotal is not None and subtotal > pricing.max_subtotal:
        return stop("cart_too_valuable")
    checks.append("pricing")
    try:
        breakdown = _price(rules, cart.currency, subtotal, modes, trace)
    except Unpriced as error:
        trace["error"] = str(error)
        return stop("system_error")
    checks.append("experiment")
    if cohort == CONTROL:
        return stop("ab_test_affects_attachment_rate_control_group")
    return Decision(
        reason=ELIGIBLE, currency=cart.currency, modes=modes, breakdown=breakdown, debug=trace
    )


def _locale_supported(locales: tuple[str, ...] | None, locale: str | None) -> bool:
    # No list means every locale; a request without a locale cannot be judged, so it passes.
    if locales is None or locale is None:
        return True
    wanted = normalize_locale(locale)
    language = wanted.split("-")[0]
    return any(allowed in (wanted, language) for allowed in locales)


def _price(
    rules: MerchantRules,
    currency: str,
    subtotal: int,
    modes: tuple[str, ...],
    trace: dict[str, Any],
) -> tuple[tuple[str, int], ...]:
    pricing = rules.pricing.get(currency)
    if pricing is None:
        raise Unpriced(f"no pricing table for {currency}")
    for tier in pricing.tiers:
        if tier.lowest <= subtotal <= tier.highest:
            trace["tier"] = {"from": tier.lowest, "upTo": tier.highest}
            missing = [mode for mode in modes if mode not in tier.prices]
            if missing:
                raise Unpriced(f"tier up to {tier.highest} has no price for {missing[0]}")
            return tuple((mode, tier.prices[mode]) for mode in modes)
    raise Unpriced(f"no {currency} tier covers a protected subtotal of {subtotal}")
