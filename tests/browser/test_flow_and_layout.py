"""The checkout's flow and layout at 1280 × 900 and 375 × 812, as a shopper meets them.

- Steps fold as they are done: only the current step is open, each done step shows its
  summary and an Edit control, and a step not reached yet waits.
- The whole journey (email, address, Standard shipping, card, opted in) counts the buttons
  pressed, with JavaScript and without, and prints the counts: at most 4 and 6.
- On a phone the summary bar with the total is the first thing under the heading, and the
  offer sits above Place order; at both widths the keyboard follows the page's visual order.
- Full-page screenshots of each state go to test-results/flow-<state>-<width>.png.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.addresses import OHIO
from tests.support.browser_states import GOOD_CARD
from tests.support.browser_states import fill_address
from tests.support.browser_states import fill_card
from tests.support.browser_states import open_checkout
from tests.support.browser_states import open_ready_checkout
from tests.support.browser_states import settle
from tests.support.ordering import orders
from tests.support.shopper_checks import RESULTS

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
STEPS = ("#checkout-contact", "#checkout-shipping", "#checkout-billing")
JS_TARGET, NO_JS_TARGET = 4, 6


class Presses:
    """The buttons a journey presses, counted one by one (choices and fields are not)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.names: list[str] = []

    def press(self, selector: str) -> None:
        """Press one visible button (a real <button>, or the summary of a disclosure)."""
        button = self.page.locator(selector)
        expect(button).to_be_visible()
        assert button.evaluate("el => el.tagName") == "BUTTON", f"{selector} is no button"
        self.names.append(button.inner_text().strip())
        button.click()

    def report(self, journey: str, target: int) -> None:
        """Print the presses the journey took, and check they are within the target."""
        print(f"\n{journey}: {len(self.names)} presses")
        print("  " + ", ".join(self.names))
        assert len(self.names) <= target, self.names


def shoot(page: Page, name: str, width: int) -> None:
    """Save a full-page screenshot as test-results/flow-<name>-<width>.png."""
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"flow-{name}-{width}.png"), full_page=True)


def states(page: Page) -> list[str]:
    """Each step section's state, in page order."""
    return [page.locator(step).get_attribute("data-step-state") for step in STEPS]


def expect_only_open(page: Page, current: str | None) -> None:
    """Check that only ``current`` shows a form; done steps show their summary and Edit."""
    for step in STEPS:
        section = page.locator(step)
        state = section.get_attribute("data-step-state")
        if step == current:
            assert state == "open", f"{step} should be the open step"
            expect(section.locator("form").first).to_be_visible()
            continue
        assert state in ("done", "locked"), f"{step} is {state} beside {current}"
        for form in section.locator("form").all():
            expect(form, f"{step} shows a form while {current} is open").to_be_hidden()
        if state == "done":
            expect(section.locator("[data-step-summary]")).to_be_visible()
            expect(section.locator("details > summary")).to_have_text(re.compile("Edit"))
    card = page.locator("#payment-card_number")
    if current is None:
        expect(card).to_be_visible()
    else:
        expect(card, "payment waits while a step before it is open").to_be_hidden()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_steps_fold_as_they_are_done_and_the_journey_takes_few_presses(
    browser: Browser, base_url: str, store, sandbox, raw, viewport
):
    size = VIEWPORTS[viewport]
    context = browser.new_context(base_url=base_url, viewport=size, locale="en-US")
    page = context.new_page()
    presses = Presses(page)
    try:
        open_checkout(page, store)
        settle(page)
        expect_only_open(page, "#checkout-contact")
        assert states(page) == ["open", "locked", "locked"]
        shoot(page, "contact-open", size["width"])

        page.locator("#contact-email").fill("ada@example.com")
        presses.press("#contact-save")
        expect(page.locator("#checkout-contact")).to_have_attribute("data-step-state", "done")
        settle(page)
        expect_only_open(page, "#checkout-shipping")
        expect(page.locator("#checkout-contact [data-step-summary]")).to_have_text(
            "ada@example.com"
        )
        # Focus moves on to the step that opened (its first choice), not back to the top.
        assert page.evaluate("document.activeElement.id") == "delivery-method-ship"
        shoot(page, "delivery-open", size["width"])

        fill_address(page)
        presses.press("#shipping-address-save")
        expect(page.get_by_role("radio", name=re.compile("^Standard"))).to_be_visible()
        settle(page)
        # The billing address was written from the delivery step: done, without a press.
        assert states(page) == ["done", "open", "done"]
        expect(page.locator("#checkout-billing [data-step-summary]")).to_have_text(
            "Same as shipping address"
        )
        assert page.evaluate("document.activeElement.id") == "shipping-option-1"

        with page.expect_response(re.compile(r"/checkout/offer$")):
            page.get_by_role("radio", name=re.compile("^Standard"), include_hidden=True).check()
        expect(page.locator("#checkout-shipping")).to_have_attribute("data-step-state", "done")
        settle(page)
        expect_only_open(page, None)
        summary = page.locator("#checkout-shipping [data-step-summary]")
        expect(summary).to_contain_text(OHIO["address1"])
        expect(summary).to_contain_text("Standard")
        shoot(page, "payment-open", size["width"])

        # Edit reopens a done step in place, with what it holds; Close folds it again.
        edit = page.locator("#checkout-contact details > summary")
        edit.click()
        expect(page.locator("#contact-email")).to_be_visible()
        expect(page.locator("#contact-email")).to_have_value("ada@example.com")
        edit.click()
        expect(page.locator("#contact-email")).to_be_hidden()

        page.locator("#checkout-plus-offer input[name=checkout_plus]").check()
        expect(page.locator("#order-totals [data-checkout-plus-fee][data-amount]")).to_be_visible()
        settle(page)
        fill_card(page, GOOD_CARD)
        shoot(page, "ready-to-pay", size["width"])
        presses.press("#place-order")
        expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
        assert len(orders(raw)) == 1
        presses.report(f"journey with JavaScript at {size['width']} px", JS_TARGET)
    finally:
        context.close()


def test_the_journey_without_javascript_takes_few_presses(
    browser: Browser, base_url: str, store, sandbox, raw
):
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale="en-US")
    page = context.new_page()
    presses = Presses(page)
    checkout = re.compile(r"/checkout$")
    try:
        open_checkout(page, store)
        page.locator("#contact-email").fill("ada@example.com")
        with page.expect_navigation(url=checkout):
            presses.press("#contact-save")
        assert states(page) == ["done", "open", "locked"]
        fill_address(page)
        with page.expect_navigation(url=checkout):
            presses.press("#shipping-address-save")
        page.get_by_role("radio", name=re.compile("^Standard")).check()
        with page.expect_navigation(url=checkout):
            presses.press("#shipping-option-save")
        assert states(page) == ["done", "done", "done"]
        expect(page.locator("#payment-card_number")).to_be_visible()
        page.locator("#checkout-plus-offer input[name=checkout_plus]").check()
        with page.expect_navigation(url=checkout):
            presses.press("#checkout-plus-offer .offer__save")
        expect(page.locator("#order-totals [data-checkout-plus-fee][data-amount]")).to_be_visible()
        fill_card(page, GOOD_CARD)
        with page.expect_navigation(url=re.compile(r"/checkout/confirmation$")):
            presses.press("#place-order")
        assert len(orders(raw)) == 1
        presses.report("journey without JavaScript", NO_JS_TARGET)
    finally:
        context.close()


def tab_stops(page: Page, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page and record each element focused, with its box."""
    page.locator("a[href='#main']").focus()  # the skip link: the page's first stop
    page.evaluate("() => window.scrollTo(0, 0)")
    stops = []
    for _ in range(limit):
        stop = page.evaluate(
            """() => {
              const el = document.activeElement;
              if (!el || el === document.body) return null;
              const box = el.getBoundingClientRect();
              const column = el.closest('.checkout__aside') ? 'order'
                : el.closest('.checkout__main') ? 'steps'
                : el.closest('#summary-bar') ? 'bar' : 'page';
              return {id: el.id || el.tagName, top: box.top + scrollY,
                      bottom: box.bottom + scrollY, left: box.left + scrollX, column};
            }"""
        )
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
        page.keyboard.press("Tab")
    return stops


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=str)
def test_the_order_read_and_tabbed_follows_what_the_shopper_sees(
    browser: Browser, base_url: str, store, sandbox, viewport
):
    size = VIEWPORTS[viewport]
    context = browser.new_context(base_url=base_url, viewport=size, locale="en-US")
    page = context.new_page()
    try:
        open_ready_checkout(page, sandbox)
        settle(page)
        bar = page.locator("#summary-bar")
        offer_box = page.locator("#checkout-plus-offer").bounding_box()
        place = page.locator("#place-order").bounding_box()
        assert offer_box["y"] < place["y"], "the offer sits above Place order"
        if viewport == "phone":
            # First under the heading: the bar, closed, with the total.
            first = page.evaluate(
                "() => document.querySelector('#checkout h1').nextElementSibling.id"
            )
            assert first == "summary-bar"
            expect(bar).to_be_visible()
            total = page.locator('#order-totals [data-total="total"]').get_attribute("data-amount")
            expect(bar.locator("#summary-bar-total")).to_have_attribute("data-amount", total)
            expect(bar.locator("#summary-bar-lines")).to_be_hidden()
            heading = page.locator("#checkout h1").bounding_box()
            assert bar.bounding_box()["y"] > heading["y"]
            # The offer, the totals and Place order come in that order, at the end.
            totals = page.locator("#order-totals").bounding_box()
            assert offer_box["y"] < totals["y"] < place["y"]
            shoot(page, "phone-bar-closed", size["width"])
            bar.locator("summary").click()
            expect(bar.locator("#summary-bar-lines")).to_be_visible()
            shoot(page, "phone-bar-open", size["width"])
            bar.locator("summary").click()
        else:
            expect(bar).to_be_hidden()
        stops = tab_stops(page)
        ids = [stop["id"] for stop in stops]
        assert "place-order" in ids, ids
        assert "payment-card_number" in ids, ids
        # DOM order is tab order (nothing has a positive tabindex) ...
        assert page.locator("[tabindex]:not([tabindex='-1']):not([tabindex='0'])").count() == 0
        # ... and tab order is visual order: the steps top to bottom, then the order column
        # top to bottom (beside them on a desktop, below them on a phone).
        columns = [stop["column"] for stop in stops if stop["column"] in ("steps", "order")]
        assert columns == sorted(columns, key=["steps", "order"].index), columns
        # Never up the page: each stop ends below where the one before it starts (controls on
        # one row, such as − quantity +, differ by a pixel or two in their tops).
        runs = (
            [stops]
            if viewport == "phone"
            else [
                [stop for stop in stops if stop["column"] == column]
                for column in ("steps", "order")
            ]
        )
        for run in runs:
            for before, after in itertools.pairwise(run):
                assert after["bottom"] > before["top"], f"focus goes up: {before} then {after}"
        if viewport == "phone":
            after_header = [stop["column"] for stop in stops if stop["column"] != "page"]
            assert after_header[0] == "bar", "the summary bar comes first after the header"
        if viewport == "desktop":
            steps_left = max(s["left"] for s in stops if s["column"] == "steps")
            order_left = min(s["left"] for s in stops if s["column"] == "order")
            assert steps_left < order_left, f"the order column is right of the steps: {stops}"
        print(f"\n{viewport}: {len(stops)} tab stops, steps then order column, top to bottom")
    finally:
        context.close()


def test_the_order_column_stays_in_view_on_a_desktop(page: Page, store, sandbox):
    open_ready_checkout(page, sandbox)
    settle(page)
    # The delivery step opened for editing makes the steps column the longer one.
    page.locator("#checkout-shipping details > summary").click()
    expect(page.locator("#shipping-address1")).to_be_visible()
    main = page.locator(".checkout__main")
    aside = page.locator(".checkout__aside")
    assert main.bounding_box()["height"] > aside.bounding_box()["height"] + 400
    start = aside.bounding_box()["y"]
    page.mouse.wheel(0, 400)
    page.wait_for_function("() => window.scrollY >= 400")
    assert main.bounding_box()["y"] < 0, "the steps scrolled"
    top = aside.bounding_box()["y"]
    assert 0 <= top < start, f"the order column left the screen (top at {top} px)"
    place = page.locator("#place-order").bounding_box()
    assert place["y"] + place["height"] <= 900, "Place order stays on screen"
