"""Behaviour: exact money in every currency, coupons, shipping, taxes and checkout fees."""

from decimal import Decimal

import pytest

from tests.support.addresses import CA_ADDRESS
from tests.support.addresses import DE_ADDRESS
from tests.support.addresses import JP_ADDRESS
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import NY_ADDRESS
from tests.support.contract_client import FEE
from tests.support.contract_client import create_cart
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import ready_checkout


def checkout(client, checkout_id):
    """GET a checkout (contract-checked) and return its data."""
    return ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]


def test_kwd_totals_keep_three_decimals(client):
    checkout_id = ready_checkout(client, ((102, 3),), "KWD", KW_ADDRESS)
    response = client.call("GET", f"/v3/checkouts/{checkout_id}")
    data = ok(response)["data"]
    assert data["cart"]["base_amount"] == Decimal("22.575")
    assert data["shipping_cost_total_ex_tax"] == Decimal("1.750")
    assert (data["tax_total"], data["grand_total"]) == (Decimal("0.000"), Decimal("24.325"))
    assert b'"grand_total": 24.325' in response.content  # a JSON number, exact on the wire


def test_jpy_totals_have_no_decimals(client):
    checkout_id = ready_checkout(client, ((101, 2),), "JPY", JP_ADDRESS)
    response = client.call("GET", f"/v3/checkouts/{checkout_id}")
    data = ok(response)["data"]
    # 27000 + 800 shipping, 10 % consumption tax on both.
    assert (data["tax_total"], data["grand_total"]) == (Decimal("2780"), Decimal("30580"))
    assert data["taxes"] == [{"name": "Consumption Tax", "amount": Decimal("2780")}]
    assert b'"grand_total": 30580,' in response.content


def test_new_york_tax_is_rounded_per_line_and_on_shipping(client):
    data = checkout(client, ready_checkout(client, ((101, 1),), address=NY_ADDRESS))
    # 89.00 x 8.875 % = 7.89875 -> 7.90; 5.99 x 8.875 % = 0.5316 -> 0.53.
    assert data["tax_total"] == Decimal("8.43")
    assert data["consignments"][0]["shipping_cost_inc_tax"] == Decimal("6.52")
    assert data["grand_total"] == Decimal("103.42")
    assert data["subtotal_inc_tax"] == Decimal("96.90")


def test_no_tax_before_a_shipping_address_is_known(client):
    cart = create_cart(client, ((101, 1),))
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", CA_ADDRESS))
    assert data["data"]["tax_total"] == Decimal("0.00")
    assert data["data"]["taxes"] == []


def test_digital_only_checkout_is_taxed_at_the_billing_address(client):
    cart = create_cart(client, ((104, 1),), "EUR")
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", DE_ADDRESS))
    # 11.00 EUR x 19 % VAT
    assert data["data"]["taxes"] == [{"name": "VAT", "amount": Decimal("2.09")}]
    assert data["data"]["grand_total"] == Decimal("13.09")


def test_pickup_is_taxed_at_the_store_location(client):
    cart = create_cart(client, ((103, 1),))
    item_id = cart["line_items"]["physical_items"][0]["id"]
    body = [
        {
            "pickup_option": {"pickup_method_id": 1},
            "line_items": [{"item_id": item_id, "quantity": 1}],
        }
    ]
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body))["data"]
    # Austin, Texas: "other US" rate 6 %; no shipping charge for pickup.
    assert data["tax_total"] == Decimal("11.40")
    assert data["shipping_cost_total_ex_tax"] == 0


def test_coupons_split_over_lines_to_the_cent(client):
    cart = create_cart(client, ((101, 1), (102, 1), (104, 1)))
    url = f"/v3/checkouts/{cart['id']}/coupons"
    ok(client.call("POST", url, {"coupon_code": "SAVE10"}))
    data = ok(client.call("POST", url, {"coupon_code": "fiveoff"}))["data"]
    lines = (
        data["cart"]["line_items"]["physical_items"] + data["cart"]["line_items"]["digital_items"]
    )
    # 10 % of 125.50 = 12.55, then 5.00 off the remaining 112.95.
    assert [(c["code"], c["discounted_amount"]) for c in data["coupons"]] == [
        ("SAVE10", Decimal("12.55")),
        ("FIVEOFF", Decimal("5.00")),
    ]
    assert sum(line["coupon_amount"] for line in lines) == Decimal("17.55")
    assert all(line["discounts"][0]["id"] == "coupon" for line in lines)
    assert data["cart"]["cart_amount_ex_tax"] == Decimal("107.95")
    assert data["cart"]["discount_amount"] == 0  # coupons are reported apart (see spec)


@pytest.mark.parametrize(("currency", "off"), [("JPY", Decimal("700")), ("KWD", Decimal("1.500"))])
def test_fixed_coupon_in_each_currency(client, currency, off):
    cart = create_cart(client, ((101, 1),), currency)
    data = ok(
        client.call("POST", f"/v3/checkouts/{cart['id']}/coupons", {"coupon_code": "FIVEOFF"})
    )["data"]
    assert data["coupons"][0]["discounted_amount"] == off


def test_discounts_reduce_the_taxed_amount(client):
    checkout_id = ready_checkout(client, ((101, 1),))
    data = ok(
        client.call("POST", f"/v3/checkouts/{checkout_id}/coupons", {"coupon_code": "SAVE10"})
    )["data"]
    # (89.00 - 8.90) x 7.25 % = 5.807 -> 5.81; shipping 5.99 x 7.25 % = 0.43.
    assert data["tax_total"] == Decimal("6.24")
    assert data["grand_total"] == Decimal("80.10") + Decimal("5.99") + Decimal("6.24")


def test_fee_is_taxed_unless_non_taxable(client):
    checkout_id = ready_checkout(client, ((101, 1),))
    url = f"/v3/checkouts/{checkout_id}/fees"
    fees = [FEE, {**FEE, "name": "GIFT", "display_name": "Gift note", "tax_class_id": 1}]
    data = ok(client.call("POST", url, {"fees": fees}))["data"]
    taxed, untaxed = data["fees"]
    assert (taxed["cost_ex_tax"], taxed["cost_inc_tax"]) == (Decimal("2.99"), Decimal("3.21"))
    assert untaxed["cost_ex_tax"] == untaxed["cost_inc_tax"] == Decimal("2.99")
    # 89.00 + 5.99 + 2 x 2.99 fees; tax 6.45 + 0.43 + 0.22
    assert data["tax_total"] == Decimal("7.10")
    assert data["grand_total"] == Decimal("108.07")


def test_fee_cost_is_rounded_to_the_currency(client):
    cart = create_cart(client, ((101, 1),), "JPY")
    data = ok(
        client.call(
            "POST",
            f"/v3/checkouts/{cart['id']}/fees",
            {"fees": [{**FEE, "cost": Decimal("299.6")}]},
        )
    )["data"]
    assert data["fees"][0]["cost_ex_tax"] == Decimal("300")


def test_at_most_five_fees(client):
    cart = create_cart(client)
    url = f"/v3/checkouts/{cart['id']}/fees"
    fees = [{**FEE, "name": f"FEE{n}"} for n in range(4)]
    ok(client.call("POST", url, {"fees": fees}))
    ok(client.call("POST", url, {"fees": [FEE]}))
    data = failed(client.call("POST", url, {"fees": [{**FEE, "name": "SIXTH"}]}), 422)
    assert "fees" in data["errors"]
    assert len(checkout(client, cart["id"])["fees"]) == 5


def test_unknown_fee_tax_class_is_422(client):
    cart = create_cart(client)
    data = failed(
        client.call(
            "POST", f"/v3/checkouts/{cart['id']}/fees", {"fees": [{**FEE, "tax_class_id": 42}]}
        ),
        422,
    )
    assert "fees[0].tax_class_id" in data["errors"]
