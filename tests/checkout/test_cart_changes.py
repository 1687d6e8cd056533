"""Changing the cart on the checkout page, with and without htmx, and what Loop is asked."""

from __future__ import annotations

import pytest

from app.money import to_minor
from tests.support.catalog import SNEAKERS
from tests.support.catalog import SOCKS
from tests.support.offer import BOTH
from tests.support.offer import analyses
from tests.support.offer import assert_offered
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.offer import summary_totals
from tests.support.pages import open_checkout
from tests.support.pages import parse

HTMX = {"HX-Request": "true"}


def quantities(response) -> dict[str, int]:
    """Return each line's quantity by product id."""
    return {
        line["data-product-id"]: int(line["data-quantity"])
        for line in parse(response).select("#order-summary [data-line-id]")
    }


def test_a_quantity_change_without_javascript_posts_and_comes_back(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 1)])
    page = open_checkout(client, cart_id)
    response = set_quantity(client, page, SOCKS, 3)
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    page = client.get("/checkout")
    assert quantities(page) == {str(SNEAKERS): 1, str(SOCKS): 3}
    assert summary_totals(page)["subtotal"] == 8900 + 3 * 2450
    assert summary_totals(page)["total"] == to_minor(store.checkout(cart_id)["grand_total"], "USD")


def test_every_line_has_step_set_and_remove_controls_as_real_forms(client, store, sandbox):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 2)])))
    line = page.select_one("#order-summary [data-line-id]")
    line_id = line["data-line-id"]
    forms = {form["id"]: form for form in page.select(".line-quantity form")}
    assert set(forms) == {f"line-{line_id}-set", f"line-{line_id}-step"}
    for form in forms.values():
        assert form["method"] == "post"
        assert form["action"] == f"/checkout/lines/{line_id}"
        assert form["hx-post"] == form["action"]
        assert form.select_one("input[name=csrf_token]")["value"]
    steps = {
        button["id"].rsplit("-", 1)[1]: button["value"]
        for button in page.select(f"button[form=line-{line_id}-step]")
    }
    assert steps == {"decrease": "1", "increase": "3", "remove": "0"}
    typed = page.select_one(f"input[form=line-{line_id}-set][name=quantity]")
    assert typed["value"] == "2"
    # Enter in the quantity field submits the set form, whose first button is Update.
    assert page.select(f"[form=line-{line_id}-set][type=submit]")[0]["id"].endswith("-update")


def test_a_quantity_change_with_htmx_answers_the_summary_and_announces_the_change(
    client, store, sandbox
):
    page = open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    choose(client, page, opt_in=True)
    response = set_quantity(client, client.get("/checkout"), SNEAKERS, 2, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert "HX-Request" in response.headers["Vary"]
    fragment = parse(response)
    assert fragment.select_one("#order-summary [data-line-id]")["data-quantity"] == "2"
    assert not fragment.select("#checkout-plus-offer, html, header")
    # The fee follows the next quote, so until the offer comes back it is shown as updating.
    fee = fragment.select_one("[data-checkout-plus-fee]")
    assert fee.has_attr("data-pending")
    assert not fee.has_attr("data-amount")
    assert len(analyses(sandbox)) == 1, "the cart change itself must not wait on Loop"
    offer = client.get("/checkout/offer", headers=HTMX)
    assert_offered(offer_of(offer), 598, "USD", BOTH)
    assert offer_of(offer).select_one("input[name=checkout_plus]").has_attr("checked")
    assert summary_totals(offer)["checkout_plus"] == 598
    assert parse(offer).select_one("#order-totals")["hx-swap-oob"] == "outerHTML"


def test_the_offer_fragment_is_only_a_fragment_for_htmx(client, store, sandbox):
    open_checkout(client, store.create_cart([(SNEAKERS, 1)]))
    response = client.get("/checkout/offer")
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("abc", "whole number"), ("-1", "0 to 9,999"), ("10000", "0 to 9,999"), ("", "Enter")],
)
def test_a_bad_quantity_is_explained_next_to_the_line_and_kept(
    client, store, sandbox, typed, problem
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    for headers in ({}, HTMX):
        response = set_quantity(client, page, SNEAKERS, typed, htmx=bool(headers))
        assert response.status_code == 422
        line = parse(response).select_one("#order-summary [data-line-id]")
        field = line.select_one("input[name=quantity]")
        assert field["value"] == typed
        assert field["aria-invalid"] == "true"
        error = line.select_one(f"#{field['aria-describedby']}")
        assert problem in error.get_text()
    assert store.checkout(cart_id)["cart"]["line_items"]["physical_items"][0]["quantity"] == 1


def test_removing_a_line_and_then_the_last_one_empties_the_checkout(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 2)])
    page = open_checkout(client, cart_id)
    assert set_quantity(client, page, SOCKS, 0, htmx=True).status_code == 200
    page = client.get("/checkout")
    assert quantities(page) == {str(SNEAKERS): 1}
    response = set_quantity(client, page, SNEAKERS, 0, htmx=True)
    assert response.headers["HX-Refresh"] == "true"
    page = client.get("/checkout")
    assert parse(page).select_one("h1").get_text(strip=True) == "Your cart is empty"
    assert store.request("GET", f"/v3/carts/{cart_id}").status_code == 404


def test_a_line_removed_in_another_tab_is_reported_not_an_error(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 1)])
    page = open_checkout(client, cart_id)
    socks = parse(page).select_one(f"[data-product-id='{SOCKS}']")["data-line-id"]
    store.request("DELETE", f"/v3/carts/{cart_id}/items/{socks}")
    response = set_quantity(client, page, SOCKS, 2)
    assert response.status_code == 303
    page = client.get("/checkout")
    assert "already been removed" in parse(page).select_one(".flash").get_text()


def test_one_analysis_per_distinct_cart_state_with_one_cart_and_session_id(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)  # state 1
    for quantity in (2, 3, 4):  # states 2, 3 and 4
        set_quantity(client, page, SNEAKERS, quantity, htmx=True)
        page = client.get("/checkout/offer", headers=HTMX)
        page = client.get("/checkout")  # a plain re-render of the same cart: no new analysis
    client.get("/checkout")  # a no-op re-render
    choose(client, page, opt_in=True, htmx=True)
    choose(client, client.get("/checkout"), opt_in=False, htmx=True)
    calls = analyses(sandbox)
    sent = [call.json["cart"]["lines"][0]["quantity"] for call in calls]
    assert sent == [1, 2, 3, 4]
    assert {call.json["cartId"] for call in calls} == {cart_id}
    first_session = calls[0].response_json["sessionId"]
    assert "sessionId" not in calls[0].json
    assert [call.json["sessionId"] for call in calls[1:]] == [first_session] * 3
    assert {call.response_json["sessionId"] for call in calls} == {first_session}
