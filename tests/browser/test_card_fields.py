"""The card fields in Chromium, typed key by key as a shopper types them.

A screenshot of the payment section with a refused expiry goes to
test-results/card-fields-refused-<width>.png for each width.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from app.checkout import card_input
from tests.support.browser_states import open_ready_checkout
from tests.support.browser_states import place_order
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.shopper_checks import RESULTS

LATER = dt.date.today().year + 4  # a card still valid, whatever year the tests run in


def type_card(page: Page, number: str, expiry: str, name: str = "Ada Lovelace") -> None:
    """Type each card field key by key, as a shopper (or a phone's keypad) does."""
    page.get_by_label("Name on card").press_sequentially(name)
    page.get_by_label("Card number").press_sequentially(number)
    page.get_by_label("Expiry date").press_sequentially(expiry)
    page.get_by_label("Security code").press_sequentially("123")


def test_an_expiry_typed_as_digits_and_a_spaced_number_pay(page: Page, sandbox, raw):
    open_ready_checkout(page, sandbox)
    type_card(page, "4111 1111 1111 1111", f"12{LATER % 100:02d}")  # 1230 in 2026
    place_order(page)
    expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
    [order] = orders(raw)
    assert order["status_id"] == 11  # paid
    expect(page.locator("#order-confirmation")).to_have_attribute("data-order-id", str(order["id"]))
    assert payments(sandbox) == 1


@pytest.mark.parametrize("width", [1280, 375])
def test_a_refused_expiry_keeps_the_expiry_and_name_and_empties_the_card(
    page: Page, sandbox, raw, width
):
    page.set_viewport_size({"width": width, "height": 900})
    open_ready_checkout(page, sandbox)
    type_card(page, "4111 1111 1111 1111", "13/30", name="Ada King")
    place_order(page)

    expiry = page.get_by_label("Expiry date")
    expect(expiry).to_have_value("13/30")
    expect(expiry).to_have_attribute("aria-invalid", "true")
    expect(expiry).to_have_accessible_description(f"MM/YY, such as 04/29 {card_input.EXPIRY_MONTH}")
    expect(page.locator("#payment-expiry-error")).to_be_visible()
    expect(page.get_by_label("Name on card")).to_have_value("Ada King")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("Security code")).to_have_value("")
    assert orders(raw) == []
    assert payments(sandbox) == 0

    section = page.locator("#checkout-payment")
    section.scroll_into_view_if_needed()
    for field in section.locator("input:not([type=hidden]), .field-error, .field__hint").all():
        box = field.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width, f"{field.get_attribute('id')} runs off screen"
    RESULTS.mkdir(exist_ok=True)
    section.screenshot(path=str(RESULTS / f"card-fields-refused-{width}.png"))
