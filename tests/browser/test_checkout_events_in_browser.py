"""Checkout events in Chromium: window.dataLayer over whole journeys, each event once, in order.

With CHECKOUT_ANALYTICS_EVENTS=1 the pages load static/js/checkout-events.js, which pushes the
markers the server writes (tests/checkout/test_checkout_events.py reads those) to the
dataLayer; with it off there is no script and no marker. The CSP stays as strict: the page
logs no violation.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from app import create_app
from app.security import content_security_policy
from app.security import sandbox_image_origins
from tests.support.addresses import OHIO
from tests.support.app_config import SHORT_PAGE_WAIT
from tests.support.app_config import sandbox_config
from tests.support.browser_states import fill_address
from tests.support.browser_states import fill_card
from tests.support.browser_states import place_order
from tests.support.ordering import orders
from tests.support.shopper_checks import add_from_catalog
from tests.support.shopper_checks import open_checkout

JACKET = 103
EMAIL = "ada@example.com"
BOTH = ["returnCoverage", "shippingProtection"]
# Everything personal the journey types: none of it may reach the dataLayer.
PERSONAL = (EMAIL, *OHIO.values())
# The events pushed so far (GA4's {ecommerce: null} resets have no "event").
EVENTS = "() => (window.dataLayer || []).filter(entry => entry.event)"


@pytest.fixture
def events_on(fresh_live_app, live_app, sandbox_services, tmp_path):
    """Serve an app with CHECKOUT_ANALYTICS_EVENTS=1 in this test instead."""
    config = sandbox_config(
        sandbox_services,
        INSTANCE_PATH=str(tmp_path / "events"),
        CHECKOUT_ANALYTICS_EVENTS="1",
        **SHORT_PAGE_WAIT,
    )
    live_app.app = create_app(config)
    return live_app.app


@pytest.fixture
def csp_watched(page: Page):
    """The page, with every console error, script error and CSP violation recorded."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert problems == []


def pushed(page: Page, count: int) -> list[dict]:
    """Wait until the dataLayer holds ``count`` events; return them all."""
    page.wait_for_function(f"n => ({EVENTS})().length >= n", arg=count)
    return page.evaluate(EVENTS)


def no_personal_data(page: Page) -> None:
    """Nothing the shopper typed is anywhere in the dataLayer."""
    everything = page.evaluate("() => JSON.stringify(window.dataLayer)")
    assert not [typed for typed in PERSONAL if typed in everything], everything


def test_a_whole_journey_pushes_each_event_once_in_order(events_on, csp_watched, raw):
    page = csp_watched
    add_from_catalog(page, "Trail Runner Sneakers")
    add_from_catalog(page, "Merino Wool Socks (3-pack)", quantity=2)
    with page.expect_response(re.compile(r"/checkout$")) as answer:
        page.get_by_role("link", name="Check out").click()
    response = answer.value
    expect(page).to_have_url(re.compile(r"/checkout$"))
    settings = events_on.config["SETTINGS"]
    assert response.headers["content-security-policy"] == content_security_policy(
        sandbox_image_origins(settings)
    )
    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", "offered")
    price = offer.locator("[data-checkout-plus-price]")
    quote = {"price": int(price.get_attribute("data-amount")) / 100, "currency": "USD"}
    begin, viewed = pushed(page, 2)
    total = page.locator("#order-totals [data-total=total]").get_attribute("data-amount")
    assert begin["event"] == "begin_checkout"
    assert begin["ecommerce"]["value"] == int(total) / 100
    assert begin["ecommerce"]["currency"] == "USD"
    assert [(i["item_id"], i["quantity"], i["price"]) for i in begin["ecommerce"]["items"]] == [
        ("101", 1, 89),
        ("102", 2, 24.5),
    ]
    assert viewed == {"event": "checkout_plus_offer_viewed", **quote, "modes": BOTH}
    # Nothing shows: the container is hidden, and each marker goes once pushed.
    expect(page.locator("#checkout-events")).to_be_hidden()
    expect(page.locator("#checkout-events [data-checkout-event]")).to_have_count(0)

    page.locator("#contact-email").fill(EMAIL)
    page.get_by_role("button", name="Continue").click()
    fill_address(page)
    page.locator("#shipping-address-save").click()
    page.get_by_role("radio", name="Standard", include_hidden=True).check()
    shipping = pushed(page, 3)[2]
    assert shipping["event"] == "add_shipping_info"
    assert shipping["ecommerce"]["shipping_tier"] == "Standard"

    offer.locator("input[name=checkout_plus]").check()
    accepted = pushed(page, 4)[3]
    assert accepted == {"event": "checkout_plus_accepted", **quote, "modes": BOTH}
    expect(page.locator("#order-totals [data-checkout-plus-fee]")).to_be_visible()

    fill_card(page)
    place_order(page)
    expect(page).to_have_url(re.compile(r"/checkout/confirmation$"))
    # A new page: a new dataLayer, holding what this page said.
    payment, purchase = pushed(page, 2)
    [order] = orders(raw)
    charged = float(Decimal(order["total_inc_tax"]))
    assert payment["event"] == "add_payment_info"
    assert payment["ecommerce"]["payment_type"] == "card"
    assert purchase["event"] == "purchase"
    assert purchase["ecommerce"]["transaction_id"] == str(order["id"])
    assert purchase["ecommerce"]["value"] == charged
    assert purchase["ecommerce"]["currency"] == order["currency_code"] == "USD"
    no_personal_data(page)
    # GA4's advice: the ecommerce object is cleared before each ecommerce event.
    layer = page.evaluate("() => window.dataLayer")
    assert layer[0] == {"ecommerce": None}
    # A reload says nothing again.
    page.reload()
    expect(page.locator("#order-confirmation")).to_be_visible()
    assert page.evaluate(EVENTS) == []


def test_declined_and_withdrawn_are_pushed_once_each(events_on, csp_watched, store):
    page = csp_watched
    open_checkout(page, store, [(JACKET, 1)])
    offer = page.locator("#checkout-plus-offer")
    expect(offer).to_have_attribute("data-state", "offered")
    checkbox = offer.locator("input[name=checkout_plus]")
    pushed(page, 2)
    checkbox.check()
    pushed(page, 3)
    checkbox.uncheck()
    pushed(page, 4)
    checkbox.check()
    pushed(page, 5)
    expect(page.locator("#order-totals [data-checkout-plus-fee][data-amount]")).to_be_visible()
    field = page.get_by_label("Quantity of Waterproof Shell Jacket")
    field.fill("11")  # over Loop's $2,000 maximum: the ticked offer is withdrawn
    field.press("Enter")
    expect(offer).to_have_attribute("data-state", "withdrawn")
    events = pushed(page, 6)
    assert [event["event"] for event in events] == [
        "begin_checkout",
        "checkout_plus_offer_viewed",
        "checkout_plus_accepted",
        "checkout_plus_declined",
        "checkout_plus_accepted",
        "checkout_plus_withdrawn",
    ]
    viewed = events[1]
    for event in events[2:]:
        assert {k: event[k] for k in ("price", "currency", "modes")} == {
            k: viewed[k] for k in ("price", "currency", "modes")
        }
    expect(page.locator("#order-summary [data-line-id]")).to_have_attribute("data-quantity", "11")
    assert len(page.evaluate(EVENTS)) == 6
    page.reload()
    expect(offer).to_have_attribute("data-state", "withdrawn")
    assert page.evaluate(EVENTS) == []
    no_personal_data(page)


def test_with_events_off_no_script_no_marker_no_datalayer(csp_watched, store):
    page = csp_watched
    open_checkout(page, store, [(JACKET, 1)])
    expect(page.locator("#checkout-plus-offer")).to_have_attribute("data-state", "offered")
    sources = page.eval_on_selector_all("script", "tags => tags.map(tag => tag.src)")
    assert [src for src in sources if "checkout-events" in src] == []
    assert len(sources) == 1  # htmx alone
    expect(page.locator("#checkout-events")).to_have_count(0)
    assert page.evaluate("() => window.dataLayer") is None
