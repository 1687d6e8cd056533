"""The Checkout+ offer on the checkout page: reading it, answering it, and Loop's side of it."""

from __future__ import annotations

from app.checkout_plus.service import OfferSettings
from tests.support.loop_requests import rules_with
from tests.support.pages import csrf_token
from tests.support.pages import parse

BOTH = ["returnCoverage", "shippingProtection"]

# What each coverage mode's copy must mention, so the description covers every mode offered.
# A word the offer's copy uses for each mode, in each language: the copy names exactly the
# modes on offer (returns only never mentions shipping, and so on).
MODE_WORDS = {
    "en": {"returnCoverage": "return", "shippingProtection": "shipping"},
    "de": {"returnCoverage": "rücksend", "shippingProtection": "versand"},
    "fr": {"returnCoverage": "retour", "shippingProtection": "livraison"},
    "ja": {"returnCoverage": "返品", "shippingProtection": "配送"},
    "ar": {"returnCoverage": "إرجاع", "shippingProtection": "شحن"},
}

# Offer settings for an offer service built by hand in a test.
OFFER_SETTINGS = OfferSettings(
    default_region="US", mount_target="order_summary", cart_experience="x"
)


def offer_of(response):
    """Return the parsed offer component of a page or fragment."""
    offer = parse(response).select_one("#checkout-plus-offer")
    assert offer is not None, "#checkout-plus-offer is missing"
    return offer


def assert_offered(offer, amount: int, currency: str, modes: list[str]) -> None:
    """Check the offered state of the template contract."""
    assert offer["data-state"] == "offered"
    boxes = offer.select("input[type=checkbox][name=checkout_plus]")
    assert len(boxes) == 1
    price = offer.select_one("[data-checkout-plus-price]")
    assert int(price["data-amount"]) == amount
    assert price["data-currency"] == currency
    description = offer.select_one("[data-checkout-plus-description]")
    assert description["data-mode"].split() == modes
    assert_copy_names(offer, modes)


def assert_copy_names(offer, modes: list[str]) -> None:
    """Check the offer's title and description name exactly the modes, in the page's language."""
    page = offer.find_parent("html")
    language = page.get("lang", "en") if page is not None else "en"
    description = offer.select_one("[data-checkout-plus-description]")
    words = (description.get_text() + offer.select_one("label").get_text()).lower()
    for mode, word in MODE_WORDS[language].items():
        assert (word in words) == (mode in modes), f"{language} copy for {modes} mentions {word}?"


def assert_hidden(offer) -> None:
    """Check the hidden state: nothing inside, no greyed-out toggle."""
    assert offer["data-state"] == "hidden"
    assert not offer.select("input, [data-checkout-plus-price], [data-checkout-plus-description]")
    assert offer.get_text(strip=True) == ""


def assert_withdrawn(offer) -> None:
    """Check the withdrawn state: one visible message, and no box, price or cover."""
    assert offer["data-state"] == "withdrawn"
    assert not offer.select("input, [data-checkout-plus-price], [data-checkout-plus-description]")
    [message] = offer.select("[data-checkout-plus-withdrawn]")
    assert "no longer available" in message.get_text()
    assert "fee was removed" in message.get_text()


def withdrawn_in_totals(response) -> bool:
    """Tell whether the totals carry the line saying the protection fee was removed."""
    return bool(parse(response).select("#order-totals [data-checkout-plus-withdrawn]"))


def summary_totals(response) -> dict[str, int]:
    """Return the summary's totals in minor units, by name."""
    return {
        row["data-total"]: int(row["data-amount"])
        for row in parse(response).select("#order-totals [data-total][data-amount]")
    }


def choose(client, page_response, opt_in: bool, htmx: bool = False, quote: str | None = None):
    """Submit the offer's form as the shopper would, ticked or not."""
    form = offer_of(page_response).select_one("form")
    data = {
        "csrf_token": form.select_one("input[name=csrf_token]")["value"],
        "quote": quote if quote is not None else form.select_one("input[name=quote]")["value"],
    }
    if opt_in:
        data["checkout_plus"] = "y"
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/checkout/protection", data=data, headers=headers)


def set_quantity(client, page_response, product_id: int, quantity, htmx: bool = False):
    """Post a new quantity for the line of a product."""
    page = parse(page_response)
    line = page.select_one(f"#order-summary [data-product-id='{product_id}']")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/checkout/lines/{line['data-line-id']}",
        data={"csrf_token": csrf_token(page), "quantity": str(quantity)},
        headers=headers,
    )


def set_rules(sandbox, **demo) -> None:
    """Change the sandbox merchant's Checkout+ rules for this test."""
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules_with(**demo))


def analyses(sandbox) -> list:
    """Return the analyze requests Loop received."""
    return sandbox.loop.log.entries("POST", "/v1/analyze")
