"""The offer's notices go once the shopper has answered them, by the offer or by moving on.

"The protection offered for your cart has changed" (the cover changed under an opt-in) and
"no longer available, so its fee was removed" (a ticked offer withdrawn) each stay until the
shopper ticks or unticks the offer, or saves another step; a refused step answers nothing.
"""

from __future__ import annotations

from tests.support.addresses import OHIO_FORM
from tests.support.catalog import SNEAKERS
from tests.support.catalog import TENT
from tests.support.offer import assert_withdrawn
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.offer import set_rules
from tests.support.offer import withdrawn_in_totals
from tests.support.pages import HTMX
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed
from tests.support.steps import top_level

NOTICE = "[data-checkout-plus-notice]"
NEW_EMAIL = {"contact-email": "grace@example.com"}


def with_cover_changed(client, store, sandbox):
    """Opt in, then let Loop narrow the cover on a cart change; return the page with the notice."""
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    choose(client, page, opt_in=True)
    set_rules(sandbox, modes=["returnCoverage"])
    set_quantity(client, client.get("/checkout"), SNEAKERS, 2)
    page = client.get("/checkout")
    assert "has changed" in offer_of(page).select_one(NOTICE).get_text()
    return page


def with_offer_withdrawn(client, store):
    """Opt in for a tent, then take a second one past Loop's maximum; return the page."""
    cart_id = store.create_cart([(TENT, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    choose(client, page, opt_in=True)
    set_quantity(client, client.get("/checkout"), TENT, 2)
    page = client.get("/checkout")
    assert_withdrawn(offer_of(page))
    return page


def test_ticking_the_offer_answers_the_notice(client, store, sandbox):
    page = with_cover_changed(client, store, sandbox)
    response = choose(client, page, opt_in=True, htmx=True)
    offer = offer_of(response)
    assert offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer.select(NOTICE)
    assert not offer_of(client.get("/checkout")).select(NOTICE)


def test_saving_a_later_step_answers_the_notice_and_the_offer_says_so_at_once(
    client, store, sandbox
):
    page = with_cover_changed(client, store, sandbox)
    response = post(client, page, "/checkout/contact", NEW_EMAIL, htmx=True)
    assert response.status_code == 200
    # The email changes no price, so the offer is not asked for again: it comes along.
    assert "HX-Trigger" not in response.headers
    assert top_level(response) == [
        ("checkout-contact", None),
        ("checkout-plus-offer", "outerHTML"),
        ("order-totals", "outerHTML"),
        ("summary-bar-total", "outerHTML"),
        ("summary-bar-lines", "outerHTML"),
    ]
    offer = offer_of(response)
    assert offer["data-state"] == "offered"
    assert not offer.select(NOTICE)
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer_of(client.get("/checkout")).select(NOTICE)


def test_saving_a_step_that_reprices_the_cart_answers_the_notice_too(client, store, sandbox):
    page = with_cover_changed(client, store, sandbox)
    address = prefixed("shipping", OHIO_FORM)
    response = post(client, page, "/checkout/shipping-address", address, htmx=True)
    assert response.headers["HX-Trigger"] == "cart-changed"
    # The offer asks for itself again (never swapped out of band while it does).
    assert ("checkout-plus-offer", "outerHTML") not in top_level(response)
    offer = offer_of(client.get("/checkout/offer", headers=HTMX))
    assert offer["data-state"] == "offered"
    assert not offer.select(NOTICE)


def test_without_javascript_a_saved_step_answers_the_notice(client, store, sandbox):
    page = with_cover_changed(client, store, sandbox)
    assert post(client, page, "/checkout/contact", NEW_EMAIL).status_code == 303
    assert not offer_of(client.get("/checkout")).select(NOTICE)


def test_a_refused_step_answers_nothing(client, store, sandbox):
    page = with_cover_changed(client, store, sandbox)
    response = post(client, page, "/checkout/contact", {"contact-email": "ada@"}, htmx=True)
    assert response.status_code == 422
    assert offer_of(client.get("/checkout")).select(NOTICE)


def test_the_withdrawn_word_stays_until_a_later_step_is_saved(client, store, sandbox):
    page = with_offer_withdrawn(client, store)
    assert withdrawn_in_totals(page)
    response = post(client, page, "/checkout/contact", NEW_EMAIL, htmx=True)
    offer = offer_of(response)
    assert offer["data-state"] == "hidden"
    assert offer.get_text(strip=True) == ""
    assert parse(response).select_one("#order-totals")["hx-swap-oob"] == "outerHTML"
    assert not withdrawn_in_totals(response)
    assert not parse(response).select("#checkout-plus-status")  # the live region stays put
    page = client.get("/checkout")
    assert offer_of(page)["data-state"] == "hidden"
    assert not withdrawn_in_totals(page)
