"""What a shopper reads on the checkout's pages: the offer, the notices, the order number."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup


@dataclass(frozen=True)
class OfferSeen:
    """The Checkout+ offer as a page showed it (the template contract's hooks)."""

    offered: bool
    ticked: bool = False
    token: str | None = None  # the quote's token, which names its session, modes and price
    amount: int | None = None  # minor units
    currency: str | None = None


HIDDEN = OfferSeen(offered=False)


def parse(html: str) -> BeautifulSoup:
    """Parse a page or a fragment."""
    return BeautifulSoup(html, "html.parser")


def offer_seen(page: BeautifulSoup) -> OfferSeen | None:
    """Return the offer a page shows, or None when the page has no offer at all."""
    offer = page.select_one("#checkout-plus-offer")
    if offer is None:
        return None
    if offer.get("data-state") != "offered":
        return HIDDEN
    box = offer.select_one("input[type=checkbox][name=checkout_plus]")
    price = offer.select_one("[data-checkout-plus-price]")
    return OfferSeen(
        offered=True,
        ticked=box is not None and box.has_attr("checked"),
        token=offer.select_one("input[name=quote]")["value"],
        amount=int(price["data-amount"]),
        currency=price["data-currency"],
    )


def text_of(page: BeautifulSoup, selector: str) -> str:
    """Return the text of an element, or "" when the page has none."""
    element = page.select_one(selector)
    return element.get_text(" ", strip=True) if element is not None else ""


def csrf_token(page: BeautifulSoup) -> str:
    """Return the CSRF token of the page's forms."""
    return page.select_one("form input[name=csrf_token]")["value"]


def line_id(page: BeautifulSoup, product_id: int) -> str:
    """Return the id of the summary line of a product."""
    return page.select_one(f"#order-summary [data-product-id='{product_id}']")["data-line-id"]


def order_id(page: BeautifulSoup) -> int | None:
    """Return the order number on a confirmation page."""
    confirmation = page.select_one("#order-confirmation")
    return int(confirmation["data-order-id"]) if confirmation is not None else None
