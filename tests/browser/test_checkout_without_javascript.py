"""The whole checkout with JavaScript off: every step a plain form, protection on the order.

Chromium runs no script at all (not even htmx): each section posts, the server redirects back
to /checkout, the offer is saved with its "Save my choice" button, and Place order and pay
leads to the confirmation. The order BigCommerce recorded carries exactly one Checkout+ fee at
the price the shopper saw, and the confirmation shows it with the cover.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.browser_states import fill_address
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.shopper_checks import CARD
from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import open_checkout
from tests.support.shopper_checks import screenshot

CHECKOUT = re.compile(r"/checkout$")


def submit(page: Page, button: str, where: str, url=CHECKOUT) -> None:
    """Press a form's button and land on a full page (no JavaScript: a real navigation)."""
    control = page.get_by_role("button", name=button)
    expect(control, f"{where}: no visible {button!r} button").to_be_visible()
    with page.expect_navigation(url=url):
        control.click()
    assert page.evaluate("typeof window.htmx") == "undefined", f"{where}: htmx ran"


def test_a_shopper_without_javascript_pays_for_an_order_with_protection(
    browser: Browser, base_url: str, store, sandbox, raw
):
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale="en-US")
    page = context.new_page()
    try:
        open_checkout(page, store, [(SNEAKERS, 1)])
        where = "checkout page without JavaScript"

        page.locator("#contact-email").fill("ada@example.com")
        submit(page, "Continue", f"{where} (contact)")
        expect(page.locator("#contact-email"), f"{where}: email saved").to_have_value(
            "ada@example.com"
        )

        fill_address(page)  # the US is already chosen: no re-render needed
        submit(page, "Continue", f"{where} (shipping address)")
        page.get_by_role("radio", name=re.compile("^Standard")).check()
        submit(page, "Use this shipping method", f"{where} (shipping method)")
        shipping = page.locator('#order-totals [data-total="shipping"]')
        expect(shipping, f"{where}: shipping method saved").to_have_attribute(
            "data-amount", re.compile(r"^\d+$")
        )

        # Opt in with the offer's own button, at the price on show.
        expect(offer(page), f"{where}: offer shown").to_have_attribute("data-state", "offered")
        quoted = offer(page).locator("[data-checkout-plus-price]").get_attribute("data-amount")
        offer(page).locator("input[name=checkout_plus]").check()
        submit(page, "Save my choice", f"{where} (opt-in)")
        box = offer(page).locator("input[name=checkout_plus]")
        expect(box, f"{where}: opted in").to_be_checked()
        fee = page.locator("#order-totals [data-checkout-plus-fee]")
        expect(fee, f"{where}: fee in the totals").to_have_attribute("data-amount", quoted)

        for name, value in CARD.items():
            page.locator(f"#payment-{name}").fill(value)
        submit(
            page,
            "Place order and pay",
            f"{where} (payment)",
            url=re.compile(r"/checkout/confirmation$"),
        )

        where = "confirmation page without JavaScript (opted in)"
        confirmation = page.locator("#order-confirmation")
        expect(confirmation, where).to_contain_text("Your order is confirmed")
        [order] = orders(raw)
        assert order["status_id"] == 11, f"{where}: order {order['id']} is not paid: {order}"
        expect(confirmation, where).to_have_attribute("data-order-id", str(order["id"]))
        [recorded] = order_fees(raw, order["id"])
        assert recorded["source"] == "loop-checkout-plus", f"{where}: {recorded}"
        amount = int(quoted)
        assert recorded["cost_ex_tax"].startswith(f"{amount // 100}.{amount % 100:02d}"), (
            f"{where}: the order's fee {recorded['cost_ex_tax']} is not the quoted {quoted}"
        )
        shown_fee = page.locator("[data-order-fee]")
        expect(shown_fee, where).to_have_attribute("data-amount", quoted)
        expect(shown_fee, where).to_contain_text("Order protection")
        expect(page.locator("[data-checkout-plus-coverage]"), where).to_contain_text(
            "returns and shipping"
        )
        assert payments(sandbox) == 1, f"{where}: {payments(sandbox)} payments"
        screenshot(page, "confirmation-no-javascript")
    finally:
        context.close()
