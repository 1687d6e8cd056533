"""Where the order goes: the delivery chosen, the billing address and whether they agree.

Read models of a BigCommerce checkout for the step sections; no upstream calls, no Flask.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from typing import Any

from app.clients.bigcommerce import Address
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Consignment
from app.clients.bigcommerce import ShippingOption

# The address fields a shopper types (the state's code is worked out from its name).
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
class Delivery:
    """How the checkout's physical items reach the shopper: its first consignment."""

    consignment_id: str | None = None
    line_item_ids: tuple[str, ...] = ()
    address: Address | None = None
    pickup_method_id: int | None = None
    options: tuple[ShippingOption, ...] = ()
    selected_option_id: str | None = None


@dataclass(frozen=True)
class SetAsideShipping:
    """The shipping address and method store pickup replaced, to ship to again on return."""

    address: Address
    option_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return it as JSON-friendly data for the session."""
        return {"address": asdict(self.address), "option_id": self.option_id}

    @classmethod
    def from_dict(cls, data: Any) -> SetAsideShipping | None:
        """Read it back from the session; anything malformed reads as none."""
        if not isinstance(data, dict):
            return None
        address, option_id = data.get("address"), data.get("option_id")
        names = {field.name for field in fields(Address)}
        if not (isinstance(address, dict) and set(address) == names):
            return None
        if not all(isinstance(value, str) for value in address.values()):
            return None
        if not (option_id is None or isinstance(option_id, str)):
            return None
        kept = cls(Address(**address), option_id)
        return kept if kept.address.is_complete else None


def delivery_of(checkout: Checkout) -> Delivery:
    """Return the checkout's delivery: the consignment the checkout steps manage."""
    if not checkout.consignments:
        return Delivery()
    consignment = checkout.consignments[0]
    return Delivery(
        consignment_id=consignment.id or None,
        line_item_ids=consignment.line_item_ids,
        address=None if consignment.pickup_method_id is not None else consignment.address,
        pickup_method_id=consignment.pickup_method_id,
        options=consignment.options or (),
        selected_option_id=consignment.selected_option_id,
    )


def needs_shipping(checkout: Checkout) -> bool:
    """Tell whether anything in the cart is physical."""
    return any(not item.is_digital for item in checkout.line_items)


def shipping_address(checkout: Checkout) -> Address | None:
    """Return the address the order ships to, if one is set (not for store pickup)."""
    address = delivery_of(checkout).address
    return address if address is not None and address.is_complete else None


def billing_follows_shipping(checkout: Checkout) -> bool:
    """Tell whether the billing address is (still) the shipping address, or not yet given."""
    billing = checkout.billing_address
    if billing is None or not billing.is_complete:
        return True
    shipping = shipping_address(checkout)
    return shipping is not None and _same_place(billing, shipping)


def _same_place(one: Address, other: Address) -> bool:
    return all(
        getattr(one, name).casefold() == getattr(other, name).casefold() for name in ADDRESS_FIELDS
    )


def physical_lines(checkout: Checkout) -> list[tuple[str, int]]:
    """Return ``(line id, quantity)`` of every physical line, as consignments take them."""
    return [(item.id, item.quantity) for item in checkout.line_items if not item.is_digital]


# The steps an order needs before it can be placed, in the page's order.
CONTACT, DELIVERY = "contact", "delivery"


def unfinished_steps(checkout: Checkout) -> tuple[str, ...]:
    """Return the steps still needed before BigCommerce can turn the checkout into an order."""
    missing = []
    if not checkout.email:
        missing.append(CONTACT)
    if needs_shipping(checkout) and not delivery_chosen(checkout):
        missing.append(DELIVERY)
    return tuple(missing)


def delivery_chosen(checkout: Checkout) -> bool:
    """Tell whether every physical item goes somewhere: picked up, or shipped by a method."""
    physical = {item.id for item in checkout.line_items if not item.is_digital}
    placed: set[str] = set()
    for consignment in checkout.consignments:
        if consignment.pickup_method_id is None and not consignment.selected_option_id:
            return False
        placed.update(consignment.line_item_ids)
    return physical <= placed


def lacks_options(checkout: Checkout) -> bool:
    """Tell whether a consignment with an address came back without its shipping options."""
    return any(_missing_options(consignment) for consignment in checkout.consignments)


def _missing_options(consignment: Consignment) -> bool:
    """A consignment shipping to an address whose answer did not list its options."""
    return consignment.address is not None and consignment.options is None


def with_options_of(checkout: Checkout, source: Checkout) -> Checkout | None:
    """Copy each consignment's options from ``source`` where it has the same address and lines.

    None when one is missing there or differs: then only a fresh read says what is offered.
    """
    sources = {consignment.id: consignment for consignment in source.consignments}
    consignments = []
    for consignment in checkout.consignments:
        if _missing_options(consignment):
            known = sources.get(consignment.id)
            if (
                known is None
                or known.options is None
                or _offer_key(known) != _offer_key(consignment)
            ):
                return None
            consignment = replace(consignment, options=known.options)
        consignments.append(consignment)
    return replace(checkout, consignments=tuple(consignments))


def _offer_key(consignment: Consignment) -> tuple:
    """What decides a consignment's shipping options: where it goes, what, and how."""
    return (
        consignment.address,
        consignment.line_item_ids,
        consignment.pickup,
        consignment.pickup_method_id,
    )
