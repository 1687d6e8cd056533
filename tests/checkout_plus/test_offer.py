"""The Checkout+ offer on the checkout page: every state, the opt-in and the currencies."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from app import create_app
from app.checkout_plus.fee import FEE_SOURCE
from app.checkout_plus.service import ANALYSIS_FRESH_SECONDS
from app.money import format_minor
from app.money import to_minor
from app.sandbox.loop.evaluate import REASONS
from tests.support.app_config import SHORT_PAGE_WAIT
from tests.support.app_config import sandbox_config
from tests.support.canned import CannedServer
from tests.support.catalog import JACKET
from tests.support.catalog import SNEAKERS
from tests.support.catalog import SOCKS
from tests.support.catalog import SUNGLASSES
from tests.support.catalog import TENT
from tests.support.offer import BOTH
from tests.support.offer import analyses
from tests.support.offer import assert_hidden
from tests.support.offer import assert_offered
from tests.support.offer import assert_withdrawn
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.offer import set_rules
from tests.support.offer import summary_totals
from tests.support.offer import withdrawn_in_totals
from tests.support.pages import HTMX
from tests.support.pages import open_checkout
from tests.support.pages import parse

INELIGIBLE_REASONS = tuple(reason for reason in REASONS if reason != "eligible")


def session_data(app, client) -> dict:
    """Decode the signed session cookie as the server reads it."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_an_eligible_cart_is_offered_unticked_at_loops_price(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    response = open_checkout(client, cart_id)
    offer = offer_of(response)
    # $89.00 is in the first tier: 198 for returns + 100 for shipping.
    assert_offered(offer, 298, "USD", BOTH)
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert "$2.98" in offer.select_one("label").get_text()
    assert offer.select_one("details summary")
    [call] = analyses(sandbox)
    assert call.json["cartId"] == cart_id
    assert "checkout_plus" not in summary_totals(response)


def test_whats_covered_has_no_terms_link_unless_one_is_configured(client, store, sandbox):
    offer = offer_of(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    assert offer.select_one("details summary")
    assert offer.select_one("[data-checkout-plus-terms]") is None
    assert not offer.select("details a")


def test_whats_covered_links_to_the_configured_terms(sandbox, store, tmp_path):
    terms = "https://shop.example/pages/protection-terms?lang=en#returns"
    app = create_app(
        sandbox_config(sandbox, CHECKOUT_PLUS_TERMS_URL=terms, INSTANCE_PATH=str(tmp_path))
    )
    client = app.test_client()
    offer = offer_of(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    [link] = offer.select("details a")
    assert link.has_attr("data-checkout-plus-terms")
    assert link["href"] == terms
    # It opens in the same tab: no target, so no hidden new-tab behaviour to announce.
    assert not link.has_attr("target")
    assert link.get_text(strip=True) == "full protection terms"
    # The offer's own answer (after a cart change) carries it too.
    again = offer_of(client.get("/checkout/offer", headers=HTMX))
    assert again.select_one("details a[data-checkout-plus-terms]")["href"] == terms


@pytest.mark.parametrize(
    ("modes", "amount"),
    [
        (["returnCoverage"], 198),
        (["shippingProtection"], 100),
        (["returnCoverage", "shippingProtection"], 298),
        (["shippingProtection", "returnCoverage"], 298),
    ],
)
def test_each_mode_set_gets_its_own_copy_and_keeps_loops_order(
    client, store, sandbox, modes, amount
):
    set_rules(sandbox, modes=modes)
    cart_id = store.create_cart([(SNEAKERS, 1)])
    assert_offered(offer_of(open_checkout(client, cart_id)), amount, "USD", modes)


@pytest.fixture
def canned_loop(sandbox, tmp_path):
    """The app with its Loop answered by a canned server instead of the sandbox."""
    server = CannedServer()
    app = create_app(
        sandbox_config(
            sandbox, LOOP_CHECKOUT_PLUS_URL=server.url, INSTANCE_PATH=str(tmp_path / "i")
        )
    )
    yield server, app.test_client()
    server.stop()


@pytest.mark.parametrize("reason", INELIGIBLE_REASONS)
def test_every_ineligible_reason_hides_the_offer(canned_loop, store, reason):
    server, client = canned_loop
    server.answer_json(
        {
            "sessionId": "lop_Canned0000000000000",
            "eligible": False,
            "reason": reason,
            "chargeInstructions": None,
            "metadata": {"analysisCount": 1, "sessionCreated": True},
        }
    )
    response = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    assert response.status_code == 200
    assert_hidden(offer_of(response))
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("rules", "items"),
    [
        ({}, [(SUNGLASSES, 1)]),  # cart_only_has_excluded_products
        ({}, [(TENT, 2)]),  # cart_too_valuable: $2,598 is over the $2,000 maximum
        ({"excluded_lines": "disqualify"}, [(SNEAKERS, 1), (SUNGLASSES, 1)]),
        ({"enabled": False}, [(SNEAKERS, 1)]),
    ],
)
def test_carts_the_sandbox_rules_turn_down_show_no_offer(client, store, sandbox, rules, items):
    if rules:
        set_rules(sandbox, **rules)
    response = open_checkout(client, store.create_cart(items))
    assert_hidden(offer_of(response))
    assert analyses(sandbox)[0].response_json["eligible"] is False


@pytest.mark.parametrize(
    "fault",
    [
        "status=401",
        "status=429",
        "status=500",
        "status=503",
        "malformed",
    ],
)
def test_loop_failures_hide_the_offer_and_the_checkout_goes_on(client, store, sandbox, fault):
    sandbox.set_faults(f"loop POST /v1/analyze {fault}")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    response = open_checkout(client, cart_id)
    assert response.status_code == 200
    assert_hidden(offer_of(response))
    grand_total = store.checkout(cart_id)["grand_total"]
    assert summary_totals(response)["total"] == to_minor(grand_total, "USD")


def test_a_slow_loop_is_given_up_on_within_the_budget(sandbox, store, tmp_path):
    config = sandbox_config(
        sandbox, LOOP_ANALYZE_TIMEOUT="0.3", INSTANCE_PATH=str(tmp_path), **SHORT_PAGE_WAIT
    )
    client = create_app(config).test_client()
    sandbox.set_faults("loop POST /v1/analyze delay=2")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    client.get(f"/checkout?cart_id={cart_id}")
    response = client.get("/checkout")
    assert response.status_code == 200
    # The page waits on Loop only briefly: the offer is loading, and asks for itself.
    assert offer_of(response)["data-state"] == "loading"
    response = client.get("/checkout/offer", headers=HTMX)
    # Had the follow-up waited for Loop's answer (2 s), it would show the offer Loop made.
    # How long the page takes is the benchmark's (page_past_loop_budget in tests/bench).
    assert_hidden(offer_of(response))


@pytest.mark.parametrize(
    ("currency", "items", "locale", "amount", "shown"),
    [
        # ¥3,600 is in the first JPY tier: 300 + 150 whole yen.
        ("JPY", [(SOCKS, 1)], "en-US", 450, "¥450"),
        # €179.00 is in the second EUR tier: 379 + 190 cents, written the German way.
        ("EUR", [(JACKET, 1)], "de-DE", 569, "5,69\xa0€"),
        # 7.525 dinar is in the first KWD tier: 610 + 305 fils, three decimals.
        ("KWD", [(SOCKS, 1)], "en-US", 915, "0.915"),
    ],
)
def test_prices_use_the_currency_exponent_and_the_shoppers_locale(
    client, store, sandbox, currency, items, locale, amount, shown
):
    cart_id = store.create_cart(items, currency=currency)
    response = open_checkout(client, cart_id, headers={"Accept-Language": f"{locale},en;q=0.5"})
    offer = offer_of(response)
    assert_offered(offer, amount, currency, BOTH)
    price_text = offer.select_one("[data-checkout-plus-price]").get_text()
    assert shown in price_text
    assert format_minor(amount, currency, locale.replace("-", "_")) in price_text
    assert analyses(sandbox)[0].json["locale"] == locale


def test_a_fee_whose_opt_in_the_session_lost_comes_off_at_the_next_look(
    app, client, store, sandbox
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    choose(client, open_checkout(client, cart_id), opt_in=True)
    assert [fee["source"] for fee in store.checkout(cart_id)["fees"]] == [FEE_SOURCE]
    # The tab closes; the cart is opened in a browser whose session never ticked the box.
    other = app.test_client()
    page = open_checkout(other, cart_id)
    assert store.checkout(cart_id)["fees"] == []
    assert not offer_of(page).select_one("input[name=checkout_plus]").has_attr("checked")
    totals = summary_totals(page)
    assert "checkout_plus" not in totals
    assert totals["total"] == to_minor(store.checkout(cart_id)["grand_total"], "USD")


def test_opting_in_adds_the_fee_line_and_total_without_javascript(app, client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = choose(client, page, opt_in=True)
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    page = client.get("/checkout")
    assert offer_of(page).select_one("input[name=checkout_plus]").has_attr("checked")
    totals = summary_totals(page)
    # The fee is on BigCommerce's checkout, so its grand total is the one shown.
    checkout = store.checkout(cart_id)
    [fee] = checkout["fees"]
    assert (fee["source"], fee["cost_ex_tax"]) == ("loop-checkout-plus", Decimal("2.98"))
    assert totals["checkout_plus"] == 298
    assert totals["total"] == to_minor(checkout["grand_total"], "USD")
    assert totals["total"] == totals["subtotal"] + 298 + totals["tax"]
    fee_row = parse(page).select_one("#order-totals [data-checkout-plus-fee]")
    assert "$2.98" in fee_row.get_text()
    accepted = session_data(app, client)["checkout"]["offer"]["accepted"]
    session_id = analyses(sandbox)[0].response_json["sessionId"]
    assert accepted == {"session_id": session_id, "mode": BOTH, "amount": 298, "currency": "USD"}
    assert len(analyses(sandbox)) == 1


def test_opting_in_with_htmx_answers_the_offer_and_the_summary_together(client, store, sandbox):
    page = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    response = choose(client, page, opt_in=True, htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    fragment = parse(response)
    assert fragment.select_one("#checkout-plus-offer input[name=checkout_plus]").has_attr("checked")
    assert not fragment.select("#order-summary"), "the lines are never replaced by the offer"
    summary = fragment.select_one("#order-totals")
    assert summary["hx-swap-oob"] == "outerHTML"
    assert int(summary.select_one("[data-checkout-plus-fee]")["data-amount"]) == 298
    assert not fragment.select("html, body, header")
    response = choose(client, parse_page(client), opt_in=False, htmx=True)
    assert not parse(response).select("[data-checkout-plus-fee]")
    assert not offer_of(response).select_one("input[name=checkout_plus]").has_attr("checked")


def parse_page(client):
    """Return the checkout page response as it is now."""
    return client.get("/checkout")


def test_a_form_showing_an_older_price_does_not_opt_in(client, store, sandbox):
    page = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    response = choose(client, page, opt_in=True, htmx=True, quote="0123456789abcdef")
    offer = offer_of(response)
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert offer.select_one(".offer__notice[role=status]")
    assert not parse(response).select("[data-checkout-plus-fee]")
    response = choose(client, page, opt_in=True, quote="")
    assert not offer_of(client.get("/checkout")).select_one("input[checked]")


def test_the_choice_survives_a_price_change_and_shows_the_new_price(client, store, sandbox):
    page = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    assert set_quantity(client, page, SNEAKERS, 2).status_code == 303
    page = client.get("/checkout")
    # $178.00 is in the second tier: 398 + 200.
    offer = offer_of(page)
    assert_offered(offer, 598, "USD", BOTH)
    assert offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert summary_totals(page)["checkout_plus"] == 598


def test_a_change_of_coverage_clears_the_choice_and_asks_again(app, client, store, sandbox):
    page = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    choose(client, page, opt_in=True)
    set_rules(sandbox, modes=["returnCoverage"])
    set_quantity(client, client.get("/checkout"), SNEAKERS, 2)
    page = client.get("/checkout")
    offer = offer_of(page)
    assert_offered(offer, 398, "USD", ["returnCoverage"])
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert "changed" in offer.select_one(".offer__notice[role=status]").get_text()
    assert "checkout_plus" not in summary_totals(page)
    assert session_data(app, client)["checkout"]["offer"]["accepted"] is None
    choose(client, page, opt_in=True)
    offer = offer_of(client.get("/checkout"))
    assert offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer.select(".offer__notice")


def test_an_ineligible_cart_withdraws_the_offer_and_forgets_the_choice(app, client, store, sandbox):
    set_rules(sandbox, excluded_lines="disqualify")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    choose(client, open_checkout(client, cart_id), opt_in=True)
    store.data(
        "POST",
        f"/v3/carts/{cart_id}/items",
        json={"line_items": [{"product_id": SUNGLASSES, "quantity": 1}]},
    )
    page = client.get("/checkout")
    assert_withdrawn(offer_of(page))
    assert withdrawn_in_totals(page)
    assert "checkout_plus" not in summary_totals(page)
    assert session_data(app, client)["checkout"]["offer"]["accepted"] is None
    set_quantity(client, page, SUNGLASSES, 0)
    offer = offer_of(client.get("/checkout"))
    assert_offered(offer, 298, "USD", BOTH)
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")


def test_a_protection_fee_already_on_the_checkout_is_never_counted_twice(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    # Whole dollars, so the request body needs no decimal: $3 of ours, $2 of another app's.
    fee = {"type": "custom_fee", "cost": 3, "name": "cp", "display_name": "Order protection"}
    other = {"type": "custom_fee", "cost": 2, "name": "gift", "display_name": "Gift wrap"}
    store.data(
        "POST",
        f"/v3/checkouts/{cart_id}/fees",
        json={"fees": [{**fee, "source": FEE_SOURCE}, {**other, "source": "another-app"}]},
    )
    grand_total = to_minor(store.checkout(cart_id)["grand_total"], "USD")
    page = open_checkout(client, cart_id)
    totals = summary_totals(page)
    # Not opted in: our fee left on the checkout is not the shopper's; the other app's stays.
    assert totals["fee"] == 200
    assert "checkout_plus" not in totals
    assert totals["total"] == grand_total - 300
    assert analyses(sandbox)[0].json["cart"]["totalAmount"] == grand_total - 300
    choose(client, page, opt_in=True)
    totals = summary_totals(client.get("/checkout"))
    assert totals["checkout_plus"] == 298
    assert totals["total"] == grand_total - 300 + 298


# Withdrawn: an offer the shopper ticked that Loop no longer makes


def opted_in_tent(client, store) -> tuple[str, object]:
    """Open a checkout for one tent ($1,299, Loop's top tier) and opt in; return cart and page."""
    cart_id = store.create_cart([(TENT, 1)])
    page = open_checkout(client, cart_id)
    assert_offered(offer_of(page), 1498, "USD", BOTH)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    assert summary_totals(page)["checkout_plus"] == 1498
    return cart_id, page


def test_a_ticked_offer_loop_withdraws_says_so_where_it_was_and_in_the_totals(
    client, store, sandbox
):
    cart_id, page = opted_in_tent(client, store)
    # A second tent takes the cart to $2,598, over Loop's $2,000 maximum.
    changed = set_quantity(client, page, TENT, 2, htmx=True)
    assert changed.headers["HX-Trigger"] == "cart-changed"
    response = client.get("/checkout/offer", headers=HTMX)
    assert analyses(sandbox)[-1].response_json["reason"] == "cart_too_valuable"
    assert_withdrawn(offer_of(response))
    totals = parse(response).select_one("#order-totals")
    assert totals["hx-swap-oob"] == "outerHTML"
    line = totals.select_one("[data-checkout-plus-withdrawn]")
    assert line.get_text(" ", strip=True) == "Order protection Removed"
    assert not line.has_attr("data-amount")
    assert not totals.select("[data-checkout-plus-fee]")
    status = parse(response).select_one("#checkout-plus-status").get_text()
    assert "no longer available for this order" in status
    # The whole page says the same, and goes on saying it while the cart changes again.
    page = client.get("/checkout")
    assert_withdrawn(offer_of(page))
    assert withdrawn_in_totals(page)
    set_quantity(client, page, TENT, 3)
    page = client.get("/checkout")
    assert_withdrawn(offer_of(page))
    assert withdrawn_in_totals(page)
    assert "checkout_plus" not in summary_totals(page)
    grand_total = to_minor(store.checkout(cart_id)["grand_total"], "USD")
    assert summary_totals(page)["total"] == grand_total


def test_the_withdrawn_word_goes_when_an_offer_comes_back_unticked(client, store, sandbox):
    _, page = opted_in_tent(client, store)
    set_quantity(client, page, TENT, 2)
    page = client.get("/checkout")
    assert_withdrawn(offer_of(page))
    set_quantity(client, page, TENT, 1)
    page = client.get("/checkout")
    offer = offer_of(page)
    assert_offered(offer, 1498, "USD", BOTH)
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer.select("[data-checkout-plus-withdrawn]")
    assert not withdrawn_in_totals(page)


def quick_loop_app(sandbox, tmp_path):
    """The app with a short analyze budget, so a slow Loop costs the test little.

    The page waits on Loop for the whole budget here, so it sees the timeout itself (the
    page that shows the offer loading instead is tested in test_offer_wait.py).
    """
    return create_app(
        sandbox_config(
            sandbox,
            INSTANCE_PATH=str(tmp_path / "quick"),
            LOOP_ANALYZE_TIMEOUT="0.3",
            CHECKOUT_PLUS_PAGE_WAIT_MS="10000",
        )
    )


def test_loop_timing_out_after_a_cart_change_is_not_called_withdrawn(sandbox, store, tmp_path):
    client = quick_loop_app(sandbox, tmp_path).test_client()
    _, page = opted_in_tent(client, store)
    sandbox.set_faults("loop POST /v1/analyze delay=0.8 times=1")
    set_quantity(client, page, TENT, 2)
    page = client.get("/checkout")
    assert analyses(sandbox)[-1].fault is not None
    assert_hidden(offer_of(page))
    assert not withdrawn_in_totals(page)
    assert "checkout_plus" not in summary_totals(page)


def test_loop_timing_out_on_an_unchanged_cart_keeps_the_fee_the_shopper_chose(
    sandbox, store, tmp_path, monkeypatch
):
    app = quick_loop_app(sandbox, tmp_path)
    client = app.test_client()
    opted_in_tent(client, store)
    # Loop's answer is older than its cache age, so the page asks again, and Loop times out.
    later = time.time() + ANALYSIS_FRESH_SECONDS + 15
    monkeypatch.setattr(app.extensions["placement_service"]._offers, "_clock", lambda: later)
    sandbox.set_faults("loop POST /v1/analyze delay=0.8")
    page = client.get("/checkout")
    assert analyses(sandbox)[-1].fault is not None
    offer = offer_of(page)
    assert_offered(offer, 1498, "USD", BOTH)
    assert offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer.select("[data-checkout-plus-withdrawn]")
    assert summary_totals(page)["checkout_plus"] == 1498
    assert not withdrawn_in_totals(page)
