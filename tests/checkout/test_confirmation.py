"""The confirmation page of real sandbox orders: a receipt that adds up, where the order goes,
how, and the card it was paid with.

Each test places an order through the app as a shopper does and reads the page back: the
[data-receipt-row] amounts (signed minor units) add up to [data-order-total], which is the
order's total_inc_tax as BigCommerce recorded it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.money import format_amount
from app.money import format_minor
from app.money import to_minor
from tests.support.addresses import DE_ADDRESS
from tests.support.addresses import JP_ADDRESS
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import OH_ADDRESS
from tests.support.contract_client import create_cart
from tests.support.contract_client import ok
from tests.support.offer import choose
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import start
from tests.support.pages import parse
from tests.support.steps import post

SNEAKERS, SOCKS = 101, 102


def confirmation(client):
    """The confirmation page, parsed."""
    response = client.get("/checkout/confirmation")
    assert response.status_code == 200
    return parse(response).select_one("#order-confirmation")


def rows(page) -> list[tuple[str, int]]:
    """The receipt's rows as (kind, signed minor units)."""
    found = page.select("[data-receipt-row]")
    return [(row["data-receipt-row"], int(row["data-amount"])) for row in found]


def total(page) -> int:
    """The total paid, in minor units."""
    return int(page.select_one("[data-order-total]")["data-amount"])


def recorded_total(raw) -> tuple[Decimal, str]:
    """The total of the one order the store holds, and its currency."""
    [order] = orders(raw)
    return Decimal(order["total_inc_tax"]), order["currency_code"]


def assert_adds_up(page, raw) -> None:
    """The rows add up to the total shown, which is what BigCommerce recorded."""
    amount, currency = recorded_total(raw)
    assert sum(minor for _, minor in rows(page)) == total(page) == to_minor(amount, currency)
    shown = page.select_one("[data-order-total]").get_text(" ", strip=True)
    assert format_amount(amount, currency) in shown
    assert currency in shown


def text(page, selector: str) -> str:
    """The words of one element, spaces normalised."""
    found = page.select_one(selector)
    assert found is not None, f"{selector} is missing"
    return " ".join(found.get_text(" ", strip=True).split())


def test_an_ohio_order_with_protection_lists_each_part_before_tax_and_adds_up(client, raw):
    _, page = start(client, raw, address=OH_ADDRESS)
    choose(client, page, opt_in=True)
    assert place(client, client.get("/checkout")).status_code == 303
    page = confirmation(client)
    # Sneakers 89.00, standard shipping 5.99, protection 2.98 and 6 % Ohio tax on all three
    # (5.34 + 0.36 + 0.18): shipping shows before tax (5.99, not 6.35), as its tax is in the
    # tax row.
    assert rows(page) == [("subtotal", 8900), ("shipping", 599), ("checkout_plus", 298),
                          ("tax", 588)]  # fmt: skip
    assert total(page) == 10385
    assert_adds_up(page, raw)
    [order] = orders(raw)
    assert Decimal(order["shipping_cost_ex_tax"]) == Decimal("5.99")
    fee = page.select_one("[data-order-fee][data-checkout-plus-fee]")
    assert fee.dt.get_text(strip=True) == "Order protection"
    assert "returns and shipping" in text(page, "[data-checkout-plus-coverage]")
    assert text(page, "[data-order-shipment] address") == (
        "Ada Lovelace 1 Main St Columbus, Ohio 43004 United States"
    )
    assert text(page, "[data-shipping-method]") == "Standard"
    assert text(page, "[data-order-payment]").startswith("Visa ending in 1111")
    assert "4111 1111" not in page.get_text()
    assert "41111111" not in page.get_text()
    assert not page.select("[data-receipt-included-tax]")  # a tax-exclusive store


def test_a_coupon_has_its_own_row_named_by_its_code(client, raw, store):
    cart_id, page = start(client, raw, items=((SNEAKERS, 1), (SOCKS, 2)), address=OH_ADDRESS)
    applied = post(client, page, "/checkout/coupons", {"coupon-code": "SAVE10"})
    assert applied.status_code == 303
    assert [c["code"] for c in store.checkout(cart_id)["coupons"]] == ["SAVE10"]
    response = place(client, client.get("/checkout"), card_number="5555 5555 5555 4444")
    assert response.status_code == 303
    page = confirmation(client)
    [order] = orders(raw)
    coupon = page.select_one("[data-receipt-row=coupon]")
    assert coupon.dt.get_text(strip=True) == "Coupon SAVE10"
    assert int(coupon["data-amount"]) == -to_minor(Decimal(order["coupon_discount"]), "USD") < 0
    assert coupon.dd.get_text(strip=True).startswith("−")
    assert [kind for kind, _ in rows(page)] == ["subtotal", "coupon", "shipping", "tax"]
    assert_adds_up(page, raw)
    assert text(page, "[data-order-payment]").startswith("Mastercard ending in 4444")
    assert not page.select("[data-checkout-plus-coverage]")


def test_a_pickup_order_names_the_store_and_has_no_shipping_row(client, raw):
    cart = create_cart(raw, ((SNEAKERS, 1),))
    ok(raw.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", OH_ADDRESS))
    [item] = cart["line_items"]["physical_items"]
    pickup = {"pickup_option": {"pickup_method_id": 1},
              "line_items": [{"item_id": item["id"], "quantity": 1}]}  # fmt: skip
    ok(raw.call("POST", f"/v3/checkouts/{cart['id']}/consignments", [pickup]))
    client.get(f"/checkout?cart_id={cart['id']}")
    page = client.get("/checkout")
    choose(client, page, opt_in=True)  # the sandbox merchant covers returns for pickups
    response = place(client, client.get("/checkout"), card_number="3782 822463 10005")
    assert response.status_code == 303
    page = confirmation(client)
    assert "shipping" not in [kind for kind, _ in rows(page)]
    assert_adds_up(page, raw)
    assert not page.select("[data-order-shipment]")
    assert text(page, "[data-shipping-method]") == "Downtown store pickup"
    where = text(page, "[data-order-pickup]")
    assert "Downtown store 500 Congress Ave Austin, Texas 78701" in where
    assert "Ready in 2 hours, 9am-6pm" in where
    assert text(page, "[data-order-payment]").startswith("American Express ending in 0005")
    assert text(page, "[data-checkout-plus-coverage]").startswith("Order protection: returns")


@pytest.mark.parametrize(
    ("currency", "address"), [("EUR", DE_ADDRESS), ("JPY", JP_ADDRESS), ("KWD", KW_ADDRESS)]
)
def test_the_receipt_adds_up_in_every_currency(client, raw, currency, address):
    _, page = start(client, raw, items=((SNEAKERS, 1), (SOCKS, 2)), currency=currency,
                    address=address)  # fmt: skip
    choose(client, page, opt_in=True)
    assert place(client, client.get("/checkout")).status_code == 303
    page = confirmation(client)
    assert [kind for kind, _ in rows(page)] == ["subtotal", "shipping", "checkout_plus", "tax"]
    assert_adds_up(page, raw)
    # Each row shows the very amount it carries, with the currency's own decimals (¥ none,
    # KWD three).
    for row in page.select("[data-receipt-row]"):
        assert row.dd.get_text(strip=True) == format_minor(int(row["data-amount"]), currency)
    assert page.select_one("[data-order-shipment] address") is not None


def test_a_confirmation_without_a_card_on_record_still_shows_the_order(app, client, raw):
    _, page = start(client, raw, address=OH_ADDRESS)
    assert place(client, page).status_code == 303
    with client.session_transaction() as session:
        session["last_order"] = {**session["last_order"], "paid_with": None}
    page = confirmation(client)
    assert not page.select("[data-order-payment]")
    assert_adds_up(page, raw)


def test_the_session_keeps_only_the_brand_and_last_four_digits(app, client, raw):
    _, page = start(client, raw, address=OH_ADDRESS)
    assert place(client, page).status_code == 303
    with client.session_transaction() as session:
        kept = session["last_order"]
    assert kept["paid_with"] == {"brand": "Visa", "last_four": "1111"}
    assert "411111" not in str(kept)
