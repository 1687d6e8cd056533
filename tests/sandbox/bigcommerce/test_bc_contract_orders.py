"""Contract: the v2 Orders API calls the app makes, a success and an error each."""

import pytest

from tests.support.contract_client import FEE
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract

INCLUDES = {
    "include": "consignments,consignments.line_items,fees",
    "consignment_structure": "object",
}


@pytest.fixture
def order_id(client):
    """An Incomplete order for sneakers and a map pack, with one fee."""
    checkout_id = ready_checkout(client, ((101, 1), (104, 1)))
    ok(client.call("POST", f"/v3/checkouts/{checkout_id}/fees", {"fees": [FEE]}))
    return place_order(client, checkout_id)


def test_get_order_with_includes(client, order_id):
    order = ok(client.call("GET", f"/v2/orders/{order_id}", params=INCLUDES))
    assert (order["status_id"], order["status"]) == (0, "Incomplete")
    assert order["currency_code"] == "USD"
    shipping = order["consignments"]["shipping"][0]
    assert [line["product_id"] for line in shipping["line_items"]] == [101]
    assert order["consignments"]["downloads"][0]["line_items"][0]["product_id"] == 104
    assert order["fees"][0]["display_name_customer"] == "Checkout+ protection"


def test_get_order_without_includes_links_resources(client, order_id):
    order = ok(client.call("GET", f"/v2/orders/{order_id}"))
    assert order["consignments"]["resource"] == f"/orders/{order_id}/consignments"
    assert order["fees"]["resource"] == f"/orders/{order_id}/fees"


def test_get_unknown_order_is_404(client):
    data = failed(client.call("GET", "/v2/orders/999"), 404)
    assert data[0]["status"] == 404


def test_update_order_status(client, order_id):
    order = ok(client.call("PUT", f"/v2/orders/{order_id}", {"status_id": 9}))
    assert (order["status_id"], order["status"]) == (9, "Awaiting Shipment")


def test_update_order_with_unknown_status_is_400(client, order_id):
    # v2 reports invalid input as 400 with a JSON array (PUT documents only 200).
    data = failed(client.call("PUT", f"/v2/orders/{order_id}", {"status_id": 99}), 400)
    assert "status_id" in data[0]["message"]


def test_order_products(client, order_id):
    products = ok(client.call("GET", f"/v2/orders/{order_id}/products"))
    assert [(p["product_id"], p["type"], p["price_ex_tax"]) for p in products] == [
        (101, "physical", "89.0000"),
        (104, "digital", "12.0000"),
    ]


def test_order_products_of_unknown_order_is_404(client):
    failed(client.call("GET", "/v2/orders/999/products"), 404)


def test_order_fees(client, order_id):
    data = ok(client.call("GET", f"/v2/orders/{order_id}/fees"))
    fee = data["fees"][0]
    assert (fee["display_name_merchant"], fee["cost_ex_tax"]) == ("CPLUS", "2.9900")


def test_order_fees_of_unknown_order_is_404(client):
    failed(client.call("GET", "/v2/orders/999/fees"), 404)
