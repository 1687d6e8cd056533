"""Where the order goes: addresses, the delivery chosen and the shipping options offered.

Read models of a BigCommerce checkout for the step sections; no upstream calls, no Flask.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import fields
from decimal import Decimal
from typing import Any

from app.clients.bigcommerce import Checkout
from app.money import MoneyError
from app.money import to_decimal

log = logging.getLogger(__name__)

ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "city",
    "state_or_province",
    "country_code",
    "postal_code",
    "phone",
)


@dataclass(frozen=True)
class Address:
    """A postal address as the shopper typed it (the email travels apart)."""

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state_or_province: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""
    phone: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Address | None:
        """Read a BigCommerce address (billing or consignment); None when there is none."""
        if not isinstance(data, dict):
            return None
        return cls(**{field.name: str(data.get(field.name) or "").strip() for field in fields(cls)})

    def for_api(self, email: str) -> dict[str, Any]:
        """Return BigCommerce's address body, with the cart's email."""
        body: dict[str, Any] = {
            field.name: getattr(self, field.name)
            for field in fields(self)
            if getattr(self, field.name)
        }
        body["email"] = email
        body["country_code"] = self.country_code
        # CreateConsignmentRequest lists both as required, so they are sent even when empty.
        body.setdefault("state_or_province", "")
        body.setdefault("postal_code", "")
        return body

    @property
    def is_complete(self) -> bool:
        """Tell whether it has a street address, not just the country the email came with."""
        return bool(self.address1)


@dataclass(frozen=True)
class ShippingOption:
    """One way BigCommerce offers to ship a consignment, at its price."""

    id: str
    description: str
    cost: Decimal
    transit_time: str


@dataclass(frozen=True)
class Delivery:
    """How the checkout's physical items reach the shopper: its first consignment."""

    consignment_id: str | None = None
    line_item_ids: tuple[str, ...] = ()
    address: Address | None = None
    pickup_method_id: int | None = None
    options: tuple[ShippingOption, ...] = ()
    selected_option_id: str | None = None


def delivery_of(checkout: Checkout) -> Delivery:
    """Return the checkout's delivery: the consignment the checkout steps manage."""
    consignment = next((c for c in checkout.consignments if isinstance(c, dict)), None)
    if consignment is None:
        return Delivery()
    pickup = consignment.get("selected_pickup_option") or consignment.get("pickup_option")
    pickup_id = pickup.get("pickup_method_id") if isinstance(pickup, dict) else None
    selected = consignment.get("selected_shipping_option")
    raw_options = consignment.get("available_shipping_options")
    return Delivery(
        consignment_id=str(consignment.get("id") or "") or None,
        line_item_ids=tuple(str(i) for i in consignment.get("line_item_ids") or ()),
        address=None if pickup_id is not None else Address.from_api(consignment.get("address")),
        pickup_method_id=pickup_id if isinstance(pickup_id, int) else None,
        options=tuple(_options(raw_options)),
        selected_option_id=(
            str(selected["id"]) if isinstance(selected, dict) and selected.get("id") else None
        ),
    )


def _options(raw: Any) -> list[ShippingOption]:
    """Read the consignment's available shipping options, skipping any without a price."""
    options = []
    for option in raw if isinstance(raw, list) else ():
        if not isinstance(option, dict) or not option.get("id"):
            continue
        try:
            cost = to_decimal(option.get("cost"))
        except MoneyError:
            log.warning("Shipping option %s has no usable cost; not offered", option.get("id"))
            continue
        options.append(
            ShippingOption(
                id=str(option["id"]),
                description=str(option.get("description") or "Shipping"),
                cost=cost,
                transit_time=str(option.get("transit_time") or ""),
            )
        )
    return options


def billing_of(checkout: Checkout) -> tuple[str | None, Address | None]:
    """Return the billing address's id and the address, when the checkout has one."""
    data = checkout.billing_address
    if not isinstance(data, dict):
        return None, None
    address_id = data.get("id")
    return (str(address_id) if address_id not in (None, "") else None), Address.from_api(data)


def needs_shipping(checkout: Checkout) -> bool:
    """Tell whether anything in the cart is physical."""
    return any(not item.is_digital for item in checkout.line_items)


def shipping_address(checkout: Checkout) -> Address | None:
    """Return the address the order ships to, if one is set (not for store pickup)."""
    address = delivery_of(checkout).address
    return address if address is not None and address.is_complete else None


def billing_follows_shipping(checkout: Checkout) -> bool:
    """Tell whether the billing address is (still) the shipping address, or not yet given."""
    _, billing = billing_of(checkout)
    if billing is None or not billing.is_complete:
        return True
    shipping = shipping_address(checkout)
    return shipping is not None and _same_place(billing, shipping)


def _same_place(one: Address, other: Address) -> bool:
    return all(
        getattr(one, name).casefold() == getattr(other, name).casefold() for name in ADDRESS_FIELDS
    )


def physical_lines(checkout: Checkout) -> list[tuple[str, int]]:
    return [(item.id, item.quantity) for item in checkout.line_items if not item.is_digital]
