"""Smoke: the whole checkout, order and payment flow follows the spec end to end."""

from tests.support.contract_client import card
from tests.support.contract_client import ok
from tests.support.contract_client import payment_token
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout


def test_full_flow(client):
    checkout_id = ready_checkout(client, ((101, 1), (104, 2)))
    checkout = ok(
        client.call(
            "GET",
            f"/v3/checkouts/{checkout_id}",
            params={"include": "consignments.available_shipping_options"},
        )
    )
    order_id = place_order(client, checkout_id)
    order = ok(
        client.call(
            "GET",
            f"/v2/orders/{order_id}",
            params={"include": "consignments,consignments.line_items,fees"},
        )
    )
    assert order["total_inc_tax"]
    token = payment_token(client, order_id)
    ok(client.pay(token, card()), 201)
    assert checkout["data"]["grand_total"]
