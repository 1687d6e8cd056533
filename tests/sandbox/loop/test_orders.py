"""Loop's Orders API: create versus upsert, the Checkout+ outcome, 400/401/422."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.support.loop_requests import CART_KEY
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import line

SESSION = "lop_a1b2c3d4e5f6g7h8i9j0"
BOTH = ["returnCoverage", "shippingProtection"]


def protection_fee(modes: Any = BOTH, amount: Any = 298, **extra: Any) -> dict[str, Any]:
    """The fee entry the guide prescribes."""
    return {
        "name": "Order protection",
        "amount": {"amount": amount, "currency_code": "USD"},
        "accepted_offer_mode": modes,
        **extra,
    }


def order_body(
    external_id: str = "5001",
    fees: list[dict[str, Any]] | None = None,
    metadata: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A minimal order with one line item."""
    body: dict[str, Any] = {
        "name": f"#{external_id}",
        "external_id": external_id,
        "total_price": {"amount": 9198, "currency_code": "USD"},
        "line_items": [
            {"quantity": 1, "unit_price": {"amount": 8900, "currency_code": "USD"}},
        ],
    }
    if fees is not None:
        body["fees"] = fees
    if metadata is not None:
        body["metadata"] = metadata
    return body


PROTECTED = order_body(fees=[protection_fee()], metadata=[{"key": "session_id", "value": SESSION}])


def stored(loop_api, external_id: str = "5001") -> list[dict[str, Any]]:
    """The orders the sandbox holds for an external id, via the control API."""
    response = loop_api.control("GET", "/orders", params={"external_id": external_id})
    return response.json()["data"]


def test_post_creates_and_a_second_post_creates_another(loop_api):
    first = loop_api.orders("POST", PROTECTED)
    second = loop_api.orders("POST", PROTECTED)

    assert first.status_code == 200
    order = first.json()["order"]
    assert isinstance(order["id"], int)
    assert order["external_id"] == "5001"
    assert order["fees"] == PROTECTED["fees"]
    assert second.json()["order"]["id"] != order["id"]
    assert len(stored(loop_api)) == 2


def test_put_upserts_by_external_id_and_replaces_fees_and_metadata(loop_api):
    created = loop_api.orders(
        "PUT",
        order_body(
            fees=[
                protection_fee(),
                {"name": "Gift wrap", "amount": {"amount": 500, "currency_code": "USD"}},
            ],
            metadata=[{"key": "session_id", "value": SESSION}, {"key": "note", "value": "a"}],
        ),
    ).json()["order"]
    updated = loop_api.orders(
        "PUT",
        order_body(fees=[protection_fee()], metadata=[{"key": "session_id", "value": SESSION}]),
    ).json()["order"]
    other = loop_api.orders("PUT", order_body(external_id="5002")).json()["order"]

    assert updated["id"] == created["id"]
    assert other["id"] != created["id"]
    [order] = stored(loop_api)
    assert order["fees"] == [protection_fee()]
    assert order["metadata"] == [{"key": "session_id", "value": SESSION}]
    assert order["writes"] == 2


def test_put_without_the_block_removes_coverage(loop_api):
    loop_api.orders("PUT", PROTECTED)
    loop_api.orders("PUT", order_body())

    [order] = stored(loop_api)
    assert order["fees"] == []
    assert order["checkout_plus"]["protected"] is False


def test_put_after_two_posts_updates_the_newest(loop_api):
    loop_api.orders("POST", order_body())
    newest = loop_api.orders("POST", order_body()).json()["order"]["id"]

    updated = loop_api.orders("PUT", PROTECTED).json()["order"]

    assert updated["id"] == newest
    assert [o["checkout_plus"]["protected"] for o in stored(loop_api)] == [False, True]


def test_protected_order_keeps_the_mode_verbatim(loop_api):
    analyzed = loop_api.analyze(analyze_body(line("101"))).json()
    modes = ["shippingProtection", "returnCoverage"]
    body = order_body(
        fees=[protection_fee(modes=modes)],
        metadata=[{"key": "session_id", "value": analyzed["sessionId"]}],
    )

    loop_api.orders("POST", body)

    outcome = stored(loop_api)[0]["checkout_plus"]
    assert outcome["protected"] is True
    assert outcome["reason"] == "protected"
    assert outcome["accepted_offer_mode"] == modes
    assert outcome["session_id"] == analyzed["sessionId"]
    assert outcome["session_known"] is True
    assert outcome["fee"] == {"name": "Order protection", "amount": 298, "currency_code": "USD"}


def test_a_well_formed_but_unknown_session_still_protects(loop_api):
    loop_api.orders("POST", PROTECTED)

    outcome = stored(loop_api)[0]["checkout_plus"]
    assert outcome["protected"] is True
    assert outcome["session_known"] is False


@pytest.mark.parametrize(
    ("fees", "metadata", "reason"),
    [
        (None, None, "no_accepting_fee"),
        (
            [protection_fee(modes=None)],
            [{"key": "session_id", "value": SESSION}],
            "no_accepting_fee",
        ),
        (
            [protection_fee(modes=[])],
            [{"key": "session_id", "value": SESSION}],
            "empty_accepted_offer_mode",
        ),
        (
            [protection_fee(modes=["returns"])],
            [{"key": "session_id", "value": SESSION}],
            "unknown_offer_mode",
        ),
        ([protection_fee()], None, "missing_session_id"),
        ([protection_fee()], [{"key": "sessionId", "value": SESSION}], "missing_session_id"),
        ([protection_fee()], [{"key": "session_id", "value": "lop_123"}], "malformed_session_id"),
    ],
)
def test_orders_without_a_complete_acceptance_are_not_protected(loop_api, fees, metadata, reason):
    response = loop_api.orders("POST", order_body(fees=fees, metadata=metadata))

    assert response.status_code == 200
    outcome = stored(loop_api)[0]["checkout_plus"]
    assert outcome["protected"] is False
    assert outcome["reason"] == reason


@pytest.mark.parametrize("amount", [None, 0, -298, "2.98", 2.98, True])
@pytest.mark.parametrize("index", [0, 1])
def test_acceptance_without_a_valid_fee_amount_is_422(loop_api, amount, index):
    fees = [{"name": "Gift wrap", "amount": {"amount": 500, "currency_code": "USD"}}] * index
    fee = protection_fee()
    if amount is None:
        del fee["amount"]
    else:
        fee["amount"]["amount"] = amount

    response = loop_api.orders("POST", order_body(fees=[*fees, fee]))

    assert response.status_code == 422
    assert response.json()["error"]["message"] == f"fees.{index} field is unsupported"
    assert stored(loop_api) == []


def test_plain_fee_with_a_bad_amount_is_400(loop_api):
    fee = {"name": "Gift wrap", "amount": {"amount": "5.00", "currency_code": "USD"}}

    response = loop_api.orders("POST", order_body(fees=[fee]))

    assert response.status_code == 400
    assert "fees.0.amount.amount" in response.json()["error"]["message"]


def broken(path: str, value: Any) -> dict[str, Any]:
    """The protected order with one dotted path set (a value of ... deletes it)."""
    body = copy.deepcopy(PROTECTED)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("name", ..., "name"),
        ("external_id", ..., "external_id"),
        ("external_id", 5001, "external_id"),
        ("total_price", ..., "total_price"),
        ("total_price.amount", 91.98, "total_price.amount"),
        ("total_price.currency_code", "usd", "total_price.currency_code"),
        ("line_items", ..., "line_items"),
        ("line_items.0.quantity", 0, "line_items.0.quantity"),
        ("line_items.0.unit_price", ..., "line_items.0.unit_price"),
        ("fees.0.name", ..., "fees.0.name"),
        ("fees.0.accepted_offer_mode", "returnCoverage,shippingProtection", "accepted_offer_mode"),
        ("metadata.0.value", 7, "metadata.0.value"),
        ("metadata", {"session_id": SESSION}, "metadata"),
    ],
)
def test_invalid_order_is_400_naming_the_field(loop_api, path, value, named):
    response = loop_api.orders("POST", broken(path, value))

    assert response.status_code == 400
    error = response.json()
    assert error["error"]["code"] == "400"
    assert named in error["error"]["message"]
    assert stored(loop_api) == []


@pytest.mark.parametrize("key", [CART_KEY, None, "unknown-key"])
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_orders_need_the_orders_scope(loop_api, key, method):
    response = loop_api.orders(method, PROTECTED, key=key)

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "401", "http_code": "GEN-UNAUTHORIZED", "message": "Unauthorized."}
    }
    assert response.headers["X-Request-Id"]


def test_ids_as_strings_on_request(loop_api):
    response = loop_api.orders("POST", PROTECTED, **{"X-Loop-Global-Identifier-Type": "string"})

    assert isinstance(response.json()["order"]["id"], str)
    assert response.json()["order"]["id"] == str(stored(loop_api)[0]["id"])


def test_orders_are_merchant_scoped_in_the_store(loop_api, loop_state):
    loop_api.orders("POST", PROTECTED)

    assert [order.merchant for order in loop_state.orders.all()] == ["demo"]
    assert loop_state.orders.all(merchant="other") == []
