"""Carts API: create, read, update and delete carts and their line items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response

from app.sandbox.minor_units import round_major

from . import seed
from .errors import invalid
from .errors import not_found
from .errors import v3_error
from .render import cart_payload
from .state import Cart
from .state import LineItem
from .state import new_uuid
from .validation import VERSION
from .validation import VERSION_ONLY
from .validation import array
from .validation import check_version
from .validation import obj
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import includes
from .web import locked
from .web import store

bp = api_blueprint("bc_carts", V3)

# cart_PostVariant / cart_PostModifier (carts.v3.yml): product_id and quantity are required.
# The spec types ids and quantity as "number"; BigCommerce only takes whole numbers.
LINE_ITEM = obj(
    {
        "product_id": {"type": "integer", "minimum": 1},
        "variant_id": {"type": "integer", "minimum": 1},
        "quantity": {"type": "integer", "minimum": 1},
        "list_price": {"type": "number", "minimum": 0},
        "name": string(),
        "option_selections": array(obj({})),
    },
    required=("product_id", "quantity"),
)
CART_CREATE = obj(
    {
        "customer_id": {"type": "integer", "minimum": 0},
        "line_items": array(LINE_ITEM, min_items=1),
        "custom_items": array(obj({})),
        "gift_certificates": array(obj({})),
        "channel_id": {"type": "integer", "minimum": 1},
        "currency": obj({"code": string(3, 3)}),
        "locale": string(),
    },
    required=("line_items",),
)
ITEMS_ADD = obj(
    {
        "line_items": array(LINE_ITEM, min_items=1),
        "custom_items": array(obj({})),
        "gift_certificates": array(obj({})),
        "version": VERSION,
    },
    required=("line_items",),
)
ITEM_UPDATE = obj({"line_item": LINE_ITEM, "version": VERSION}, required=("line_item",))
CART_UPDATE = obj({"customer_id": {"type": "integer", "minimum": 0}, "version": VERSION})
SANDBOX_CHANNEL_ID = 1


def get_cart(cart_id: str) -> Cart:
    """Find a cart; 404 when there is none with this id."""
    cart = store().carts.get(cart_id)
    if cart is None:
        raise not_found(f"Cart {cart_id} does not exist.")
    return cart


def cart_response(cart: Cart, status: int = 200) -> tuple[dict[str, Any], int]:
    """Wrap a cart in ``{data, meta}``."""
    return {"data": cart_payload(cart, includes()), "meta": {}}, status


def _reject_unsupported(body: dict[str, Any]) -> None:
    """Refuse custom items and gift certificates, which the sandbox does not sell."""
    for name in ("custom_items", "gift_certificates"):
        if body.get(name):
            raise invalid({name: "is not supported by the sandbox store"})


def _add_lines(cart: Cart, lines: list[dict[str, Any]]) -> None:
    """Add lines, merging a product already in the cart as BigCommerce does."""
    for index, line in enumerate(lines):
        field = f"line_items[{index}]"
        product = seed.PRODUCTS.get(line["product_id"])
        if product is None:
            raise invalid({f"{field}.product_id": f"product {line['product_id']} does not exist"})
        if line.get("variant_id", product.variant_id) != product.variant_id:
            raise invalid({f"{field}.variant_id": f"is not a variant of product {product.id}"})
        if line.get("option_selections"):
            raise invalid({f"{field}.option_selections": "the product has no options"})
        override = "list_price" in line
        price = round_major(Decimal(line["list_price"]), cart.currency) if override else None
        existing = next(
            (i for i in cart.line_items if i.product_id == product.id and not i.price_overridden),
            None,
        )
        if existing is not None and not override:
            existing.quantity += line["quantity"]
            continue
        cart.line_items.append(
            LineItem(
                id=new_uuid(),
                product_id=product.id,
                variant_id=product.variant_id,
                quantity=line["quantity"],
                list_price=price if price is not None else product.price(cart.currency),
                price_overridden=override,
            )
        )


@bp.post("/carts")
@locked
def create_cart() -> tuple[dict[str, Any], int]:
    """Create a cart in one of the store's transactional currencies."""
    body = read_valid_json(CART_CREATE)
    _reject_unsupported(body)
    currency = body.get("currency", {}).get("code", seed.DEFAULT_CURRENCY).upper()
    if currency not in seed.CURRENCIES:
        # carts.v3.yml: "Passing a non-transactional display currency will result in a 400".
        raise v3_error(400, detail=f"{currency} is not a transactional currency of this store.")
    channel_id = body.get("channel_id", SANDBOX_CHANNEL_ID)
    if channel_id != SANDBOX_CHANNEL_ID:
        raise invalid({"channel_id": f"channel {channel_id} does not exist"})
    cart = Cart(
        id=new_uuid(),
        currency=currency,
        customer_id=body.get("customer_id", 0),
        channel_id=channel_id,
        locale=body.get("locale", "en"),
    )
    _add_lines(cart, body["line_items"])
    store().carts[cart.id] = cart
    return cart_response(cart, 201)


@bp.get("/carts/<cart_id>")
@locked
def read_cart(cart_id: str) -> tuple[dict[str, Any], int]:
    """Return a cart."""
    return cart_response(get_cart(cart_id))


@bp.put("/carts/<cart_id>")
@locked
def update_cart(cart_id: str) -> tuple[dict[str, Any], int]:
    """Change the cart's customer; this drops shipping choices, as the spec warns."""
    cart = get_cart(cart_id)
    body = read_valid_json(CART_UPDATE)
    check_version(body, cart.version)
    if "customer_id" in body:
        cart.customer_id = body["customer_id"]
        for consignment in cart.consignments:
            consignment.shipping_option_id = None
            consignment.custom_shipping = None
        cart.touch()
    return cart_response(cart, 201)


@bp.delete("/carts/<cart_id>")
@locked
def delete_cart(cart_id: str) -> tuple[str, int]:
    """Delete a cart (and so its checkout)."""
    get_cart(cart_id)
    del store().carts[cart_id]
    return "", 204


@bp.post("/carts/<cart_id>/items")
@locked
def add_items(cart_id: str) -> tuple[dict[str, Any], int]:
    """Add line items to a cart."""
    cart = get_cart(cart_id)
    body = read_valid_json(ITEMS_ADD)
    check_version(body, cart.version)
    _reject_unsupported(body)
    _add_lines(cart, body["line_items"])
    cart.touch()
    return cart_response(cart, 201)


@bp.put("/carts/<cart_id>/items/<item_id>")
@locked
def update_item(cart_id: str, item_id: str) -> tuple[dict[str, Any], int]:
    """Change a line's quantity (or price); to change its product, delete and re-add."""
    cart = get_cart(cart_id)
    item = cart.item(item_id)
    if item is None:
        raise not_found(f"Line item {item_id} is not in cart {cart_id}.")
    body = read_valid_json(ITEM_UPDATE)
    check_version(body, cart.version)
    line = body["line_item"]
    if line["product_id"] != item.product_id:
        raise invalid({"line_item.product_id": "must be the product of this line item"})
    if line.get("variant_id", item.variant_id) != item.variant_id:
        raise invalid({"line_item.variant_id": "must be the variant of this line item"})
    item.quantity = line["quantity"]
    if "list_price" in line:
        item.list_price = round_major(Decimal(line["list_price"]), cart.currency)
        item.price_overridden = True
    cart.touch()
    return cart_response(cart)


@bp.delete("/carts/<cart_id>/items/<item_id>")
@locked
def delete_item(cart_id: str, item_id: str) -> tuple[dict[str, Any], int] | Response:
    """Remove a line; removing the last one deletes the cart and answers 204."""
    cart = get_cart(cart_id)
    if cart.item(item_id) is None:
        raise not_found(f"Line item {item_id} is not in cart {cart_id}.")
    body = read_valid_json(VERSION_ONLY, required=False)
    check_version(body, cart.version)
    cart.remove_item(item_id)
    if not cart.line_items:
        del store().carts[cart_id]
        return Response(status=204)
    cart.touch()
    return cart_response(cart)
