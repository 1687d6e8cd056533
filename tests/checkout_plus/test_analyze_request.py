"""The analyze request: a BigCommerce checkout mapped to Loop's POST /v1/analyze body.

Checkouts come from BigCommerce's own spec example and from the sandbox store over HTTP.
Every expected amount is worked out by hand in minor units of the cart's currency.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import simplejson
import yaml
from hypothesis import given
from hypothesis import strategies as st

from app.checkout_plus.analyze_request import build_analyze_request
from app.checkout_plus.analyze_request import cart_fingerprint
from app.checkout_plus.analyze_request import region_of
from app.checkout_plus.fee import FEE_SOURCE
from app.clients.bigcommerce import Address
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Consignment
from app.money import to_major
from app.sandbox.loop.analyze_request import parse_analyze_request
from tests.support.loop_requests import LoopApi
from tests.support.specs import require_specs

SESSION_ID = "lop_a1b2c3d4e5f6g7h8i9j0"
SETTINGS = {
    "default_region": "US",
    "locale": "en-US",
    "mount_target": "order_summary",
    "cart_experience": "widget",
}

OHIO = {
    "first_name": "Sam",
    "last_name": "Lee",
    "email": "sam@example.com",
    "address1": "1 High St",
    "city": "Columbus",
    "state_or_province": "Ohio",
    "state_or_province_code": "OH",
    "country_code": "US",
    "postal_code": "43215",
}
NEW_YORK = {
    **OHIO,
    "city": "New York",
    "state_or_province": "New York",
    "state_or_province_code": "NY",
    "postal_code": "10001",
}
BERLIN = {
    "first_name": "Ute",
    "last_name": "Kurz",
    "email": "ute@example.com",
    "address1": "Unter den Linden 1",
    "city": "Berlin",
    "country_code": "DE",
    "postal_code": "10117",
}


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe YAML loader that reads numbers with a fraction as exact Decimals, as JSON is read."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node)),
)


@cache
def spec_example(name: str) -> dict[str, Any]:
    """Return the ``data`` of one of the spec's examples for GET /v3/checkouts/{checkoutId}."""
    spec_file = require_specs() / "checkouts.v3.yml"  # without the specs the test skips
    spec = yaml.load(spec_file.read_text(), Loader=_DecimalLoader)  # noqa: S506 (a safe loader)
    # The spec file lists these examples beside `application/json` rather than inside it.
    content = spec["paths"]["/checkouts/{checkoutId}"]["get"]["responses"]["200"]["content"]
    return content[name]["example"]["data"]


def coupon_applied() -> Checkout:
    """The spec's "Coupon Applied" checkout: a towel (physical) and an eBook (digital)."""
    return Checkout.parse(spec_example("Coupon Applied"))


def build(checkout: Checkout, **overrides: Any) -> dict[str, Any]:
    """Build a request with the test settings, and check Loop's sandbox would accept it."""
    request = build_analyze_request(checkout, **{"session_id": None, **SETTINGS, **overrides})
    parse_analyze_request(request)  # raises InvalidRequest naming the first bad field
    numbers = numbers_in(request)
    assert numbers
    assert all(type(number) is int for number in numbers), request  # no float, no bool
    return request


def numbers_in(value: Any) -> list[Any]:
    """Return every number (and bool) anywhere in a JSON-like structure."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in(item)]
    return [value] if isinstance(value, int | float | Decimal) else []


def read(store, cart_id: str, **overrides: Any) -> dict[str, Any]:
    """Read a sandbox checkout over HTTP and build its request."""
    return build(Checkout.parse(store.checkout(cart_id)), **overrides)


def send(store, method: str, path: str, body: Any) -> dict[str, Any]:
    """Send a JSON body with exact decimals (requests' own encoder knows no Decimal)."""
    return store.data(
        method,
        path,
        data=simplejson.dumps(body, use_decimal=True),
        headers={"Content-Type": "application/json"},
    )


def ship(store, cart_id: str, address: dict[str, Any]) -> str:
    """Put every physical line in one consignment to ``address``; return its id."""
    return _consign(store, cart_id, {"address": address})


def pick_up(store, cart_id: str) -> str:
    """Put every physical line in one store-pickup consignment; return its id."""
    return _consign(store, cart_id, {"pickup_option": {"pickup_method_id": 1}})


def _consign(store, cart_id: str, how: dict[str, Any]) -> str:
    items = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    lines = [{"item_id": item["id"], "quantity": item["quantity"]} for item in items]
    data = store.data(
        "POST", f"/v3/checkouts/{cart_id}/consignments", json=[{**how, "line_items": lines}]
    )
    return data["consignments"][0]["id"]


def bill_to(store, cart_id: str, address: dict[str, Any]) -> None:
    """Set the checkout's billing address."""
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=address)


def line_for(request: dict[str, Any], product_id: int) -> dict[str, Any]:
    """Return the request's line for a product."""
    (line,) = [line for line in request["cart"]["lines"] if line["productId"] == str(product_id)]
    return line


def methods(request: dict[str, Any]) -> list[str]:
    """Return the request's delivery methods, in order."""
    return [group["deliveryMethod"] for group in request["deliveryGroups"]]


# --- BigCommerce's own example -------------------------------------------------------------


def test_spec_coupon_applied_example():
    request = build(coupon_applied())
    cart_id = "267c5d6f-0d27-48ea-b731-e7832a4c5537"
    assert request["platform"] == "bigcommerce"
    assert request["cartId"] == cart_id
    assert request["offerOrigin"] == "checkout"
    assert (request["mountTarget"], request["cartExperience"]) == ("order_summary", "widget")
    assert request["locale"] == "en-US"
    assert "sessionId" not in request
    # The billing address has an empty country_code, and there is no consignment yet.
    assert request["region"] == "US"
    # The towel ships by default (no consignment yet); the eBook is digital.
    assert methods(request) == ["SHIPPING", "DIGITAL"]
    towel, ebook = request["cart"]["lines"]
    # Towel: 32.00 list and sale; coupon 6.40 reported in coupon_amount, discount_amount 0.
    assert towel == {
        "id": "b0adf3a7-7a92-44d9-ad46-87235b118e48",
        "productId": "145",
        "quantity": 1,
        "unitPrice": 3200,
        "originalTotalPrice": 3200,
        "totalPrice": 2560,  # 3200 - 640
        "title": "Hotel Towel",
    }
    # eBook: 35.00, coupon 7.00.
    assert ebook == {
        "id": "985c79a3-4c94-4104-923a-2e3d4572e72d",
        "productId": "138",
        "quantity": 1,
        "unitPrice": 3500,
        "originalTotalPrice": 3500,
        "totalPrice": 2800,  # 3500 - 700
        "title": "eBook Download",
    }
    assert request["cart"] == {
        "id": cart_id,
        "currencyCode": "USD",
        "lines": [towel, ebook],
        "subtotalAmount": 6700,  # subtotal_ex_tax 67
        "totalDiscountAmount": 1340,  # the SHOP20 coupon: 20% of 67.00
        "discountedSubtotalAmount": 5360,  # cart_amount_ex_tax 53.6
        "totalTaxAmount": 0,
        "totalAmount": 5360,  # grand_total 53.6
        "itemCount": 2,
    }
    # The discount is exactly what the lines lost: (3200 - 2560) + (3500 - 2800).
    assert sum(ln["originalTotalPrice"] - ln["totalPrice"] for ln in (towel, ebook)) == 1340


def test_spec_example_with_a_shipping_address_gives_its_state():
    checkout = Checkout.parse(spec_example("Available Shipping Options"))
    # Its consignment ships to Austin, Texas; the billing address has no country.
    request = build(checkout)
    assert request["region"] == "US-TX"
    assert methods(request) == ["SHIPPING"]


def test_a_tax_inclusive_store_sends_the_amounts_with_tax():
    # The same cart shown with 10% tax included in prices: 67.00 -> 73.70, 53.60 -> 58.96.
    checkout = dataclasses.replace(
        coupon_applied(),
        tax_included=True,
        subtotal_inc_tax=Decimal("73.70"),
        cart_amount_inc_tax=Decimal("58.96"),
        tax_total=Decimal("5.36"),
        grand_total=Decimal("58.96"),
    )
    cart = build(checkout)["cart"]
    assert cart["subtotalAmount"] == 7370
    assert cart["discountedSubtotalAmount"] == 5896
    assert cart["totalDiscountAmount"] == 1474  # 7370 - 5896
    assert cart["totalTaxAmount"] == 536
    assert cart["totalAmount"] == 5896
    # Tax-exclusive figures are used when the store shows prices without tax.
    plain = build(dataclasses.replace(checkout, tax_included=False))["cart"]
    assert (plain["subtotalAmount"], plain["discountedSubtotalAmount"]) == (6700, 5360)


def test_a_coupon_larger_than_the_line_never_makes_it_negative():
    towel, ebook = coupon_applied().line_items
    checkout = dataclasses.replace(
        coupon_applied(),
        line_items=(dataclasses.replace(towel, coupon_amount=Decimal("40")), ebook),
    )
    assert build(checkout)["cart"]["lines"][0]["totalPrice"] == 0  # 3200 - 4000 -> 0


def test_a_nameless_line_is_titled_by_its_sku():
    towel, ebook = coupon_applied().line_items
    checkout = dataclasses.replace(
        coupon_applied(), line_items=(dataclasses.replace(towel, name=" "), ebook)
    )
    assert build(checkout)["cart"]["lines"][0]["title"] == "htltwl-001"


# --- sessionId -----------------------------------------------------------------------------


def test_a_well_formed_session_id_is_sent():
    assert build(coupon_applied(), session_id=SESSION_ID)["sessionId"] == SESSION_ID


@pytest.mark.parametrize(
    "session_id",
    [
        None,
        "",
        "lop_short",
        "LOP_a1b2c3d4e5f6g7h8i9j0",
        "lop_a1b2c3d4e5f6g7h8i9j0x",  # 21 characters after the prefix
        "lop_a1b2c3d4e5f6g7h8i9-0",
        SESSION_ID + "\n",  # `$` in a regex would let a trailing newline through
        " " + SESSION_ID,
    ],
)
def test_a_missing_or_malformed_session_id_is_left_out(session_id):
    request = build(coupon_applied(), session_id=session_id)
    assert "sessionId" not in request
    assert request["cartId"] == "267c5d6f-0d27-48ea-b731-e7832a4c5537"  # Loop re-uses by cart


def test_no_locale_is_left_out():
    assert "locale" not in build(coupon_applied(), locale=None)
    assert build(coupon_applied(), locale="de-DE")["locale"] == "de-DE"


# --- region --------------------------------------------------------------------------------


def _with_addresses(shipping: dict | None, billing: dict | None) -> Checkout:
    consignments = (Consignment.parse({"id": "c1", "address": shipping}),) if shipping else ()
    return dataclasses.replace(
        coupon_applied(), consignments=consignments, billing_address=Address.parse(billing)
    )


@pytest.mark.parametrize(
    ("shipping", "billing", "region"),
    [
        ({"country_code": "US", "state_or_province_code": "OH"}, None, "US-OH"),
        ({"country_code": "US", "state_or_province_code": "US-OH"}, None, "US-OH"),
        ({"country_code": "US", "state_or_province_code": "oh"}, None, "US-OH"),
        ({"country_code": "FR", "state_or_province_code": "75C"}, None, "FR-75C"),
        ({"country_code": "US", "state_or_province_code": "Ohio"}, None, "US"),
        ({"country_code": "US", "state_or_province_code": ""}, None, "US"),
        ({"country_code": "DE"}, None, "DE"),
        # The shipping address wins over the billing address.
        ({"country_code": "US", "state_or_province_code": "NY"}, {"country_code": "DE"}, "US-NY"),
        # A shipping address without a usable country falls back to the billing address.
        ({"country_code": "", "state_or_province_code": "OH"}, {"country_code": "DE"}, "DE"),
        (None, {"country_code": "US", "state_or_province_code": "CA"}, "US-CA"),
        (None, {"country_code": "us", "state_or_province_code": "CA"}, "GB"),
        (None, {"country_code": "USA", "state_or_province_code": "CA"}, "GB"),
        (None, None, "GB"),
    ],
)
def test_region_from_addresses(shipping, billing, region):
    assert region_of(_with_addresses(shipping, billing), "GB") == region


def test_a_pickup_consignment_has_no_address_to_give_a_region():
    checkout = dataclasses.replace(
        coupon_applied(),
        consignments=(
            Consignment.parse({"id": "c1", "selected_pickup_option": {"pickup_method_id": 1}}),
        ),
        billing_address=Address.parse({"country_code": "DE"}),
    )
    assert region_of(checkout, "GB") == "DE"


def test_one_delivery_group_per_consignment():
    # A split order: one consignment shipped, one picked up (under either field name
    # BigCommerce uses for it), and the eBook delivered digitally.
    checkout = dataclasses.replace(
        coupon_applied(),
        consignments=tuple(
            Consignment.parse(consignment)
            for consignment in (
                {"id": "c1", "address": {"country_code": "US"}, "line_item_ids": ["a"]},
                {"id": "c2", "selected_pickup_option": {"pickup_method_id": 1}},
                {"id": "c3", "pickup_option": {"pickup_method_id": 2}},
            )
        ),
    )
    assert methods(build(checkout)) == ["SHIPPING", "PICKUP", "PICKUP", "DIGITAL"]


# --- real sandbox checkouts ----------------------------------------------------------------


def test_usd_with_a_coupon_and_tax_after_a_shipping_address(store):
    cart_id = store.create_cart([(101, 1), (102, 2)])
    consignment = ship(store, cart_id, OHIO)
    store.data(
        "PUT",
        f"/v3/checkouts/{cart_id}/consignments/{consignment}",
        json={"shipping_option_id": "sandbox-standard"},
    )
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})
    raw_socks = store.checkout(cart_id)["cart"]["line_items"]["physical_items"][1]
    # BigCommerce reports coupons apart from item discounts ("Coupon Applied" in the spec).
    assert (raw_socks["discount_amount"], raw_socks["coupon_amount"]) == (0, Decimal("4.90"))

    request = read(store, cart_id)
    assert request["region"] == "US-OH"
    assert methods(request) == ["SHIPPING"]
    # SAVE10 takes 10% of 138.00 = 13.80, spread by line amount: 8.90 and 4.90.
    sneakers, socks = line_for(request, 101), line_for(request, 102)
    assert (sneakers["unitPrice"], sneakers["originalTotalPrice"], sneakers["totalPrice"]) == (
        8900,
        8900,
        8010,
    )
    assert (socks["quantity"], socks["unitPrice"], socks["originalTotalPrice"]) == (2, 2450, 4900)
    assert socks["totalPrice"] == 4410  # 4900 - 490
    cart = request["cart"]
    assert cart["subtotalAmount"] == 13800
    assert cart["totalDiscountAmount"] == 1380
    assert cart["discountedSubtotalAmount"] == 12420
    # Ohio at 6%: 80.10 -> 4.81, 44.10 -> 2.65 (4.81 + 2.65 = 7.46), shipping 5.99 -> 0.36.
    assert cart["totalTaxAmount"] == 782
    assert cart["totalAmount"] == 13801  # 124.20 + 5.99 shipping + 7.82 tax
    assert cart["itemCount"] == 3
    assert cart["currencyCode"] == "USD"


def test_eur_shipped_to_germany(store):
    cart_id = store.create_cart([(102, 2)], currency="EUR")
    ship(store, cart_id, BERLIN)
    request = read(store, cart_id)
    assert request["region"] == "DE"  # Germany has no state on the address
    assert line_for(request, 102) == {
        "id": line_for(request, 102)["id"],
        "productId": "102",
        "quantity": 2,
        "unitPrice": 2290,
        "originalTotalPrice": 4580,
        "totalPrice": 4580,
        "title": "Merino Wool Socks (3-pack)",
    }
    cart = request["cart"]
    assert cart["currencyCode"] == "EUR"
    assert (cart["subtotalAmount"], cart["totalDiscountAmount"]) == (4580, 0)
    assert cart["discountedSubtotalAmount"] == 4580
    assert cart["totalTaxAmount"] == 870  # 19% of 45.80 = 8.702 -> 8.70
    assert cart["totalAmount"] == 5450


def test_jpy_amounts_are_whole_yen(store):
    cart_id = store.create_cart([(101, 1), (102, 2)], currency="JPY")
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})
    request = read(store, cart_id)
    # JPY has no minor unit: ¥3,600 is 3600, not 360000.
    assert line_for(request, 102)["unitPrice"] == 3600
    assert line_for(request, 102)["originalTotalPrice"] == 7200
    # SAVE10: 10% of ¥20,700 = ¥2,070, split ¥1,350 / ¥720.
    assert line_for(request, 101)["totalPrice"] == 12150
    assert line_for(request, 102)["totalPrice"] == 6480
    cart = request["cart"]
    assert (cart["subtotalAmount"], cart["totalDiscountAmount"]) == (20700, 2070)
    assert (cart["discountedSubtotalAmount"], cart["totalAmount"]) == (18630, 18630)
    assert cart["totalTaxAmount"] == 0  # nowhere to tax yet


def test_kwd_amounts_have_three_decimals(store):
    cart_id = store.create_cart([(102, 1)], currency="KWD")
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "FIVEOFF"})
    request = read(store, cart_id)
    socks = line_for(request, 102)
    assert (socks["unitPrice"], socks["originalTotalPrice"]) == (7525, 7525)  # KWD 7.525
    assert socks["totalPrice"] == 6025  # FIVEOFF takes KWD 1.500
    cart = request["cart"]
    assert (cart["subtotalAmount"], cart["totalDiscountAmount"]) == (7525, 1500)
    assert (cart["discountedSubtotalAmount"], cart["totalAmount"]) == (6025, 6025)


@pytest.mark.parametrize(
    ("currency", "subtotal"),
    [("JPY", Decimal("-0.5")), ("USD", Decimal("-0.01"))],
    ids=["JPY -0.5", "USD -0.01"],
)
def test_a_negative_subtotal_is_sent_as_zero_and_loop_accepts_it(
    store, sandbox, currency, subtotal
):
    # A subtotal below zero (-0.5 yen rounds to -1) must never reach Loop, which refuses any
    # negative amount with a 400: the request says 0.
    cart_id = store.create_cart([(102, 1)], currency=currency)
    checkout = dataclasses.replace(
        Checkout.parse(store.checkout(cart_id)),
        subtotal_ex_tax=subtotal,
        subtotal_inc_tax=subtotal,
    )
    request = build_analyze_request(checkout, **{"session_id": None, **SETTINGS})
    assert request["cart"]["subtotalAmount"] == 0
    answer = LoopApi(sandbox.loop.url).analyze(request)
    assert answer.status_code == 200, answer.text


def test_mixed_physical_and_digital(store):
    cart_id = store.create_cart([(101, 1), (104, 1)])
    # Before any consignment the sneakers default to shipping.
    assert methods(read(store, cart_id)) == ["SHIPPING", "DIGITAL"]
    consignment = ship(store, cart_id, OHIO)
    request = read(store, cart_id)
    assert methods(request) == ["SHIPPING", "DIGITAL"]
    assert line_for(request, 104)["totalPrice"] == 1200
    assert request["cart"]["subtotalAmount"] == 10100  # 89.00 + 12.00
    store.data(
        "PUT",
        f"/v3/checkouts/{cart_id}/consignments/{consignment}",
        json={"pickup_option": {"pickup_method_id": 1}},
    )
    assert methods(read(store, cart_id)) == ["PICKUP", "DIGITAL"]


def test_digital_only(store):
    cart_id = store.create_cart([(104, 2)])
    bill_to(store, cart_id, BERLIN)
    request = read(store, cart_id)
    assert request["deliveryGroups"] == [{"deliveryMethod": "DIGITAL"}]
    assert request["region"] == "DE"
    cart = request["cart"]
    assert (cart["subtotalAmount"], cart["itemCount"]) == (2400, 2)
    # A digital-only order is taxed where it is billed: 19% of 24.00 = 4.56.
    assert (cart["totalTaxAmount"], cart["totalAmount"]) == (456, 2856)


def test_store_pickup(store):
    cart_id = store.create_cart([(101, 1)])
    pick_up(store, cart_id)
    request = read(store, cart_id, default_region="GB")
    assert request["deliveryGroups"] == [{"deliveryMethod": "PICKUP"}]
    assert request["region"] == "GB"  # a pickup consignment has no shipping address
    # Taxed at the Austin store: 6% of 89.00 = 5.34.
    assert (request["cart"]["totalTaxAmount"], request["cart"]["totalAmount"]) == (534, 9434)


def test_no_address_gives_the_default_region(store):
    cart_id = store.create_cart([(101, 1)])
    assert read(store, cart_id, default_region="GB")["region"] == "GB"
    assert read(store, cart_id, default_region="US")["region"] == "US"


def test_billing_address_only_gives_its_country(store):
    cart_id = store.create_cart([(101, 1)])
    bill_to(store, cart_id, BERLIN)
    assert read(store, cart_id, default_region="GB")["region"] == "DE"
    ship(store, cart_id, NEW_YORK)
    assert read(store, cart_id, default_region="GB")["region"] == "US-NY"


def test_our_fee_is_left_out_of_the_total_and_other_fees_stay_in(store):
    cart_id = store.create_cart([(101, 1)])
    ship(store, cart_id, OHIO)
    before = read(store, cart_id)
    # Ohio at 6% of 89.00 = 5.34.
    assert (before["cart"]["totalTaxAmount"], before["cart"]["totalAmount"]) == (534, 9434)
    fee = {"type": "custom_fee", "display_name": "Fee", "cost": Decimal("2.99")}
    ours = {**fee, "name": "Checkout+", "source": FEE_SOURCE}
    send(store, "POST", f"/v3/checkouts/{cart_id}/fees", {"fees": [ours]})
    raw = store.checkout(cart_id)
    # Our 2.99 fee is taxed 6% (0.18), so BigCommerce's totals grew by 3.17.
    assert (raw["grand_total"], raw["tax_total"]) == (Decimal("97.51"), Decimal("5.52"))
    with_ours = read(store, cart_id)
    # With our fee and its tax taken out, Loop sees the very cart it priced.
    assert with_ours == before
    assert cart_fingerprint(with_ours) == cart_fingerprint(before)

    theirs = {**fee, "name": "Gift wrap", "cost": Decimal("1.50"), "source": "other-app"}
    send(store, "POST", f"/v3/checkouts/{cart_id}/fees", {"fees": [theirs]})
    with_both = read(store, cart_id)
    # The other app's 1.50 fee and its 0.09 tax stay in: 9434 + 159, tax 534 + 9.
    assert with_both["cart"]["totalAmount"] == 9593
    assert with_both["cart"]["totalTaxAmount"] == 543
    assert with_both["cart"]["lines"] == before["cart"]["lines"]


@pytest.mark.parametrize(
    ("cart", "currency"),
    [
        ([(101, 1), (102, 2)], "USD"),
        ([(102, 3), (104, 1)], "EUR"),
        ([(103, 1), (104, 2)], "JPY"),
        ([(102, 1), (106, 1)], "KWD"),
    ],
)
def test_no_float_anywhere(store, cart, currency):
    cart_id = store.create_cart(cart, currency=currency)
    ship(store, cart_id, OHIO)
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})
    request = read(store, cart_id)
    numbers = numbers_in(request)
    # Six per cart (five amounts and itemCount), four per line (quantity and three prices).
    assert len(numbers) == 6 + 4 * len(cart)
    assert all(type(number) is int for number in numbers), numbers
    # And the request survives the wire unchanged: JSON has nothing to round.
    assert simplejson.loads(simplejson.dumps(request)) == request


# --- cart_fingerprint ----------------------------------------------------------------------


def test_fingerprint_is_stable_for_an_unchanged_cart(store):
    cart_id = store.create_cart([(101, 1), (102, 1)])
    ship(store, cart_id, OHIO)
    first = cart_fingerprint(read(store, cart_id))
    assert len(first) == 32
    assert int(first, 16) >= 0  # hexadecimal
    # A note for the courier bumps the checkout's version but changes nothing Loop prices.
    store.data("PUT", f"/v3/checkouts/{cart_id}", json={"customer_message": "Leave at the door"})
    assert cart_fingerprint(read(store, cart_id)) == first
    # Key order does not matter.
    request = read(store, cart_id)
    assert cart_fingerprint(dict(reversed(list(request.items())))) == first


def test_fingerprint_ignores_the_session_id():
    checkout = coupon_applied()
    without = build(checkout, session_id=None)
    with_session = build(checkout, session_id=SESSION_ID)
    other = build(checkout, session_id="lop_ZZZZZZZZZZZZZZZZZZZZ")
    assert with_session != without  # the requests differ...
    assert cart_fingerprint(with_session) == cart_fingerprint(without) == cart_fingerprint(other)


def _socks(store, cart_id: str) -> str:
    return store.checkout(cart_id)["cart"]["line_items"]["physical_items"][1]["id"]


def _change_quantity(store, cart_id: str) -> None:
    body = {"line_item": {"product_id": 102, "quantity": 2}}
    store.data("PUT", f"/v3/carts/{cart_id}/items/{_socks(store, cart_id)}", json=body)


def _change_price(store, cart_id: str) -> None:
    body = {"line_item": {"product_id": 102, "quantity": 1, "list_price": 20}}
    store.data("PUT", f"/v3/carts/{cart_id}/items/{_socks(store, cart_id)}", json=body)


def _add_coupon(store, cart_id: str) -> None:
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})


def _move_to_new_york(store, cart_id: str) -> None:
    consignment = store.checkout(cart_id)["consignments"][0]["id"]
    body = {"address": NEW_YORK}
    store.data("PUT", f"/v3/checkouts/{cart_id}/consignments/{consignment}", json=body)


def _pick_up_instead(store, cart_id: str) -> None:
    consignment = store.checkout(cart_id)["consignments"][0]["id"]
    body = {"pickup_option": {"pickup_method_id": 1}}
    store.data("PUT", f"/v3/checkouts/{cart_id}/consignments/{consignment}", json=body)


@pytest.mark.parametrize(
    ("change", "probe", "before", "after"),
    [
        (_change_quantity, lambda r: r["cart"]["itemCount"], 2, 3),
        (_change_price, lambda r: line_for(r, 102)["unitPrice"], 2450, 2000),
        (_add_coupon, lambda r: r["cart"]["totalDiscountAmount"], 0, 1135),  # 10% of 113.50
        (_move_to_new_york, lambda r: r["region"], "US-OH", "US-NY"),
        (_pick_up_instead, methods, ["SHIPPING"], ["PICKUP"]),
    ],
    ids=["quantity", "price", "coupon", "region", "delivery-method"],
)
def test_fingerprint_changes_with_the_cart(store, change, probe, before, after):
    cart_id = store.create_cart([(101, 1), (102, 1)])
    # Billed to Ohio too, so switching to pickup keeps the region and changes only delivery.
    bill_to(store, cart_id, OHIO)
    ship(store, cart_id, OHIO)
    old = read(store, cart_id)
    assert probe(old) == before
    change(store, cart_id)
    new = read(store, cart_id)
    assert probe(new) == after
    assert cart_fingerprint(new) != cart_fingerprint(old)


def test_fingerprint_changes_with_currency_and_locale():
    checkout = coupon_applied()
    base = cart_fingerprint(build(checkout))
    # Same numbers, another currency: a different cart for Loop.
    euros = build(dataclasses.replace(checkout, currency="EUR"))
    assert euros["cart"]["currencyCode"] == "EUR"
    assert cart_fingerprint(euros) != base
    assert cart_fingerprint(build(checkout, locale="de-DE")) != base
    assert cart_fingerprint(build(checkout, locale=None)) != base
    assert cart_fingerprint(build(checkout)) == base


# --- property ------------------------------------------------------------------------------


@given(
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD"]),
    quantity=st.integers(min_value=1, max_value=50),
    unit_minor=st.integers(min_value=0, max_value=10**7),
    coupon_share=st.fractions(min_value=0, max_value=2),
)
def test_line_amounts_are_non_negative_integers(currency, quantity, unit_minor, coupon_share):
    extended_minor = unit_minor * quantity
    coupon_minor = int(extended_minor * coupon_share)  # may exceed the line, to test the floor
    towel = coupon_applied().line_items[0]
    item = dataclasses.replace(
        towel,
        quantity=quantity,
        list_price=to_major(unit_minor, currency),
        sale_price=to_major(unit_minor, currency),
        extended_list_price=to_major(extended_minor, currency),
        extended_sale_price=to_major(extended_minor, currency),
        coupon_amount=to_major(coupon_minor, currency),
    )
    checkout = dataclasses.replace(coupon_applied(), currency=currency, line_items=(item,))
    (line,) = build_analyze_request(checkout, session_id=None, **SETTINGS)["cart"]["lines"]
    amounts = [line["unitPrice"], line["originalTotalPrice"], line["totalPrice"]]
    assert all(type(amount) is int and amount >= 0 for amount in amounts)
    assert line["unitPrice"] == unit_minor
    assert line["originalTotalPrice"] == extended_minor
    assert line["totalPrice"] == max(0, extended_minor - coupon_minor)
