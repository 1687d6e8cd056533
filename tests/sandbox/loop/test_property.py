"""Property: any well-formed cart gets an offer with a positive integer price, or a documented
reason with no charge and no mode."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.sandbox.loop.evaluate import REASONS
from tests.support.loop_requests import SESSION_ID
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import line

CONFIGURED_MODES = ["returnCoverage", "shippingProtection"]

lines = st.builds(
    line,
    product_id=st.sampled_from(
        ["101", "102", "103", "104", "105", "106", "201", "loop-checkout-plus"]
    ),
    quantity=st.integers(min_value=1, max_value=3),
    price=st.integers(min_value=0, max_value=150_000),
)
optional_fields = st.fixed_dictionaries(
    {},
    optional={
        "deliveryGroups": st.lists(
            st.builds(
                dict,
                deliveryMethod=st.sampled_from(["SHIPPING", "PICKUP", "LOCAL_DELIVERY", "DIGITAL"]),
            ),
            max_size=2,
        ),
        "customer": st.builds(dict, isB2B=st.booleans()),
        "locale": st.sampled_from(["en-US", "fr-FR", "ja-JP"]),
        "experimentationConsent": st.booleans(),
        "cartId": st.sampled_from(["cart-a", "cart-b"]),
        "region": st.sampled_from(["US", "US-OH", "JP", {"country": "KW"}]),
    },
)


def is_subsequence(modes: list[str], configured: list[str]) -> bool:
    """Whether ``modes`` keeps the configured order (never re-sorted), with no extras."""
    remaining = iter(configured)
    return all(mode in remaining for mode in modes)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cart_lines=st.lists(lines, max_size=5),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP"]),
    extra=optional_fields,
)
def test_any_well_formed_cart_is_offered_or_has_a_documented_reason(
    loop_api, cart_lines: list[dict[str, Any]], currency: str, extra: dict[str, Any]
):
    response = loop_api.analyze(analyze_body(*cart_lines, currency=currency, **extra))

    assert response.status_code == 200
    body = response.json()
    assert SESSION_ID.fullmatch(body["sessionId"])
    assert body["reason"] in REASONS
    breakdown = body["metadata"]["priceBreakdown"]
    if body["eligible"]:
        charge = body["chargeInstructions"]
        assert body["reason"] == "eligible"
        assert type(charge["amount"]) is int
        assert charge["amount"] > 0
        assert charge["amount"] == sum(part["amount"] for part in breakdown)
        assert charge["currencyCode"] == currency
        assert charge["method"] == "fee"
        assert body["mode"]
        assert is_subsequence(body["mode"], CONFIGURED_MODES)
        assert [part["mode"] for part in breakdown] == body["mode"]
    else:
        assert body["reason"] != "eligible"
        assert body["chargeInstructions"] is None
        assert "mode" not in body
        assert breakdown == []
        # The bundled rules have no gaps and valid patterns: these never come from a real cart.
        assert body["reason"] not in ("system_error", "rule_evaluation_error")
