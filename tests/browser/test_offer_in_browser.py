"""The Checkout+ offer in real Chromium: loading states, quick clicks, opt-in, no JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.loop_requests import rules_with
from tests.support.shopper_checks import open_checkout
from tests.support.waiting import wait_until

SNEAKERS, JACKET, SUNGLASSES = 101, 103, 105
SNEAKERS_NAME = "Trail Runner Sneakers"


# Runs in the page: on every frame from now on, note the offer's price if one is visible.
WATCH_PRICE = """() => {
  window.priceFrames = [];
  const note = () => {
    const price = document.querySelector('#checkout-plus-offer [data-checkout-plus-price]');
    const box = price && price.getBoundingClientRect();
    const shown = price !== null && box.width > 0 && box.height > 0 &&
      price.checkVisibility({visibilityProperty: true});
    window.priceFrames.push(shown ? price.dataset.amount : null);
    requestAnimationFrame(note);
  };
  requestAnimationFrame(note);
}"""

# htmx reports a request it cancelled on purpose (hx-sync replace) as a console error.
CANCELLED = ("htmx:afterRequest", "htmx:sendAbort")


@pytest.fixture
def watched(page: Page, sandbox):
    """The page, with every request it sends and every script or HTTP error recorded."""
    record = {"urls": [], "problems": []}

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith(CANCELLED):
            record["problems"].append(message.text)

    def failed(request) -> None:
        if request.failure != "net::ERR_ABORTED":
            record["problems"].append(f"{request.url}: {request.failure}")

    page.on("request", lambda request: record["urls"].append(request.url))
    page.on("console", console)
    page.on("pageerror", lambda error: record["problems"].append(str(error)))
    page.on("requestfailed", failed)
    page.on(
        "response",
        lambda r: r.status >= 500 and record["problems"].append(f"{r.url}: {r.status}"),
    )
    yield page, record
    assert not [url for url in record["urls"] if url.startswith(sandbox.loop.url)], (
        "the browser called Loop"
    )
    assert record["problems"] == []


def price(page: Page):
    """The offer's price element."""
    return page.locator("#checkout-plus-offer [data-checkout-plus-price]")


def checkbox(page: Page):
    """The offer's opt-in checkbox."""
    return page.locator("#checkout-plus-offer input[name=checkout_plus]")


def last_quote(sandbox) -> int:
    """Loop's amount for the last cart it analyzed."""
    return sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json["chargeInstructions"][
        "amount"
    ]


def test_no_price_shows_while_the_offer_reloads_and_the_new_one_follows(watched, sandbox, store):
    page, _ = watched
    sandbox.set_faults("loop POST /v1/analyze delay=0.8")
    open_checkout(page, store, [(SNEAKERS, 1)])
    expect(price(page)).to_have_attribute("data-amount", "298")
    expect(price(page)).to_be_visible()
    page.evaluate(WATCH_PRICE)
    with page.expect_request(re.compile(r"/checkout/offer$")):
        page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
    expect(price(page)).to_have_attribute("data-amount", "598", timeout=5000)
    expect(price(page)).to_be_visible()
    # Loop took 800 ms to answer; every frame drawn meanwhile is on record: from the first
    # without a price to the first with the new one, no price showed.
    page.wait_for_function("() => window.priceFrames.includes('598')")
    frames = page.evaluate("window.priceFrames")
    assert None in frames, "the offer kept its price visible while it was loading"
    loading = frames[frames.index(None) : frames.index("598")]
    assert set(loading) == {None}, "a price showed while the offer was loading"
    expect(page.locator("#order-summary [data-line-id]")).to_have_attribute("data-quantity", "2")


def test_three_quick_clicks_end_with_the_offer_for_the_final_cart(watched, sandbox, store):
    page, _ = watched
    sandbox.set_faults("loop POST /v1/analyze delay=0.3")
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    more = page.get_by_role("button", name=f"One more {SNEAKERS_NAME}")
    for _ in range(3):
        more.click()
    line = page.locator("#order-summary [data-line-id]")
    expect(line).to_have_attribute("data-quantity", "4")
    expect(page.locator("#checkout-plus-offer")).not_to_have_class(re.compile("htmx-request"))
    final = store.checkout(cart_id)["cart"]["line_items"]["physical_items"][0]["quantity"]
    assert final == 4
    # $356.00 is in the second tier: 398 + 200; and it is what Loop last quoted.
    expect(price(page)).to_have_attribute("data-amount", "598", timeout=5000)
    expect(price(page)).to_be_visible()
    assert last_quote(sandbox) == 598
    analyzed = sandbox.loop.log.entries("POST", "/v1/analyze")[-1].json
    assert analyzed["cart"]["lines"][0]["quantity"] == 4


def test_the_opt_in_survives_a_quantity_change_at_the_new_price(watched, sandbox, store):
    page, _ = watched
    open_checkout(page, store, [(SNEAKERS, 1)])
    checkbox(page).check()
    fee = page.locator("#order-totals [data-checkout-plus-fee]")
    expect(fee).to_have_attribute("data-amount", "298")
    page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
    expect(price(page)).to_have_attribute("data-amount", "598")
    expect(checkbox(page)).to_be_checked()
    expect(fee).to_have_attribute("data-amount", "598")
    expect(fee).to_contain_text("$5.98")
    # Focus stays with the control the shopper used, not lost to the page.
    expect(page.get_by_role("button", name=f"One more {SNEAKERS_NAME}")).to_be_focused()


def test_an_excluded_product_withdraws_the_offer_and_drops_the_opt_in(watched, sandbox, store):
    page, _ = watched
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(
        rules_with(excluded_lines="disqualify")
    )
    cart_id = open_checkout(page, store, [(SNEAKERS, 1), (JACKET, 1)])
    checkbox(page).check()
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_be_visible()
    # The storefront adds the excluded sunglasses; the shopper comes back to the checkout.
    store.data(
        "POST",
        f"/v3/carts/{cart_id}/items",
        json={"line_items": [{"product_id": SUNGLASSES, "quantity": 1}]},
    )
    page.reload()
    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", "withdrawn")
    expect(offer.locator("[data-checkout-plus-withdrawn]")).to_be_visible()
    expect(offer.locator("input, [data-checkout-plus-price]")).to_have_count(0)
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_have_count(0)
    # Removing them in the page brings the offer back, unticked: the opt-in is gone.
    page.get_by_role("button", name="Remove Final Sale Sunglasses").click()
    expect(offer).to_have_attribute("data-state", "offered")
    expect(checkbox(page)).not_to_be_checked()


def test_a_cart_grown_too_valuable_loses_the_offer_in_place(watched, sandbox, store):
    page, _ = watched
    open_checkout(page, store, [(JACKET, 1)])
    checkbox(page).check()
    # Ticked and answered (the fee is on): only then does the cart grow past Loop's maximum.
    expect(page.locator("#order-totals [data-checkout-plus-fee][data-amount]")).to_be_visible()
    field = page.get_by_label("Quantity of Waterproof Shell Jacket")
    field.fill("11")  # 11 × $189.99 is over the $2,000 Checkout+ maximum
    field.press("Enter")
    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", "withdrawn")
    expect(offer.locator("[data-checkout-plus-withdrawn]")).to_be_visible()
    expect(page.locator("#order-totals [data-checkout-plus-withdrawn]")).to_be_visible()
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_have_count(0)
    expect(page.locator("#order-summary [data-line-id]")).to_have_attribute("data-quantity", "11")


def test_without_javascript_the_shopper_opts_in_and_changes_quantity(
    browser, live_server, sandbox, store
):
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    try:
        open_checkout(page, store, [(SNEAKERS, 1)])
        checkbox(page).check()
        page.get_by_role("button", name="Save my choice").click()
        expect(page).to_have_url(re.compile(r"/checkout$"))
        expect(checkbox(page)).to_be_checked()
        fee = page.locator("#order-totals [data-checkout-plus-fee]")
        expect(fee).to_have_attribute("data-amount", "298")
        page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
        expect(page).to_have_url(re.compile(r"/checkout$"))
        expect(page.locator("#order-summary [data-line-id]")).to_have_attribute(
            "data-quantity", "2"
        )
        expect(checkbox(page)).to_be_checked()
        expect(price(page)).to_have_attribute("data-amount", "598")
        expect(fee).to_have_attribute("data-amount", "598")
    finally:
        context.close()


def test_a_cart_change_landing_just_after_the_opt_in_still_refreshes_the_offer(
    watched, sandbox, store
):
    page, record = watched
    open_checkout(page, store, [(JACKET, 1)])
    held: dict[str, object] = {}
    # Hold both answers, then let them land back to back: the cart change's event arrives
    # while the offer the opt-in answered is still being swapped in.
    page.route("**/checkout/protection", lambda route: held.setdefault("opt_in", route))
    page.route("**/checkout/lines/*", lambda route: held.setdefault("lines", route))
    checkbox(page).check()
    field = page.get_by_label("Quantity of Waterproof Shell Jacket")
    field.fill("11")  # 11 × $189.99 is over the $2,000 Checkout+ maximum
    field.press("Enter")
    wait_until(
        lambda: len(held) == 2,
        message="both answers held",
        pause=lambda seconds: page.wait_for_timeout(seconds * 1000),  # routes run meanwhile
    )
    assert set(held) == {"opt_in", "lines"}
    held["opt_in"].continue_()
    held["lines"].continue_()
    # Whichever the server took first: hidden (the opt-in found no offer any more) or
    # withdrawn (the opt-in landed first, then Loop withdrew it). Never an offer with a price.
    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", re.compile(r"^(hidden|withdrawn)$"))
    expect(offer.locator("[data-checkout-plus-price], input[name=checkout_plus]")).to_have_count(0)
    assert any(url.endswith("/checkout/offer") for url in record["urls"])
