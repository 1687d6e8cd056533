"""Checkout Fees API: order-level fees, added, replaced and deleted in batches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.sandbox.minor_units import round_major

from . import seed
from .checkouts import checkout_response
from .checkouts import get_checkout
from .errors import invalid
from .state import Cart
from .state import Fee
from .state import new_uuid
from .validation import array
from .validation import obj
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import locked

bp = api_blueprint("bc_fees", V3)

# checkouts.v3.yml "Maximum of 5 fees per checkout".
MAX_FEES = 5
# BaseFee: cost is a JSON number in major units (a string such as "7.98" is rejected).
BASE_FEE_PROPERTIES = {
    "type": string(enum=["custom_fee"]),
    "name": string(1, 50),
    "display_name": string(1, 200),
    "cost": {"type": "number"},
    "source": string(1, 50),
    "tax_class_id": {"type": "integer"},
}
BASE_FEE_REQUIRED = ("type", "name", "display_name", "cost", "source")
ADD_FEES = obj({"fees": array(obj(BASE_FEE_PROPERTIES, BASE_FEE_REQUIRED), 1)}, ("fees",))
UPDATE_FEES = obj(
    {"fees": array(obj({**BASE_FEE_PROPERTIES, "id": string()}, (*BASE_FEE_REQUIRED, "id")), 1)},
    ("fees",),
)
DELETE_FEES = obj({"ids": array(string(), 1)}, ("ids",))


def _fee_values(cart: Cart, raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Check one fee's cost and tax class and return its stored values."""
    cost = Decimal(raw["cost"])
    if cost < 0:
        # Unverified: the spec sets no minimum; the sandbox keeps fees non-negative.
        raise invalid({f"{where}.cost": "must not be negative"})
    tax_class_id = raw.get("tax_class_id")
    if tax_class_id is not None and tax_class_id not in seed.TAX_CLASSES:
        raise invalid({f"{where}.tax_class_id": f"tax class {tax_class_id} does not exist"})
    return {
        "type": raw["type"],
        "name": raw["name"],
        "display_name": raw["display_name"],
        "cost": round_major(cost, cart.currency),
        "source": raw["source"],
        "tax_class_id": tax_class_id,
    }


@bp.post("/checkouts/<checkout_id>/fees")
@locked
def add_fees(checkout_id: str) -> dict[str, Any]:
    """Add fees to a checkout (at most five in all)."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(ADD_FEES)
    if len(cart.fees) + len(body["fees"]) > MAX_FEES:
        # The spec states the limit but not the status; the sandbox answers 422 (unverified).
        raise invalid(
            {"fees": f"a checkout can have at most {MAX_FEES} fees; it has {len(cart.fees)}"}
        )
    values = [_fee_values(cart, raw, f"fees[{i}]") for i, raw in enumerate(body["fees"])]
    cart.fees.extend(Fee(id=new_uuid(), **value) for value in values)
    cart.touch()
    return checkout_response(cart)


@bp.put("/checkouts/<checkout_id>/fees")
@locked
def update_fees(checkout_id: str) -> dict[str, Any]:
    """Replace fees by id; every field must be sent (no partial updates)."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(UPDATE_FEES)
    by_id = {fee.id: fee for fee in cart.fees}
    updates: list[tuple[Fee, dict[str, Any]]] = []
    for index, raw in enumerate(body["fees"]):
        fee = by_id.get(raw["id"])
        if fee is None:
            raise invalid({f"fees[{index}].id": f"fee {raw['id']} is not on this checkout"})
        updates.append((fee, _fee_values(cart, raw, f"fees[{index}]")))
    for fee, value in updates:
        for name, field_value in value.items():
            setattr(fee, name, field_value)
    cart.touch()
    return checkout_response(cart)


@bp.delete("/checkouts/<checkout_id>/fees")
@locked
def delete_fees(checkout_id: str) -> dict[str, Any]:
    """Delete fees by id; the ids travel in the JSON body."""
    cart = get_checkout(checkout_id)
    body = read_valid_json(DELETE_FEES)
    known = {fee.id for fee in cart.fees}
    for index, fee_id in enumerate(body["ids"]):
        if fee_id not in known:
            raise invalid({f"ids[{index}]": f"fee {fee_id} is not on this checkout"})
    doomed = set(body["ids"])
    cart.fees = [fee for fee in cart.fees if fee.id not in doomed]
    cart.touch()
    return checkout_response(cart)
