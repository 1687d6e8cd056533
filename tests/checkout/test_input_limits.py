"""Input limits: each as BigCommerce's spec allows, each refused with a message, never a 500.

The limits are read from BigCommerce's own OpenAPI files, so a spec that changes fails here
before a shopper meets BigCommerce's refusal.
"""

from __future__ import annotations

import re

import pytest
import yaml

from app.checkout import step_forms
from tests.support.addresses import OHIO_FORM
from tests.support.pages import HTMX
from tests.support.pages import csrf_token
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.routes import our_writes
from tests.support.specs import require_specs
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed

SNEAKERS = 101


def spec_text(name: str) -> str:
    """Return one of BigCommerce's OpenAPI files as text (without the specs the test skips)."""
    return (require_specs() / name).read_text()


def pickup_location_lengths() -> dict[str, int]:
    """The field lengths the orders spec gives an address (a pickup location's)."""
    spec = yaml.safe_load(spec_text("orders.v2.oas2.yml"))
    properties = spec["components"]["schemas"]["pickupConsignmentLocation_Base"]["properties"]
    return {name: field["maxLength"] for name, field in properties.items() if "maxLength" in field}


def test_our_limits_are_the_ones_bigcommerce_documents():
    checkouts = spec_text("checkouts.v3.yml")
    coupon = re.search(r"Coupon codes have a (\d+)-character limit", checkouts)
    message = re.search(r"`customer_message` is required \(maximum length is (\d+)\)", checkouts)
    assert int(coupon.group(1)) == step_forms.COUPON_CODE_MAX
    assert int(message.group(1)) == step_forms.COMMENT_MAX
    lengths = pickup_location_lengths()
    assert lengths["address_line_1"] == lengths["city"] == step_forms.TEXT_MAX
    assert lengths["postal_code"] == step_forms.POSTAL_CODE_MAX


# (route, form prefix, field, limit, other fields the form needs)
TEXT_LIMITS = [
    ("/checkout/coupons", "coupon", "code", step_forms.COUPON_CODE_MAX, {}),
    ("/checkout/contact", "contact", "email", step_forms.EMAIL_MAX, {}),
    *[
        ("/checkout/shipping-address", "shipping", field, limit, OHIO_FORM)
        for field, limit in (
            ("first_name", step_forms.TEXT_MAX),
            ("address1", step_forms.TEXT_MAX),
            ("city", step_forms.TEXT_MAX),
            ("postal_code", step_forms.POSTAL_CODE_MAX),
        )
    ],
]


def too_long(field: str, limit: int) -> str:
    """A value one character over the limit, valid in every other way."""
    if field == "email":
        return "a" * (limit - len("@example.com") + 1) + "@example.com"
    return "7" * (limit + 1)


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize(
    ("route", "prefix", "field", "limit", "other"),
    TEXT_LIMITS,
    ids=[f"{prefix}-{field}" for _, prefix, field, _, _ in TEXT_LIMITS],
)
def test_a_field_over_its_limit_is_refused_next_to_it(
    client, store, sandbox, route, prefix, field, limit, other, htmx
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    typed = too_long(field, limit)
    sandbox.bigcommerce.log.clear()
    sandbox.loop.log.clear()
    response = post(client, page, route, prefixed(prefix, {**other, field: typed}), htmx)
    assert response.status_code == 422
    error = parse(response).select_one(f"#{prefix}-{field}-error")
    assert error is not None, f"no message next to {prefix}-{field}"
    assert f"{limit:,} characters" in error.get_text()
    assert our_writes(sandbox) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_body_over_the_cap_is_a_413_with_a_message(client, store, sandbox, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    cap = client.application.config["MAX_CONTENT_LENGTH"]
    huge = {"csrf_token": csrf_token(parse(page)), "comment-message": "x" * cap}
    sandbox.bigcommerce.log.clear()
    sandbox.loop.log.clear()
    # The order note is the largest thing a shopper types; it goes with Place order.
    response = client.post("/checkout/place", data=huge, headers=HTMX if htmx else {})
    assert response.status_code == 413
    if htmx:
        assert response.headers["HX-Refresh"] == "true"
        shown = parse(client.get("/checkout")).select_one(".flash").get_text()
    else:
        shown = parse(response).select_one("main").get_text()
    assert "That request was too large" in shown
    assert "Shorten what you typed and try again" in shown
    assert our_writes(sandbox) == []


@pytest.mark.parametrize(
    "line_id",
    ["x" * 2000, "..", "%00", "💥", "1;DROP", "-1"],
)
@pytest.mark.parametrize("quantity", ["2", ""], ids=["good quantity", "bad quantity"])
def test_a_line_id_that_is_not_the_carts_changes_nothing_and_says_so(
    client, store, sandbox, line_id, quantity
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    data = {"csrf_token": csrf_token(parse(page)), "quantity": quantity}
    sandbox.bigcommerce.log.clear()
    sandbox.loop.log.clear()
    plain = client.post(f"/checkout/lines/{line_id}", data=data)
    assert plain.status_code == 303
    assert plain.headers["Location"] == "/checkout"
    htmx = client.post(f"/checkout/lines/{line_id}", data=data, headers=HTMX)
    assert htmx.status_code == 204
    assert htmx.headers["HX-Refresh"] == "true"
    flash = parse(client.get("/checkout")).select_one(".flash").get_text()
    assert "That item had already been removed from your cart" in flash
    assert our_writes(sandbox) == []
    quantity = store.checkout(cart_id)["cart"]["line_items"]["physical_items"][0]["quantity"]
    assert quantity == 1


def test_a_line_path_that_climbs_out_is_a_404_page(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    data = {"csrf_token": csrf_token(parse(page)), "quantity": "2"}
    sandbox.bigcommerce.log.clear()
    sandbox.loop.log.clear()
    response = client.post("/checkout/lines/..%2F..%2Fv3%2Forders", data=data)
    assert response.status_code == 404
    assert "We couldn't find that page" in parse(response).select_one("h1").get_text()
    assert our_writes(sandbox) == []


@pytest.mark.parametrize(
    ("route", "fields"),
    [
        ("/checkout/shipping-address", {}),
        ("/checkout/shipping-option", {"shipping-option-option_id": ""}),
        ("/checkout/delivery-method", {"delivery-method": "nowhere"}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_delivery_form_for_a_cart_with_nothing_to_deliver_says_so(
    client, store, sandbox, route, fields, htmx
):
    # A second tab still showing delivery after the physical items went in the first.
    cart_id = store.create_cart([(104, 1)])  # the PDF map pack: digital only
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    response = post(client, page, route, fields, htmx)
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Refresh"] == "true"
    else:
        assert response.status_code == 303
    flash = parse(client.get("/checkout")).select_one(".flash").get_text()
    assert "Nothing in your cart needs delivering any more" in flash
