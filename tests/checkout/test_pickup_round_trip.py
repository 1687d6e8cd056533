"""Store pickup and back to shipping: the address the shopper gave comes back, with its methods.

A pickup consignment on BigCommerce holds no address, so the one it replaced waits in the
session cookie; shipping again sends it back to BigCommerce. The section never says "Saved."
about an address BigCommerce does not hold, and the opt-in follows the cover on offer.
"""

from __future__ import annotations

import random
import string

from app.money import to_minor
from tests.support.addresses import OHIO_FORM
from tests.support.catalog import SNEAKERS
from tests.support.offer import BOTH
from tests.support.offer import assert_offered
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import summary_totals
from tests.support.pages import HTMX
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import consignment
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed
from tests.support.steps import ready_to_ship
from tests.support.steps import top_level

PICKUP = {"delivery-method": "pickup-1"}
SHIP = {"delivery-method": "ship"}
STANDARD = {"shipping-option-option_id": "sandbox-standard"}
# What browsers keep of one cookie, name and value (Flask warns past it too).
BROWSER_COOKIE_LIMIT = 4093


def session_data(app, client) -> dict:
    """Decode the signed session cookie as the server reads it."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def shipping_by_standard(client, store, cart_id: str):
    """Ship to the Ohio address by Standard; return the page as the shopper sees it."""
    page = ready_to_ship(client, store, cart_id)
    assert post(client, page, "/checkout/shipping-option", STANDARD).status_code == 303
    return client.get("/checkout")


def test_pickup_then_shipping_again_puts_the_address_back_with_its_methods_and_tax(
    app, client, store, sandbox
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = shipping_by_standard(client, store, cart_id)
    taxed = summary_totals(page)["tax"]
    assert taxed > 0  # Ohio's 6 %

    response = post(client, page, "/checkout/delivery-method", PICKUP, htmx=True)
    assert response.status_code == 200
    assert "address" not in consignment(store, cart_id)
    assert "set_aside_shipping" in session_data(app, client)["checkout"]

    response = post(client, page, "/checkout/delivery-method", SHIP, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    # BigCommerce holds the address again, by the method chosen before.
    saved = consignment(store, cart_id)
    assert saved["address"]["address1"] == "1 Main St"
    assert saved["address"]["state_or_province_code"] == "OH"
    assert saved["selected_shipping_option"]["id"] == "sandbox-standard"
    section = parse(response).select_one("#checkout-shipping")
    assert section.select_one("#delivery-method-ship").has_attr("checked")
    assert section.select_one("#shipping-address1")["value"] == "1 Main St"
    assert section.select_one("#shipping-city")["value"] == "Columbus"
    options = section.select("#shipping-option-form [data-shipping-option-id]")
    assert [o["data-shipping-option-id"] for o in options] == [
        "sandbox-standard",
        "sandbox-express",
    ]
    assert section.select_one("#shipping-option-form input[value=sandbox-standard]").has_attr(
        "checked"
    )
    assert "Saved." in section.select_one("#shipping-saved").get_text()
    # The totals follow at once: Ohio's tax and the shipping method, as BigCommerce has them.
    assert ("order-totals", "outerHTML") in top_level(response)
    checkout = store.checkout(cart_id)
    totals = summary_totals(response)
    assert totals["tax"] == to_minor(checkout["tax_total"], "USD") == taxed
    assert totals["shipping"] == 599
    assert totals["total"] == to_minor(checkout["grand_total"], "USD")
    # The address is BigCommerce's again: the cookie no longer carries a copy.
    assert session_data(app, client)["checkout"].get("set_aside_shipping") is None


def test_without_javascript_the_round_trip_keeps_the_address_and_its_methods(
    client, store, sandbox
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = shipping_by_standard(client, store, cart_id)
    assert post(client, page, "/checkout/delivery-method", PICKUP).status_code == 303
    page = client.get("/checkout")
    assert post(client, page, "/checkout/delivery-method", SHIP).status_code == 303
    page = client.get("/checkout")
    shown = parse(page)
    assert shown.select_one("#shipping-address1")["value"] == "1 Main St"
    assert shown.select_one("#shipping-option-form input[value=sandbox-standard]").has_attr(
        "checked"
    )
    assert summary_totals(page)["tax"] == to_minor(store.checkout(cart_id)["tax_total"], "USD")
    assert summary_totals(page)["tax"] > 0


def test_shipping_without_an_address_given_before_is_not_said_to_be_saved(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    # A billing address of its own, then pickup before any shipping address.
    billing = prefixed("billing", OHIO_FORM)
    assert post(client, page, "/checkout/billing-address", billing).status_code == 303
    assert post(client, page, "/checkout/delivery-method", PICKUP).status_code == 303
    response = post(client, page, "/checkout/delivery-method", SHIP, htmx=True)
    assert response.status_code == 200
    assert store.checkout(cart_id)["consignments"] == []
    section = parse(response).select_one("#checkout-shipping")
    # The billing address is offered to save as the shipping address, not called saved.
    assert section.select_one("#shipping-address1")["value"] == "1 Main St"
    assert section.select_one("#shipping-saved") is None
    assert section.select_one("#shipping-option-form") is None


def test_an_address_bigcommerce_now_refuses_leaves_shipping_to_be_saved_again(
    client, store, sandbox
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = shipping_by_standard(client, store, cart_id)
    assert post(client, page, "/checkout/delivery-method", PICKUP).status_code == 303
    sandbox.set_faults("bigcommerce POST /stores/*/v3/checkouts/*/consignments status=422 times=1")
    response = post(client, page, "/checkout/delivery-method", SHIP, htmx=True)
    assert response.status_code == 200
    assert store.checkout(cart_id)["consignments"] == []
    section = parse(response).select_one("#checkout-shipping")
    assert section.select_one("#delivery-method-ship").has_attr("checked")
    assert section.select_one("#shipping-address-form")
    assert section.select_one("#shipping-saved") is None


def test_an_opt_in_comes_back_with_the_cover_it_was_given_for(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = shipping_by_standard(client, store, cart_id)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    assert summary_totals(page)["checkout_plus"] == 298

    post(client, page, "/checkout/delivery-method", PICKUP, htmx=True)
    offer = offer_of(client.get("/checkout/offer", headers=HTMX))
    # Pickup is covered for returns only: the box is cleared and the shopper asked again.
    assert_offered(offer, 198, "USD", ["returnCoverage"])
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert offer.select_one("[data-checkout-plus-notice]")

    post(client, page, "/checkout/delivery-method", SHIP, htmx=True)
    response = client.get("/checkout/offer", headers=HTMX)
    offer = offer_of(response)
    # The cover ticked is on offer again: the opt-in stands, and nothing asks again.
    assert_offered(offer, 298, "USD", BOTH)
    assert offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert not offer.select("[data-checkout-plus-notice]")
    assert summary_totals(response)["checkout_plus"] == 298


def test_the_longest_address_set_aside_keeps_the_cookie_within_what_browsers_keep(
    app, client, store, sandbox
):
    # Text that does not compress, at the most each field takes (255). Postal codes now have
    # their country's format; Hong Kong has none, but a region typed (255) in its stead.
    rng = random.Random(17)

    def typed(length: int) -> str:
        return "".join(rng.choice(string.ascii_letters) for _ in range(length))

    longest = {name: typed(255) for name in ("first_name", "last_name", "company")}
    longest |= {name: typed(255) for name in ("address1", "address2", "city")}
    longest |= {"country_code": "HK", "state_or_province": typed(255), "postal_code": ""}
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id, longest)
    choose(client, page, opt_in=True)
    post(client, page, "/checkout/delivery-method", PICKUP, htmx=True)
    client.get("/checkout/offer", headers=HTMX)  # the offer state grows by the held opt-in
    assert session_data(app, client)["checkout"]["set_aside_shipping"]
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert len(cookie.key) + len(cookie.value) < BROWSER_COOKIE_LIMIT
