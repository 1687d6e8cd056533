"""Layout stability of the checkout while the offer re-prices (WCAG 2.2's spirit, Web Vitals' CLS).

A scripted session in Chromium: load the checkout, change the quantity three times with Loop
slowed (so the offer shows its loading skeleton), let Loop time out (the offer is hidden), opt
in once it is back, then take the cart past Loop's maximum (the protection is withdrawn). A
``PerformanceObserver`` records every ``layout-shift`` entry (buffered, from the first
paint); shifts right after the shopper's own input (``hadRecentInput``) do not count, as in
Cumulative Layout Shift. The figure is
printed, recorded as a test property and asserted below 0.02 (Google's "good" is 0.1). And the
payment section, where the shopper is typing a card, must not move at all.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import SNEAKERS_NAME
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import open_checkout
from tests.support.shopper_checks import settle

GOOD_CLS = 0.02  # the checkout's own target (Google's "good" is 0.1)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 812}}
# $89 a pair: Loop's price per quantity (first tier up to $100, second up to $500).
PRICES = {2: "598", 3: "598", 4: "598"}

# Installed before any page script runs: every layout shift from the first paint on.
OBSERVE_SHIFTS = """
window.layoutShifts = [];
const recordShifts = (entries) => {
  for (const entry of entries) {
    window.layoutShifts.push({
      value: entry.value,
      time: entry.startTime,
      recentInput: entry.hadRecentInput,
      sources: (entry.sources || []).map((source) => {
        const node = source.node;
        if (!node || !node.tagName) return String(node && node.nodeName);
        return node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
          (node.className && typeof node.className === 'string'
            ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
      }),
    });
  }
};
const shiftObserver = new PerformanceObserver((list) => recordShifts(list.getEntries()));
shiftObserver.observe({type: 'layout-shift', buffered: true});
// Every shift the page has made: once no (finite) animation runs and two more frames are
// drawn, the last change's shifts are measured; take them rather than wait for delivery.
window.settledShifts = async () => {
  const running = document.getAnimations().filter(
    (animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(running.map((animation) => animation.finished.catch(() => null)));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  recordShifts(shiftObserver.takeRecords());
  return window.layoutShifts;
};
"""

PAYMENT_TOP = (
    "() => document.getElementById('checkout-payment').getBoundingClientRect().top + scrollY"
)
OFFER_HEIGHT = "() => document.getElementById('checkout-plus-offer').getBoundingClientRect().height"


def cumulative_layout_shift(shifts: list[dict]) -> tuple[float, float]:
    """Return (sum of every counted shift, largest session window: CLS as Web Vitals define it).

    A session window holds shifts less than 1 s apart, for at most 5 s.
    """
    counted = [shift for shift in shifts if not shift["recentInput"]]
    total = sum(shift["value"] for shift in counted)
    worst = window = 0.0
    start = previous = None
    for shift in counted:
        time = shift["time"]
        if previous is None or time - previous >= 1000 or time - start >= 5000:
            window, start = 0.0, time
        window += shift["value"]
        previous = time
        worst = max(worst, window)
    return total, worst


class PaymentWatch:
    """Where the payment section's top edge is, checked after each step of the session."""

    def __init__(self, page: Page, viewport: str) -> None:
        self.page = page
        self.viewport = viewport
        self.top = page.evaluate(PAYMENT_TOP)
        self.readings: list[tuple[str, float]] = [("loaded", self.top)]

    def check(self, step: str) -> None:
        """The payment section must be exactly where it was when the page loaded."""
        top = self.page.evaluate(PAYMENT_TOP)
        self.readings.append((step, top))
        assert abs(top - self.top) < 0.5, (
            f"checkout page at {self.viewport} ({step}): #checkout-payment moved from "
            f"top {self.top:.1f}px to {top:.1f}px; readings {self.readings}"
        )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_offer_re_pricing_moves_nothing(
    browser: Browser, base_url: str, store, sandbox, viewport: str, record_property
):
    # Loop answers in 0.8 s: long enough that the offer is hidden while it loads, and that its
    # answer lands well after the 0.5 s during which Chromium excuses a shift as input-led.
    sandbox.set_faults("loop POST /v1/analyze delay=0.8")
    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[viewport], locale="en-US")
    context.add_init_script(OBSERVE_SHIFTS)
    page = context.new_page()
    try:
        open_checkout(page, store, [(SNEAKERS, 1)])
        where = f"checkout page at {viewport}"
        expect(offer(page), f"{where} (loaded)").to_have_attribute("data-state", "offered")
        settle(page)
        payment = PaymentWatch(page, viewport)
        price = offer(page).locator("[data-checkout-plus-price]")
        more = page.get_by_role("button", name=f"One more {SNEAKERS_NAME}")
        for quantity, amount in PRICES.items():
            height = page.evaluate(OFFER_HEIGHT)
            with page.expect_request("**/checkout/offer"):
                more.click()
            step = f"quantity {quantity}, offer loading"
            price_now = offer(page).locator("[data-checkout-plus-price]")
            expect(price_now, f"{where} ({step})").to_be_hidden()
            payment.check(step)
            # Hidden, not gone: the offer keeps its box, so what follows it stays put.
            loading = page.evaluate(OFFER_HEIGHT)
            assert loading == height, (
                f"{where} ({step}): the offer's box went from "
                f"{height}px to {loading}px while hidden; hide it with visibility, not display"
            )
            step = f"quantity {quantity}, offer re-priced"
            expect(price, f"{where} ({step})").to_have_attribute("data-amount", amount)
            expect(price, f"{where} ({step})").to_be_visible()
            settle(page)
            payment.check(f"quantity {quantity}, offer back at {amount}")
        # Loop times out (past the analyze budget): the offer's answer is "hidden".
        field = page.get_by_label(f"Quantity of {SNEAKERS_NAME}")
        sandbox.set_faults("loop POST /v1/analyze delay=5")
        field.fill("5")  # a cart state not analyzed before (an analysis is reused for 45 s)
        with page.expect_request("**/checkout/offer"):
            field.press("Enter")
        expect(offer(page), f"{where} (Loop timed out)").to_have_attribute("data-state", "hidden")
        settle(page)
        payment.check("Loop timed out, offer hidden")

        # Loop is back: the offer comes back at 4 pairs, and the shopper opts in.
        sandbox.set_faults("loop POST /v1/analyze delay=0.8")
        with page.expect_request("**/checkout/offer"):
            page.get_by_role("button", name=f"One fewer {SNEAKERS_NAME}").click()
        expect(price, f"{where} (Loop back)").to_have_attribute("data-amount", "598")
        settle(page)
        page.locator("#checkout-plus").check()
        expect(
            page.locator("#order-totals [data-checkout-plus-fee]"),
            f"{where} (opted in)",
        ).to_have_attribute("data-amount", "598")
        settle(page)
        payment.check("opted in")

        # Withdrawn: 30 pairs take the cart past Loop's maximum; one message where it was.
        field.fill("30")
        with page.expect_request("**/checkout/offer"):
            field.press("Enter")
        expect(offer(page), f"{where} (withdrawn)").to_have_attribute("data-state", "withdrawn")
        settle(page)
        payment.check("protection withdrawn")
        shifts = page.evaluate("window.settledShifts()")  # late shifts included
    finally:
        context.close()

    total, cls = cumulative_layout_shift(shifts)
    excused = sum(shift["value"] for shift in shifts if shift["recentInput"])
    report = (
        f"checkout page at {viewport} (load, 3 quantity changes with Loop at 0.8 s, a Loop "
        "timeout, opt-in, a withdrawal): "
        f"CLS {cls:.4f} (largest session window), all counted shifts {total:.4f}, "
        f"after input (not counted) {excused:.4f}; payment section top "
        f"{payment.top:.1f}px at every step"
    )
    print(report)
    record_property("cls", round(cls, 4))
    record_property("layout_shift_total", round(total, 4))
    record_property("payment_top_readings", payment.readings)
    counted = [shift for shift in shifts if not shift["recentInput"]]
    assert total < GOOD_CLS, f"{report}; counted shifts: {counted}"
    assert cls < GOOD_CLS, f"{report}; counted shifts: {counted}"
