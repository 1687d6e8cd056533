"""Contract: every Carts API operation, a success and an error each."""

from decimal import Decimal

import pytest

from tests.support.contract_client import create_cart
from tests.support.contract_client import failed
from tests.support.contract_client import ok

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract


def test_create_cart(client):
    body = {
        "channel_id": 1,
        "customer_id": 0,
        "currency": {"code": "EUR"},
        "line_items": [{"product_id": 101, "quantity": 2}, {"product_id": 104, "quantity": 1}],
    }
    cart = ok(client.call("POST", "/v3/carts", body, params={"include": "redirect_urls"}), 201)
    data = cart["data"]
    assert data["currency"]["code"] == "EUR"
    assert data["version"] == 1
    assert [i["product_id"] for i in data["line_items"]["physical_items"]] == [101]
    assert [i["product_id"] for i in data["line_items"]["digital_items"]] == [104]
    assert data["base_amount"] == Decimal("175.00")  # 2 x 82.00 + 11.00
    assert data["redirect_urls"]["checkout_url"]


def test_create_cart_with_a_display_only_currency_is_400(client):
    # carts.v3.yml: a non-transactional currency answers 400 (not in the operation's responses).
    body = {"currency": {"code": "GBP"}, "line_items": [{"product_id": 101, "quantity": 1}]}
    failed(client.call("POST", "/v3/carts", body), 400)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": 1}, "line_items[0].product_id"),
        ({"product_id": 101}, "line_items[0].quantity"),
        ({"product_id": 999, "quantity": 1}, "line_items[0].product_id"),
        ({"product_id": 101, "quantity": 0}, "line_items[0].quantity"),
    ],
)
def test_create_cart_names_the_invalid_field(client, line, field):
    data = failed(client.call("POST", "/v3/carts", {"line_items": [line]}), 422, request_valid=None)
    assert field in data["errors"]


def test_malformed_json_is_400(client):
    failed(client.call("POST", "/v3/carts", raw=b'{"line_items": ['), 400, request_valid=False)


def test_get_cart(client):
    cart = create_cart(client, ((102, 3),))
    data = ok(client.call("GET", f"/v3/carts/{cart['id']}"))["data"]
    assert data["line_items"]["physical_items"][0]["extended_list_price"] == Decimal("73.50")


def test_get_unknown_cart_is_404(client):
    failed(client.call("GET", "/v3/carts/00000000-0000-4000-8000-000000000000"), 404)


def test_update_cart_customer(client):
    cart = create_cart(client)
    data = ok(client.call("PUT", f"/v3/carts/{cart['id']}", {"customer_id": 7, "version": 1}), 201)[
        "data"
    ]
    assert (data["customer_id"], data["version"]) == (7, 2)


def test_update_cart_with_stale_version_is_409(client):
    cart = create_cart(client)
    failed(client.call("PUT", f"/v3/carts/{cart['id']}", {"customer_id": 7, "version": 5}), 409)


def test_delete_cart(client):
    cart = create_cart(client)
    response = client.call("DELETE", f"/v3/carts/{cart['id']}")
    assert ok(response, 204) is None
    failed(client.call("GET", f"/v3/carts/{cart['id']}"), 404)


def test_delete_unknown_cart_is_404(client):
    failed(client.call("DELETE", "/v3/carts/00000000-0000-4000-8000-000000000000"), 404)


def test_add_items(client):
    cart = create_cart(client)
    body = {
        "line_items": [{"product_id": 101, "quantity": 1}, {"product_id": 103, "quantity": 1}],
        "version": 1,
    }
    data = ok(client.call("POST", f"/v3/carts/{cart['id']}/items", body), 201)["data"]
    lines = {i["product_id"]: i["quantity"] for i in data["line_items"]["physical_items"]}
    assert lines == {101: 2, 103: 1}  # the same product is merged into its line


def test_add_unknown_product_is_422(client):
    cart = create_cart(client)
    body = {"line_items": [{"product_id": 4242, "quantity": 1}]}
    data = failed(client.call("POST", f"/v3/carts/{cart['id']}/items", body), 422)
    assert "line_items[0].product_id" in data["errors"]


def test_update_item_quantity(client):
    cart = create_cart(client)
    item_id = cart["line_items"]["physical_items"][0]["id"]
    body = {"line_item": {"product_id": 101, "quantity": 4}, "version": 1}
    data = ok(client.call("PUT", f"/v3/carts/{cart['id']}/items/{item_id}", body))["data"]
    item = data["line_items"]["physical_items"][0]
    assert (item["quantity"], item["extended_sale_price"]) == (4, Decimal("356.00"))


def test_update_item_with_stale_version_is_409(client):
    cart = create_cart(client)
    item_id = cart["line_items"]["physical_items"][0]["id"]
    body = {"line_item": {"product_id": 101, "quantity": 4}, "version": 9}
    failed(client.call("PUT", f"/v3/carts/{cart['id']}/items/{item_id}", body), 409)


def test_delete_item(client):
    cart = create_cart(client, ((101, 1), (102, 1)))
    item_id = cart["line_items"]["physical_items"][0]["id"]
    data = ok(client.call("DELETE", f"/v3/carts/{cart['id']}/items/{item_id}"))["data"]
    assert [i["product_id"] for i in data["line_items"]["physical_items"]] == [102]


def test_delete_unknown_item_is_404(client):
    cart = create_cart(client)
    failed(client.call("DELETE", f"/v3/carts/{cart['id']}/items/nope"), 404)
