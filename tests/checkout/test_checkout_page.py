"""The handoff from the storefront and the checkout page read from BigCommerce."""

from __future__ import annotations

import pytest

from app.money import to_minor
from app.sandbox.bigcommerce import render as sandbox_render
from tests.support.addresses import OH_ADDRESS
from tests.support.pages import open_checkout
from tests.support.pages import parse

SNEAKERS, SOCKS, JACKET, MAP_PDF = 101, 102, 103, 104


def totals(page) -> dict[str, int]:
    """Return the summary's totals in minor units, by name."""
    return {
        row["data-total"]: int(row["data-amount"])
        for row in page.select("#order-totals [data-total][data-amount]")
    }


def test_handoff_binds_the_cart_and_the_page_shows_lines_and_bigcommerce_totals(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 2)])
    response = open_checkout(client, cart_id)
    assert response.status_code == 200
    page = parse(response)
    checkout = store.checkout(cart_id)
    lines = page.select("#order-summary [data-line-id]")
    assert [line["data-product-id"] for line in lines] == [str(SNEAKERS), str(SOCKS)]
    assert [line["data-quantity"] for line in lines] == ["1", "2"]
    assert "Trail Runner Sneakers" in lines[0].get_text()
    assert "Merino Wool Socks (3-pack)" in lines[1].get_text()
    assert [int(line.select_one("[data-amount]")["data-amount"]) for line in lines] == [8900, 4900]
    shown = totals(page)
    assert shown["subtotal"] == to_minor(checkout["subtotal_ex_tax"], "USD") == 13800
    assert shown["tax"] == to_minor(checkout["tax_total"], "USD")
    assert shown["total"] == to_minor(checkout["grand_total"], "USD")
    assert page.select_one('[data-total="total"] dd').get_text(" ", strip=True) == "$138.00 USD"


def test_each_line_shows_bigcommerces_picture_and_its_unit_price_times_quantity(client, store):
    cart_id = store.create_cart([(SNEAKERS, 2), (SOCKS, 1)])
    page = parse(open_checkout(client, cart_id))
    items = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    lines = page.select("#order-summary [data-line-id]")
    for line, item in zip(lines, items, strict=True):
        [image] = line.select("img[data-line-image]")
        assert image["src"] == item["image_url"]
        # Decorative (the name is beside it), and sized before it loads so nothing moves.
        assert image["alt"] == ""
        assert (image["width"], image["height"]) == ("64", "64")
        assert (image["loading"], image["decoding"]) == ("lazy", "async")
        assert not line.select("[data-line-image-placeholder]")
        # The quantity badge on the picture repeats what the controls say: not read out twice.
        assert line.select_one(".summary-line__badge")["aria-hidden"] == "true"
    assert [line.select_one("[data-line-each]").get_text() for line in lines] == [
        "$89.00 × 2",
        "$24.50 × 1",
    ]
    assert [line.select_one("[data-amount]").get_text() for line in lines] == [
        "$178.00",
        "$24.50",
    ]


def test_a_line_without_a_picture_keeps_its_square_with_a_placeholder(client, store, monkeypatch):
    # A product with no image: BigCommerce sends an empty image_url.
    monkeypatch.setattr(sandbox_render, "product_image_url", lambda product_id: "")
    cart_id = store.create_cart([(SOCKS, 3)])
    assert store.checkout(cart_id)["cart"]["line_items"]["physical_items"][0]["image_url"] == ""
    [line] = parse(open_checkout(client, cart_id)).select("#order-summary [data-line-id]")
    assert not line.select("img")
    assert line.select_one("[data-line-image-placeholder]").get_text(strip=True) == ""
    assert line.select_one("[data-line-each]").get_text() == "$24.50 × 3"


def test_the_unit_price_and_quantity_follow_the_currency_and_the_shoppers_language(client, store):
    cart_id = store.create_cart([(JACKET, 1200)], currency="EUR")
    page = parse(open_checkout(client, cart_id, headers={"Accept-Language": "de-DE"}))
    line = page.select_one("#order-summary [data-line-id]")
    assert line.select_one("[data-line-each]").get_text() == "179,00\xa0€ × 1.200"
    assert line.select_one(".summary-line__badge").get_text() == "1.200"


def test_the_page_says_secure_checkout_with_the_stores_name(client, store):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    [heading] = page.select("h1")
    assert " ".join(heading.get_text().split()) == "Secure checkout, Demo Outfitters"
    assert heading.select_one(".checkout__store").get_text() == ", Demo Outfitters"
    assert page.select_one("title").get_text() == "Secure checkout · Demo Outfitters"
    # The lock is decoration only: hidden from assistive technology, styled by the stylesheet.
    [lock] = heading.select("svg")
    assert lock["aria-hidden"] == "true"
    assert not heading.select("[style]")


def test_the_payment_section_says_what_happens_to_the_card(client, store):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    line = page.select_one("#checkout-payment [data-card-security]")
    assert line.get_text(" ", strip=True) == (
        "Your card number and security code are sent securely to our payment processor to "
        "take this payment, and are never stored on this site."
    )
    # Right under the heading, before the card fields.
    assert line.find_previous_sibling("h2").get_text() == "Payment"
    assert line.find_next("input", attrs={"name": "card_number"})


def test_rendering_the_page_costs_one_bigcommerce_call(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    sandbox.bigcommerce.log.clear()
    open_checkout(client, cart_id)
    calls = sandbox.bigcommerce.log.entries()
    assert [(call.method, call.path) for call in calls] == [
        ("GET", f"/stores/sandbox/v3/checkouts/{cart_id}")
    ]


@pytest.mark.parametrize(
    ("currency", "items", "line_minor", "symbol"),
    [
        ("JPY", [(SOCKS, 3)], 10800, "¥"),  # 3 × ¥3,600, no decimals
        ("KWD", [(SOCKS, 3)], 22575, "KWD"),  # 3 × 7.525 dinar, three decimals
        ("EUR", [(JACKET, 1)], 17900, "€"),
    ],
)
def test_other_currencies_use_their_own_exponent(
    client, store, currency, items, line_minor, symbol
):
    cart_id = store.create_cart(items, currency=currency)
    page = parse(open_checkout(client, cart_id))
    summary = page.select_one("#order-summary")
    assert summary["data-currency"] == currency
    line = summary.select_one("[data-line-id] [data-amount]")
    assert int(line["data-amount"]) == line_minor
    assert line.get_text(strip=True).startswith(symbol)
    checkout = store.checkout(cart_id)
    assert totals(page)["total"] == to_minor(checkout["grand_total"], currency)


def test_a_digital_only_cart_needs_no_shipping(client, store):
    page = parse(open_checkout(client, store.create_cart([(MAP_PDF, 1)])))
    shipping = page.select_one('[data-total="shipping"]')
    assert shipping["data-amount"] == "0"
    assert "Digital" in page.select_one("[data-line-id]").get_text()


def test_a_physical_cart_says_shipping_is_chosen_later(client, store):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    shipping = page.select_one('[data-total="shipping"]')
    assert not shipping.has_attr("data-amount")
    assert "shipping step" in shipping.get_text()


@pytest.mark.parametrize(
    "query",
    [
        "cart_id=",
        "cart_id=nope",
        "cart_id=../../v3/orders",
        "cart_id=https://evil.example/",
        "cart_id=0f8fad5b-d9cb-469f-a165-70867728950e-extra",
        "cart_id=0f8fad5b-d9cb-469f-a165-70867728950e&cart_id=1f8fad5b-d9cb-469f-a165-70867728950e",
    ],
)
def test_a_bad_cart_id_gets_a_clear_400_and_never_a_redirect(client, sandbox, query):
    response = client.get(f"/checkout?{query}")
    assert response.status_code == 400
    assert "Location" not in response.headers
    page = parse(response)
    assert page.select_one("h1").get_text(strip=True) == "This checkout link is not valid"
    assert "go back to the store" in page.get_text()
    assert sandbox.bigcommerce.log.count() == 0
    # Nothing was bound: the checkout is still empty.
    assert parse(client.get("/checkout")).select_one("h1").get_text() == "Your cart is empty"


def test_a_cart_that_no_longer_exists_gets_a_404_page_and_is_forgotten(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    assert open_checkout(client, cart_id).status_code == 200
    assert store.request("DELETE", f"/v3/carts/{cart_id}").status_code == 204
    response = client.get("/checkout")
    assert response.status_code == 404
    assert parse(response).select_one("h1").get_text() == "This cart is no longer available"
    assert parse(client.get("/checkout")).select_one("h1").get_text() == "Your cart is empty"


def test_without_a_cart_the_page_says_so(client, sandbox):
    response = client.get("/checkout")
    assert response.status_code == 200
    assert parse(response).select_one("h1").get_text() == "Your cart is empty"
    assert sandbox.bigcommerce.log.count() == 0


@pytest.mark.parametrize("fault", ["status=503", "status=429", "malformed"])
def test_bigcommerce_failing_gives_a_503_page_not_a_crash(client, store, sandbox, fault):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    sandbox.set_faults(f"bigcommerce GET /stores/*/v3/checkouts/* {fault}")
    response = open_checkout(client, cart_id)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert parse(response).select_one("h1").get_text() == "Checkout is briefly unavailable"
    sandbox.bigcommerce.faults.clear()
    assert client.get("/checkout").status_code == 200  # and the cart is still bound


def test_checkout_pages_are_never_cached(client, store):
    response = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_summary_adds_up_to_bigcommerces_total_with_coupon_shipping_and_tax(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 2)])
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=OH_ADDRESS)
    items = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    lines = [{"item_id": item["id"], "quantity": item["quantity"]} for item in items]
    checkout = store.data(
        "POST",
        f"/v3/checkouts/{cart_id}/consignments?include=consignments.available_shipping_options",
        json=[{"address": OH_ADDRESS, "line_items": lines}],
    )
    consignment = checkout["consignments"][0]
    option = consignment["available_shipping_options"][0]
    store.data(
        "PUT",
        f"/v3/checkouts/{cart_id}/consignments/{consignment['id']}",
        json={"shipping_option_id": option["id"]},
    )
    shown = totals(parse(open_checkout(client, cart_id)))
    assert shown["discount"] > 0
    assert shown["shipping"] == to_minor(option["cost"], "USD")
    assert shown["tax"] > 0
    assert (
        shown["subtotal"] - shown["discount"] + shown["shipping"] + shown["tax"] == shown["total"]
    )
    assert shown["total"] == to_minor(store.checkout(cart_id)["grand_total"], "USD")
