"""Every request the app sends to BigCommerce, and each answer it relies on, follow the spec.

The app's real traffic is taken from the sandbox's request log after shopper flows and
validated against BigCommerce's official OpenAPI files.
"""

from __future__ import annotations

import pytest

from tests.support.openapi import validate_traffic
from tests.support.pages import csrf_token
from tests.support.pages import parse

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract


def shop_and_check_out(client) -> None:
    """Browse, add two products (one refused), hand off, change and remove lines, and more."""
    token = csrf_token(parse(client.get("/")))
    for product_id, quantity in (("101", "1"), ("102", "2"), ("999", "1")):
        client.post(
            "/cart/items",
            data={"csrf_token": token, "product_id": product_id, "quantity": quantity},
        )
    link = parse(client.get("/cart")).select_one("#checkout-link")["href"]
    client.get(link)
    page = parse(client.get("/checkout"))
    lines = [line["data-line-id"] for line in page.select("#order-summary [data-line-id]")]
    for line_id, quantity in ((lines[0], "3"), (lines[1], "0")):  # set one, remove the other
        client.post(
            f"/checkout/lines/{line_id}",
            data={"csrf_token": csrf_token(page), "quantity": quantity},
        )
    client.post("/cart/currency", data={"csrf_token": token, "currency": "KWD"})
    client.post("/cart/items", data={"csrf_token": token, "product_id": "104", "quantity": "3"})


def test_the_apps_bigcommerce_traffic_follows_the_spec(client, sandbox):
    shop_and_check_out(client)
    exchanges = sandbox.bigcommerce.log.entries()
    operations = {(entry.method, entry.path.split("/v3/")[1].split("/")[0]) for entry in exchanges}
    assert operations >= {
        ("GET", "catalog"),
        ("POST", "carts"),
        ("PUT", "carts"),
        ("DELETE", "carts"),
        ("GET", "checkouts"),
    }
    refused = validate_traffic(exchanges)
    assert len(refused) == 1  # product 999 does not exist
    assert refused[0].json["line_items"][0]["product_id"] == 999
