"""Behaviour: paying orders with the sandbox gateway's test cards."""

import base64
import json

from tests.support.addresses import KW_ADDRESS
from tests.support.contract_client import card
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import payment_token
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout


def claims(token):
    """Decode the payload of a JWT-shaped payment access token."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_successful_payment_completes_the_order_and_deletes_the_cart(client):
    checkout_id = ready_checkout(client)
    order_id = place_order(client, checkout_id)
    ok(client.pay(payment_token(client, order_id), card()), 201)
    order = ok(client.call("GET", f"/v2/orders/{order_id}"))
    assert (order["status_id"], order["payment_status"]) == (11, "captured")
    failed(client.call("GET", f"/v3/carts/{checkout_id}"), 404)


def test_declined_card_leaves_the_order_incomplete(client):
    checkout_id = ready_checkout(client)
    order_id = place_order(client, checkout_id)
    failed(client.pay(payment_token(client, order_id), card("4000000000000002")), 422)
    assert ok(client.call("GET", f"/v2/orders/{order_id}"))["status_id"] == 0
    assert ok(client.call("GET", f"/v3/carts/{checkout_id}"))["data"]["id"] == checkout_id


def test_paying_a_paid_order_is_error_30101(client):
    order_id = place_order(client, ready_checkout(client))
    ok(client.pay(payment_token(client, order_id), card()), 201)
    data = failed(client.pay(payment_token(client, order_id), card()), 422)
    assert data["code"] == 30101


def test_payment_access_token_is_single_use(client):
    order_id = place_order(client, ready_checkout(client))
    token = payment_token(client, order_id)
    failed(client.pay(token, card("4000000000000002")), 422)
    failed(client.pay(token, card()), 401)


def test_token_carries_the_amount_in_minor_units(client):
    order_id = place_order(client, ready_checkout(client, ((102, 3),), "KWD", KW_ADDRESS))
    data = claims(payment_token(client, order_id))["data"]
    # 3 x 7.525 + 1.750 shipping = 24.325 KWD = 24325 fils
    assert (data["order_id"], data["amount"], data["currency"]) == (order_id, 24325, "KWD")
