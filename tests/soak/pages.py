"""What a shopper reads on the checkout's pages: the offer, the total, the notices, the order
number."""

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


@dataclass(frozen=True)
class TotalSeen:
    """The order's total as a page showed it, with the signed figures Place order sends."""

    token: str | None = None  # input[name=shown_total]; None while the total says "Updating…"
    amount: int | None = None  # minor units
    currency: str | None = None


UPDATING = TotalSeen()


@dataclass(frozen=True)
class PaymentMessage:
    """Why the last Place order did not place the order, atop the payment section."""

    notice: str  # data-notice: quote_changed, total_changed, busy... ("" for none)
    words: str  # what #placement-notice or #payment-problem says
    payment_problem: bool  # the words are the payment's own (#payment-problem)


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


def total_seen(page: BeautifulSoup) -> TotalSeen | None:
    """Return the total a page shows, or None when the page has no totals at all."""
    totals = page.select_one("#order-totals")
    if totals is None:
        return None
    total = totals.select_one("[data-total=total]")
    if total is None or not total.has_attr("data-amount"):
        return UPDATING
    token = total.select_one("input[name=shown_total][form=payment-form]")
    return TotalSeen(
        token=token["value"] if token is not None else None,
        amount=int(total["data-amount"]),
        currency=text_of(total, ".summary-totals__currency") or None,
    )


def payment_message(page: BeautifulSoup) -> PaymentMessage | None:
    """Return why the last Place order stopped, or None when the page says nothing of it."""
    message = page.select_one("#payment-message")
    if message is None:
        return None
    problem = message.select_one("#payment-problem")
    words = problem if problem is not None else message
    return PaymentMessage(
        notice=message.get("data-notice", ""),
        words=words.get_text(" ", strip=True),
        payment_problem=problem is not None,
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
