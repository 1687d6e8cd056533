"""Contract: catalog products, pickup methods, tax classes and order statuses."""

from decimal import Decimal

import pytest

from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import failed
from tests.support.contract_client import ok

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract

EXPECTED_USD = {
    101: ("Trail Runner Sneakers", "physical", "TRS-101", Decimal("89.00")),
    102: ("Merino Wool Socks (3-pack)", "physical", "MWS-102", Decimal("24.50")),
    103: ("Waterproof Shell Jacket", "physical", "WSJ-103", Decimal("189.99")),
    104: ("Trail Map Pack (PDF)", "digital", "TMP-104", Decimal("12.00")),
    105: ("Final Sale Sunglasses", "physical", "FSS-105", Decimal("39.95")),
    106: ("Summit Expedition Tent", "physical", "SET-106", Decimal("1299.00")),
}


def test_products_list_the_seeded_catalog_with_usd_prices(client):
    body = ok(client.call("GET", "/v3/catalog/products", params={"include": "variants,images"}))
    seen = {p["id"]: (p["name"], p["type"], p["sku"], p["price"]) for p in body["data"]}
    assert seen == EXPECTED_USD
    assert all(len(p["variants"]) == 1 and p["images"] for p in body["data"])
    assert body["meta"]["pagination"]["total"] == 6


def test_products_filter_by_ids_and_page(client):
    params = {"id:in": "103,101,105", "limit": 2, "page": 2, "is_visible": "true"}
    body = ok(client.call("GET", "/v3/catalog/products", params=params))
    assert [p["id"] for p in body["data"]] == [105]
    pagination = body["meta"]["pagination"]
    assert (pagination["total"], pagination["count"], pagination["total_pages"]) == (3, 1, 2)
    assert "previous" in pagination["links"]
    assert "next" not in pagination["links"]


def test_products_limit_over_250_is_refused(client):
    # The spec caps limit at 250; the request itself breaks the spec.
    data = failed(
        client.call("GET", "/v3/catalog/products", params={"limit": 251}), 422, request_valid=False
    )
    assert "limit" in data["errors"]


def test_product_by_id(client):
    data = ok(client.call("GET", "/v3/catalog/products/106", params={"include": "variants"}))[
        "data"
    ]
    assert (data["price"], data["base_variant_id"]) == (Decimal("1299.00"), 1061)
    assert data["variants"][0]["id"] == 1061


def test_unknown_product_is_404(client):
    failed(client.call("GET", "/v3/catalog/products/999"), 404)


def test_pickup_methods(client):
    data = ok(client.call("GET", "/v3/pickup/methods"))["data"]
    assert data[0]["id"] == 1
    assert data[0]["display_name"] == "Downtown store pickup"


def test_tax_classes(client):
    data = ok(client.call("GET", "/v2/tax_classes"))
    assert [(c["id"], c["name"]) for c in data][:2] == [
        ("0", "Default Tax Class"),
        ("1", "Non-Taxable Products"),
    ]


def test_order_statuses(client):
    data = ok(client.call("GET", "/v2/order_statuses"))
    names = {status["id"]: status["name"] for status in data}
    assert names[0] == "Incomplete"
    assert names[11] == "Awaiting Fulfillment"
    assert len(names) == 15


def test_one_tax_class(client):
    data = ok(client.call("GET", "/v2/tax_classes/1"))
    assert (data["id"], data["name"]) == ("1", "Non-Taxable Products")


def test_unknown_tax_class_is_404(client):
    # Only 200 is documented for this call; failed() checks the v2 error array instead.
    data = failed(client.call("GET", "/v2/tax_classes/99"), 404)
    assert data[0]["status"] == 404


def test_one_order_status(client):
    data = ok(client.call("GET", "/v2/order_statuses/11"))
    assert (data["id"], data["name"]) == (11, "Awaiting Fulfillment")


def test_unknown_order_status_is_404(client):
    data = failed(client.call("GET", "/v2/order_statuses/99"), 404)
    assert data[0]["status"] == 404


@pytest.mark.parametrize(
    "path", ["/v3/catalog/products", "/v3/pickup/methods", "/v2/tax_classes", "/v2/order_statuses"]
)
def test_reference_endpoints_need_a_token(bigcommerce, path):
    # No operation here documents 401; failed() checks BigCommerce's error shape instead.
    anonymous = BigCommerceClient(bigcommerce.url, token=None)
    failed(anonymous.call("GET", path), 401, request_valid=False)
