"""The total a shopper sees is the total they pay, and every refusal leaves them able to go on.

In real Chromium: the summary's total (BigCommerce's grand total, the Checkout+ fee and its
tax included) is the confirmation's "Total paid" and what the sandbox gateway charged, shipped,
with a coupon and picked up; a declined card is said where focus lands, keeps the browser's
Back button working and pays the same order on the next try; a note typed and never saved
reaches the order; Place order waits for an email and a delivery without wiping the card; and
a total changed behind the page's back stops the order, shows the new total and then pays it.

The declined, total-changed and not-ready states are photographed at 1280 and 375 px wide
(test-results/<state>-<width>.png, and -viewport-<width>.png for what the screen shows).
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from app.money import to_minor
from tests.support.browser_states import DECLINED_CARD
from tests.support.browser_states import GOOD_CARD
from tests.support.browser_states import SNEAKERS
from tests.support.browser_states import Shown
from tests.support.browser_states import apply_coupon
from tests.support.browser_states import choose_pickup
from tests.support.browser_states import choose_shipping
from tests.support.browser_states import fill_card
from tests.support.browser_states import open_checkout
from tests.support.browser_states import opt_in
from tests.support.browser_states import photograph
from tests.support.browser_states import place_order
from tests.support.browser_states import reach_cart
from tests.support.browser_states import save_address
from tests.support.browser_states import save_billing
from tests.support.browser_states import save_email
from tests.support.browser_states import settle
from tests.support.browser_states import shown_amount
from tests.support.browser_states import summary_total
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.shopper_checks import RESULTS

CONFIRMATION = re.compile(r"/checkout/confirmation$")
CHECKOUT = re.compile(r"/checkout$")
DECLINE_WORDS = "There was a problem processing your card"
# Why the card number and security code are empty after a refusal.
CARD_AGAIN = "For your security, enter your card number and security code again."


# --- what the store holds ----------------------------------------------------------------------


def _claims(token: str) -> dict:
    """The claims of a JWT-shaped payment access token."""
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def charged(sandbox) -> list[tuple[int, int, str]]:
    """Each payment the sandbox gateway took: (order id, amount in minor units, currency).

    A payment spends the access token made for it just before; the token says which order
    and what amount (BigCommerce's Payments API charges the order's total, as the token states).
    """
    log = sandbox.bigcommerce.log
    tokens = log.entries("POST", "/stores/*/v3/payments/access_tokens")
    taken = []
    for payment in log.entries("POST", "/stores/*/payments"):
        if payment.status != 201:
            continue
        [token] = [t for t in tokens if t.seq < payment.seq][-1:]
        data = _claims(token.response_json["data"]["id"])["data"]
        taken.append((data["order_id"], data["amount"], data["currency"]))
    return taken


def minor(amount: str) -> int:
    """A USD amount as the store API writes it ("94.33") in cents."""
    return to_minor(Decimal(amount), "USD")


# --- what the pages show -----------------------------------------------------------------------


def summary_adds_up(page: Page, total: Shown) -> None:
    """The summary's rows add up to its total (the discount shown as a reduction)."""
    rows = page.locator("#order-totals [data-total][data-amount]")
    figures = {}
    added = 0
    for row in rows.all():
        kind, amount = row.get_attribute("data-total"), int(row.get_attribute("data-amount"))
        figures[kind] = amount
        if kind != "total":
            added += -amount if kind == "discount" else amount
    assert added == total.amount, f"the summary's rows {figures} do not add up to its total"


def paid_total(page: Page) -> Shown:
    """The confirmation's "Total paid", after checking its receipt rows add up to it."""
    confirmation = page.locator("#order-confirmation")
    expect(confirmation).to_be_visible()
    paid = page.locator("[data-order-total]")
    expect(paid.locator("dt")).to_have_text("Total paid")
    rows = page.locator("[data-receipt-row]")
    amounts = [int(row.get_attribute("data-amount")) for row in rows.all()]
    assert amounts, "the confirmation has no receipt rows"
    shown = shown_amount(paid)
    assert sum(amounts) == shown.amount, f"receipt rows {amounts} do not add up to {shown}"
    return shown


def same_figure(paid: Shown, total: Shown) -> None:
    """The confirmation shows the amount the summary showed: same cents, same words."""
    assert paid.amount == total.amount, f"paid {paid} where the summary showed {total}"
    # The same figure and currency code ("$94.33" and "USD"), whichever comes first.
    assert sorted(paid.words) == sorted(total.words), f"paid {paid.text!r}, shown {total.text!r}"


def message_has_focus_in_view(page: Page) -> None:
    """#payment-message is shown, on screen, and holds the focus (as it is read out)."""
    message = page.locator("#payment-message")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    expect(message).to_have_attribute("role", "alert")
    assert page.evaluate("() => document.activeElement?.id") == "payment-message"


def fits_the_screen(page: Page, width: int) -> None:
    """Nothing scrolls sideways at this width."""
    page.set_viewport_size({"width": width, "height": 900})
    settle(page)
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide at {width} px"


def photograph_state(page: Page, name: str) -> None:
    """Photograph the payment section at 1280 and 375 px, and the screen at each width
    with the payment message (or Place order's place) scrolled into view; check nothing
    scrolls sideways at 375 px.
    """
    section = page.locator("#checkout-payment")
    photograph(page, section, name)
    focus = page.locator("#payment-message, #checkout-place").first
    for width in (1280, 375):
        fits_the_screen(page, width)
        focus.scroll_into_view_if_needed()
        page.screenshot(path=str(RESULTS / f"{name}-viewport-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    settle(page)


# --- 1. the total shown is the total paid ------------------------------------------------------


@pytest.mark.parametrize("journey", ["ohio", "ohio-with-save10", "store-pickup"])
def test_the_total_shown_is_the_total_paid_and_charged(
    watched_page: Page, store, sandbox, raw, journey
):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    save_email(page)
    if journey == "store-pickup":
        choose_pickup(page)
        save_billing(page)  # nothing ships, so the billing address is a step of its own
    else:
        save_address(page)
        choose_shipping(page, "Standard")
    opt_in(page)
    if journey == "ohio-with-save10":
        apply_coupon(page, "SAVE10")
        # The cart changed: the fee is priced again, then the total is BigCommerce's anew.
        expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_have_attribute(
            "data-amount", re.compile(r"^\d+$")
        )
        settle(page)
    fee = int(page.locator("#order-totals [data-checkout-plus-fee]").get_attribute("data-amount"))
    tax = int(page.locator('#order-totals [data-total="tax"]').get_attribute("data-amount"))
    assert tax > 0, "the delivery's state taxes the order"
    total = summary_total(page)
    summary_adds_up(page, total)
    # The fee is on BigCommerce's checkout already: its grand total is the one shown.
    checkout = store.checkout(cart_id)
    assert minor(str(checkout["grand_total"])) == total.amount
    [ours] = [f for f in checkout["fees"] if f["source"] == "loop-checkout-plus"]
    assert minor(str(ours["cost_ex_tax"])) == fee

    fill_card(page)
    place_order(page)
    expect(page).to_have_url(CONFIRMATION)
    paid = paid_total(page)
    same_figure(paid, total)
    expect(page.locator("[data-receipt-row='checkout_plus']")).to_have_attribute(
        "data-amount", str(fee)
    )
    [order] = orders(raw)
    assert order["status_id"] == 11  # paid
    assert minor(order["total_inc_tax"]) == total.amount
    assert charged(sandbox) == [(order["id"], total.amount, "USD")]
    assert payments(sandbox) == 1
    if journey == "ohio-with-save10":
        discounts = page.locator("[data-receipt-row='coupon'], [data-receipt-row='discount']")
        expect(discounts).not_to_have_count(0)
        assert all(int(row.get_attribute("data-amount")) < 0 for row in discounts.all())
    if journey == "store-pickup":
        expect(page.locator("[data-order-pickup]")).to_contain_text("Downtown store")
        expect(page.locator("[data-order-shipment]")).to_have_count(0)
    else:
        expect(page.locator("[data-order-shipment]")).to_contain_text("Columbus")


# --- 2. a declined card: said where focus lands, Back works, the same order is paid ------------


def test_a_declined_card_is_said_back_works_and_the_same_order_is_paid(
    watched_page: Page, store, sandbox, raw
):
    page = watched_page
    reach_cart(page, store, sandbox)
    store_page = page.url
    handoff = page.locator("#checkout-link").get_attribute("href")
    cart_id = re.search(r"cart_id=([^&]+)", handoff).group(1)
    page.locator("#checkout-link").click()
    expect(page).to_have_url(CHECKOUT)
    save_email(page)
    save_address(page)
    choose_shipping(page, "Standard")
    total = summary_total(page)

    fill_card(page, DECLINED_CARD, name="Ada King", expiry="11/30", code="321")
    place_order(page)
    expect(page).to_have_url(CHECKOUT)
    message_has_focus_in_view(page)
    expect(page.locator("#payment-problem")).to_contain_text(DECLINE_WORDS)
    expect(page.locator("#payment-message [data-card-again]")).to_have_text(CARD_AGAIN)
    expect(page.get_by_label("Name on card")).to_have_value("Ada King")
    expect(page.get_by_label("Expiry date")).to_have_value("11/30")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("Security code")).to_have_value("")
    expect(page.locator("#place-order")).to_be_visible()
    [declined] = orders(raw)
    assert declined["status_id"] == 0  # Incomplete: created, not paid
    assert declined["cart_id"] == cart_id
    assert charged(sandbox) == []
    settle(page)
    photograph_state(page, "payment-declined")

    # Back goes to the store's cart, as it was before the checkout: no resubmission, no error.
    page.go_back()
    expect(page).to_have_url(store_page)
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator("#checkout-link")).to_be_visible()
    assert not page.url.startswith("chrome-error:")

    page.go_forward()
    expect(page).to_have_url(CHECKOUT)
    expect(page.get_by_label("Card number")).to_be_visible()
    settle(page)
    fill_card(page, GOOD_CARD)
    place_order(page)
    expect(page).to_have_url(CONFIRMATION)
    same_figure(paid_total(page), total)
    [order] = orders(raw)
    assert order["id"] == declined["id"]  # the declined attempt's order, now paid
    assert order["status_id"] == 11
    assert order["cart_id"] == cart_id
    expect(page.locator("#order-confirmation")).to_have_attribute("data-order-id", str(order["id"]))
    assert charged(sandbox) == [(order["id"], total.amount, "USD")]
    assert payments(sandbox) == 2  # the declined attempt and the paid one


# --- 3. a note typed and never saved reaches the order -----------------------------------------


def test_an_order_note_typed_and_never_saved_reaches_the_order(
    watched_page: Page, store, sandbox, raw
):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    save_email(page)
    save_address(page)
    choose_shipping(page, "Standard")
    note = "Leave it with the neighbour at no. 3 – thanks!\nRing twice."
    page.get_by_label("Order note").fill(note)
    settle(page)
    # Typed, not saved: BigCommerce has no note until Place order sends it.
    assert store.checkout(cart_id)["customer_message"] == ""

    fill_card(page)
    place_order(page)
    expect(page).to_have_url(CONFIRMATION)
    [order] = orders(raw)
    assert order["status_id"] == 11
    assert order["customer_message"] == note


# --- 4. Place order waits for an email and a delivery, and keeps the card -----------------------


def test_place_order_appears_once_ready_and_keeps_the_card_typed_before(
    watched_page: Page, store, sandbox, raw
):
    page = watched_page
    open_checkout(page, store, [(SNEAKERS, 1)])
    place = page.locator("#checkout-place")
    missing = page.locator("#place-order-missing")
    expect(page.locator("#place-order")).to_have_count(0)
    expect(page.get_by_role("button", name="Place order and pay")).to_have_count(0)
    expect(missing).to_have_attribute("data-missing", "contact delivery")
    expect(missing).to_contain_text("give your email address")
    expect(missing).to_contain_text("choose how your order is delivered")
    expect(missing.get_by_role("link", name="give your email address")).to_have_attribute(
        "href", "#checkout-contact"
    )
    # The card waits for the steps before it: its fields are folded away, saying why.
    expect(page.get_by_label("Card number")).to_be_hidden()
    expect(page.locator(".payment-waiting")).to_be_visible()
    photograph_state(page, "place-order-not-ready")

    page.evaluate("() => { window.__notReloaded = true; }")
    save_email(page)
    expect(missing).to_have_attribute("data-missing", "delivery")
    expect(page.locator("#place-order")).to_have_count(0)
    save_address(page)
    choose_shipping(page, "Standard")
    expect(place.locator("#place-order")).to_be_visible()
    expect(missing).to_have_count(0)
    fill_card(page, GOOD_CARD, name="Ada King", expiry="11/30", code="321")

    # An earlier step edited after the card was typed (Express instead): the card stays.
    page.locator("#checkout-shipping details > summary").click()
    choose_shipping(page, "Express")
    expect(page.locator("#checkout-shipping")).to_have_attribute("data-step-state", "done")
    expect(place.locator("#place-order")).to_be_visible()
    assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    expect(page.get_by_label("Name on card")).to_have_value("Ada King")
    expect(page.get_by_label("Card number")).to_have_value(GOOD_CARD)
    expect(page.get_by_label("Expiry date")).to_have_value("11/30")
    expect(page.get_by_label("Security code")).to_have_value("321")

    # The button that arrived with the swap pays with what was typed, the new total.
    place_order(page)
    expect(page).to_have_url(CONFIRMATION)
    [order] = orders(raw)
    assert order["status_id"] == 11
    assert payments(sandbox) == 1


# --- 5. a total changed behind the page's back is not charged ------------------------------------


def test_a_total_changed_behind_the_page_stops_the_order_and_then_pays_the_new_total(
    watched_page: Page, store, sandbox, raw
):
    page = watched_page
    cart_id = open_checkout(page, store, [(SNEAKERS, 1)])
    save_email(page)
    save_address(page)
    choose_shipping(page, "Standard")
    opt_in(page)
    before = summary_total(page)
    fill_card(page, GOOD_CARD, name="Ada King", expiry="11/30")

    # Another tab (or the store) applies a coupon: the page still shows the old total.
    store.data("POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": "SAVE10"})
    now = minor(str(store.checkout(cart_id)["grand_total"]))
    assert now < before.amount
    place_order(page)

    expect(page).to_have_url(CHECKOUT)
    notice = page.locator("#placement-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("total changed")
    message_has_focus_in_view(page)
    assert orders(raw) == []
    assert payments(sandbox) == 0
    after = summary_total(page)
    assert after.amount == now
    assert after != before
    new_figure = after.words[0]  # "$85.09" of "$85.09 USD"
    expect(notice.locator("strong")).to_have_text(new_figure)
    expect(notice).to_contain_text(before.words[0])
    expect(notice).to_contain_text("discount")
    expect(page.locator("#payment-message [data-card-again]")).to_have_text(
        f"Nothing was charged. {CARD_AGAIN}"
    )
    expect(page.locator('#order-totals [data-total="discount"]')).to_be_visible()
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_be_visible()
    expect(page.get_by_label("Name on card")).to_have_value("Ada King")
    expect(page.get_by_label("Card number")).to_have_value("")
    settle(page)
    photograph_state(page, "total-changed")

    page.get_by_label("Card number").fill(GOOD_CARD)
    page.get_by_label("Security code").fill("123")
    place_order(page)
    expect(page).to_have_url(CONFIRMATION)
    same_figure(paid_total(page), after)
    [order] = orders(raw)
    assert order["status_id"] == 11
    assert charged(sandbox) == [(order["id"], now, "USD")]
