"""Checkouts API: read a checkout, customer message, billing address and coupons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import seed
from .addresses import ADDRESS_PROPERTIES
from .addresses import normalize
from .errors import ApiError
from .errors import not_found
from .errors import v3_body
from .errors import v3_error
from .render import checkout_payload
from .state import Cart
from .validation import VERSION
from .validation import VERSION_ONLY
from .validation import check_version
from .validation import obj
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import includes
from .web import locked
from .web import store

bp = api_blueprint("bc_checkouts", V3)

CHECKOUT_UPDATE = obj(
    {"customer_message": string(max_length=2000), "version": VERSION},
    required=("customer_message",),
)
BILLING_ADDRESS = obj(
    {**ADDRESS_PROPERTIES, "version": VERSION}, required=("email", "country_code")
)
COUPON = obj({"coupon_code": string(1, 50), "version": VERSION}, required=("coupon_code",))


def get_checkout(checkout_id: str) -> Cart:
    """Find a checkout (the cart with the same id); 404 in the spec's documented shape."""
    cart = store().carts.get(checkout_id)
    if cart is None:
        detail = f"Checkout {checkout_id} does not exist."
        # getCheckout documents its 404 as {errors: [ErrorDetail]}; the top-level fields
        # keep the body readable like every other v3 error.
        error = {
            "status": 404,
            "title": "Not Found",
            "type": v3_body(404)["type"],
            "detail": detail,
        }
        raise ApiError(404, {**v3_body(404, "Not Found", detail), "errors": [error]})
    return cart


def checkout_response(cart: Cart) -> dict[str, Any]:
    """Wrap a checkout in ``{data, meta}``."""
    return {"data": checkout_payload(cart, includes()), "meta": {}}


@bp.get("/checkouts/<checkout_id>")
@locked
def read_checkout(checkout_id: str) -> dict[str, Any]:
    """Return a checkout (available shipping options only with the include)."""
    return checkout_response(get_checkout(checkout_id))


@bp.put("/checkouts/<checkout_id>")
@locked
def update_checkout(checkout_id: str) -> dict[str, Any]:
    """Set the shopper's message for the order."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(CHECKOUT_UPDATE)
    check_version(body, cart.version)
    cart.customer_message = body["customer_message"]
    cart.touch()
    return checkout_response(cart)


@bp.post("/checkouts/<checkout_id>/billing-address")
@locked
def add_billing_address(checkout_id: str) -> dict[str, Any]:
    """Set the billing address; its email becomes the cart email."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(BILLING_ADDRESS)
    check_version(body, cart.version)
    cart.billing_address = normalize(body)
    # A second POST replaces the address but keeps its id (unverified; PUT is the documented way).
    if not cart.billing_address_id:
        cart.billing_address_id = str(next(store().address_ids))
    cart.touch()
    return checkout_response(cart)


@bp.put("/checkouts/<checkout_id>/billing-address/<int:address_id>")
@locked
def update_billing_address(checkout_id: str, address_id: int) -> dict[str, Any]:
    """Replace the billing address with the given id."""
    cart = get_checkout(checkout_id)
    if cart.billing_address is None or cart.billing_address_id != str(address_id):
        raise not_found(f"Billing address {address_id} is not on checkout {checkout_id}.")
    body = read_valid_json(BILLING_ADDRESS)
    check_version(body, cart.version)
    cart.billing_address = normalize(body)
    cart.touch()
    return checkout_response(cart)


@bp.post("/checkouts/<checkout_id>/coupons")
@locked
def add_coupon(checkout_id: str) -> dict[str, Any]:
    """Apply a coupon code; unknown and expired codes answer 400."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(COUPON)
    check_version(body, cart.version)
    code = body["coupon_code"].strip().upper()
    coupon = seed.COUPONS.get(code)
    # The spec documents no status for a bad code. BigCommerce answers 400 with a detail such
    # as "Coupon code `X` is not eligible for this checkout" (bigcommerce/checkout-sdk-js
    # issues #1303 and #386), so the sandbox does the same.
    if coupon is None:
        raise v3_error(400, "Coupon code is invalid", f"Coupon code `{code}` is invalid.")
    if coupon.is_expired(dt.datetime.now(dt.UTC).date()):
        raise v3_error(400, "Coupon code has expired", f"Coupon code `{code}` has expired.")
    if code not in cart.coupon_codes:
        cart.coupon_codes.append(code)
        cart.touch()
    return checkout_response(cart)


@bp.delete("/checkouts/<checkout_id>/coupons/<coupon_code>")
@locked
def delete_coupon(checkout_id: str, coupon_code: str) -> dict[str, Any]:
    """Remove an applied coupon by its code (not its id)."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(VERSION_ONLY, required=False)
    check_version(body, cart.version)
    code = coupon_code.strip().upper()
    if code not in cart.coupon_codes:
        raise not_found(f"Coupon code `{code}` is not applied to checkout {checkout_id}.")
    cart.coupon_codes.remove(code)
    cart.touch()
    return checkout_response(cart)
