"""The contract validator itself (tests/support/openapi.py), which the app's tests reuse."""

import json

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from tests.support import openapi
from tests.support.contract_client import card
from tests.support.contract_client import create_cart
from tests.support.contract_client import ok
from tests.support.contract_client import payment_token
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract

HEADERS = {"Accept": "application/json", "Content-Type": "application/json", "X-Auth-Token": "t"}


@pytest.mark.parametrize(
    ("path", "spec", "origin"),
    [
        ("/stores/abc/v3/checkouts/x/fees", "checkouts.v3.yml", openapi.API_ORIGIN),
        ("/stores/abc/v2/orders/1/fees", "orders.v2.oas2.yml", openapi.API_ORIGIN),
        ("/stores/abc/v3/orders/metafields", "orders.v3.yml", openapi.API_ORIGIN),
        ("/stores/abc/payments", "process_payments.yml", openapi.PAYMENTS_ORIGIN),
    ],
)
def test_spec_for_picks_the_file_and_origin(path, spec, origin):
    assert openapi.spec_for(path) == (spec, origin)


def test_errors_name_each_invalid_field():
    body = json.dumps(
        {
            "fees": [
                {
                    "type": "custom_fee",
                    "name": "N" * 51,
                    "display_name": "d",
                    "cost": "7.98",
                    "source": "s",
                }
            ]
        }
    )
    with pytest.raises(openapi.ContractError) as caught:
        openapi.validate_request("POST", "/stores/abc/v3/checkouts/x/fees", None, HEADERS, body)
    assert "$.fees[0].name" in str(caught.value)
    assert "$.fees[0].cost" in str(caught.value)


def test_undocumented_status_is_its_own_error():
    with pytest.raises(openapi.UndocumentedResponse):
        openapi.validate_response(
            "POST",
            "/stores/abc/v3/checkouts/x/fees",
            None,
            HEADERS,
            b"{}",
            422,
            {"Content-Type": "application/json"},
            b"{}",
        )


def test_the_one_of_erratum_is_still_needed(bigcommerce_specs):
    body = json.dumps({"line_item": {"product_id": 101, "quantity": 2}}).encode()
    path = "/stores/abc/v3/carts/c/items/i"
    raw = OpenAPI.from_file_path(str(bigcommerce_specs / "carts.v3.yml"))
    with pytest.raises(Exception, match="valid under each of"):
        raw.validate_request(
            MockRequest(openapi.API_ORIGIN, "put", path, headers=HEADERS, data=body)
        )
    assert openapi.request_problems("PUT", path, None, HEADERS, body) is None


def test_logged_requests_validate_including_redacted_payment_auth(bigcommerce, client):
    order_id = place_order(client, ready_checkout(client))
    ok(client.pay(payment_token(client, order_id), card()), 201)
    create_cart(client)
    entries = bigcommerce.log.entries()
    assert {entry.path.rsplit("/", 1)[-1] for entry in entries} >= {"payments", "carts", "orders"}
    for entry in entries:
        openapi.validate_logged_request(entry)
