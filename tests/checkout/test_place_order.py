"""Placing the order: the fee matches the decision, one order, one payment, the record."""

from __future__ import annotations

import copy
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from app.checkout.placement import ACCEPTED_QUOTE_MAX_AGE_SECONDS
from app.clients.bigcommerce.payments import BigCommercePayments
from app.config import ConfigError
from app.sandbox import credentials
from app.sync.jobs import PENDING
from tests.support.addresses import JP_ADDRESS
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import OH_ADDRESS
from tests.support.app_config import sandbox_config
from tests.support.loop_requests import default_rules
from tests.support.offer import analyses
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_rules
from tests.support.ordering import DECLINED_CARD
from tests.support.ordering import OURS
from tests.support.ordering import metafields
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse
from tests.support.waiting import wait_until


def test_an_opted_in_order_carries_one_fee_and_the_four_metafields(app, client, raw, sandbox):
    _cart_id, page = start(client, raw)
    choose(client, page, opt_in=True)
    response = place(client, client.get("/checkout"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout/confirmation"
    [order] = orders(raw)
    assert order["status_id"] == 11
    [fee] = order_fees(raw, order["id"])
    assert fee["cost_ex_tax"].startswith("2.98")
    session_id = sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json["sessionId"]
    assert metafields(raw, order["id"], app.extensions["sync_queue"]) == {
        "session_id": session_id,
        "accepted_offer_mode": '["returnCoverage","shippingProtection"]',
        "fee_amount": "298",
        "fee_currency": "USD",
    }
    confirmation = parse(client.get("/checkout/confirmation"))
    assert confirmation.select_one("#order-confirmation")["data-order-id"] == str(order["id"])
    fee_row = confirmation.select_one("[data-order-fee]")
    assert fee_row["data-amount"] == "298"
    assert "Order protection" in fee_row.get_text()
    coverage = confirmation.select_one("[data-checkout-plus-coverage]")
    assert "returns and shipping" in coverage.get_text()
    assert payments(sandbox) == 1
    assert client.get("/checkout").status_code == 200  # the cart is done: an empty checkout


def test_an_opted_out_order_has_no_fee_and_no_metafields(app, client, raw, sandbox):
    _, page = start(client, raw)
    assert placed(place(client, page))
    [order] = orders(raw)
    assert order["status_id"] == 11
    assert order_fees(raw, order["id"]) == []
    assert metafields(raw, order["id"], app.extensions["sync_queue"]) == {}
    assert not parse(client.get("/checkout/confirmation")).select("[data-checkout-plus-coverage]")


def test_a_changed_price_stops_the_order_until_the_shopper_confirms(client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    rules = copy.deepcopy(default_rules())
    rules["merchants"]["demo"]["pricing"]["USD"]["tiers"][0]["price"]["returnCoverage"] = 248
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules)
    response = sent_back(client, place(client, client.get("/checkout")))
    page = parse(response)
    assert "changed" in page.select_one("#payment-message #placement-notice").get_text()
    offer = offer_of(response)
    assert offer.select_one("[data-checkout-plus-price]")["data-amount"] == "348"
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert orders(raw) == []
    choose(client, response, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    [fee] = order_fees(raw, order["id"])
    assert fee["cost_ex_tax"].startswith("3.48")


def test_a_withdrawn_offer_stops_an_opted_in_order_once(client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    set_rules(sandbox, enabled=False)
    response = sent_back(client, place(client, client.get("/checkout")))
    assert "no longer offered" in parse(response).select_one("#placement-notice").get_text()
    assert offer_of(response)["data-state"] == "hidden"
    assert placed(place(client, response))
    [order] = orders(raw)
    assert order_fees(raw, order["id"]) == []


def test_two_submits_at_once_make_one_order_one_fee_one_payment(app, client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    twin = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    twin.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda c: place(c, page), (client, twin)))
    assert [placed(answer) for answer in answers] == [True, True]
    [order] = orders(raw)
    assert len(order_fees(raw, order["id"])) == 1
    assert payments(sandbox) == 1
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/orders") == 1


def test_a_declined_card_keeps_the_shopper_and_a_retry_pays_the_same_order(client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    declined_answer = place(client, client.get("/checkout"), number=DECLINED_CARD)
    response = sent_back(client, declined_answer)
    page = parse(response)
    message = page.select_one("#payment-message[role=alert][tabindex='-1'][autofocus]")
    assert message.select_one("#payment-problem").get_text(strip=True)
    assert page.select_one("#payment-cardholder_name")["value"] == "Jane Doe"
    assert page.select_one("#payment-expiry")["value"] == "12/29"
    assert page.select_one("#payment-card_number")["value"] == ""  # never shown back
    assert "4000" not in response.get_data(as_text=True)
    assert "4000" not in declined_answer.headers.get("Set-Cookie", "")
    [declined] = orders(raw)
    assert declined["status_id"] == 0
    assert placed(place(client, response))
    [paid] = orders(raw)
    assert paid["id"] == declined["id"]
    assert paid["status_id"] == 11
    assert len(order_fees(raw, paid["id"])) == 1


@pytest.mark.parametrize(
    ("currency", "address", "wire_cost"),
    [("JPY", JP_ADDRESS, "450"), ("KWD", KW_ADDRESS, "0.915")],
)
def test_the_fee_cost_has_the_currencys_exponent(
    client, raw, sandbox, currency, address, wire_cost
):
    _, page = start(client, raw, items=((102, 1),), currency=currency, address=address)
    choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    [sent] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/checkouts/*/fees")
    # On the wire as a JSON number with exactly the currency's decimals, never via a float.
    assert re.search(rf'"cost":\s*{re.escape(wire_cost)}[,}}]', sent.body.decode())


def test_no_room_for_the_fee_means_no_silent_order_without_protection(client, raw, sandbox):
    cart_id, page = start(client, raw)
    others = [
        {
            "type": "custom_fee",
            "name": f"f{n}",
            "display_name": f"Fee {n}",
            "cost": 1,
            "source": "x",
        }
        for n in range(5)
    ]
    raw.call("POST", f"/v3/checkouts/{cart_id}/fees", {"fees": others})
    # The shopper is told at once, beside the box, and the box stays unticked.
    answer = choose(client, page, opt_in=True, htmx=True)
    offer = offer_of(answer)
    assert "can't be added" in offer.select_one("[data-checkout-plus-notice]").get_text()
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    response = client.get("/checkout")
    assert not offer_of(response).select_one("input[name=checkout_plus]").has_attr("checked")
    assert placed(place(client, response))
    [order] = orders(raw)
    assert all(fee.get("source") != OURS for fee in order_fees(raw, order["id"]))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("cardholder_name", "", "name on the card"),
        ("card_number", "4111", "12 to 19 digits"),
        ("expiry", "13/29", "MM/YY"),
        ("security_code", "12a", "3 or 4 digits"),
    ],
)
def test_each_payment_field_explains_its_problem(client, raw, sandbox, field, value, problem):
    _, page = start(client, raw)
    response = sent_back(client, place(client, page, **{field: value}))
    page = parse(response)
    assert page.select_one("#payment-message[autofocus]")
    box = page.select_one(f"#payment-{field}")
    assert box["aria-invalid"] == "true"
    assert problem in page.select_one(f"#{box['aria-describedby'].split()[-1]}").get_text()
    assert orders(raw) == []


def test_a_resubmitted_form_after_success_shows_the_confirmation(client, raw, sandbox):
    _, page = start(client, raw)
    assert placed(place(client, page))
    again = place(client, page)
    assert again.status_code == 303
    assert again.headers["Location"] == "/checkout/confirmation"
    assert len(orders(raw)) == 1


def test_a_pickup_order_that_loop_turns_down_has_no_fee(client, store, raw, sandbox):
    set_rules(sandbox, pickup="ineligible")
    cart_id = store.create_cart([(101, 1)])
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=OH_ADDRESS)
    client.get(f"/checkout?cart_id={cart_id}")
    page = client.get("/checkout")
    assert offer_of(page)["data-state"] == "offered"  # shipped, by default
    response = client.post(
        "/checkout/delivery-method",
        data={"csrf_token": csrf_token(parse(page)), "delivery-method": "pickup-1"},
    )
    assert response.status_code == 303
    page = client.get("/checkout")
    assert {"deliveryMethod": "PICKUP"} in analyses(sandbox)[-1].json["deliveryGroups"]
    assert offer_of(page)["data-state"] == "hidden"
    assert placed(place(client, page))
    [order] = orders(raw)
    assert order["status_id"] == 11
    assert order_fees(raw, order["id"]) == []
    assert metafields(raw, order["id"]) == {}


@pytest.mark.parametrize(
    ("returns", "shipping", "wire_cost"),
    [(1899, 100, "19.99"), (10, 20, "0.30"), (1, 1, "0.02")],
)
def test_the_fee_cost_is_exact_for_awkward_amounts(
    app, client, raw, sandbox, returns, shipping, wire_cost
):
    rules = copy.deepcopy(default_rules())
    rules["merchants"]["demo"]["pricing"]["USD"]["tiers"][0]["price"] = {
        "returnCoverage": returns,
        "shippingProtection": shipping,
    }
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules)
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    [sent] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/checkouts/*/fees")
    # 10 + 20 cents is 0.30 exactly: no float sum such as 0.30000000000000004 on the wire.
    assert re.search(rf'"cost":\s*{re.escape(wire_cost)}[,}}]', sent.body.decode())
    [order] = orders(raw)
    queue = app.extensions["sync_queue"]
    assert metafields(raw, order["id"], queue)["fee_amount"] == str(returns + shipping)


def test_a_stale_fee_of_ours_goes_and_another_apps_fee_stays(client, raw, sandbox):
    cart_id, _ = start(client, raw)
    fees = [
        {"type": "custom_fee", "name": "old", "display_name": "Old", "cost": 3, "source": OURS},
        {
            "type": "custom_fee",
            "name": "gift",
            "display_name": "Gift wrap",
            "cost": 2,
            "source": "x",
        },
    ]
    raw.call("POST", f"/v3/checkouts/{cart_id}/fees", {"fees": fees})
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    assert [fee["source"] for fee in order_fees(raw, order["id"])] == ["x"]


def test_a_failure_after_the_order_exists_is_retried_on_the_same_order(client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    sandbox.set_faults("bigcommerce POST /stores/*/payments status=503 times=1")
    response = sent_back(client, place(client, client.get("/checkout")))
    assert "not be charged twice" in parse(response).select_one("#payment-problem").get_text()
    [waiting] = orders(raw)
    assert waiting["status_id"] == 0
    assert placed(place(client, response))
    [paid] = orders(raw)
    assert paid["id"] == waiting["id"]
    assert paid["status_id"] == 11
    assert len(order_fees(raw, paid["id"])) == 1
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/orders") == 1


def test_the_fee_name_and_tax_class_come_from_configuration(sandbox, raw, tmp_path):
    app = create_app(
        sandbox_config(
            sandbox,
            INSTANCE_PATH=str(tmp_path),
            CHECKOUT_PLUS_FEE_DISPLAY_NAME="Package protection",
            CHECKOUT_PLUS_FEE_TAX_CLASS_ID="0",
            CHECKOUT_PLUS_FEE_NAME="Checkout+ by Loop",
        )
    )
    client = app.test_client()
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    shown = parse(client.get("/checkout")).select_one("[data-checkout-plus-fee] dt")
    assert shown.get_text(strip=True) == "Package protection"  # the page says what the order will
    assert placed(place(client, client.get("/checkout")))
    [sent] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/checkouts/*/fees")
    [fee] = sent.json["fees"]
    assert (fee["display_name"], fee["tax_class_id"]) == ("Package protection", 0)
    [order] = orders(raw)
    assert metafields(raw, order["id"], app.extensions["sync_queue"])["fee_name"] == (
        "Checkout+ by Loop"
    )
    assert "Package protection" in parse(client.get("/checkout/confirmation")).get_text()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CHECKOUT_PLUS_FEE_TAX_CLASS_ID", "standard"), ("CHECKOUT_PLUS_FEE_DISPLAY_NAME", "x" * 201)],
)
def test_a_bad_fee_setting_stops_start_up_by_name(sandbox, tmp_path, variable, value):
    with pytest.raises(ConfigError) as raised:
        create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path), **{variable: value}))
    assert raised.value.variable == variable


def test_a_payment_whose_answer_is_lost_is_found_and_finished_on_retry(app, client, raw, sandbox):
    # A short read timeout, so the test need not wait 20 s for the answer to be given up on.
    placement = app.extensions["placement_service"]
    placement._payments = BigCommercePayments(
        sandbox.bigcommerce.url, credentials.BIGCOMMERCE_STORE_HASH, timeout=(1.0, 0.5)
    )
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    sandbox.set_faults("bigcommerce POST /stores/*/payments delay=1.5 times=1")
    response = sent_back(client, place(client, client.get("/checkout")))
    # No answer: we cannot say it was charged, so the shopper is asked to try again.
    assert "try again" in parse(response).select_one("#payment-problem").get_text()
    [order] = orders(raw)
    # The sandbox charges the card once its delay is over.
    wait_until(lambda: orders(raw)[0]["status_id"] == 11, message="the delayed payment to land")
    client.get(f"/checkout?cart_id={order['cart_id']}")
    again = place(client, page)
    assert again.status_code == 303
    assert again.headers["Location"] == "/checkout/confirmation"
    assert payments(sandbox) == 1
    assert len(orders(raw)) == 1
    assert app.extensions["sync_queue"].jobs.for_order(order["id"]) is not None


# Loop failing at place, as the sandbox makes it fail: 5xx, 429, a body that is not JSON, and
# an answer slower than the app's analyze budget.
LOOP_FAILURES_AT_PLACE = {
    "5xx": "loop POST /v1/analyze status=503",
    "429": "loop POST /v1/analyze status=429",
    "malformed": "loop POST /v1/analyze malformed",
    "timeout": "loop POST /v1/analyze delay=0.8",
}


def quick_loop_app(sandbox, tmp_path):
    """The app with a short analyze budget, so a slow Loop costs the test little."""
    return create_app(
        sandbox_config(
            sandbox, INSTANCE_PATH=str(tmp_path / "instance"), LOOP_ANALYZE_TIMEOUT="0.3"
        )
    )


def opted_in_page(client, raw):
    """Start a checkout and opt in at Loop's quote; return the cart id and the ticked page."""
    cart_id, page = start(client, raw)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    assert offer_of(page).select_one("input[name=checkout_plus]").has_attr("checked")
    return cart_id, page


@pytest.mark.parametrize("fault", LOOP_FAILURES_AT_PLACE.values(), ids=LOOP_FAILURES_AT_PLACE)
def test_a_loop_failure_at_place_keeps_the_accepted_quote_of_an_unchanged_cart(
    sandbox, raw, tmp_path, fault
):
    app = quick_loop_app(sandbox, tmp_path)
    client = app.test_client()
    _, page = opted_in_page(client, raw)
    [priced] = analyses(sandbox)
    sandbox.set_faults(fault)
    response = place(client, page)
    assert placed(response)
    assert analyses(sandbox)[-1].fault is not None  # Loop was asked at place, and failed
    [order] = orders(raw)
    assert order["status_id"] == 11
    [fee] = order_fees(raw, order["id"])
    assert fee["cost_ex_tax"].startswith("2.98")
    queue = app.extensions["sync_queue"]
    assert queue.jobs.for_order(order["id"]) is not None
    assert metafields(raw, order["id"], queue) == {
        "session_id": priced.response_json["sessionId"],
        "accepted_offer_mode": '["returnCoverage","shippingProtection"]',
        "fee_amount": "298",
        "fee_currency": "USD",
    }
    assert payments(sandbox) == 1


def test_loop_answering_ineligible_at_place_still_stops_an_opted_in_order(
    app, client, raw, sandbox
):
    cart_id, page = opted_in_page(client, raw)
    set_rules(sandbox, enabled=False)  # Loop's real answer: not offered any more
    answer = place(client, page)
    # The fee the opt-in had put on the checkout is off before the browser comes back.
    assert raw.call("GET", f"/v3/checkouts/{cart_id}").json()["data"]["fees"] == []
    response = sent_back(client, answer)
    assert "no longer offered" in parse(response).select_one("#placement-notice").get_text()
    assert orders(raw) == []
    assert app.extensions["sync_queue"].jobs.in_state(PENDING) == []


def test_a_loop_failure_at_place_stops_a_cart_changed_since_loop_priced_it(sandbox, raw, tmp_path):
    app = quick_loop_app(sandbox, tmp_path)
    client = app.test_client()
    cart_id, page = opted_in_page(client, raw)
    # Another tab takes a second pair: the accepted quote priced a cart that is no longer there.
    [line] = raw.call("GET", f"/v3/carts/{cart_id}").json()["data"]["line_items"]["physical_items"]
    two = {"line_item": {"product_id": line["product_id"], "quantity": 2}}
    assert raw.call("PUT", f"/v3/carts/{cart_id}/items/{line['id']}", two).status_code == 200
    sandbox.set_faults(LOOP_FAILURES_AT_PLACE["5xx"])
    response = sent_back(client, place(client, page))
    assert "no longer offered" in parse(response).select_one("#placement-notice").get_text()
    assert orders(raw) == []


def test_a_loop_failure_at_place_stops_a_quote_accepted_too_long_ago(
    sandbox, raw, tmp_path, monkeypatch
):
    app = quick_loop_app(sandbox, tmp_path)
    client = app.test_client()
    _, page = opted_in_page(client, raw)
    offers = app.extensions["placement_service"]._offers
    later = time.time() + ACCEPTED_QUOTE_MAX_AGE_SECONDS + 60
    monkeypatch.setattr(offers, "_clock", lambda: later)
    sandbox.set_faults(LOOP_FAILURES_AT_PLACE["5xx"])
    response = sent_back(client, place(client, page))
    assert "no longer offered" in parse(response).select_one("#placement-notice").get_text()
    assert orders(raw) == []
