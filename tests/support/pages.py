"""Reading the app's pages: parsed HTML, the CSRF token, the storefront's handoff."""

from __future__ import annotations

from bs4 import BeautifulSoup

# The header htmx sends with each of its requests.
HTMX = {"HX-Request": "true"}


def parse(response) -> BeautifulSoup:
    """Parse an HTML response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def open_checkout(client, cart_id: str, **kwargs):
    """Follow the storefront's handoff link and return the checkout page."""
    handoff = client.get(f"/checkout?cart_id={cart_id}")
    assert handoff.status_code == 303
    assert handoff.headers["Location"] == "/checkout"
    return client.get("/checkout", **kwargs)


def csrf_token(page: BeautifulSoup) -> str:
    """Return the CSRF token of the first form on a parsed page."""
    field = page.select_one("form input[name=csrf_token]")
    assert field is not None, "the page has no form with a CSRF token"
    return field["value"]
