"""The demo storefront: catalog, cart, currency, and the handoff link to the checkout."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.app_config import LIVE
from tests.support.pages import csrf_token
from tests.support.pages import parse


def add_to_cart(client, product_id: int, quantity: int | str = 1, token: str | None = None):
    """Submit a product's add-to-cart form as a browser would."""
    if token is None:
        token = csrf_token(parse(client.get("/")))
    return client.post(
        "/cart/items",
        data={"csrf_token": token, "product_id": str(product_id), "quantity": str(quantity)},
    )


def test_catalog_lists_the_store_products_with_a_real_form_each(client):
    page = parse(client.get("/"))
    cards = page.select(".product-card")
    assert [card["data-product-id"] for card in cards] == ["101", "102", "103", "104", "105", "106"]
    for card in cards:
        form = card.select_one("form")
        assert form["method"] == "post"
        assert form["action"] == "/cart/items"
        assert form.select_one("input[name=csrf_token]")["value"]
        assert form.select_one("input[name=product_id]")["value"] == card["data-product-id"]
    assert cards[0].select_one(".product-card__price").get_text() == "$89.00"


def test_adding_two_products_fills_one_cart_that_hands_off_to_checkout(client, store):
    assert add_to_cart(client, 101).status_code == 303
    response = add_to_cart(client, 102, 2)
    assert response.status_code == 303
    assert response.headers["Location"] == "/cart"
    cart_page = parse(client.get("/cart"))
    lines = cart_page.select("#order-summary [data-line-id]")
    assert [line["data-product-id"] for line in lines] == ["101", "102"]
    link = cart_page.select_one("#checkout-link")["href"]
    assert link.startswith("/checkout?cart_id=")
    cart_id = link.split("=", 1)[1]
    assert store.checkout(cart_id)["cart"]["id"] == cart_id
    assert client.get(link).headers["Location"] == "/checkout"
    checkout_lines = parse(client.get("/checkout")).select("#order-summary [data-line-id]")
    assert len(checkout_lines) == 2


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "between 1 and 99"),
        ("100", "between 1 and 99"),
        ("many", "whole number"),
        ("1" + "0" * 400, "too large"),
    ],
)
def test_a_bad_quantity_is_a_clear_400(client, sandbox, quantity, message):
    response = add_to_cart(client, 101, quantity)
    assert response.status_code == 400
    page = parse(response)
    assert page.select_one("h1").get_text() == "That could not be added to your cart"
    assert message in page.get_text()
    assert sandbox.bigcommerce.log.count("POST") == 0


def test_an_unknown_product_is_a_clear_400(client):
    response = add_to_cart(client, 999)
    assert response.status_code == 400
    assert parse(response).select_one("h1").get_text() == "That product is not available"


def test_a_post_without_its_csrf_token_is_refused(client, sandbox):
    response = client.post("/cart/items", data={"product_id": "101", "quantity": "1"})
    assert response.status_code == 400
    assert parse(response).select_one("h1").get_text() == "This page has expired"
    assert sandbox.bigcommerce.log.count("POST") == 0


def test_choosing_a_currency_prices_the_next_cart_in_it(client, store):
    add_to_cart(client, 101)
    token = csrf_token(parse(client.get("/")))
    response = client.post("/cart/currency", data={"csrf_token": token, "currency": "JPY"})
    assert response.status_code == 303
    assert parse(client.get("/cart")).select_one("#order-summary") is None  # a new cart starts
    add_to_cart(client, 102, 3)
    cart = parse(client.get("/cart"))
    assert cart.select_one("#order-summary")["data-currency"] == "JPY"
    assert cart.select_one('#order-totals [data-total="subtotal"]')["data-amount"] == "10800"


def test_an_unsold_currency_is_refused(client):
    token = csrf_token(parse(client.get("/")))
    response = client.post("/cart/currency", data={"csrf_token": token, "currency": "XAU"})
    assert response.status_code == 400


def test_the_demo_store_exists_only_in_the_sandbox(tmp_path):
    live = create_app({**LIVE, "INSTANCE_PATH": str(tmp_path)})
    assert live.test_client().get("/").status_code == 404
    assert "storefront" not in live.blueprints
