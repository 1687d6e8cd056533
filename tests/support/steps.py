"""Posting the checkout's step forms as the page does."""

from __future__ import annotations

from tests.support.addresses import OHIO_FORM
from tests.support.pages import HTMX
from tests.support.pages import csrf_token
from tests.support.pages import open_checkout
from tests.support.pages import parse


def post(client, page_response, url: str, data: dict, htmx: bool = False):
    """Post a step form with the page's CSRF token, as the browser would."""
    body = {"csrf_token": csrf_token(parse(page_response)), **data}
    return client.post(url, data=body, headers=HTMX if htmx else {})


def prefixed(prefix: str, fields: dict) -> dict:
    """Name the fields the way a section's form posts them."""
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def given_email(store, cart_id: str, email: str = "ada@example.com") -> None:
    """Give the cart an email through BigCommerce, as the contact step would."""
    body = {"email": email, "country_code": "US"}
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=body)


def ready_to_ship(client, store, cart_id: str, address: dict = OHIO_FORM):
    """Open the checkout with an email on file and save a shipping address; return the page."""
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", address))
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get("/checkout")


def consignment(store, cart_id: str) -> dict:
    """Return the checkout's only consignment, as BigCommerce holds it."""
    [found] = store.checkout(cart_id)["consignments"]
    return found


def top_level(response) -> list[tuple[str, str | None]]:
    """Return the id and out-of-band flag of each element of an htmx answer."""
    return [
        (element.get("id"), element.get("hx-swap-oob"))
        for element in parse(response).find_all(recursive=False)
    ]
