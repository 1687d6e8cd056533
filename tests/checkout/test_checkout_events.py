"""Checkout events for the merchant's analytics: the markers the server writes, each once.

The browser side (static/js/checkout-events.js pushing them to window.dataLayer) is driven in
tests/browser/test_checkout_events_in_browser.py; here the Flask test client reads the
markers (#checkout-events [data-checkout-event]) of each page and htmx answer.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app import create_app
from app.checkout import event_data
from app.checkout.events import KEY
from app.checkout_plus.offer import Quote
from app.money import to_minor
from tests.support.addresses import OH_ADDRESS
from tests.support.app_config import sandbox_config
from tests.support.offer import choose
from tests.support.offer import set_quantity
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import start
from tests.support.pages import HTMX
from tests.support.pages import parse

SNEAKERS, TENT = 101, 106
BOTH = ["returnCoverage", "shippingProtection"]
SESSION_ID = "lop_" + "a" * 20
# What a shopper typed that no event may carry: the email and the Ohio address (its words).
PERSONAL = ("@", *(value for value in OH_ADDRESS.values() if len(value) > 3))


@pytest.fixture
def events_app(sandbox, tmp_path):
    """The app with CHECKOUT_ANALYTICS_EVENTS=1."""
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_ANALYTICS_EVENTS="1"
    )
    return create_app(config)


@pytest.fixture
def shopper(events_app):
    """A browser's session on the app with events on."""
    return events_app.test_client()


def markers(response) -> list[dict]:
    """The events a page or fragment carries, in order."""
    found = parse(response).select("#checkout-events [data-checkout-event]")
    return [json.loads(marker["data-checkout-event"]) for marker in found]


def names(response) -> list[str]:
    """The names of the events a page or fragment carries, in order."""
    return [event["event"] for event in markers(response)]


def test_with_events_off_there_is_no_script_no_marker_and_nothing_kept(client, raw):
    _, page = start(client, raw, address=OH_ADDRESS)
    choose(client, page, opt_in=True)
    assert place(client, client.get("/checkout")).status_code == 303
    for response in (page, client.get("/checkout/confirmation")):
        html = parse(response)
        assert not html.select("script[src*='checkout-events']")
        assert html.select_one("#checkout-events") is None
    with client.session_transaction() as session:
        assert KEY not in session


def test_the_page_loads_the_events_script_after_htmx_and_nothing_else(shopper, raw):
    _, page = start(shopper, raw, address=OH_ADDRESS)
    scripts = [tag["src"].split("?v=")[0] for tag in parse(page).select("script")]
    assert scripts == ["/static/vendor/htmx-2.0.11.min.js", "/static/js/checkout-events.js"]
    tag = parse(page).select_one("script[src*='checkout-events']")
    assert tag.has_attr("defer")
    assert not tag.get_text().strip()
    script = shopper.get(tag["src"])
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    assert len(script.data) < 1024  # a few hundred bytes
    assert b"eval" not in script.data


def test_a_ready_checkout_begins_views_the_offer_and_has_its_shipping_once(shopper, raw):
    _, page = start(shopper, raw, address=OH_ADDRESS)
    assert names(page) == ["begin_checkout", "checkout_plus_offer_viewed", "add_shipping_info"]
    begin, viewed, shipping = markers(page)
    summary = parse(page)
    total = int(summary.select_one("#order-totals [data-total=total]")["data-amount"])
    assert begin == {
        "event": "begin_checkout",
        "ecommerce": {
            "currency": "USD",
            "value": total / 100,
            "items": [
                {
                    "item_id": "101",
                    "item_name": "Trail Runner Sneakers",
                    "price": 89,
                    "quantity": 1,
                }
            ],
        },
    }
    price = summary.select_one("[data-checkout-plus-price]")
    assert viewed == {
        "event": "checkout_plus_offer_viewed",
        "price": int(price["data-amount"]) / 100,
        "currency": "USD",
        "modes": BOTH,
    }
    assert shipping["ecommerce"]["shipping_tier"] == "Standard"
    assert shipping["ecommerce"]["value"] == total / 100
    # A reload is no new event; nor is the offer asked for again at the same price.
    assert names(shopper.get("/checkout")) == []
    assert names(shopper.get("/checkout/offer", headers=HTMX)) == []


def test_ticking_unticking_placing_each_say_so_once_with_the_quote_and_the_order(shopper, raw):
    _, page = start(shopper, raw, address=OH_ADDRESS)
    price = int(parse(page).select_one("[data-checkout-plus-price]")["data-amount"])
    offer = {"price": price / 100, "currency": "USD", "modes": BOTH}
    accepted = choose(shopper, page, opt_in=True, htmx=True)
    assert markers(accepted) == [{"event": "checkout_plus_accepted", **offer}]
    # Markers in an htmx answer are added to the page's own container, out of band.
    container = parse(accepted).select_one("#checkout-events")
    assert container["hx-swap-oob"] == "beforeend"
    assert container.has_attr("hidden")
    page = shopper.get("/checkout")
    assert names(page) == []
    declined = choose(shopper, page, opt_in=False, htmx=True)
    assert markers(declined) == [{"event": "checkout_plus_declined", **offer}]
    page = shopper.get("/checkout")
    choose(shopper, page, opt_in=True)
    response = place(shopper, shopper.get("/checkout"))
    assert response.status_code == 303
    confirmation = shopper.get("/checkout/confirmation")
    assert names(confirmation) == ["add_payment_info", "purchase"]
    [order] = orders(raw)
    payment, purchase = markers(confirmation)
    total = float(Decimal(order["total_inc_tax"]))
    assert payment["ecommerce"]["payment_type"] == "card"
    assert payment["ecommerce"]["value"] == total
    assert purchase["ecommerce"]["transaction_id"] == str(order["id"])
    assert purchase["ecommerce"]["value"] == total
    assert purchase["ecommerce"]["currency"] == "USD"
    assert to_minor(Decimal(order["total_tax"]), "USD") == round(purchase["ecommerce"]["tax"] * 100)
    assert [item["item_id"] for item in purchase["ecommerce"]["items"]] == ["101"]
    assert names(shopper.get("/checkout/confirmation")) == []  # a reload: nothing again
    for response in (page, accepted, declined, confirmation):
        text = json.dumps(markers(response))
        assert not [typed for typed in PERSONAL if typed and typed in text]


def test_a_confirmation_seen_again_after_a_new_checkout_is_no_new_purchase(shopper, raw):
    _, page = start(shopper, raw, address=OH_ADDRESS)
    assert place(shopper, page).status_code == 303
    assert names(shopper.get("/checkout/confirmation")) == ["add_payment_info", "purchase"]
    _, page = start(shopper, raw, address=OH_ADDRESS)  # the next cart begins afresh
    assert names(page) == ["begin_checkout", "checkout_plus_offer_viewed", "add_shipping_info"]
    assert names(shopper.get("/checkout/confirmation")) == []


def test_a_ticked_offer_that_loop_withdraws_says_withdrawn_once(shopper, raw):
    _, page = start(shopper, raw, items=((TENT, 1),), address=OH_ADDRESS)
    price = int(parse(page).select_one("[data-checkout-plus-price]")["data-amount"])
    choose(shopper, page, opt_in=True)
    page = shopper.get("/checkout")
    # Two tents are past Loop's maximum: the offer the shopper ticked is withdrawn.
    changed = set_quantity(shopper, page, TENT, 2, htmx=True)
    assert names(changed) == []  # the offer follows in its own request
    offer = shopper.get("/checkout/offer", headers=HTMX)
    assert markers(offer) == [
        {
            "event": "checkout_plus_withdrawn",
            "price": price / 100,
            "currency": "USD",
            "modes": BOTH,
        }
    ]
    assert names(shopper.get("/checkout")) == []


def test_a_payment_refused_is_still_payment_info_given_once(shopper, raw):
    _, page = start(shopper, raw, address=OH_ADDRESS)
    declined_card = {"card_number": "4000 0000 0000 0002"}
    assert place(shopper, page, **declined_card).status_code == 303
    back = shopper.get("/checkout")
    assert names(back) == ["add_payment_info"]
    assert place(shopper, back, **declined_card).status_code == 303
    assert names(shopper.get("/checkout")) == []


@pytest.mark.parametrize(
    ("currency", "amount", "price"),
    [("USD", 298, "2.98"), ("JPY", 450, "450"), ("KWD", 1250, "1.250")],
)
def test_an_offer_price_is_its_minor_units_by_the_currency_exponent(currency, amount, price):
    quote = Quote(SESSION_ID, ("shippingProtection", "returnCoverage"), amount, currency)
    text = event_data.offer_event(event_data.ACCEPTED, quote)
    assert text == (
        f'{{"event":"checkout_plus_accepted","price":{price},"currency":"{currency}",'
        '"modes":["shippingProtection","returnCoverage"]}'
    )


def test_amounts_are_json_numbers_written_from_the_decimal():
    assert event_data.to_json({"value": Decimal("0.10"), "n": [1, "a"]}) == (
        '{"value":0.10,"n":[1,"a"]}'
    )
    assert json.loads(event_data.to_json(Decimal("1234567.89"))) == 1234567.89
