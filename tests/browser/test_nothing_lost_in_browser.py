"""Nothing the shopper chose is lost without a word, in real Chromium.

Store pickup and back to shipping brings back the address they typed, with its shipping
methods, its tax and the protection they ticked; an offer they ticked that Loop withdraws says
so where it was and in the totals. Each state is photographed at 1280 and 375 px wide
(test-results/<name>-1280.png and -375.png) for a person to look at.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.browser_states import edit_step
from tests.support.browser_states import fill_address
from tests.support.browser_states import photograph
from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import TENT
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import open_checkout
from tests.support.shopper_checks import settle

TENT_NAME = "Summit Expedition Tent"
# A figure of at least one cent: the tax of an Ohio address is never 0.
NOT_ZERO = re.compile(r"^[1-9]\d*$")


def fee(page: Page) -> Locator:
    """The protection fee's line in the totals."""
    return page.locator("#order-totals [data-checkout-plus-fee]")


def test_pickup_and_back_keeps_the_address_its_methods_and_the_protection(
    watched_page: Page, store, sandbox
):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    fill_address(page)
    page.locator("#shipping-address-save").click()
    # The step folds as it saves: once checked, the radio is found though hidden.
    page.get_by_role("radio", name="Standard", include_hidden=True).check()
    tax = page.locator('#order-totals [data-total="tax"]')
    expect(tax).to_have_attribute("data-amount", NOT_ZERO)
    settle(page)
    offer(page).get_by_role("checkbox").check()
    expect(fee(page)).to_have_attribute("data-amount", "298")
    settle(page)

    # Delivery is done (folded): Edit opens it, and it stays open while the shopper chooses.
    edit_step(page, "#checkout-shipping")
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    # Pickup is covered for returns only: the box is cleared and a notice asks again.
    expect(offer(page).locator("[data-checkout-plus-notice]")).to_be_visible()
    expect(fee(page)).to_have_count(0)
    settle(page)

    page.get_by_role("radio", name="Ship to an address").check()
    section = page.locator("#checkout-shipping")
    expect(page.locator("#shipping-address1")).to_have_value("1 Main St")
    expect(page.locator("#shipping-city")).to_have_value("Columbus")
    expect(page.get_by_role("radio", name="Standard")).to_be_checked()
    expect(page.get_by_role("radio", name="Express")).to_be_visible()
    expect(section.locator("#shipping-saved")).to_have_text("Saved.")
    expect(tax).to_have_attribute("data-amount", NOT_ZERO)
    expect(page.locator('#order-totals [data-total="shipping"]')).to_have_attribute(
        "data-amount", "599"
    )
    # The cover ticked is on offer again, so the opt-in stands, with no notice.
    expect(offer(page).get_by_role("checkbox")).to_be_checked()
    expect(offer(page).locator("[data-checkout-plus-notice]")).to_have_count(0)
    expect(fee(page)).to_have_attribute("data-amount", "298")
    settle(page)
    [consignment] = store.checkout(cart_id)["consignments"]
    assert consignment["address"]["state_or_province_code"] == "OH"
    assert consignment["selected_shipping_option"]["id"] == "sandbox-standard"
    photograph(page, section, "delivery-after-pickup-and-back")


def test_a_ticked_offer_withdrawn_says_so_where_it_was_and_in_the_totals(
    watched_page: Page, store, sandbox
):
    page = watched_page
    open_checkout(page, store, [(TENT, 1)])
    offer(page).get_by_role("checkbox").check()
    expect(fee(page)).to_have_attribute("data-amount", "1498")
    settle(page)

    # A second tent takes the cart over Loop's $2,000 maximum: Loop withdraws the offer.
    page.get_by_role("button", name=f"One more {TENT_NAME}").click()
    expect(offer(page)).to_have_attribute("data-state", "withdrawn")
    message = offer(page).locator("[data-checkout-plus-withdrawn]")
    expect(message).to_be_visible()
    expect(message).to_contain_text("no longer available for this order")
    expect(offer(page).get_by_role("checkbox")).to_have_count(0)
    expect(offer(page).locator("[data-checkout-plus-price]")).to_have_count(0)
    removed = page.locator("#order-totals [data-checkout-plus-withdrawn]")
    expect(removed).to_be_visible()
    expect(removed).to_contain_text("Removed")
    expect(fee(page)).to_have_count(0)
    settle(page)
    reason = sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json["reason"]
    assert reason == "cart_too_valuable"
    photograph(page, page.locator(".checkout__aside"), "offer-withdrawn")

    # Saving another step is the shopper's answer: the word goes, in both places.
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(offer(page)).to_have_attribute("data-state", "hidden")
    expect(removed).to_have_count(0)
    settle(page)
