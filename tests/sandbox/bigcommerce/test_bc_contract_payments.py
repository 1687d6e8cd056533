"""Contract: payment methods, payment access tokens and process payment."""

import pytest

from tests.support.contract_client import card
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import payment_token
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract


@pytest.fixture
def order_id(client):
    """An Incomplete order."""
    return place_order(client, ready_checkout(client))


def test_payment_methods_for_an_order(client, order_id):
    data = ok(client.call("GET", "/v3/payments/methods", params={"order_id": order_id}))["data"]
    assert [(m["id"], m["test_mode"]) for m in data] == [("sandbox.card", True)]


def test_payment_methods_for_an_unknown_order_is_404(client):
    data = failed(client.call("GET", "/v3/payments/methods", params={"order_id": 999}), 404)
    assert data["code"] == 30003


def test_create_payment_access_token(client, order_id):
    token = payment_token(client, order_id)
    assert token.count(".") == 2  # JWT-shaped


def test_payment_access_token_for_an_unknown_order_is_404(client):
    failed(client.call("POST", "/v3/payments/access_tokens", {"order": {"id": 999}}), 404)


def test_payment_access_token_without_order_is_422(client):
    failed(
        client.call("POST", "/v3/payments/access_tokens", {"order": {}}), 422, request_valid=False
    )


def test_process_payment(client, order_id):
    data = ok(client.pay(payment_token(client, order_id), card()), 201)["data"]
    assert (data["status"], data["transaction_type"]) == ("success", "purchase")


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("4000000000000002", 422, 30104),
        ("4000000000009995", 422, 30106),
        ("4000000000000127", 422, 30102),
        ("4000000000000119", 500, 10000),
        ("4111111111111112", 422, 30102),
    ],
)
def test_failing_cards(client, order_id, number, status, code):
    data = failed(client.pay(payment_token(client, order_id), card(number)), status)
    assert data["code"] == code
    assert data["errors"]["decline_code"]


def test_expired_card_is_422(client, order_id):
    data = failed(client.pay(payment_token(client, order_id), card(year=2020)), 422)
    assert data["code"] == 30103


def test_card_without_number_is_422(client, order_id):
    body = card()
    del body["payment"]["instrument"]["number"]
    data = failed(client.pay(payment_token(client, order_id), body), 422)
    assert data["code"] == 10001
    assert "payment.instrument.number" in data["errors"]


def test_wrong_accept_header_is_400(client, order_id):
    response = client.pay(payment_token(client, order_id), card(), accept="application/json")
    failed(response, 400, request_valid=False)


def test_unknown_payment_access_token_is_401(client, order_id):
    failed(client.pay("not-a-token", card()), 401)
