"""Posting the checkout's step forms as the page does."""

from __future__ import annotations

from tests.support.pages import HTMX
from tests.support.pages import csrf_token
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
