"""Every documented reason, each produced by the merchant rules, and the prices they give."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.sandbox.loop.evaluate import REASONS
from tests.support.loop_requests import CART_KEY
from tests.support.loop_requests import GHOST_CART_KEY
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import default_rules
from tests.support.loop_requests import line
from tests.support.loop_requests import rules_with
from tests.support.loop_requests import with_keys

GUIDE_REASONS = {
    "eligible",
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
}


def gapped_usd_tiers() -> dict[str, Any]:
    """The bundled rules with the USD tier above $500 removed, so $500.01-$2,000 is unpriced."""
    document = copy.deepcopy(default_rules())
    del document["merchants"]["demo"]["pricing"]["USD"]["tiers"][2]
    return document


SNEAKERS = analyze_body(line("101"))

# reason -> (rules document or None for the bundled file, request body, API key)
INELIGIBLE_CASES: dict[str, tuple[dict[str, Any] | None, dict[str, Any], str]] = {
    "configuration_missing": (with_keys(default_rules()), SNEAKERS, GHOST_CART_KEY),
    "order_protection_disabled": (rules_with(enabled=False), SNEAKERS, CART_KEY),
    "empty_cart": (None, analyze_body(), CART_KEY),
    "cart_only_has_coverage_products": (
        None,
        analyze_body(line("loop-checkout-plus", price=298, title="Order protection")),
        CART_KEY,
    ),
    "cart_only_has_excluded_products": (None, analyze_body(line("105")), CART_KEY),
    "cart_has_excluded_product": (
        rules_with(excluded_lines="disqualify"),
        analyze_body(line("101"), line("105")),
        CART_KEY,
    ),
    "b2b_customer_excluded": (None, analyze_body(line("101"), customer={"isB2B": True}), CART_KEY),
    "pickup_delivery_selected": (
        rules_with(pickup="ineligible"),
        analyze_body(line("101"), deliveryGroups=[{"deliveryMethod": "PICKUP"}]),
        CART_KEY,
    ),
    "cart_total_too_low": (None, analyze_body(line("201", price=999, title="Sticker")), CART_KEY),
    "cart_too_valuable": (None, analyze_body(line("106", quantity=2)), CART_KEY),
    "locale_not_supported": (
        rules_with(locales=["en"]),
        analyze_body(line("101"), locale="fr-FR"),
        CART_KEY,
    ),
    "currency_not_supported": (
        None,
        analyze_body(line("101", price=7000), currency="GBP"),
        CART_KEY,
    ),
    "ab_test_affects_attachment_rate_control_group": (
        rules_with(ab_control_share=1.0),
        analyze_body(line("101"), experimentationConsent=True),
        CART_KEY,
    ),
    "rule_evaluation_error": (
        rules_with(excluded_title_patterns=["(unclosed"]),
        SNEAKERS,
        CART_KEY,
    ),
    "system_error": (gapped_usd_tiers(), analyze_body(line("106")), CART_KEY),
}


def test_the_sandbox_knows_exactly_the_guides_reasons():
    assert set(REASONS) == GUIDE_REASONS
    assert len(REASONS) == 16
    assert set(INELIGIBLE_CASES) | {"eligible"} == GUIDE_REASONS


def test_eligible_cart_gets_both_modes_and_the_tier_price(loop_api):
    response = loop_api.analyze(SNEAKERS)

    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is True
    assert body["reason"] == "eligible"
    assert body["mode"] == ["returnCoverage", "shippingProtection"]
    assert body["chargeInstructions"] == {"amount": 298, "currencyCode": "USD", "method": "fee"}
    assert body["metadata"]["priceBreakdown"] == [
        {"mode": "returnCoverage", "amount": 198},
        {"mode": "shippingProtection", "amount": 100},
    ]


@pytest.mark.parametrize("reason", sorted(INELIGIBLE_CASES))
def test_each_ineligible_reason_comes_from_the_rules(loop_api, loop_state, reason):
    rules, body, key = INELIGIBLE_CASES[reason]
    if rules is not None:
        loop_state.replace_rules(rules)

    response = loop_api.analyze(body, key=key)

    assert response.status_code == 200
    payload = response.json()
    assert payload["reason"] == reason
    assert payload["eligible"] is False
    assert payload["chargeInstructions"] is None
    assert "mode" not in payload
    assert payload["metadata"]["priceBreakdown"] == []


@pytest.mark.parametrize(
    "reason",
    sorted(reason for reason, case in INELIGIBLE_CASES.items() if case[0] is not None),
)
def test_the_same_request_is_eligible_under_the_bundled_rules(loop_api, loop_state, reason):
    # Proves the rule change, not the request, is what made the cart ineligible above.
    _, body, key = INELIGIBLE_CASES[reason]
    loop_state.replace_rules(with_keys(default_rules()))
    if key == GHOST_CART_KEY:
        key = CART_KEY

    assert loop_api.analyze(body, key=key).json()["reason"] == "eligible"


def test_excluded_lines_are_not_priced_under_the_default_policy(loop_api):
    # Sneakers alone are $89.00 (first tier); with the $39.95 sunglasses priced it would be tier 2.
    body = loop_api.analyze(analyze_body(line("101"), line("105"), debug=True)).json()

    assert body["reason"] == "eligible"
    assert body["chargeInstructions"]["amount"] == 298
    assert body["debug"]["evaluation"]["excludedLineIds"] == ["line-105-1"]
    assert body["debug"]["evaluation"]["protectedSubtotal"] == 8900


def test_title_patterns_exclude_lines(loop_api, loop_state):
    loop_state.replace_rules(rules_with(excluded_title_patterns=["(?i)final sale"]))
    cart = analyze_body(line("101"), line("201", price=20000, title="FINAL SALE hat"))

    body = loop_api.analyze(cart).json()

    assert body["chargeInstructions"]["amount"] == 298


def test_coverage_lines_are_never_priced(loop_api):
    cart = analyze_body(line("101"), line("loop-checkout-plus", price=5000, title="Protection"))

    assert loop_api.analyze(cart).json()["chargeInstructions"]["amount"] == 298


@pytest.mark.parametrize("method", ["PICKUP", "LOCAL_DELIVERY"])
def test_pickup_keeps_return_coverage_only_under_the_default_policy(loop_api, method):
    shipped = loop_api.analyze(
        analyze_body(line("101"), cartId="c1", deliveryGroups=[{"deliveryMethod": "SHIPPING"}])
    ).json()
    picked_up = loop_api.analyze(
        analyze_body(line("101"), cartId="c1", deliveryGroups=[{"deliveryMethod": method}])
    ).json()

    assert shipped["mode"] == ["returnCoverage", "shippingProtection"]
    assert picked_up["sessionId"] == shipped["sessionId"]
    assert picked_up["eligible"] is True
    assert picked_up["mode"] == ["returnCoverage"]
    assert picked_up["chargeInstructions"]["amount"] == 198
    assert picked_up["metadata"]["priceBreakdown"] == [{"mode": "returnCoverage", "amount": 198}]


def test_pickup_with_shipping_protection_only_is_ineligible(loop_api, loop_state):
    loop_state.replace_rules(rules_with(modes=["shippingProtection"]))
    body = analyze_body(line("101"), deliveryGroups=[{"deliveryMethod": "PICKUP"}])

    assert loop_api.analyze(body).json()["reason"] == "pickup_delivery_selected"


def test_digital_delivery_keeps_every_mode(loop_api):
    body = analyze_body(line("104"), deliveryGroups=[{"deliveryMethod": "DIGITAL"}])

    assert loop_api.analyze(body).json()["mode"] == ["returnCoverage", "shippingProtection"]


def test_modes_come_back_in_the_configured_order_never_sorted(loop_api, loop_state):
    loop_state.replace_rules(rules_with(modes=["shippingProtection", "returnCoverage"]))

    body = loop_api.analyze(SNEAKERS).json()

    assert body["mode"] == ["shippingProtection", "returnCoverage"]
    assert [part["mode"] for part in body["metadata"]["priceBreakdown"]] == body["mode"]
    assert body["chargeInstructions"]["amount"] == 298


@pytest.mark.parametrize(
    ("subtotal", "reason", "amount"),
    [
        (999, "cart_total_too_low", None),
        (1000, "eligible", 298),
        (10000, "eligible", 298),
        (10001, "eligible", 598),
        (50001, "eligible", 1498),
        (200000, "eligible", 1498),
        (200001, "cart_too_valuable", None),
    ],
)
def test_usd_limits_and_tier_boundaries(loop_api, subtotal, reason, amount):
    body = loop_api.analyze(analyze_body(line("201", price=subtotal, title="Thing"))).json()

    assert body["reason"] == reason
    assert (body["chargeInstructions"] or {}).get("amount") == amount


@pytest.mark.parametrize(
    ("currency", "subtotal", "amount"),
    [("JPY", 9800, 450), ("JPY", 120000, 2250), ("KWD", 25500, 915), ("KWD", 30001, 1840)],
)
def test_zero_and_three_decimal_currencies_price_in_integer_minor_units(
    loop_api, currency, subtotal, amount
):
    cart = analyze_body(line("201", price=subtotal, title="Thing"), currency=currency)

    response = loop_api.analyze(cart)

    charge = response.json()["chargeInstructions"]
    assert charge == {"amount": amount, "currencyCode": currency, "method": "fee"}
    assert f'"amount": {amount},' in response.text  # an integer on the wire, never 450.0


@pytest.mark.parametrize(
    ("locales", "locale", "reason"),
    [
        (["en"], "en-US", "eligible"),
        (["en"], "en_GB", "eligible"),
        (["fr-CA"], "fr-CA", "eligible"),
        (["fr-CA"], "fr-FR", "locale_not_supported"),
        (["en"], None, "eligible"),
    ],
)
def test_locale_matching(loop_api, loop_state, locales, locale, reason):
    loop_state.replace_rules(rules_with(locales=locales))
    body = analyze_body(line("101"), **({"locale": locale} if locale else {}))

    assert loop_api.analyze(body).json()["reason"] == reason


def test_cohorts_need_consent_and_follow_the_session_id(loop_api, loop_state):
    loop_state.replace_rules(rules_with(ab_control_share=0.5))
    without = loop_api.analyze(analyze_body(line("101"))).json()
    cohorts = {}
    for index in range(40):
        body = analyze_body(line("101"), cartId=f"cart-{index}", experimentationConsent=True)
        first = loop_api.analyze(body).json()
        again = loop_api.analyze(body).json()
        assert again["metadata"]["experimentCohort"] == first["metadata"]["experimentCohort"]
        cohorts[first["sessionId"]] = first

    assert without["metadata"]["experimentCohort"] is None
    assert without["reason"] == "eligible"
    seen = {result["metadata"]["experimentCohort"] for result in cohorts.values()}
    assert seen == {"control", "treatment"}
    for result in cohorts.values():
        in_control = result["metadata"]["experimentCohort"] == "control"
        assert (result["reason"] == "ab_test_affects_attachment_rate_control_group") is in_control
