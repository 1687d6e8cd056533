"""The whole checkout with the keyboard alone, in real Chromium (WCAG 2.1.1, 2.4.3, 2.4.7).

The shopper only presses Tab, Shift+Tab, Enter and Space and types: no clicks, no ``fill``.
At every stop focus must be visible (``:focus-visible`` with an outline or a box shadow), and
after every htmx swap it must still be on the control the shopper used (htmx 2 puts it back on
the element with the same id), or, when that control went away, somewhere on purpose: never
on ``<body>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.addresses import OHIO
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.shopper_checks import CARD
from tests.support.shopper_checks import SNEAKERS
from tests.support.shopper_checks import SNEAKERS_NAME
from tests.support.shopper_checks import SOCKS
from tests.support.shopper_checks import SOCKS_NAME
from tests.support.shopper_checks import offer
from tests.support.shopper_checks import open_checkout
from tests.support.shopper_checks import screenshot
from tests.support.shopper_checks import settle

# What the focused element is, and how its focus shows.
FOCUSED = """() => {
  const el = document.activeElement || document.body;
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth) || 0;
  const outline = `${style.outlineWidth} ${style.outlineStyle}`;
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 100),
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && width > 0 ? outline : null,
    shadow: style.boxShadow !== 'none' ? style.boxShadow : null,
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def shown(info: dict) -> str:
    """Name a focused element for a message."""
    ident = f"#{info['id']}" if info["id"] else ""
    return f"<{info['tag']}{ident}> {info['text']!r}"


@dataclass
class KeyboardShopper:
    """A shopper with a keyboard and no mouse; ``state`` names where they are, for messages."""

    page: Page
    state: str = "checkout page"
    stops: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """The page and state, for failure messages."""
        return f"{self.page.url} ({self.state})"

    def focused(self) -> dict:
        """The focused element and how its focus shows."""
        return self.page.evaluate(FOCUSED)

    def check_visible_focus(self, info: dict, after: str) -> None:
        """Focus must be on a control, and visibly so (WCAG 2.4.7)."""
        assert info["tag"] != "body", f"{self.where}: focus lost to <body> after {after}"
        invisible = (
            f"{self.where}: focus on {shown(info)} after {after} is not visible "
            f"(:focus-visible {info['focusVisible']}, outline {info['outline']}, "
            f"box-shadow {info['shadow']})"
        )
        assert info["focusVisible"], invisible
        assert info["outline"] or info["shadow"], invisible
        assert info["onScreen"], f"{self.where}: focused {shown(info)} is off screen after {after}"

    def tab_to(self, selector: str, backwards: bool = False, limit: int = 80) -> dict:
        """Press Tab (or Shift+Tab) until ``selector`` has focus, checking every stop."""
        key = "Shift+Tab" if backwards else "Tab"
        for presses in range(1, limit + 1):
            self.page.keyboard.press(key)
            info = self.focused()
            self.stops.append(shown(info))
            self.check_visible_focus(info, f"{key} #{presses} towards {selector}")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return {**info, "presses": presses}
        raise AssertionError(
            f"{self.where}: {limit} presses of {key} never reached {selector}; "
            f"last stops: {self.stops[-8:]}"
        )

    def type(self, text: str) -> None:
        """Type into the focused field, key by key."""
        self.page.keyboard.type(text)

    def press_for_swap(self, key: str, url: str, *, then_offer: bool = False) -> dict:
        """Press ``key`` on the focused control, wait for htmx to swap, check where focus is.

        ``url`` is a pattern of the path the control posts to; ``then_offer`` waits for the
        offer's own request too (it follows every change that can alter its price).
        """
        before = self.focused()
        with self.page.expect_response(re.compile(url + "$")) as answer:
            if then_offer:
                with self.page.expect_response(re.compile(r"/checkout/offer$")):
                    self.page.keyboard.press(key)
            else:
                self.page.keyboard.press(key)
        assert answer.value.status < 500, f"{self.where}: {url} answered {answer.value.status}"
        settle(self.page)
        after = self.focused()
        action = f"{key} on {shown(before)} and the htmx swap"
        self.check_visible_focus(after, action)
        return after

    def keeps_focus(self, key: str, url: str, *, then_offer: bool = False) -> None:
        """Like ``press_for_swap``, and focus must be back on the very control used."""
        before = self.focused()
        after = self.press_for_swap(key, url, then_offer=then_offer)
        moved = (
            f"{self.where}: {key} on {shown(before)}: after the htmx swap focus is on "
            f"{shown(after)}, not on the control the shopper used"
        )
        assert before["id"], moved
        assert after["id"] == before["id"], moved

    def moves_on(self, key: str, url: str, to: str, *, then_offer: bool = False) -> None:
        """Like ``press_for_swap``, and focus must move on to ``to`` (the control used folded
        away with its step: the next step's first field, or the folded step's Edit)."""
        before = self.focused()
        after = self.press_for_swap(key, url, then_offer=then_offer)
        assert self.page.evaluate(f"document.activeElement.matches({to!r})"), (
            f"{self.where}: {key} on {shown(before)}: after the htmx swap focus is on "
            f"{shown(after)}, not on {to}"
        )


def line_control(page: Page, product_id: int, kind: str) -> str:
    """The id selector of a line's quantity control (increase, decrease, remove, quantity)."""
    line_id = page.locator(f"#order-summary [data-product-id='{product_id}']").get_attribute(
        "data-line-id"
    )
    return f"#line-{line_id}-{kind}"


def test_a_keyboard_shopper_completes_the_checkout_with_protection(page: Page, store, sandbox, raw):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.url}: {r.status}"))
    shopper = KeyboardShopper(page, "new checkout, offer shown, nothing saved")
    open_checkout(page, store, [(SNEAKERS, 1), (SOCKS, 1)])
    expect(offer(page), shopper.where).to_have_attribute("data-state", "offered")

    # The skip link is the first stop, shows on screen, and takes focus past the header.
    skip = shopper.tab_to("a.skip-link", limit=1)
    assert skip["onScreen"], f"{shopper.where}: the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    shopper.tab_to("#contact-email", limit=1)

    # Contact: type, Enter submits; the step folds and focus moves on to delivery's first field.
    shopper.type("ada@example.com")
    shopper.moves_on("Enter", "/checkout/contact", "#delivery-method-ship")
    expect(page.locator("#contact-saved"), shopper.where).to_be_visible()

    # Delivery address: Tab from field to field, typing; Enter on the button saves it.
    shopper.state = "email saved, shipping address form open"
    for name, value in OHIO.items():
        shopper.tab_to(f"#shipping-{name}")
        shopper.type(value)
    country = page.evaluate("document.querySelector('#shipping-country_code').value")
    assert country == "US", f"{shopper.where}: country {country!r}"
    shopper.tab_to("#shipping-address-save")
    shopper.moves_on("Enter", "/checkout/shipping-address", "#shipping-option-1")
    expect(page.get_by_role("radio", name=re.compile("^Standard")), shopper.where).to_be_visible()

    # Shipping method: focus is on the first method; Space chooses (saved on change), the
    # step folds and focus lands on its Edit control.
    shopper.state = "address saved, shipping methods shown"
    standard = shopper.focused()
    assert page.evaluate(
        "document.activeElement.matches(\"input[type=radio][value='sandbox-standard']\")"
    ), shopper.where
    assert not page.locator(f"#{standard['id']}").is_checked(), shopper.where
    shopper.moves_on(
        "Space", "/checkout/shipping-option", "#checkout-shipping summary", then_offer=True
    )
    expect(page.locator(f"#{standard['id']}"), shopper.where).to_be_checked()
    expect(page.locator('#order-totals [data-total="shipping"]'), shopper.where).to_have_attribute(
        "data-amount", re.compile(r"^\d+$")
    )

    # Billing stays "same as shipping" (ticked); the card fields follow.
    shopper.state = "shipping method chosen, payment form"
    for name, value in CARD.items():
        shopper.tab_to(f"#payment-{name}")
        shopper.type(value)

    # On to the order in the side column: one more pair of sneakers, then no socks.
    shopper.state = "card typed, order summary"
    shopper.tab_to(line_control(page, SNEAKERS, "increase"))
    shopper.keeps_focus("Enter", "/checkout/lines/[^/]+", then_offer=True)
    expect(
        page.locator(f"#order-summary [data-product-id='{SNEAKERS}']"), shopper.where
    ).to_have_attribute("data-quantity", "2")
    shopper.tab_to(line_control(page, SOCKS, "remove"))
    after = shopper.press_for_swap("Enter", "/checkout/lines/[^/]+", then_offer=True)
    assert after["id"] == "order-summary-title", (
        f"{shopper.where}: after removing {SOCKS_NAME} focus went to {shown(after)}, "
        "not to the order summary"
    )
    expect(page.locator("#order-summary [data-line-id]"), shopper.where).to_have_count(1)

    # The offer: its checkbox names the cover and the price; Space opts in, focus stays.
    shopper.state = "offer at the new price"
    price = offer(page).locator("[data-checkout-plus-price]")
    expect(price, shopper.where).to_have_attribute("data-amount", "598")  # $178.00: 398 + 200
    shopper.tab_to("#checkout-plus")
    name = re.compile(r"return coverage and shipping protection for \$5\.98")
    expect(page.get_by_role("checkbox", name=name), shopper.where).to_be_focused()
    shopper.keeps_focus("Space", "/checkout/protection")
    expect(page.locator("#checkout-plus"), shopper.where).to_be_checked()
    fee = page.locator("#order-totals [data-checkout-plus-fee]")
    expect(fee, shopper.where).to_have_attribute("data-amount", "598")
    screenshot(page, "checkout-opted-in")

    # On to Place order and pay, right after the offer and the totals; Enter places the order.
    shopper.state = "opted in, ready to pay"
    shopper.tab_to("#place-order")
    with page.expect_navigation(url=re.compile(r"/checkout/confirmation$")):
        page.keyboard.press("Enter")

    shopper.state = "confirmation"
    confirmation = page.locator("#order-confirmation")
    expect(confirmation, shopper.where).to_contain_text("Your order is confirmed")
    expect(page.locator("[data-order-fee]"), shopper.where).to_contain_text("Order protection")
    expect(page.locator("[data-order-fee]"), shopper.where).to_have_attribute("data-amount", "598")
    [order] = orders(raw)
    [fee_on_order] = order_fees(raw, order["id"])
    assert fee_on_order["source"] == "loop-checkout-plus", f"{shopper.where}: {fee_on_order}"
    assert fee_on_order["cost_ex_tax"].startswith("5.98"), f"{shopper.where}: {fee_on_order}"
    screenshot(page, "confirmation")
    # The confirmation page is keyboard-friendly too: the skip link comes first, visibly.
    shopper.tab_to("a.skip-link", limit=1)
    assert problems == [], f"{shopper.where}: {problems}"


def test_focus_lands_on_the_summary_when_a_removed_line_takes_its_button_along(
    page: Page, store, sandbox
):
    shopper = KeyboardShopper(page, "two lines; the last one removed with − at quantity 1")
    open_checkout(page, store, [(SNEAKERS, 1), (SOCKS, 1)])
    shopper.tab_to(line_control(page, SOCKS, "decrease"))
    assert "takes it out of your cart" in shopper.focused()["text"], shopper.where
    after = shopper.press_for_swap("Enter", "/checkout/lines/[^/]+", then_offer=True)
    assert after["id"] == "order-summary-title", (
        f"{shopper.where}: focus went to {shown(after)}, not to the order summary"
    )
    expect(page.get_by_role("button", name=f"One fewer {SOCKS_NAME}"), shopper.where).to_have_count(
        0
    )
    # From there the next Tab reaches the remaining line's controls.
    shopper.tab_to(line_control(page, SNEAKERS, "decrease"), limit=1)
    # A change that keeps the line keeps focus on its button: the heading is not grabbed.
    shopper.tab_to(line_control(page, SNEAKERS, "increase"))
    shopper.keeps_focus("Enter", "/checkout/lines/[^/]+", then_offer=True)
    expect(page.get_by_text(SNEAKERS_NAME, exact=True), shopper.where).to_be_visible()
