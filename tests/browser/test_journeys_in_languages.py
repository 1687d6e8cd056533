"""The whole checkout in Arabic (a Kuwaiti dinar cart) and in Japanese (a yen cart), opted in.

The shopper chooses the language in the header, types a Kuwaiti or Japanese address in that
country's form, ticks the protection and pays. Every word is in their language (Arabic right
to left, its order column on the left of the steps on a desktop), the order is placed in the
cart's currency for the total the page showed, the fee is Loop's quote and the decision
reaches Loop's metafields. Full-page screenshots of the checkout and the confirmation go to
test-results/journey-<language>-<currency>-*.png.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from app.money import to_minor
from tests.support.browser_states import SNEAKERS
from tests.support.browser_states import SOCKS
from tests.support.browser_states import fill_address
from tests.support.browser_states import fill_card
from tests.support.browser_states import offer
from tests.support.browser_states import opt_in
from tests.support.browser_states import settle
from tests.support.browser_states import summary_total
from tests.support.languages import english_on
from tests.support.ordering import charged
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import written_block
from tests.support.shopper_checks import screenshot


@dataclass(frozen=True)
class Journey:
    """A shopper: their language, their cart's currency, their country and address."""

    language: str
    direction: str
    currency: str
    country: str
    address: dict[str, str]
    phone_e164: str

    def __str__(self) -> str:
        return f"{self.language}-{self.currency}"


JOURNEYS = [
    Journey(
        "ar",
        "rtl",
        "KWD",
        "KW",
        {
            "first_name": "فاطمة",
            "last_name": "الصباح",
            "address1": "شارع الخليج العربي ١٢",
            "city": "مدينة الكويت",
            "postal_code": "15000",
            "phone": "500 12345",
        },
        "+96550012345",
    ),
    Journey(
        "ja",
        "ltr",
        "JPY",
        "JP",
        {
            "last_name": "山田",
            "first_name": "花子",
            "postal_code": "154-0023",
            "state_or_province": "13",
            "city": "世田谷区",
            "address1": "若林1-2-3",
            "phone": "090-1234-5678",
        },
        "+819012345678",
    ),
]


def choose_language(page: Page, language: str) -> None:
    """Choose a language with the header's switcher, as a shopper does."""
    page.locator("#language-select").select_option(language)
    page.locator("#language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("journey", JOURNEYS, ids=str)
def test_a_shopper_buys_in_their_language_and_currency(page: Page, store, sandbox, raw, journey):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.url}: {r.status}"))
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 2)], currency=journey.currency)
    page.goto(f"/checkout?cart_id={cart_id}")
    choose_language(page, journey.language)
    expect(page.locator("html")).to_have_attribute("dir", journey.direction)

    page.locator("#contact-email").fill("shopper@example.com")
    page.locator("#contact-save").click()
    expect(page.locator("#contact-saved")).to_be_visible()
    settle(page)
    fill_address(page, "shipping", journey.address, journey.country)
    page.locator("#shipping-address-save").click()
    first_option = page.locator("#shipping-option-form input[type=radio]").first
    expect(first_option).to_be_visible()
    with page.expect_response(re.compile(r"/checkout/offer$")):
        first_option.check()
    expect(page.locator('#order-totals [data-total="shipping"]')).to_have_attribute(
        "data-amount", re.compile(r"^\d+$")
    )
    settle(page)
    expect(offer(page)).to_have_attribute("data-state", "offered")
    quoted = int(offer(page).locator("[data-checkout-plus-price]").get_attribute("data-amount"))
    opt_in(page)
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_have_attribute(
        "data-amount", str(quoted)
    )
    fill_card(page)
    shown = summary_total(page)

    assert english_on(page.content(), journey.language) == []
    main = page.locator(".checkout__main").bounding_box()
    aside = page.locator(".checkout__aside").bounding_box()
    assert main is not None
    assert aside is not None
    if journey.direction == "rtl":
        assert aside["x"] + aside["width"] <= main["x"], "the order column is not on the left"
    else:
        assert main["x"] + main["width"] <= aside["x"], "the order column is not on the right"
    screenshot(page, f"journey-{journey}-checkout-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    screenshot(page, f"journey-{journey}-checkout-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator("#place-order").click()
    expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
    expect(page.locator("html")).to_have_attribute("lang", journey.language)
    assert english_on(page.content(), journey.language) == []
    screenshot(page, f"journey-{journey}-confirmation-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    screenshot(page, f"journey-{journey}-confirmation-375")

    [order] = orders(raw)
    assert order["currency_code"] == journey.currency
    assert to_minor(Decimal(order["total_inc_tax"]), journey.currency) == shown.amount
    assert charged(sandbox, order["id"]) == shown.amount
    assert order["billing_address"]["country_iso2"] == journey.country
    assert order["billing_address"]["phone"] == journey.phone_e164
    [fee] = order_fees(raw, order["id"])
    assert to_minor(Decimal(fee["cost_ex_tax"]), journey.currency) == quoted
    recorded = written_block(raw, order["id"], expected=4)
    assert (recorded["fee_amount"], recorded["fee_currency"]) == (str(quoted), journey.currency)
    assert problems == []
