"""A BigCommerce checkout as typed results: its cart lines, fees, consignments and addresses.

Fields the app does not use are ignored, so BigCommerce may add fields freely.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import fields
from decimal import Decimal
from typing import Any

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.parsing import ZERO
from app.clients.bigcommerce.parsing import amount
from app.clients.bigcommerce.parsing import list_of
from app.clients.bigcommerce.parsing import required
from app.money import MoneyError
from app.money import check_currency
from app.money import to_decimal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Address:
    """A postal address, billing or shipping, as BigCommerce holds it (the email travels apart)."""

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
    def parse(cls, data: Any) -> Address | None:
        """Read a billing or consignment address; None when there is none."""
        if not isinstance(data, dict) or not data:
            return None
        return cls(**{name.name: _text(data.get(name.name)) for name in fields(cls)})

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
class Consignment:
    """Where some of the cart's physical items go: an address (and how), or a store pickup."""

    id: str
    line_item_ids: tuple[str, ...] = ()
    address: Address | None = None
    pickup: bool = False  # collected in store (BigCommerce's selected or requested pickup)
    pickup_method_id: int | None = None
    # None when the answer did not include them (only some calls take that include).
    options: tuple[ShippingOption, ...] | None = None
    selected_option_id: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Consignment:
        """Read one entry of ``checkout.consignments``."""
        if not isinstance(data, dict):
            raise BigCommerceInvalidResponse("checkout.consignments holds a non-object")
        pickup = data.get("selected_pickup_option") or data.get("pickup_option")
        method = pickup.get("pickup_method_id") if isinstance(pickup, dict) else None
        selected = data.get("selected_shipping_option")
        options = data.get("available_shipping_options")
        return cls(
            id=_text(data.get("id")),
            line_item_ids=tuple(str(item) for item in data.get("line_item_ids") or ()),
            address=Address.parse(data.get("address")),
            pickup=bool(pickup),
            pickup_method_id=method if isinstance(method, int) else None,
            options=None if "available_shipping_options" not in data else _options(options),
            selected_option_id=(
                str(selected["id"]) if isinstance(selected, dict) and selected.get("id") else None
            ),
        )


def _text(value: Any) -> str:
    """A text field as BigCommerce sent it; absent or null reads as empty."""
    return "" if value is None else str(value)


def _options(raw: Any) -> tuple[ShippingOption, ...]:
    """Read a consignment's shipping options, skipping any without a usable price."""
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
    return tuple(options)


@dataclass(frozen=True)
class LineItem:
    """One line of a cart: a product, its quantity and its prices."""

    id: str
    product_id: int
    variant_id: int | None
    name: str
    sku: str
    quantity: int
    list_price: Decimal
    sale_price: Decimal
    extended_list_price: Decimal
    extended_sale_price: Decimal
    discount_amount: Decimal
    coupon_amount: Decimal
    is_digital: bool
    image_url: str

    @classmethod
    def parse(cls, data: Any, is_digital: bool) -> LineItem:
        """Read a physical or digital line item."""
        where = "line_item"
        quantity = required(data, "quantity", (int, Decimal), where)
        if quantity != int(quantity) or quantity < 1:
            raise BigCommerceInvalidResponse("line_item.quantity is not a positive whole number")
        variant = data.get("variant_id")
        return cls(
            id=str(required(data, "id", (str, int), where)),
            product_id=required(data, "product_id", int, where),
            variant_id=variant if isinstance(variant, int) else None,
            name=required(data, "name", str, where),
            sku=str(data.get("sku") or ""),
            quantity=int(quantity),
            list_price=amount(data, "list_price", where),
            sale_price=amount(data, "sale_price", where),
            extended_list_price=amount(data, "extended_list_price", where),
            extended_sale_price=amount(data, "extended_sale_price", where),
            discount_amount=amount(data, "discount_amount", where, ZERO),
            coupon_amount=amount(data, "coupon_amount", where, ZERO),
            is_digital=is_digital,
            image_url=str(data.get("image_url") or ""),
        )


@dataclass(frozen=True)
class Coupon:
    """A coupon applied to the checkout."""

    code: str
    display_name: str
    discounted_amount: Decimal

    @classmethod
    def parse(cls, data: Any) -> Coupon:
        """Read one entry of ``checkout.coupons``."""
        code = required(data, "code", str, "coupon")
        return cls(
            code=code,
            display_name=str(data.get("display_name") or code),
            discounted_amount=amount(data, "discounted_amount", "coupon", ZERO),
        )


@dataclass(frozen=True)
class Fee:
    """An order-level fee on the checkout (Checkout Fees API)."""

    id: str
    name: str
    display_name: str
    source: str
    cost_inc_tax: Decimal
    cost_ex_tax: Decimal
    tax_class_id: int | None

    @classmethod
    def parse(cls, data: Any) -> Fee:
        """Read one entry of ``checkout.fees``."""
        where = "fee"
        tax_class = data.get("tax_class_id") if isinstance(data, dict) else None
        return cls(
            id=str(required(data, "id", str, where)),
            name=required(data, "name", str, where),
            display_name=required(data, "display_name", str, where),
            source=required(data, "source", str, where),
            cost_inc_tax=amount(data, "cost_inc_tax", where),
            cost_ex_tax=amount(data, "cost_ex_tax", where),
            tax_class_id=tax_class if isinstance(tax_class, int) else None,
        )


@dataclass(frozen=True)
class Checkout:
    """A BigCommerce checkout: its cart, totals and what has been chosen so far."""

    id: str
    cart_id: str
    currency: str
    tax_included: bool
    email: str
    line_items: tuple[LineItem, ...]
    coupons: tuple[Coupon, ...]
    fees: tuple[Fee, ...]
    subtotal_ex_tax: Decimal
    subtotal_inc_tax: Decimal
    cart_amount_ex_tax: Decimal
    cart_amount_inc_tax: Decimal
    cart_discount_amount: Decimal
    shipping_cost_total_ex_tax: Decimal
    shipping_cost_total_inc_tax: Decimal
    handling_cost_total_ex_tax: Decimal
    handling_cost_total_inc_tax: Decimal
    tax_total: Decimal
    grand_total: Decimal
    consignments: tuple[Consignment, ...]
    billing_address: Address | None
    billing_address_id: str | None
    customer_message: str
    order_id: str | None
    version: int | None

    @property
    def item_count(self) -> int:
        """Return the number of items, counting quantities."""
        return sum(item.quantity for item in self.line_items)

    @classmethod
    def parse(cls, data: Any) -> Checkout:
        """Read the ``data`` of ``GET /v3/checkouts/{id}``."""
        where = "checkout"
        cart = required(data, "cart", dict, where)
        currency = required(required(cart, "currency", dict, "cart"), "code", str, "cart.currency")
        try:
            check_currency(currency)
        except MoneyError as error:
            raise BigCommerceInvalidResponse(f"cart.currency.code: {error}") from error
        items = required(cart, "line_items", dict, "cart")
        line_items = tuple(
            [LineItem.parse(item, False) for item in list_of(items, "physical_items", "cart")]
            + [LineItem.parse(item, True) for item in list_of(items, "digital_items", "cart")]
        )
        version = data.get("version")
        order_id = data.get("order_id")
        billing = data.get("billing_address")
        billing_id = billing.get("id") if isinstance(billing, dict) else None
        return cls(
            id=str(required(data, "id", str, where)),
            cart_id=str(required(cart, "id", str, "cart")),
            currency=currency,
            tax_included=bool(cart.get("tax_included", False)),
            email=str(cart.get("email") or ""),
            line_items=line_items,
            coupons=tuple(Coupon.parse(c) for c in list_of(data, "coupons", where)),
            fees=tuple(Fee.parse(f) for f in list_of(data, "fees", where)),
            subtotal_ex_tax=amount(data, "subtotal_ex_tax", where),
            subtotal_inc_tax=amount(data, "subtotal_inc_tax", where),
            cart_amount_ex_tax=amount(cart, "cart_amount_ex_tax", "cart"),
            cart_amount_inc_tax=amount(cart, "cart_amount_inc_tax", "cart"),
            cart_discount_amount=amount(cart, "discount_amount", "cart", ZERO),
            shipping_cost_total_ex_tax=amount(data, "shipping_cost_total_ex_tax", where, ZERO),
            shipping_cost_total_inc_tax=amount(data, "shipping_cost_total_inc_tax", where, ZERO),
            handling_cost_total_ex_tax=amount(data, "handling_cost_total_ex_tax", where, ZERO),
            handling_cost_total_inc_tax=amount(data, "handling_cost_total_inc_tax", where, ZERO),
            tax_total=amount(data, "tax_total", where, ZERO),
            grand_total=amount(data, "grand_total", where),
            consignments=tuple(Consignment.parse(c) for c in list_of(data, "consignments", where)),
            billing_address=Address.parse(billing),
            billing_address_id=str(billing_id) if billing_id not in (None, "") else None,
            customer_message=str(data.get("customer_message") or ""),
            order_id=str(order_id) if order_id not in (None, "") else None,
            version=version if isinstance(version, int) else None,
        )


@dataclass(frozen=True)
class Cart:
    """The parts of a cart the storefront needs after creating or changing it."""

    id: str
    currency: str
    item_count: int

    @classmethod
    def parse(cls, data: Any) -> Cart:
        """Read the ``data`` of a cart response."""
        currency = required(required(data, "currency", dict, "cart"), "code", str, "cart.currency")
        items = required(data, "line_items", dict, "cart")
        count = sum(
            int(required(item, "quantity", (int, Decimal), "line_item"))
            for kind in ("physical_items", "digital_items")
            for item in list_of(items, kind, "cart")
        )
        return cls(id=str(required(data, "id", str, "cart")), currency=currency, item_count=count)


@dataclass(frozen=True)
class FeeRequest:
    """A fee to add to or update on a checkout (Checkout Fees API ``BaseFee``/``FeeWithId``)."""

    name: str
    display_name: str
    cost: Decimal  # major units, already quantized to the currency's exponent; sent as is
    source: str
    tax_class_id: int | None = None
    id: str | None = None  # required to update a fee

    def __post_init__(self) -> None:
        # A float (or a NaN) would put binary noise on the wire; only an exact Decimal is sent.
        if not isinstance(self.cost, Decimal) or not self.cost.is_finite():
            raise TypeError(f"fee cost must be a finite Decimal, not {self.cost!r}")

    def as_json(self, with_id: bool = False) -> dict[str, Any]:
        """Return the fee as the API takes it; ``with_id`` for an update (every field is sent)."""
        fee: dict[str, Any] = {
            "type": "custom_fee",
            "name": self.name,
            "display_name": self.display_name,
            "cost": self.cost,
            "source": self.source,
        }
        # The spec types tax_class_id as a plain integer: leave it out rather than send null.
        if self.tax_class_id is not None:
            fee["tax_class_id"] = self.tax_class_id
        if with_id:
            if not self.id:
                raise ValueError(f"fee {self.name!r} has no id to update")
            fee["id"] = self.id
        return fee
