"""Helpers for the keyboard, announcement, layout, mobile and no-JavaScript checkout tests.

Every check names the page and the state it looked at, so a failure says where to look.
Screenshots go to ``test-results/`` at the project root (pytest-playwright empties that folder
at the start of each run, so it always holds the last run's pictures).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.paths import PROJECT

RESULTS = PROJECT / "test-results"

SNEAKERS, SOCKS, JACKET, SUNGLASSES, TENT = 101, 102, 103, 105, 106
SNEAKERS_NAME = "Trail Runner Sneakers"
SOCKS_NAME = "Merino Wool Socks (3-pack)"
CARD = {
    "cardholder_name": "Ada Lovelace",
    "card_number": "4111 1111 1111 1111",
    "expiry": "12/29",
    "security_code": "123",
}

# Classes htmx puts on elements while a request, a swap or a settle is under way.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def settle(page: Page, timeout: float = 10_000) -> None:
    """Wait until htmx has no request in flight and nothing left to swap or settle."""
    page.wait_for_function(
        f"() => !document.querySelector({HTMX_BUSY!r})", polling=50, timeout=timeout
    )


def open_checkout(page: Page, store, items) -> str:
    """Create a cart the way the storefront would and follow the handoff link."""
    cart_id = store.create_cart(items)
    page.goto(f"/checkout?cart_id={cart_id}")
    expect(page).to_have_url(re.compile(r"/checkout$"))
    return cart_id


def offer(page: Page):
    """The Checkout+ offer component."""
    return page.locator("#checkout-plus-offer")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-results/<name>.png and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def add_from_catalog(page: Page, product_name: str, quantity: int = 1) -> None:
    """Add a product from the catalog page the way a shopper does."""
    page.goto("/")
    card = page.locator(".product-card").filter(
        has=page.get_by_role("heading", name=product_name, exact=True)
    )
    card.get_by_label("Quantity").fill(str(quantity))
    card.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
