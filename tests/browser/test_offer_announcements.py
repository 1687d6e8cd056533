"""A screen reader hears the offer change: a stable polite live region, and a full checkbox name.

The offer is swapped whole when it changes, and a live region that arrives with new content
is often not read out. So ``#checkout-plus-status`` sits next to the offer, is on the page from
the start (empty), and the offer's answers replace only its text (out of band, innerHTML).
The checkbox's accessible name, from its label, says what the protection covers and its price.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.shopper_checks import JACKET
from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import SNEAKERS_NAME
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import open_checkout
from tests.support.shopper_checks import screenshot
from tests.support.shopper_checks import settle

# Remember the live region node as the page first had it, to check it is the same one later.
MARK_REGION = "window.statusRegion = document.getElementById('checkout-plus-status')"
SAME_REGION = """() => {
  const region = document.getElementById('checkout-plus-status');
  return {
    same: region === window.statusRegion,
    outsideOffer: !document.getElementById('checkout-plus-offer').contains(region),
    live: region.getAttribute('aria-live'),
    atomic: region.getAttribute('aria-atomic'),
  };
}"""


def status(page: Page):
    """The offer's live region."""
    return page.locator("#checkout-plus-status")


def checkbox_named(page: Page, name: str):
    """The checkbox whose accessible name is exactly ``name``."""
    return page.get_by_role("checkbox", name=name, exact=True)


def expect_region_kept(page: Page, where: str) -> None:
    """The live region is the node the page loaded with, outside the offer, polite."""
    region = page.evaluate(SAME_REGION)
    assert region == {"same": True, "outsideOffer": True, "live": "polite", "atomic": "true"}, (
        f"{where}: the live region was replaced, moved into the offer or lost "
        f"its politeness: {region}"
    )


def test_a_price_change_is_announced_and_the_checkbox_names_cover_and_price(
    page: Page, store, sandbox
):
    sandbox.set_faults("loop POST /v1/analyze delay=0.3")
    open_checkout(page, store, [(SNEAKERS, 1)])
    where = "checkout page (offered at $2.98, before any change)"
    expect(status(page), where).to_have_attribute("aria-live", "polite")
    expect(status(page), f"{where}: the region must start empty").to_have_text("")
    expect(
        checkbox_named(page, "Add return coverage and shipping protection for $2.98"), where
    ).to_be_visible()
    # The accessibility tree, as a screen reader gets it.
    snapshot = offer(page).aria_snapshot()
    assert 'checkbox "Add return coverage and shipping protection for $2.98"' in snapshot, (
        f"{where}: accessibility tree of the offer:\n{snapshot}"
    )
    screenshot(page, "checkout-offered")
    page.evaluate(MARK_REGION)

    page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
    where = "checkout page (quantity 1 → 2, offer re-priced to $5.98)"
    expect(status(page), where).to_have_text(
        "Order protection: return coverage and shipping protection for $5.98, "
        "not added to your order."
    )
    expect_region_kept(page, where)
    expect(
        checkbox_named(page, "Add return coverage and shipping protection for $5.98"), where
    ).to_be_visible()
    snapshot = page.locator("#checkout-plus-status").aria_snapshot()
    assert snapshot.startswith("- status"), f"{where}: {snapshot}"
    assert "$5.98" in snapshot, f"{where}: {snapshot}"

    # Ticking the box is confirmed the same way, with the price the fee was added at.
    checkbox_named(page, "Add return coverage and shipping protection for $5.98").check()
    where = "checkout page (opted in at $5.98)"
    expect(status(page), where).to_have_text(re.compile(r"for \$5\.98, added to your order\.$"))
    expect_region_kept(page, where)


def test_a_coverage_change_is_announced(page: Page, store, sandbox):
    open_checkout(page, store, [(SNEAKERS, 1)])
    page.evaluate(MARK_REGION)
    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contact-saved"), "checkout page (email saved)").to_be_visible()
    settle(page)
    # Store pickup: Loop covers returns only, at the returns price.
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    where = "checkout page (store pickup: cover changed to returns only)"
    expect(offer(page).locator("[data-checkout-plus-description]"), where).to_have_attribute(
        "data-mode", "returnCoverage"
    )
    expect(status(page), where).to_have_text(
        "Order protection: hassle-free returns for $1.98, not added to your order."
    )
    expect_region_kept(page, where)
    expect(checkbox_named(page, "Add hassle-free returns for $1.98"), where).to_be_visible()


def test_a_withdrawn_offer_is_announced(page: Page, store, sandbox):
    open_checkout(page, store, [(JACKET, 1)])
    page.evaluate(MARK_REGION)
    page.locator("#checkout-plus").check()
    where = "checkout page (jacket, opted in)"
    expect(status(page), where).to_have_text(re.compile(r"added to your order\.$"))
    field = page.get_by_label("Quantity of Waterproof Shell Jacket")
    field.fill("11")  # $2,089.89: past the Checkout+ maximum of $2,000
    field.press("Enter")
    where = "checkout page (opted in, then the cart grew past the maximum: offer withdrawn)"
    expect(offer(page), where).to_have_attribute("data-state", "withdrawn")
    expect(status(page), where).to_have_text(
        "Order protection is no longer available for this order, so its fee was removed from "
        "your total."
    )
    expect_region_kept(page, where)
    expect(page.get_by_role("checkbox"), where).to_have_count(0)
    settle(page)
    screenshot(page, "checkout-withdrawn")
