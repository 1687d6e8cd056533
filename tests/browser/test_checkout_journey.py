"""The whole journey in Chromium: store, checkout steps, protection, payment, confirmation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.browser_states import fill_address
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.ordering import written_block
from tests.support.shopper_checks import add_from_catalog


@pytest.mark.parametrize("protected", [True, False], ids=["opted-in", "opted-out"])
def test_a_shopper_buys_from_the_store_with_or_without_protection(
    page: Page, sandbox, raw, protected
):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.url}: {r.status}"))

    add_from_catalog(page, "Trail Runner Sneakers")
    add_from_catalog(page, "Merino Wool Socks (3-pack)", quantity=2)
    page.get_by_role("link", name="Check out").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))

    page.locator("#contact-email").fill("ada@example.com")
    page.get_by_role("button", name="Continue").click()
    fill_address(page)
    page.locator("#shipping-address-save").click()
    # The step folds as it saves: once checked, the radio is found though hidden.
    page.get_by_role("radio", name="Standard", include_hidden=True).check()
    expect(page.locator('#order-totals [data-total="shipping"]')).to_have_attribute(
        "data-amount", re.compile(r"^\d+$")
    )

    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", "offered")
    price = offer.locator("[data-checkout-plus-price]")
    quoted = int(price.get_attribute("data-amount"))
    if protected:
        offer.locator("input[name=checkout_plus]").check()
        expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_have_attribute(
            "data-amount", str(quoted)
        )

    page.get_by_label("Name on card").fill("Ada Lovelace")
    page.get_by_label("Card number").fill("4111 1111 1111 1111")
    page.get_by_label("Expiry date").fill("12/29")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Place order and pay").click()

    expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
    confirmation = page.locator("#order-confirmation")
    expect(confirmation).to_contain_text("Your order is confirmed")
    [order] = orders(raw)
    assert order["status_id"] == 11  # Awaiting Fulfillment: paid
    expect(confirmation).to_have_attribute("data-order-id", str(order["id"]))
    fees = order_fees(raw, order["id"])
    recorded = written_block(raw, order["id"], expected=4 if protected else 0)
    if protected:
        [fee] = fees
        assert fee["source"] == "loop-checkout-plus"
        assert fee["cost_ex_tax"].startswith(f"{quoted // 100}.{quoted % 100:02d}")
        assert recorded["fee_amount"] == str(quoted)
        assert recorded["fee_currency"] == "USD"
        assert recorded["accepted_offer_mode"] == '["returnCoverage","shippingProtection"]'
        assert re.fullmatch(r"lop_[A-Za-z0-9]{20}", recorded["session_id"])
        expect(page.locator("[data-checkout-plus-coverage]")).to_contain_text(
            "returns and shipping"
        )
        expect(page.locator("[data-order-fee]")).to_contain_text("Order protection")
    else:
        assert fees == []
        assert recorded == {}
        expect(page.locator("[data-checkout-plus-coverage]")).to_have_count(0)
    assert payments(sandbox) == 1
    assert problems == []
