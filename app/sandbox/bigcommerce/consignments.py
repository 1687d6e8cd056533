"""Checkout consignments: shipping addresses, shipping options and store pickup."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from app.sandbox.minor_units import round_major

from . import seed
from .addresses import address_schema
from .addresses import needs_state
from .addresses import normalize
from .checkouts import checkout_response
from .checkouts import get_checkout
from .errors import invalid
from .errors import not_found
from .state import Cart
from .state import Consignment
from .validation import VERSION
from .validation import VERSION_ONLY
from .validation import array
from .validation import check_version
from .validation import obj
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import locked

bp = api_blueprint("bc_consignments", V3)

LINE = obj(
    {"item_id": string(), "quantity": {"type": "integer", "minimum": 1}},
    required=("item_id", "quantity"),
)
PICKUP = obj({"pickup_method_id": {"type": "integer"}}, required=("pickup_method_id",))
# CreateConsignmentRequest lists four required address fields, but its description (and
# BigCommerce) only insists on email and country_code, plus a state where the country has them.
NEW_CONSIGNMENT = obj(
    {
        "address": address_schema(),
        "line_items": array(LINE, min_items=1),
        "pickup_option": PICKUP,
        "version": VERSION,
    },
    required=("line_items",),
)
CREATE = array(NEW_CONSIGNMENT, min_items=1)
UPDATE = obj(
    {
        "address": address_schema(),
        "line_items": array(LINE, min_items=1),
        "shipping_option_id": string(1),
        "pickup_option": PICKUP,
        "custom_shipping": obj(
            {"price": {"type": "number", "minimum": 0}, "description": string(1)},
            required=("price", "description"),
        ),
        "version": VERSION,
    }
)
CHANGES = ("address", "line_items", "shipping_option_id", "pickup_option", "custom_shipping")


def _address(raw: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Validate a shipping address; a state is required where the country has them."""
    address = normalize(raw, prefix)
    if needs_state(address) and not address["state_or_province"]:
        raise invalid({f"{prefix}.state_or_province": "is required for this country"})
    return address


def _pickup_method(raw: dict[str, Any], prefix: str) -> int:
    """Return a known pickup method id; 422 naming the field otherwise."""
    method_id = raw["pickup_method_id"]
    if method_id not in seed.PICKUP_METHODS:
        raise invalid({f"{prefix}.pickup_method_id": f"pickup method {method_id} does not exist"})
    return method_id


def _line_ids(cart: Cart, lines: list[dict[str, Any]], prefix: str) -> list[str]:
    """Check that each line is a physical item of the cart; the whole line is assigned."""
    ids: list[str] = []
    for index, line in enumerate(lines):
        item = cart.item(line["item_id"])
        where = f"{prefix}line_items[{index}]"
        if item is None or not item.product.is_physical:
            raise invalid({f"{where}.item_id": "must be the id of a physical item in the cart"})
        if line["quantity"] > item.quantity:
            raise invalid({f"{where}.quantity": f"must be at most {item.quantity}"})
        ids.append(item.id)
    return ids


def _new_id() -> str:
    """A short hex id, like BigCommerce's consignment and address ids."""
    return uuid.uuid4().hex[:13]


@bp.post("/checkouts/<checkout_id>/consignments")
@locked
def add_consignments(checkout_id: str) -> dict[str, Any]:
    """Add consignments; an address already used gets the new lines added to it."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(CREATE)
    for entry in body:
        check_version(entry, cart.version)
    # Check every entry before changing anything, so a bad entry leaves the checkout as it was.
    parsed = [_parse_new(cart, entry, f"[{index}]") for index, entry in enumerate(body)]
    for item_ids, address, method_id in parsed:
        cart.unassign(set(item_ids))
        same = next((c for c in cart.consignments if address and c.address == address), None)
        if same is not None:
            same.line_item_ids.extend(item_ids)
            _clear_shipping(same)
            continue
        cart.consignments.append(
            Consignment(
                id=_new_id(),
                line_item_ids=item_ids,
                address=address,
                address_id=_new_id() if address else "",
                pickup_method_id=method_id,
            )
        )
    cart.touch()
    return checkout_response(cart)


def _parse_new(
    cart: Cart, entry: dict[str, Any], where: str
) -> tuple[list[str], dict[str, Any] | None, int | None]:
    """Validate one new consignment: its lines, and an address or a pickup method."""
    item_ids = _line_ids(cart, entry["line_items"], where)
    if "pickup_option" in entry:
        if "address" in entry:
            raise invalid({f"{where}.address": "a pickup consignment has no address"})
        return item_ids, None, _pickup_method(entry["pickup_option"], f"{where}.pickup_option")
    if "address" not in entry:
        raise invalid({f"{where}.address": "is required unless pickup_option is given"})
    return item_ids, _address(entry["address"], f"{where}.address"), None


@bp.put("/checkouts/<checkout_id>/consignments/<consignment_id>")
@locked
def update_consignment(checkout_id: str, consignment_id: str) -> dict[str, Any]:
    """Change a consignment's address or lines, or (separately) pick its shipping option."""
    cart = get_checkout(checkout_id)
    consignment = _consignment_or_404(cart, checkout_id, consignment_id)
    body = read_valid_json(UPDATE)
    check_version(body, cart.version)
    if not any(name in body for name in CHANGES):
        raise invalid({"body": "send at least one of " + ", ".join(CHANGES)})
    if "shipping_option_id" in body or "custom_shipping" in body:
        _check_shipping_choice(body, consignment)
    if "pickup_option" in body and "address" in body:
        raise invalid({"address": "a pickup consignment has no address"})
    # Check everything before changing anything.
    method_id = (
        _pickup_method(body["pickup_option"], "pickup_option") if "pickup_option" in body else None
    )
    address = _address(body["address"], "address") if "address" in body else None
    item_ids = _line_ids(cart, body["line_items"], "") if "line_items" in body else None
    if method_id is not None:
        consignment.pickup_method_id = method_id
        consignment.address = None
        consignment.address_id = ""
        _clear_shipping(consignment)
    if address is not None:
        consignment.address = address
        consignment.address_id = consignment.address_id or _new_id()
        consignment.pickup_method_id = None
        _clear_shipping(consignment)
    if item_ids is not None:
        cart.unassign(set(item_ids) - set(consignment.line_item_ids))
        consignment.line_item_ids = item_ids
        _clear_shipping(consignment)
    if "shipping_option_id" in body:
        consignment.shipping_option_id = body["shipping_option_id"]
        consignment.custom_shipping = None
    if "custom_shipping" in body:
        custom = body["custom_shipping"]
        price = round_major(Decimal(custom["price"]), cart.currency)
        consignment.custom_shipping = {"price": price, "description": custom["description"]}
        consignment.shipping_option_id = None
    cart.consignments = [c for c in cart.consignments if c.line_item_ids]
    cart.touch()
    return checkout_response(cart)


def _check_shipping_choice(body: dict[str, Any], consignment: Consignment) -> None:
    """Enforce the spec's rules for choosing how a consignment ships."""
    field = "shipping_option_id" if "shipping_option_id" in body else "custom_shipping"
    if "shipping_option_id" in body and "custom_shipping" in body:
        raise invalid({field: "send either shipping_option_id or custom_shipping, not both"})
    if any(name in body for name in ("address", "line_items", "pickup_option")):
        # UpdateConsignmentRequest: address and line-item changes can invalidate the options,
        # so the option must be chosen in a separate request.
        raise invalid({field: "must be sent in a separate request from address or line items"})
    if consignment.is_pickup:
        raise invalid({field: "a pickup consignment cannot have a shipping option"})
    if consignment.address is None:
        raise invalid({field: "the consignment has no address to ship to"})
    offered = {option.id for option in seed.offered_options(consignment.address)}
    if "shipping_option_id" in body and body["shipping_option_id"] not in offered:
        raise invalid({field: "is not one of the consignment's available shipping options"})


def _consignment_or_404(cart: Cart, checkout_id: str, consignment_id: str) -> Consignment:
    """Return the checkout's consignment with this id, or answer 404."""
    consignment = cart.consignment(consignment_id)
    if consignment is None:
        raise not_found(f"Consignment {consignment_id} is not on checkout {checkout_id}.")
    return consignment


def _clear_shipping(consignment: Consignment) -> None:
    """Forget the chosen shipping, which address or line changes invalidate."""
    consignment.shipping_option_id = None
    consignment.custom_shipping = None


@bp.delete("/checkouts/<checkout_id>/consignments/<consignment_id>")
@locked
def delete_consignment(checkout_id: str, consignment_id: str) -> dict[str, Any]:
    """Remove a consignment; its lines become unassigned."""
    cart = get_checkout(checkout_id)
    consignment = _consignment_or_404(cart, checkout_id, consignment_id)
    body = read_valid_json(VERSION_ONLY, required=False)
    check_version(body, cart.version)
    cart.consignments.remove(consignment)
    cart.touch()
    return checkout_response(cart)
