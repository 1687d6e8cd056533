"""Drive real Chromium to each state of the demo store and the checkout.

Every ``reach_*`` function takes a Playwright ``page`` (with ``base_url`` set to the live
server), the ``store`` fixture (the sandbox store's API) and the ``sandbox`` fixture (already
reset for the test), drives the browser the way a shopper would, checks that the state was
reached, waits until htmx has nothing in flight (except ``reach_fee_updating``, whose offer
request is held on purpose), and returns nothing. Tests then look at the page as it is:
accessibility, layout, keyboard, anything.

``STATES`` lists them all by name, so a test can run once per state:

    @pytest.mark.parametrize("state", STATES, ids=str)
    def test_something(page, store, sandbox, state):
        STATES[state](page, store, sandbox)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect

from app.sandbox import Sandbox
from tests.support.addresses import OHIO
from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import ready_checkout
from tests.support.loop_requests import default_rules
from tests.support.loop_requests import rules_with
from tests.support.shopper_checks import RESULTS

SNEAKERS, SOCKS, JACKET, SUNGLASSES, TENT = 101, 102, 103, 105, 106
SNEAKERS_NAME = "Trail Runner Sneakers"
TENT_NAME = "Summit Expedition Tent"
RETURNS, SHIPPING = "returnCoverage", "shippingProtection"
GOOD_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"

# Classes htmx puts on elements while a request, a swap or a settle is under way.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"

State = Callable[[Page, object, Sandbox], None]


# --- building blocks -------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Wait until htmx has no request in flight and nothing left to swap or settle."""
    page.wait_for_function(
        f"() => !document.querySelector({HTMX_BUSY!r})", polling=50, timeout=10_000
    )


def set_rules(sandbox: Sandbox, **demo) -> None:
    """Replace some of the sandbox merchant's Checkout+ rules (e.g. ``modes=[...]``)."""
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules_with(**demo))


def open_checkout(page: Page, store, items=((SNEAKERS, 1),)) -> str:
    """Create a cart the way the storefront would and follow the handoff link; return its id."""
    cart_id = store.create_cart(list(items))
    page.goto(f"/checkout?cart_id={cart_id}")
    expect(page).to_have_url(re.compile(r"/checkout$"))
    return cart_id


def open_ready_checkout(page: Page, sandbox: Sandbox, items=((SNEAKERS, 1),)) -> str:
    """Open a checkout whose email, addresses and shipping method are already saved."""
    cart_id = ready_checkout(BigCommerceClient(sandbox.bigcommerce.url), items)
    page.goto(f"/checkout?cart_id={cart_id}")
    expect(page).to_have_url(re.compile(r"/checkout$"))
    return cart_id


def offer(page: Page):
    """The Checkout+ offer component."""
    return page.locator("#checkout-plus-offer")


def opt_in(page: Page) -> None:
    """Tick the offer's box and wait for the fee line in the totals."""
    offer(page).locator("input[name=checkout_plus]").check()
    expect(page.locator("#order-totals [data-checkout-plus-fee][data-amount]")).to_be_visible()
    settle(page)


def save_email(page: Page, email: str = "ada@example.com") -> None:
    """Fill the contact step and wait for it to be saved (it folds; delivery opens)."""
    page.locator("#contact-email").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contact-saved")).to_be_visible()
    settle(page)


def fill_address(
    page: Page, prefix: str = "shipping", address: dict[str, str] = OHIO, country: str = "US"
) -> None:
    """Type an address (a US one by default) into the shipping (or ``"billing"``) fields.

    The country comes first: changing it brings that country's fields (htmx). A region the
    country lists is chosen from its list, by code (``OH``).
    """
    select = page.locator(f"#{prefix}-country_code")
    if select.input_value() != country:
        with page.expect_response(re.compile(rf"/checkout/address-fields/{prefix}$")):
            select.select_option(country)
        settle(page)
    for field, value in address.items():
        target = page.locator(f"#{prefix}-{field}")
        if target.evaluate("element => element.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)


def save_address(page: Page, address: dict[str, str] = OHIO) -> None:
    """Fill the shipping address and wait for the shipping methods."""
    fill_address(page, "shipping", address)
    page.locator("#shipping-address-save").click()
    expect(page.get_by_role("radio", name="Express")).to_be_visible()
    settle(page)


def edit_step(page: Page, section: str) -> None:
    """Open a done step's Edit disclosure (e.g. ``"#checkout-billing"``) to show its form."""
    fold = page.locator(f"{section} details")
    if fold.get_attribute("open") is None:
        fold.locator("summary").click()
    expect(fold.locator("form").first).to_be_visible()


def choose_shipping(page: Page, method: str = "Standard") -> None:
    """Choose a shipping method and wait for its cost in the totals and the offer's answer."""
    with page.expect_response(re.compile(r"/checkout/offer$")):
        # The step folds as it saves: once checked, the radio is found though hidden.
        page.get_by_role("radio", name=method, include_hidden=True).check()
    expect(page.locator('#order-totals [data-total="shipping"]')).to_have_attribute(
        "data-amount", re.compile(r"^\d+$")
    )
    settle(page)


def choose_pickup(page: Page) -> None:
    """Choose the sandbox store's pickup (Downtown store) and wait for its details.

    A delivery already done is folded: its Edit opens it first.
    """
    if page.locator("#checkout-shipping").get_attribute("data-step-state") == "done":
        edit_step(page, "#checkout-shipping")
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    settle(page)


def save_billing(page: Page, address: dict[str, str] = OHIO) -> None:
    """Give a billing address of its own (a pickup has no shipping address to follow)."""
    fill_address(page, "billing", address)
    page.locator("#billing-save").click()
    expect(page.locator("#checkout-billing")).to_have_attribute("data-step-state", "done")
    settle(page)


def apply_coupon(page: Page, code: str) -> None:
    """Apply a coupon through the coupon field and wait for it and its discount."""
    page.locator("#coupon-code").fill(code)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(f"[data-coupon-code='{code}']")).to_be_visible()
    expect(page.locator('#order-totals [data-total="discount"]')).to_be_visible()
    settle(page)


@dataclass(frozen=True)
class Shown:
    """An amount as a page shows it: minor units (its data-amount) and the words on screen."""

    amount: int
    text: str

    @property
    def words(self) -> list[str]:
        """The visible text's words, in order (a figure and its currency code)."""
        return self.text.split()


def shown_amount(row: Locator) -> Shown:
    """Read a totals row (a ``[data-amount]`` element holding a ``dd``) as the page shows it."""
    amount = row.get_attribute("data-amount") or ""
    assert re.fullmatch(r"-?\d+", amount), f"data-amount {amount!r}"
    return Shown(int(amount), " ".join(row.locator("dd").inner_text().split()))


def summary_total(page: Page) -> Shown:
    """The order summary's total, once it is worked out (not "Updating…")."""
    row = page.locator('#order-totals [data-total="total"]')
    expect(row).to_have_attribute("data-amount", re.compile(r"^\d+$"))
    return shown_amount(row)


def photograph(page: Page, part: Locator, name: str, widths=(1280, 375)) -> list[Path]:
    """Photograph one part of the page at each width (test-results/<name>-<width>.png).

    The viewport goes back to 1280 px afterwards. Returns the files, for a person to look at.
    """
    paths = []
    RESULTS.mkdir(exist_ok=True)
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        path = RESULTS / f"{name}-{width}.png"
        part.screenshot(path=str(path))
        paths.append(path)
    page.set_viewport_size({"width": 1280, "height": 900})
    return paths


def fill_card(page: Page, number: str = GOOD_CARD, **fields: str) -> None:
    """Fill the payment form (``fields`` overrides the name, expiry or security code).

    The fields are found by name, so this works in every language.
    """
    values = {"name": "Ada Lovelace", "expiry": "12/29", "code": "123", **fields}
    form = page.locator("#payment-form")
    form.locator("[name=cardholder_name]").fill(values["name"])
    form.locator("[name=card_number]").fill(number)
    form.locator("[name=expiry]").fill(values["expiry"])
    form.locator("[name=security_code]").fill(values["code"])


def place_order(page: Page) -> None:
    """Press Place order and pay; wait for the confirmation, or for the checkout saying why not.

    htmx posts the form in place: a refusal swaps the checkout (no navigation), with the
    reason in #payment-message; an order goes on to the confirmation.
    """
    page.evaluate("() => document.querySelector('#payment-message')?.remove()")
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_function(
        "() => location.pathname.endsWith('/checkout/confirmation')"
        " || document.querySelector('#payment-message') !== null"
    )
    page.wait_for_load_state()


def expect_offered(page: Page, modes: list[str]) -> None:
    """Check that the offer is shown for exactly these modes."""
    expect(offer(page)).to_have_attribute("data-state", "offered")
    expect(offer(page).locator("[data-checkout-plus-description]")).to_have_attribute(
        "data-mode", " ".join(modes)
    )


# --- the demo store --------------------------------------------------------------------------


def reach_catalog(page: Page, store, sandbox: Sandbox) -> None:
    """The demo store's catalog (/)."""
    page.goto("/")
    expect(page.locator(".product-card")).not_to_have_count(0)


def reach_cart(page: Page, store, sandbox: Sandbox) -> None:
    """The demo store's cart (/cart) right after adding a product, with its flash message."""
    page.goto("/")
    card = page.locator(f".product-card[data-product-id='{SNEAKERS}']")
    card.get_by_label("Quantity").fill("2")
    card.get_by_role("button", name="Add to cart").click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator("#checkout-link")).to_be_visible()


def reach_empty_cart(page: Page, store, sandbox: Sandbox) -> None:
    """The demo store's cart with nothing in it."""
    page.goto("/cart")
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()


# --- the offer -------------------------------------------------------------------------------


def offered(*modes: str) -> State:
    """The checkout with the offer shown for these modes (set in the sandbox Loop's rules)."""

    def reach(page: Page, store, sandbox: Sandbox) -> None:
        """Open a checkout whose offer covers these modes."""
        set_rules(sandbox, modes=list(modes))
        open_checkout(page, store)
        expect_offered(page, list(modes))
        settle(page)

    reach.__doc__ = f"The checkout with the offer shown for {' and '.join(modes)}."
    return reach


def reach_offer_details_open(page: Page, store, sandbox: Sandbox) -> None:
    """The offer's "What's covered" disclosure opened."""
    open_checkout(page, store)
    expect_offered(page, [RETURNS, SHIPPING])
    offer(page).get_by_text("What's covered").click()
    expect(offer(page).locator("details")).to_have_attribute("open", "")
    settle(page)


def reach_offer_ineligible(page: Page, store, sandbox: Sandbox) -> None:
    """The offer hidden: Loop turns the cart down (only excluded products in it)."""
    open_checkout(page, store, [(SUNGLASSES, 1)])
    expect(offer(page)).to_have_attribute("data-state", "hidden")
    settle(page)


def reach_offer_loop_failing(page: Page, store, sandbox: Sandbox) -> None:
    """The offer hidden: Loop answers 503, the checkout goes on without it."""
    sandbox.set_faults("loop POST /v1/analyze status=503")
    open_checkout(page, store)
    expect(offer(page)).to_have_attribute("data-state", "hidden")
    settle(page)


def reach_opted_in(page: Page, store, sandbox: Sandbox) -> None:
    """The shopper ticked the offer: the fee line is in the totals."""
    open_checkout(page, store)
    opt_in(page)


def reach_reconfirm(page: Page, store, sandbox: Sandbox) -> None:
    """The coverage changed after the opt-in: the box is unticked with the notice."""
    open_checkout(page, store)
    opt_in(page)
    set_rules(sandbox, modes=[RETURNS])
    with page.expect_response(re.compile(r"/checkout/offer$")):
        page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
    expect(offer(page).locator(".offer__notice")).to_be_visible()
    expect_offered(page, [RETURNS])
    settle(page)


def reach_offer_withdrawn(page: Page, store, sandbox: Sandbox) -> None:
    """Ticked, then a second tent took the cart over Loop's maximum: the offer says it went."""
    open_checkout(page, store, [(TENT, 1)])
    opt_in(page)
    page.get_by_role("button", name=f"One more {TENT_NAME}").click()
    expect(offer(page).locator("[data-checkout-plus-withdrawn]")).to_be_visible()
    expect(page.locator("#order-totals [data-checkout-plus-withdrawn]")).to_be_visible()
    settle(page)


def reach_fee_updating(page: Page, store, sandbox: Sandbox) -> None:
    """Opted in, then the cart changed: the fee line says it is being updated.

    The offer's own request is held in the browser, so the state lasts while the test looks.
    """
    open_checkout(page, store)
    opt_in(page)
    held = []
    page.route(re.compile(r"/checkout/offer$"), lambda route: held.append(route))
    page.get_by_role("button", name=f"One more {SNEAKERS_NAME}").click()
    expect(page.locator("#order-totals [data-checkout-plus-fee][data-pending]")).to_be_visible()
    expect(page.locator("#order-summary [data-line-id]")).to_have_attribute("data-quantity", "2")
    expect(offer(page)).to_have_class(re.compile(r"\bhtmx-request\b"))
    assert held, "the offer did not ask for itself again"
    page.wait_for_function("() => !document.querySelector('#checkout.htmx-request')")


# --- the steps -------------------------------------------------------------------------------


def reach_contact_error(page: Page, store, sandbox: Sandbox) -> None:
    """The contact step refused an email the browser accepts (no dot in the domain)."""
    open_checkout(page, store)
    page.locator("#contact-email").fill("ada@example")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contact-email-error")).to_be_visible()
    settle(page)


def reach_steps_open(page: Page, store, sandbox: Sandbox) -> None:
    """The email is saved: it folds, delivery opens (with store pickup), billing waits."""
    open_checkout(page, store)
    save_email(page)
    expect(page.locator("#shipping-address-form")).to_be_visible()


def reach_shipping_methods(page: Page, store, sandbox: Sandbox) -> None:
    """The address is saved and a shipping method chosen; billing has fields of its own."""
    open_checkout(page, store)
    save_email(page)
    save_address(page)
    with page.expect_response(re.compile(r"/checkout/offer$")):
        page.get_by_role("radio", name="Express", include_hidden=True).check()
    settle(page)
    edit_step(page, "#checkout-shipping")
    edit_step(page, "#checkout-billing")
    page.locator("#billing-same_as_shipping").uncheck()
    expect(page.locator("#billing-fields")).to_be_visible()


def reach_address_errors(page: Page, store, sandbox: Sandbox) -> None:
    """The billing form refused several fields (an address of its own, emptied)."""
    open_checkout(page, store)
    save_email(page)
    save_address(page)
    edit_step(page, "#checkout-billing")
    page.locator("#billing-same_as_shipping").uncheck()
    for field in ("first_name", "last_name", "address1", "city", "postal_code"):
        page.locator(f"#billing-{field}").fill("")
    page.get_by_role("button", name="Save billing address").click()
    expect(page.locator("#billing-first_name-error")).to_be_visible()
    settle(page)


def reach_pickup(page: Page, store, sandbox: Sandbox) -> None:
    """Store pickup chosen: the pickup details instead of the address form."""
    open_checkout(page, store)
    save_email(page)
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    expect_offered(page, [RETURNS])
    settle(page)


def reach_shipping_after_pickup(page: Page, store, sandbox: Sandbox) -> None:
    """Store pickup, then shipping again: the address given before is back, with its methods."""
    open_checkout(page, store)
    save_email(page)
    save_address(page)
    page.get_by_role("radio", name="Pick up in store: Downtown store pickup").check()
    expect(page.locator("[data-pickup-method-id='1']")).to_be_visible()
    settle(page)
    edit_step(page, "#checkout-shipping")
    page.get_by_role("radio", name="Ship to an address").check()
    expect(page.locator("#shipping-address1")).to_have_value(OHIO["address1"])
    expect(page.get_by_role("radio", name="Express")).to_be_visible()
    expect(page.locator("#shipping-saved")).to_be_visible()
    settle(page)


def reach_coupon_applied(page: Page, store, sandbox: Sandbox) -> None:
    """A coupon applied, with its Remove button and the discount in the totals."""
    open_checkout(page, store)
    page.locator("#coupon-code").fill("SAVE10")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("[data-coupon-code='SAVE10']")).to_be_visible()
    expect(page.locator('#order-totals [data-total="discount"]')).to_be_visible()
    settle(page)


def reach_coupon_refused(page: Page, store, sandbox: Sandbox) -> None:
    """An expired coupon code, explained under the field."""
    open_checkout(page, store)
    page.locator("#coupon-code").fill("EXPIRED2024")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#coupon-code-error")).to_be_visible()
    settle(page)


def reach_note_typed(page: Page, store, sandbox: Sandbox) -> None:
    """An order note typed (it goes with Place order)."""
    open_ready_checkout(page, sandbox)
    page.get_by_label("Order note").fill("Leave at the door.")
    settle(page)


def reach_quantity_error(page: Page, store, sandbox: Sandbox) -> None:
    """A quantity field emptied and submitted: the problem is next to the line."""
    open_checkout(page, store)
    field = page.get_by_label(f"Quantity of {SNEAKERS_NAME}")
    field.fill("")
    field.press("Enter")
    expect(page.locator("#order-summary .field-error")).to_be_visible()
    settle(page)


# --- placing the order -----------------------------------------------------------------------


def reach_card_errors(page: Page, store, sandbox: Sandbox) -> None:
    """Every card field refused by the server (422), the name and expiry typed again."""
    open_ready_checkout(page, sandbox)
    fill_card(page, "4111", expiry="13/29", code="12a")
    place_order(page)
    for field in ("card_number", "expiry", "security_code"):
        expect(page.locator(f"#payment-{field}")).to_have_attribute("aria-invalid", "true")
    settle(page)


def reach_declined(page: Page, store, sandbox: Sandbox) -> None:
    """The card was declined: #payment-problem explains it."""
    open_ready_checkout(page, sandbox)
    fill_card(page, DECLINED_CARD)
    place_order(page)
    expect(page.locator("#payment-problem")).to_be_visible()
    settle(page)


def reach_price_changed(page: Page, store, sandbox: Sandbox) -> None:
    """Opted in, then Loop's price changed: #placement-notice stops the order."""
    open_ready_checkout(page, sandbox)
    opt_in(page)
    rules = default_rules()
    rules["merchants"]["demo"]["pricing"]["USD"]["tiers"][0]["price"][RETURNS] = 248
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules)
    fill_card(page)
    place_order(page)
    expect(page.locator("#placement-notice")).to_be_visible()
    settle(page)


def reach_confirmation(page: Page, store, sandbox: Sandbox) -> None:
    """The confirmation page of a paid order with protection."""
    open_ready_checkout(page, sandbox)
    opt_in(page)
    fill_card(page)
    place_order(page)
    expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
    expect(page.locator("[data-checkout-plus-coverage]")).to_be_visible()


def reach_steps_done(page: Page, store, sandbox: Sandbox) -> None:
    """Every step done: each folded to its summary with Edit, the card fields open."""
    open_ready_checkout(page, sandbox)
    for step in ("#checkout-contact", "#checkout-shipping", "#checkout-billing"):
        expect(page.locator(step)).to_have_attribute("data-step-state", "done")
    expect(page.locator("#payment-card_number")).to_be_visible()
    settle(page)


def reach_delivery_reopened(page: Page, store, sandbox: Sandbox) -> None:
    """Express chosen, then a PO box address (no courier goes there): delivery reopens, saying
    why."""
    open_checkout(page, store)
    save_email(page)
    save_address(page)
    choose_shipping(page, "Express")
    edit_step(page, "#checkout-shipping")
    page.locator("#shipping-address1").fill("PO Box 12")
    page.locator("#shipping-address-save").click()
    expect(page.locator("#checkout-shipping-reopened")).to_be_visible()
    settle(page)


def reach_phone_summary_open(page: Page, store, sandbox: Sandbox) -> None:
    """At 375 px: the summary bar under the heading, opened."""
    page.set_viewport_size({"width": 375, "height": 812})
    open_ready_checkout(page, sandbox)
    page.locator("#summary-bar summary").click()
    expect(page.locator("#summary-bar-lines")).to_be_visible()
    settle(page)


# --- error pages -----------------------------------------------------------------------------


def reach_not_found(page: Page, store, sandbox: Sandbox) -> None:
    """The 404 page."""
    response = page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404


def reach_no_cart(page: Page, store, sandbox: Sandbox) -> None:
    """/checkout in a browser with no cart."""
    page.goto("/checkout")
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()


def reach_bad_link(page: Page, store, sandbox: Sandbox) -> None:
    """The 400 page of a checkout link that carries no valid cart id."""
    response = page.goto("/checkout?cart_id=not-a-cart")
    assert response is not None
    assert response.status == 400


STATES: dict[str, State] = {
    "catalog": reach_catalog,
    "cart": reach_cart,
    "empty-cart": reach_empty_cart,
    "offered-returns-and-shipping": offered(RETURNS, SHIPPING),
    "offered-returns-only": offered(RETURNS),
    "offered-shipping-only": offered(SHIPPING),
    "offer-details-open": reach_offer_details_open,
    "offer-hidden-ineligible": reach_offer_ineligible,
    "offer-hidden-loop-failing": reach_offer_loop_failing,
    "opted-in": reach_opted_in,
    "reconfirm-notice": reach_reconfirm,
    "offer-withdrawn": reach_offer_withdrawn,
    "fee-updating": reach_fee_updating,
    "contact-error": reach_contact_error,
    "steps-open": reach_steps_open,
    "steps-done": reach_steps_done,
    "delivery-reopened": reach_delivery_reopened,
    "phone-summary-open": reach_phone_summary_open,
    "shipping-methods": reach_shipping_methods,
    "address-errors": reach_address_errors,
    "store-pickup": reach_pickup,
    "shipping-after-pickup": reach_shipping_after_pickup,
    "coupon-applied": reach_coupon_applied,
    "coupon-refused": reach_coupon_refused,
    "note-typed": reach_note_typed,
    "quantity-error": reach_quantity_error,
    "card-errors": reach_card_errors,
    "payment-declined": reach_declined,
    "price-changed": reach_price_changed,
    "confirmation": reach_confirmation,
    "not-found": reach_not_found,
    "no-cart": reach_no_cart,
    "bad-checkout-link": reach_bad_link,
}
