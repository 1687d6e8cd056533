"""The checkout on a 375 × 812 phone: no sideways scrolling, targets big enough to tap.

For each state a shopper can reach (offer shown, opted in, offer withdrawn) every interactive
element that is rendered must lie within the 375 px viewport, the page must not scroll
sideways, and each target must be at least 24 × 24 CSS px (WCAG 2.2, 2.5.8 Target Size
(Minimum)). The criterion's inline exception is applied narrowly: only an ``<a href>`` that is
laid out ``display: inline`` inside a paragraph, list item or cell that has words of its own
around it (a link in a sentence) is exempt, and only from the size rule, never from the
viewport. Its spacing exception is not used: every target here must be 24 px on its own.

A full-page screenshot of each state goes to test-results/mobile-<state>.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import ready_checkout
from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import SOCKS
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import screenshot
from tests.support.shopper_checks import settle

PHONE = {"width": 375, "height": 812}
MIN_TARGET = 24  # CSS px, WCAG 2.5.8

# Every rendered interactive element: its box, and whether it is a link inside a sentence.
TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
    '[tabindex]:not([tabindex="-1"]), [role=button], [role=link], [role=checkbox]';
  const prose = 'p, li, dd, td, th, figcaption, blockquote';
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' && !el.id
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 40) +
    '"';
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement && el.parentElement.closest(prose);
    if (!block) return false;
    const around = block.textContent.replace(el.textContent, '');
    return /\\w/.test(around);
  };
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (!el.getClientRects().length || style.visibility === 'hidden' || box.width === 0) continue;
    if (el.closest('[inert], [aria-hidden=true]')) continue;
    found.push({
      name: name(el),
      left: box.left + scrollX, right: box.right + scrollX,
      width: box.width, height: box.height,
      inSentence: inSentence(el),
    });
  }
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    viewport: window.innerWidth,
    targets: found,
  };
}"""


def check_phone_layout(page: Page, state: str) -> int:
    """Check overflow and target sizes; return how many targets were measured."""
    where = f"{page.url} at 375 px ({state})"
    found = page.evaluate(TARGETS)
    assert found["viewport"] == PHONE["width"], f"{where}: viewport is {found['viewport']} px"
    assert found["scrollWidth"] <= PHONE["width"], (
        f"{where}: the page scrolls sideways (scrollWidth {found['scrollWidth']} px)"
    )
    outside = [
        f"{t['name']} spans {t['left']:.1f}..{t['right']:.1f}"
        for t in found["targets"]
        if t["left"] < 0 or t["right"] > PHONE["width"] + 0.5
    ]
    assert outside == [], f"{where}: controls outside 0..375 px: {outside}"
    small = [
        f"{t['name']} is {t['width']:.1f}×{t['height']:.1f}"
        for t in found["targets"]
        if not t["inSentence"]
        and (t["width"] < MIN_TARGET - 0.01 or t["height"] < MIN_TARGET - 0.01)
    ]
    assert small == [], f"{where}: tap targets under {MIN_TARGET}×{MIN_TARGET} CSS px: {small}"
    return len(found["targets"])


def reach_offered(page: Page) -> None:
    """A checkout whose steps are filled in, a coupon applied, the cover details opened."""
    page.locator("#coupon-code").fill("SAVE10")
    page.get_by_role("button", name="Apply").click()
    where = "checkout at 375 px (reaching: offered, coupon applied)"
    expect(page.locator("[data-coupon-code='SAVE10']"), where).to_be_visible()
    settle(page)
    expect(offer(page), where).to_have_attribute("data-state", "offered")
    offer(page).get_by_text("What's covered").click()
    expect(offer(page).locator("details"), where).to_have_attribute("open", "")


def reach_opted_in(page: Page) -> None:
    """The same, opted in to protection, every done step's form open under Edit, and the
    billing address fields open too."""
    page.locator("#checkout-plus").check()
    where = "checkout at 375 px (reaching: opted in, billing fields open)"
    expect(page.locator("#order-totals [data-checkout-plus-fee]"), where).to_have_attribute(
        "data-amount", re.compile(r"^\d+$")
    )
    settle(page)
    for step in ("#checkout-contact", "#checkout-shipping", "#checkout-billing"):
        if page.locator(step).get_attribute("data-step-state") == "done":
            page.locator(f"{step} details > summary").click()  # every done step's Edit open
    page.get_by_label("Same as my shipping address").uncheck()
    expect(page.locator("#billing-fields"), where).to_be_visible()


def reach_withdrawn(page: Page) -> None:
    """The same, with so many socks that the cart is past Loop's maximum: the offer says so."""
    field = page.get_by_label("Quantity of Merino Wool Socks (3-pack)")
    field.fill("100")  # $2,450 of socks
    field.press("Enter")
    where = "checkout at 375 px (reaching: offer withdrawn, cart past Loop's maximum)"
    expect(offer(page), where).to_have_attribute("data-state", "withdrawn")
    expect(offer(page).locator("[data-checkout-plus-withdrawn]"), where).to_be_visible()
    settle(page)


def test_every_control_fits_a_phone_and_is_big_enough_to_tap(
    browser: Browser, base_url: str, sandbox
):
    context = browser.new_context(
        base_url=base_url, viewport=PHONE, locale="en-US", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        cart_id = ready_checkout(BigCommerceClient(sandbox.bigcommerce.url), [(SNEAKERS, 1)])
        BigCommerceClient(sandbox.bigcommerce.url).call(
            "POST",
            f"/v3/carts/{cart_id}/items",
            {"line_items": [{"product_id": SOCKS, "quantity": 1}]},
        )
        page.goto(f"/checkout?cart_id={cart_id}")
        expect(page).to_have_url(re.compile(r"/checkout$"))
        expect(
            page.get_by_role("radio", name=re.compile("^Standard")),
            "checkout at 375 px (ready checkout loaded)",
        ).to_be_checked()
        measured = {}
        for state, reach in (
            ("offered", reach_offered),
            ("opted-in", reach_opted_in),
            ("withdrawn", reach_withdrawn),
        ):
            reach(page)
            measured[state] = check_phone_layout(page, f"checkout, offer {state}")
            screenshot(page, f"mobile-{state}")
        # Every state had its full set of controls: steps, lines, coupon, note, payment.
        assert all(count >= 30 for count in measured.values()), (
            f"checkout at 375 px: too few controls measured per state: {measured}"
        )
    finally:
        context.close()


@pytest.mark.parametrize(
    ("html", "exempt"),
    [
        ('<p>Read our <a id="t" href="#">terms</a> first.</p>', True),
        ('<p><a id="t" href="#">terms</a></p>', False),  # a link on its own: a target
        ('<nav><a id="t" href="#">terms</a> and more</nav>', False),  # not prose
        ('<p>Read our <a id="t" class="b" href="#">terms</a> first.</p>', False),  # a block
    ],
    ids=["in-a-sentence", "alone-in-a-paragraph", "outside-prose", "styled-as-a-block"],
)
def test_the_inline_link_exemption_is_narrow(page: Page, html: str, exempt: bool):
    """The sentence exemption applies to a plain link among words, and to nothing else."""
    page.set_content(f"<style>.b {{ display: inline-block }}</style>{html}")
    [target] = [t for t in page.evaluate(TARGETS)["targets"] if t["name"].startswith("a#t")]
    assert target["inSentence"] is exempt, target
