"""The checkout's step sections in real Chromium: htmx swaps, the offer following, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.browser_states import fill_address
from tests.support.browser_states import save_email
from tests.support.shopper_checks import open_checkout

SNEAKERS = 101


def analyses(sandbox) -> int:
    """Count the analyze requests Loop received."""
    return sandbox.loop.log.count("POST", "/v1/analyze")


def test_a_shopper_fills_every_step_without_a_page_load(watched_page: Page, store, sandbox):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    # A page load would drop this marker: every step below must be an htmx swap.
    page.evaluate("window.stepsMarker = 'same page'")

    # The browser accepts "ada@example"; the server asks for a full address, next to the field.
    page.locator("#contact-email").fill("ada@example")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contact-email-error")).to_contain_text("name@example.com")
    expect(page.locator("#contact-email")).to_have_attribute("aria-invalid", "true")
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contact-saved")).to_be_visible()

    # Contact folded to the email; delivery opened out of band.
    expect(page.locator("#checkout-contact")).to_have_attribute("data-step-state", "done")
    fill_address(page)
    page.locator("#shipping-address-save").click()
    express = page.get_by_role("radio", name="Express", include_hidden=True)
    expect(express).to_be_visible()
    assert store.checkout(cart_id)["consignments"][0]["address"]["state_or_province_code"] == "OH"

    # Billing was written from the address: done, "Same as shipping address". Under Edit, the
    # box is ticked and the fields hidden until it is unticked (CSS, no script).
    expect(page.locator("#checkout-billing [data-step-summary]")).to_have_text(
        "Same as shipping address"
    )
    page.locator("#checkout-billing details > summary").click()
    same = page.locator("#billing-same_as_shipping")
    expect(same).to_be_checked()
    expect(page.locator("#billing-fields")).to_be_hidden()
    same.uncheck()
    expect(page.locator("#billing-fields")).to_be_visible()
    same.check()

    # Choosing a shipping method saves it on change and re-prices the offer.
    before = analyses(sandbox)
    with page.expect_response(lambda response: response.url.endswith("/checkout/offer")):
        express.check()
    expect(page.locator('#order-totals [data-total="shipping"]')).to_have_attribute(
        "data-amount", "1499"
    )
    assert analyses(sandbox) == before + 1
    expect(page.locator("#checkout-plus-offer")).to_have_attribute("data-state", "offered")
    expect(page.locator("#checkout-shipping")).to_have_attribute("data-step-state", "done")
    expect(page.get_by_role("radio", name="Express", include_hidden=True)).to_be_checked()

    # Delivery folded to the address and the method; Edit reopens it. Store pickup: the
    # address form goes, the offer follows (returns only, for pickup).
    expect(page.locator("#checkout-shipping [data-step-summary]")).to_contain_text("Express")
    page.locator("#checkout-shipping details > summary").click()
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    expect(page.locator("#shipping-address-form")).to_have_count(0)
    expect(page.locator("[data-checkout-plus-description]")).to_have_attribute(
        "data-mode", "returnCoverage"
    )
    assert page.evaluate("window.stepsMarker") == "same page"


@pytest.fixture
def no_script_page(browser: Browser, base_url: str, sandbox):
    """A page whose browser runs no JavaScript at all."""
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def test_the_steps_work_without_javascript(no_script_page: Page, store, sandbox):
    page = no_script_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    page.locator("#coupon-code").fill("EXPIRED2024")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#coupon-code-error")).to_contain_text("has expired")
    expect(page.locator("#coupon-code")).to_have_value("EXPIRED2024")
    page.locator("#coupon-code").fill("SAVE10")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-coupon-code='SAVE10']")).to_be_visible()
    expect(page.locator('#order-totals [data-total="discount"]')).to_have_attribute(
        "data-amount", "890"
    )
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    page.get_by_role("button", name="Use this delivery method").click()
    # Delivery is done: folded to the pickup, whose details are under Edit (no script).
    summary = page.locator("#checkout-shipping [data-step-summary]")
    expect(summary).to_contain_text("Downtown store pickup")
    page.locator("#checkout-shipping details > summary").click()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    assert store.checkout(cart_id)["consignments"][0]["selected_pickup_option"] == {
        "pickup_method_id": 1
    }


def test_changing_the_country_brings_its_fields_keeping_focus_and_typing(
    watched_page: Page, store, sandbox
):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    save_email(page)
    expect(page.locator("#checkout-contact")).to_have_attribute("data-step-state", "done")
    page.locator("#shipping-first_name").fill("Aiko")
    page.locator("#shipping-address1").fill("1-1 Chiyoda")
    page.locator("#shipping-postal_code").fill("154-0023")
    country = page.locator("#shipping-country_code")
    country.focus()
    with page.expect_response(re.compile(r"/checkout/address-fields/shipping$")):
        country.select_option("JP")
    expect(page.locator("label[for=shipping-state_or_province]")).to_have_text("Prefecture")
    expect(page.locator("#shipping-first_name")).to_have_value("Aiko")
    expect(page.locator("#shipping-postal_code")).to_have_value("154-0023")
    expect(country).to_be_focused()
    fill_address(
        page,
        address={"last_name": "Sato", "state_or_province": "13", "city": "Setagaya-ku"},
        country="JP",
    )
    page.locator("#shipping-address-save").click()
    expect(page.get_by_role("radio", name="Express", include_hidden=True)).to_be_attached()
    saved = store.checkout(cart_id)["consignments"][0]["address"]
    assert (saved["country_code"], saved["state_or_province_code"]) == ("JP", "13")


def test_changing_the_country_without_javascript(no_script_page: Page, store, sandbox):
    page = no_script_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    page.locator("#shipping-first_name").fill("Ada")
    page.locator("#shipping-city").fill("London")
    page.locator("#shipping-country_code").select_option("GB")
    page.get_by_role("button", name="Update the form for this country").click()
    expect(page.locator("label[for=shipping-postal_code]")).to_have_text("Postcode")
    expect(page.locator("#shipping-state_or_province")).to_have_count(0)
    expect(page.locator("#shipping-first_name")).to_have_value("Ada")
    expect(page.locator("#shipping-city")).to_have_value("London")
    expect(page.locator("#shipping-country_code")).to_be_focused()
    assert store.checkout(cart_id)["consignments"] == []
