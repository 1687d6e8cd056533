"""Behaviour: cart lifecycle, versions, and orders created from checkouts."""

import re
from decimal import Decimal

import pytest

from tests.support.addresses import CA_ADDRESS
from tests.support.addresses import DE_ADDRESS
from tests.support.addresses import JP_ADDRESS
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import OH_ADDRESS
from tests.support.contract_client import FEE
from tests.support.contract_client import create_cart
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout


def test_deleting_the_last_item_deletes_the_cart(client):
    cart = create_cart(client, ((101, 1),))
    item_id = cart["line_items"]["physical_items"][0]["id"]
    response = client.call("DELETE", f"/v3/carts/{cart['id']}/items/{item_id}")
    assert ok(response, 204) is None
    failed(client.call("GET", f"/v3/carts/{cart['id']}"), 404)
    failed(client.call("GET", f"/v3/checkouts/{cart['id']}"), 404)


def test_version_increments_and_stale_writes_conflict(client):
    cart = create_cart(client, ((101, 1), (102, 1)))
    item_id = cart["line_items"]["physical_items"][1]["id"]
    body = {"line_item": {"product_id": 102, "quantity": 2}, "version": 1}
    data = ok(client.call("PUT", f"/v3/carts/{cart['id']}/items/{item_id}", body))["data"]
    assert data["version"] == 2
    failed(client.call("DELETE", f"/v3/carts/{cart['id']}/items/{item_id}", {"version": 1}), 409)
    message = {"customer_message": "hi", "version": 2}
    assert ok(client.call("PUT", f"/v3/checkouts/{cart['id']}", message))["data"]["version"] == 3


def test_removing_an_item_takes_it_out_of_its_consignment(client):
    checkout_id = ready_checkout(client, ((101, 1), (102, 1)))
    data = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]
    first, second = (i["id"] for i in data["cart"]["line_items"]["physical_items"])
    assert sorted(data["consignments"][0]["line_item_ids"]) == sorted([first, second])
    data = ok(client.call("DELETE", f"/v3/carts/{checkout_id}/items/{first}"))["data"]
    checkout = ok(client.call("GET", f"/v3/checkouts/{data['id']}"))["data"]
    assert checkout["consignments"][0]["line_item_ids"] == [second]


def test_each_create_order_call_makes_a_new_order(client):
    checkout_id = ready_checkout(client)
    first, second = place_order(client, checkout_id), place_order(client, checkout_id)
    assert (first, second) == (100, 101)
    data = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]
    assert data["order_id"] == "101"
    for order_id in (first, second):
        assert ok(client.call("GET", f"/v2/orders/{order_id}"))["cart_id"] == checkout_id


def test_order_needs_a_billing_email(client):
    cart = create_cart(client, ((104, 1),))
    data = failed(client.call("POST", f"/v3/checkouts/{cart['id']}/orders"), 422)
    assert "billing_address.email" in data["errors"]


def test_order_needs_every_physical_item_in_a_consignment(client):
    checkout_id = ready_checkout(client, ((101, 1),))
    ok(
        client.call(
            "POST",
            f"/v3/carts/{checkout_id}/items",
            {"line_items": [{"product_id": 103, "quantity": 1}]},
        ),
        201,
    )
    data = failed(client.call("POST", f"/v3/checkouts/{checkout_id}/orders"), 422)
    assert "consignments" in data["errors"]


def test_order_needs_a_complete_shipping_address(client):
    address = {**CA_ADDRESS, "first_name": ""}
    checkout_id = ready_checkout(client, address=address)
    data = failed(client.call("POST", f"/v3/checkouts/{checkout_id}/orders"), 422)
    assert "consignments[0].address.first_name" in data["errors"]


def test_pickup_and_digital_orders_need_no_shipping_option(client):
    cart = create_cart(client, ((103, 1), (104, 1)))
    ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", CA_ADDRESS))
    item_id = cart["line_items"]["physical_items"][0]["id"]
    body = [
        {
            "pickup_option": {"pickup_method_id": 1},
            "line_items": [{"item_id": item_id, "quantity": 1}],
        }
    ]
    ok(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body))
    order_id = place_order(client, cart["id"])
    order = ok(
        client.call(
            "GET",
            f"/v2/orders/{order_id}",
            params={"include": "consignments", "consignment_structure": "object"},
        )
    )
    pickup = order["consignments"]["pickups"][0]
    assert (pickup["pickup_method_id"], order["consignments"]["shipping"]) == (1, [])
    assert order["shipping_address_count"] == 0


def test_order_totals_match_the_checkout_and_fees_carry_over(client):
    checkout_id = ready_checkout(client, ((101, 1), (102, 2)))
    ok(client.call("POST", f"/v3/checkouts/{checkout_id}/fees", {"fees": [FEE]}))
    ok(client.call("POST", f"/v3/checkouts/{checkout_id}/coupons", {"coupon_code": "SAVE10"}))
    checkout = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]
    order_id = place_order(client, checkout_id)
    order = ok(client.call("GET", f"/v2/orders/{order_id}", params={"include": "fees"}))
    assert Decimal(order["total_inc_tax"]) == checkout["grand_total"]
    assert Decimal(order["total_tax"]) == checkout["tax_total"]
    assert Decimal(order["coupon_discount"]) == checkout["coupons"][0]["discounted_amount"]
    assert re.fullmatch(r"\d+\.\d{4}", order["total_inc_tax"])  # v2: strings, 4 decimals
    fee_out = order["fees"][0]
    assert (fee_out["display_name_customer"], fee_out["display_name_merchant"]) == (
        "Checkout+ protection",
        "CPLUS",
    )
    assert Decimal(fee_out["cost_inc_tax"]) == checkout["fees"][0]["cost_inc_tax"]


@pytest.mark.parametrize(
    ("currency", "address"),
    [("USD", OH_ADDRESS), ("EUR", DE_ADDRESS), ("JPY", JP_ADDRESS), ("KWD", KW_ADDRESS)],
)
def test_an_orders_parts_before_tax_and_its_tax_add_up_to_its_total(client, currency, address):
    checkout_id = ready_checkout(client, ((101, 1), (102, 2)), currency, address)
    ok(client.call("POST", f"/v3/checkouts/{checkout_id}/fees", {"fees": [FEE]}))
    ok(client.call("POST", f"/v3/checkouts/{checkout_id}/coupons", {"coupon_code": "SAVE10"}))
    order_id = place_order(client, checkout_id)
    order = ok(client.call("GET", f"/v2/orders/{order_id}", params={"include": "fees"}))

    def amount(key: str) -> Decimal:
        return Decimal(order[key])

    # A tax-exclusive store (is_tax_inclusive_pricing false): the *_ex_tax amounts are actual.
    assert order["is_tax_inclusive_pricing"] is False
    assert amount("coupon_discount") > 0
    for part in ("shipping_cost", "handling_cost", "wrapping_cost"):
        assert amount(f"{part}_ex_tax") + amount(f"{part}_tax") == amount(f"{part}_inc_tax")
    parts = (
        amount("subtotal_ex_tax")
        - amount("discount_amount")
        - amount("coupon_discount")
        + amount("shipping_cost_ex_tax")
        + amount("handling_cost_ex_tax")
        + amount("wrapping_cost_ex_tax")
        + sum(Decimal(fee["cost_ex_tax"]) for fee in order["fees"])
    )
    assert parts == amount("total_ex_tax")
    assert parts + amount("total_tax") == amount("total_inc_tax")


def test_a_shipping_consignment_names_its_address_and_method(client):
    checkout_id = ready_checkout(client, address=OH_ADDRESS, option="sandbox-express")
    order_id = place_order(client, checkout_id)
    order = ok(
        client.call(
            "GET",
            f"/v2/orders/{order_id}",
            params={"include": "consignments", "consignment_structure": "object"},
        )
    )
    [shipping] = order["consignments"]["shipping"]
    assert (shipping["street_1"], shipping["city"], shipping["state"], shipping["zip"]) == (
        "1 Main St",
        "Columbus",
        "Ohio",
        "43004",
    )
    assert (shipping["country"], shipping["country_iso2"]) == ("United States", "US")
    assert shipping["shipping_method"] == "Express"
    assert Decimal(shipping["cost_ex_tax"]) == Decimal(order["shipping_cost_ex_tax"])


def test_status_update_through_v2(client):
    order_id = place_order(client, ready_checkout(client))
    ok(client.call("PUT", f"/v2/orders/{order_id}", {"status_id": 5}))
    assert ok(client.call("GET", f"/v2/orders/{order_id}"))["status"] == "Cancelled"
