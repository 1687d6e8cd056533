"""Loop's ``POST /v1/analyze`` request, built from a BigCommerce checkout.

This is the one place that maps a checkout to what Loop prices (app/README.md, "Decisions").
Amounts go to Loop as integers of minor units, converted by ``app.money`` with the currency's
ISO 4217 exponent; BigCommerce's major-unit decimals never pass through a float.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from app.checkout_plus.fee import own_fees
from app.clients.bigcommerce import Address
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import LineItem
from app.clients.loop import is_session_id
from app.money import to_minor

PLATFORM = "bigcommerce"
OFFER_ORIGIN = "checkout"
SHIPPING = "SHIPPING"
PICKUP = "PICKUP"
DIGITAL = "DIGITAL"

COUNTRY = re.compile(r"[A-Z]{2}")
SUBDIVISION = re.compile(r"[A-Z0-9]{1,3}")


def build_analyze_request(
    checkout: Checkout,
    *,
    session_id: str | None,
    default_region: str,
    locale: str | None,
    mount_target: str,
    cart_experience: str,
    experimentation_consent: bool = False,
) -> dict[str, Any]:
    """Return the analyze request for a checkout, with our own Checkout+ fee left out.

    ``experimentation_consent`` lets Loop place the session in an A/B cohort; without it the
    field is not sent at all, so Loop never assigns one.
    """
    request: dict[str, Any] = {
        "platform": PLATFORM,
        "cartId": checkout.cart_id,
        "region": region_of(checkout, default_region),
        "offerOrigin": OFFER_ORIGIN,
        "mountTarget": mount_target,
        "cartExperience": cart_experience,
        "deliveryGroups": _delivery_groups(checkout),
        "cart": _cart(checkout),
    }
    if is_session_id(session_id):
        request["sessionId"] = session_id
    if locale:
        request["locale"] = locale
    if experimentation_consent:
        request["experimentationConsent"] = True
    return request


def cart_fingerprint(request: dict[str, Any]) -> str:
    """Return a 32-digit hex digest of an analyze request, ignoring its ``sessionId``."""
    # The session id names Loop's offer session, not the cart: a cart that only gained a
    # session id since the last analysis has not changed.
    cart_state = {key: value for key, value in request.items() if key != "sessionId"}
    text = json.dumps(cart_state, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def region_of(checkout: Checkout, default_region: str) -> str:
    """Return where the order goes: ``US-OH``, else the country, else ``default_region``."""
    for address in _addresses(checkout):
        country = address.country_code
        if not COUNTRY.fullmatch(country):
            continue
        subdivision = _subdivision(address.state_or_province_code, country)
        return f"{country}-{subdivision}" if subdivision else country
    return default_region


def _addresses(checkout: Checkout) -> list[Address]:
    """Return the first shipping address and the billing address, those that exist."""
    shipping = next(
        (c.address for c in checkout.consignments if c.address is not None),
        None,
    )
    return [address for address in (shipping, checkout.billing_address) if address is not None]


def _subdivision(code: str, country: str) -> str | None:
    """Return the subdivision part of an ISO 3166-2 code (``OH``), or None if it is not one."""
    # BigCommerce usually sends "OH", but a full "US-OH" must not become "US-US-OH".
    code = code.strip().upper().removeprefix(f"{country}-")
    return code if SUBDIVISION.fullmatch(code) else None


def _delivery_groups(checkout: Checkout) -> list[dict[str, str]]:
    """Return one delivery group per consignment, plus shipping by default and digital."""
    groups = [
        {"deliveryMethod": PICKUP if consignment.pickup else SHIPPING}
        for consignment in checkout.consignments
    ]
    items = checkout.line_items
    # Until the shopper picks store pickup, physical items are going to be shipped.
    if not groups and any(not item.is_digital for item in items):
        groups.append({"deliveryMethod": SHIPPING})
    if any(item.is_digital for item in items):
        groups.append({"deliveryMethod": DIGITAL})
    return groups


def _cart(checkout: Checkout) -> dict[str, Any]:
    """Return the ``cart`` block: lines and totals in minor units of the cart's currency."""
    currency = checkout.currency

    def minor(amount: Decimal) -> int:
        return to_minor(amount, currency)

    # Loop compares these with what the shopper sees, so follow the store's tax display.
    if checkout.tax_included:
        subtotal = minor(checkout.subtotal_inc_tax)
        discounted = minor(checkout.cart_amount_inc_tax)
    else:
        subtotal = minor(checkout.subtotal_ex_tax)
        discounted = minor(checkout.cart_amount_ex_tax)
    # Clamped, not refused: BigCommerce may report a total a fraction of a minor unit below
    # zero (its rounding of taxes or percentage coupons; a JPY -0.5 rounds to -1). Loop answers
    # 400 to any negative amount, and a cart worth nothing is what such a total means; refusing
    # it would hide the offer over a rounding artefact. Every amount below is clamped alike.
    subtotal, discounted = max(0, subtotal), max(0, discounted)
    # Our own protection fee must not be priced into the protection: take it, and its tax, out
    # so the request is the same before and after the fee is applied. Other apps' fees stay.
    ours = own_fees(checkout)
    own_fees_total = sum(minor(fee.cost_inc_tax) for fee in ours)
    own_fees_tax = sum(minor(fee.cost_inc_tax) - minor(fee.cost_ex_tax) for fee in ours)
    return {
        "id": checkout.cart_id,
        "currencyCode": currency,
        "lines": [_line(item, currency) for item in checkout.line_items],
        "subtotalAmount": subtotal,
        # subtotal is before item, cart and coupon discounts; cart_amount is after all of them.
        "totalDiscountAmount": max(0, subtotal - discounted),
        "discountedSubtotalAmount": discounted,
        "totalTaxAmount": max(0, minor(checkout.tax_total) - own_fees_tax),
        "totalAmount": max(0, minor(checkout.grand_total) - own_fees_total),
        "itemCount": checkout.item_count,
    }


def _line(item: LineItem, currency: str) -> dict[str, Any]:
    """Return one cart line in minor units."""
    # sale_price already carries item-level discounts; coupons are reported apart, in
    # coupon_amount (checkouts.v3.yml, "Coupon Applied").
    after_coupons = to_minor(item.extended_sale_price, currency) - to_minor(
        item.coupon_amount, currency
    )
    return {
        "id": item.id,
        "productId": str(item.product_id),
        "quantity": item.quantity,
        "unitPrice": to_minor(item.sale_price, currency),
        "originalTotalPrice": to_minor(item.extended_list_price, currency),
        "totalPrice": max(0, after_coupons),
        # Loop rejects a blank title; a nameless line is still a product worth protecting.
        "title": item.name.strip() or item.sku.strip() or str(item.product_id),
    }
