"""Placing an order through the app as a shopper does, and reading what the store then holds."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from tests.support.contract_client import ready_checkout
from tests.support.offer import choose
from tests.support.pages import csrf_token
from tests.support.pages import parse
from tests.support.queue import drain
from tests.support.waiting import wait_until

# The sandbox gateway pays the first card and declines the second.
GOOD_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
# The source of the Checkout+ fee on a BigCommerce checkout (other apps' fees have their own).
OURS = "loop-checkout-plus"


def card(number: str = GOOD_CARD, **overrides) -> dict[str, str]:
    """The payment form as a shopper fills it in."""
    return {
        "cardholder_name": "Jane Doe",
        "card_number": number,
        "expiry": "12/29",
        "security_code": "123",
        **overrides,
    }


def start(client, raw, items=((101, 1),), currency="USD", address=None):
    """Hand a ready checkout (address, shipping option chosen) to the client; return its page."""
    cart_id = ready_checkout(raw, items, currency, address)
    client.get(f"/checkout?cart_id={cart_id}")
    return cart_id, client.get("/checkout")


def shown_total(page) -> str:
    """The signed total a checkout page showed, which its Place order button sends."""
    html = BeautifulSoup(page, "html.parser") if isinstance(page, str) else parse(page)
    field = html.select_one("input[name=shown_total][form=payment-form]")
    return field["value"] if field else ""


def place(client, page, **fields):
    """Submit the payment form, with the total the page showed, as the button does."""
    data = {"csrf_token": csrf_token(parse(page)), "shown_total": shown_total(page)}
    return client.post("/checkout/place", data={**data, **card(**fields)})


def placed(response) -> bool:
    """Tell whether a Place order answered by going on to the confirmation."""
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 303 and location.path == "/checkout/confirmation"


def sent_back(client, response):
    """Follow a Place order that did not place the order back to the checkout (PRG)."""
    assert response.status_code == 303, response.status_code
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == ("/checkout", "checkout-payment"), location
    return client.get("/checkout")


def opted_in_order(client, raw) -> int:
    """Place a paid, protected order and return its id."""
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    return order["id"]


def place_paid_order(client, raw, opt_in: bool) -> int:
    """Place a paid order, opted in or not; return its BigCommerce id."""
    _, page = start(client, raw)
    if opt_in:
        choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    return orders(raw)[-1]["id"]


def orders(raw) -> list[dict]:
    """Every order the sandbox store holds, as GET /v2/orders/{id} shows it."""
    state = raw.sandbox.bigcommerce.service.app.extensions["bigcommerce_state"]
    return [raw.call("GET", f"/v2/orders/{order_id}").json() for order_id in sorted(state.orders)]


def order_fees(raw, order_id: int) -> list[dict]:
    """The fees on an order (``{fees: [...]}``, the shape of BigCommerce's example)."""
    return raw.call("GET", f"/v2/orders/{order_id}/fees").json()["fees"]


def metafields(raw, order_id: int, queue=None) -> dict[str, str]:
    """The Checkout+ metafields on an order, by key (after running ``queue``'s jobs, if given)."""
    if queue is not None:
        drain(queue)
    response = raw.call("GET", f"/v3/orders/{order_id}/metafields?namespace=loop_checkout_plus")
    return {item["key"]: item["value"] for item in response.json()["data"]}


def payments(sandbox) -> int:
    """How many payments the sandbox gateway received."""
    return sandbox.bigcommerce.log.count("POST", "/stores/*/payments")


def charged(sandbox, order_id: int) -> int | None:
    """What the sandbox gateway charged for an order, in minor units (None: not paid)."""
    return (
        sandbox.bigcommerce.service.app.extensions["bigcommerce_state"]
        .orders[order_id]
        .captured_amount
    )


def written_block(raw, order_id: int, expected: int) -> dict[str, str]:
    """The order's Checkout+ metafields once the server's sync worker has had its turn."""
    found: list[dict[str, str]] = []

    def written() -> bool:
        found.append(metafields(raw, order_id))
        return len(found[-1]) >= expected

    wait_until(written, message=f"{expected} metafields on order {order_id}")
    return found[-1]
