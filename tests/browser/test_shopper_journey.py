"""A shopper in real Chromium: add two products, reach the checkout, see lines and totals."""

from __future__ import annotations

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from app.money import to_minor
from tests.support.shopper_checks import add_from_catalog


def test_shopper_adds_two_products_and_reaches_checkout(page: Page, sandbox, store):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    add_from_catalog(page, "Trail Runner Sneakers")
    add_from_catalog(page, "Merino Wool Socks (3-pack)", quantity=2)
    page.get_by_role("link", name="Check out").click()

    # The handoff link carried the cart id; the checkout's own URL does not.
    expect(page).to_have_url(re.compile(r"/checkout$"))
    heading = page.get_by_role("heading", level=1, name=re.compile(r"^Secure checkout"))
    expect(heading).to_be_visible()
    lines = page.locator("#order-summary [data-line-id]")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Trail Runner Sneakers")
    expect(lines.nth(1)).to_contain_text("Merino Wool Socks (3-pack)")
    expect(lines.nth(1).get_by_label("Quantity of Merino Wool Socks (3-pack)")).to_have_value("2")

    reads = sandbox.bigcommerce.log.entries("GET", "/stores/sandbox/v3/checkouts/*")
    checkout = store.checkout(reads[-1].path.rsplit("/", 1)[1])
    total = page.locator('#order-totals [data-total="total"]')
    assert int(total.get_attribute("data-amount")) == to_minor(checkout["grand_total"], "USD")
    expect(total).to_contain_text("$138.00")
    assert problems == []  # no CSP violation, no script error
