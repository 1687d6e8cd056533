"""The ``POST /v1/analyze`` request: validation of the JSON body into an ``AnalyzeRequest``.

Amounts are integers in minor units; a Money object ``{amount, currencyCode}`` is accepted
wherever an amount is. Unknown fields are ignored, as Loop tolerates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.sandbox.loop.money import is_currency_code
from app.sandbox.loop.money import is_minor_amount

SESSION_ID = re.compile(r"^lop_[A-Za-z0-9]{20}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
REGION = re.compile(r"^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$")
SUBDIVISION = re.compile(r"^(?:[A-Z]{2}-)?([A-Z0-9]{1,3})$")
DELIVERY_METHODS = ("SHIPPING", "PICKUP", "LOCAL_DELIVERY", "DIGITAL")
CART_AMOUNTS = (
    "subtotalAmount",
    "totalDiscountAmount",
    "discountedSubtotalAmount",
    "totalTaxAmount",
    "totalAmount",
)
LINE_AMOUNTS = ("totalPrice", "originalTotalPrice")


class InvalidRequest(ValueError):
    """The request body is not an acceptable analyze request; the message names the field."""


@dataclass(frozen=True)
class Region:
    """Where the cart ships: a country and, when known, a subdivision such as ``OH``."""

    country: str
    subdivision: str | None


@dataclass(frozen=True)
class CartLine:
    """One cart line, amounts in minor units."""

    id: str
    product_id: str
    quantity: int
    total_price: int
    original_total_price: int
    unit_price: int | None
    title: str


@dataclass(frozen=True)
class Cart:
    """The cart to analyze, amounts in minor units of ``currency``."""

    platform_id: str | None
    currency: str
    lines: tuple[CartLine, ...]
    subtotal: int
    total_discount: int
    discounted_subtotal: int
    total_tax: int
    total: int
    item_count: int


@dataclass(frozen=True)
class AnalyzeRequest:
    """A validated analyze request."""

    platform: str
    region: Region
    cart: Cart
    session_id: str | None
    cart_id: str | None
    delivery_methods: tuple[str, ...]
    is_b2b: bool
    locale: str | None
    experimentation_consent: bool
    offer_origin: str
    mount_target: str
    cart_experience: str
    debug: bool


def is_session_id(value: object) -> bool:
    """Tell whether a value is a well-formed Checkout+ session id."""
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def parse_analyze_request(body: Any) -> AnalyzeRequest:
    """Validate a decoded JSON body; raise ``InvalidRequest`` naming the first bad field."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    session_id = body.get("sessionId")
    if session_id is not None and not is_session_id(session_id):
        raise InvalidRequest("sessionId must match ^lop_[A-Za-z0-9]{20}$")
    cart_id = _optional_string(body, "cartId", "cartId")
    customer = body.get("customer")
    if customer is not None and not isinstance(customer, dict):
        raise InvalidRequest("customer must be an object")
    is_b2b = _optional_bool(customer or {}, "isB2B", "customer.isB2B")
    return AnalyzeRequest(
        platform=_required_string(body, "platform", "platform"),
        region=_region(body.get("region")),
        cart=_cart(body.get("cart")),
        session_id=session_id,
        cart_id=cart_id,
        delivery_methods=_delivery_methods(body.get("deliveryGroups")),
        is_b2b=bool(is_b2b),
        locale=_optional_string(body, "locale", "locale"),
        experimentation_consent=bool(
            _optional_bool(body, "experimentationConsent", "experimentationConsent")
        ),
        offer_origin=_optional_string(body, "offerOrigin", "offerOrigin") or "custom",
        mount_target=_optional_string(body, "mountTarget", "mountTarget") or "custom",
        cart_experience=_optional_string(body, "cartExperience", "cartExperience") or "api",
        debug=bool(_optional_bool(body, "debug", "debug")),
    )


def _region(value: Any) -> Region:
    if value is None:
        raise InvalidRequest("region is required")
    if isinstance(value, str):
        match = REGION.fullmatch(value)
        if match is None:
            raise InvalidRequest("region must be an ISO 3166-1 alpha-2 or ISO 3166-2 code")
        return Region(country=match.group(1), subdivision=match.group(2))
    if not isinstance(value, dict):
        raise InvalidRequest("region must be a string or an object {country, subdivision?}")
    country = value.get("country")
    if not isinstance(country, str) or COUNTRY.fullmatch(country) is None:
        raise InvalidRequest("region.country must be an ISO 3166-1 alpha-2 code")
    subdivision = value.get("subdivision")
    if subdivision is None:
        return Region(country=country, subdivision=None)
    match = SUBDIVISION.fullmatch(subdivision) if isinstance(subdivision, str) else None
    if match is None or (subdivision[2:3] == "-" and not subdivision.startswith(country + "-")):
        raise InvalidRequest("region.subdivision must be an ISO 3166-2 subdivision code")
    return Region(country=country, subdivision=match.group(1))


def _cart(value: Any) -> Cart:
    if value is None:
        raise InvalidRequest("cart is required")
    if not isinstance(value, dict):
        raise InvalidRequest("cart must be an object")
    currency = value.get("currencyCode")
    if currency is None:
        raise InvalidRequest("cart.currencyCode is required")
    if not is_currency_code(currency):
        raise InvalidRequest("cart.currencyCode must be an ISO 4217 code such as USD")
    lines_value = value.get("lines")
    if lines_value is None:
        raise InvalidRequest("cart.lines is required")
    if not isinstance(lines_value, list):
        raise InvalidRequest("cart.lines must be an array")
    lines = tuple(
        _line(line, currency, f"cart.lines[{index}]") for index, line in enumerate(lines_value)
    )
    amounts = {name: _amount(value, name, currency, f"cart.{name}") for name in CART_AMOUNTS}
    return Cart(
        platform_id=_optional_string(value, "id", "cart.id"),
        currency=currency,
        lines=lines,
        subtotal=amounts["subtotalAmount"],
        total_discount=amounts["totalDiscountAmount"],
        discounted_subtotal=amounts["discountedSubtotalAmount"],
        total_tax=amounts["totalTaxAmount"],
        total=amounts["totalAmount"],
        item_count=_count(value, "itemCount", "cart.itemCount", minimum=0),
    )


def _line(value: Any, currency: str, path: str) -> CartLine:
    if not isinstance(value, dict):
        raise InvalidRequest(f"{path} must be an object")
    amounts = {name: _amount(value, name, currency, f"{path}.{name}") for name in LINE_AMOUNTS}
    unit_price = None
    if value.get("unitPrice") is not None:
        unit_price = _amount(value, "unitPrice", currency, f"{path}.unitPrice")
    return CartLine(
        id=_identifier(value, "id", f"{path}.id"),
        product_id=_identifier(value, "productId", f"{path}.productId"),
        quantity=_count(value, "quantity", f"{path}.quantity", minimum=1),
        total_price=amounts["totalPrice"],
        original_total_price=amounts["originalTotalPrice"],
        unit_price=unit_price,
        title=_required_string(value, "title", f"{path}.title"),
    )


def _amount(container: dict[str, Any], name: str, currency: str, path: str) -> int:
    value = container.get(name)
    if value is None:
        raise InvalidRequest(f"{path} is required")
    if isinstance(value, dict):
        if value.get("currencyCode", currency) != currency:
            raise InvalidRequest(f"{path}.currencyCode must match cart.currencyCode")
        path, value = f"{path}.amount", value.get("amount")
    if not is_minor_amount(value):
        raise InvalidRequest(f"{path} must be an integer amount in minor units")
    if value < 0:
        raise InvalidRequest(f"{path} must not be negative")
    return value


def _count(container: dict[str, Any], name: str, path: str, minimum: int) -> int:
    value = container.get(name)
    if value is None:
        raise InvalidRequest(f"{path} is required")
    if not is_minor_amount(value) or value < minimum:
        raise InvalidRequest(f"{path} must be an integer of at least {minimum}")
    return value


def _identifier(container: dict[str, Any], name: str, path: str) -> str:
    # Platforms send ids as strings or plain integers; both name the same thing.
    value = container.get(name)
    if value is None:
        raise InvalidRequest(f"{path} is required")
    if is_minor_amount(value):
        return str(value)
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"{path} must be a non-empty string")
    return value


def _required_string(container: dict[str, Any], name: str, path: str) -> str:
    value = container.get(name)
    if value is None:
        raise InvalidRequest(f"{path} is required")
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{path} must be a non-empty string")
    return value


def _optional_string(container: dict[str, Any], name: str, path: str) -> str | None:
    value = container.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidRequest(f"{path} must be a non-empty string")
    return value


def _optional_bool(container: dict[str, Any], name: str, path: str) -> bool | None:
    value = container.get(name)
    if value is not None and not isinstance(value, bool):
        raise InvalidRequest(f"{path} must be true or false")
    return value


def _delivery_methods(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidRequest("deliveryGroups must be an array")
    methods = []
    for index, group in enumerate(value):
        method = group.get("deliveryMethod") if isinstance(group, dict) else None
        if method not in DELIVERY_METHODS:
            allowed = ", ".join(DELIVERY_METHODS)
            raise InvalidRequest(f"deliveryGroups[{index}].deliveryMethod must be one of {allowed}")
        methods.append(method)
    return tuple(methods)
