"""A BigCommerce v2 order as a typed result: its products, fees, totals and where it goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.parsing import ZERO
from app.clients.bigcommerce.parsing import list_of
from app.clients.bigcommerce.parsing import optional_int
from app.clients.bigcommerce.parsing import required
from app.clients.bigcommerce.parsing import v2_amount
from app.clients.bigcommerce.parsing import v2_date
from app.money import MoneyError
from app.money import check_currency


@dataclass(frozen=True)
class OrderFee:
    """A fee on a v2 order (``orderFees_Resp``)."""

    display_name: str  # display_name_customer: what the shopper saw
    source: str | None
    cost_inc_tax: Decimal
    cost_ex_tax: Decimal

    @classmethod
    def parse(cls, data: Any) -> OrderFee:
        """Read one v2 order fee."""
        where = "order.fee"
        source = data.get("source") if isinstance(data, dict) else None
        return cls(
            display_name=required(data, "display_name_customer", str, where),
            source=source if isinstance(source, str) else None,
            cost_inc_tax=v2_amount(data, "cost_inc_tax", where),
            cost_ex_tax=v2_amount(data, "cost_ex_tax", where),
        )


@dataclass(frozen=True)
class OrderLine:
    """A v2 order product."""

    id: int  # the order product's id, unique within the order
    product_id: int  # 0 for a custom product
    variant_id: int | None  # None for a custom product
    sku: str | None
    name: str
    quantity: int
    price_inc_tax: Decimal  # one unit, before discounts
    price_ex_tax: Decimal
    total_inc_tax: Decimal
    total_ex_tax: Decimal
    # The codes of the coupons applied to this product (``applied_discounts[].code``); a
    # manual discount or a promotion carries no code.
    coupon_codes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: Any) -> OrderLine:
        """Read one v2 order product (``orderProducts``)."""
        where = "order.product"
        sku = data.get("sku")
        return cls(
            id=required(data, "id", int, where),
            product_id=required(data, "product_id", int, where),
            variant_id=optional_int(data, "variant_id"),
            sku=sku if isinstance(sku, str) and sku else None,
            name=required(data, "name", str, where),
            quantity=required(data, "quantity", int, where),
            price_inc_tax=v2_amount(data, "price_inc_tax", where),
            price_ex_tax=v2_amount(data, "price_ex_tax", where),
            total_inc_tax=v2_amount(data, "total_inc_tax", where),
            total_ex_tax=v2_amount(data, "total_ex_tax", where),
            coupon_codes=_coupon_codes(list_of(data, "applied_discounts", where)),
        )


def _coupon_codes(discounts: list) -> tuple[str, ...]:
    """The coupon codes of a product's applied discounts, once each, in order.

    A code field may name several coupons separated by commas; each is kept on its own.
    """
    codes: dict[str, None] = {}
    for discount in discounts:
        code = discount.get("code") if isinstance(discount, dict) else None
        if isinstance(code, str):
            codes.update(dict.fromkeys(part.strip() for part in code.split(",") if part.strip()))
    return tuple(codes)


@dataclass(frozen=True)
class OrderAddress:
    """A v2 address: a shipping consignment's (``shippingConsignment_Base``) or the billing one
    (``billingAddress_Base``), which share these field names."""

    first_name: str
    last_name: str
    company: str
    street_1: str
    street_2: str
    city: str
    state: str
    zip: str
    country: str  # the country's English name, as v2 writes it
    country_iso2: str

    @classmethod
    def parse(cls, data: Any) -> OrderAddress:
        """Read the address fields; an absent one reads as empty."""
        return cls(**{name: _text(data, name) for name in cls.__dataclass_fields__})

    @property
    def name(self) -> str:
        """The recipient's full name."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class OrderShipment:
    """A shipping consignment of an order: the address and the method the shopper chose."""

    id: int
    address: OrderAddress
    shipping_method: str  # the shipping module's name, e.g. "Standard"

    @classmethod
    def parse(cls, data: Any) -> OrderShipment:
        """Read one ``shippingConsignment_Get``."""
        where = "order.consignments.shipping"
        return cls(
            id=required(data, "id", int, where),
            address=OrderAddress.parse(data),
            shipping_method=_text(data, "shipping_method"),
        )


@dataclass(frozen=True)
class PickupLocation:
    """The store a pickup is collected from (``pickupConsignmentLocation_Get``)."""

    name: str
    address_line_1: str
    address_line_2: str
    city: str
    state: str
    postal_code: str
    country_alpha2: str

    @classmethod
    def parse(cls, data: Any) -> PickupLocation:
        """Read a pickup location; an absent field reads as empty."""
        return cls(**{name: _text(data, name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class OrderPickup:
    """A pickup consignment of an order: the method's name, where and when to collect."""

    id: int
    method_name: str  # pickup_method_display_name
    collection_instructions: str
    collection_time_description: str
    location: PickupLocation

    @classmethod
    def parse(cls, data: Any) -> OrderPickup:
        """Read one ``pickupConsignment_Get``."""
        where = "order.consignments.pickups"
        return cls(
            id=required(data, "id", int, where),
            method_name=_text(data, "pickup_method_display_name"),
            collection_instructions=_text(data, "collection_instructions"),
            collection_time_description=_text(data, "collection_time_description"),
            location=PickupLocation.parse(data.get("location")),
        )


def _text(data: Any, key: str) -> str:
    """An optional text field: empty when absent, null or not text."""
    value = data.get(key) if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _order_products(consignments: Any) -> list[dict]:
    """Collect the expanded products of every consignment (object structure), once each."""
    if not isinstance(consignments, dict):
        raise BigCommerceInvalidResponse("order.consignments were not included")
    groups = [
        *list_of(consignments, "shipping", "order.consignments"),
        *list_of(consignments, "pickups", "order.consignments"),
        *list_of(consignments, "downloads", "order.consignments"),
        *list_of(consignments.get("email"), "gift_certificates", "order.consignments.email"),
    ]
    products: dict[int, dict] = {}
    for group in groups:
        items = group.get("line_items") if isinstance(group, dict) else None
        for item in items if isinstance(items, list) else [items]:
            # A {url, resource} link means BigCommerce ignored include=consignments.line_items.
            if not isinstance(item, dict) or "quantity" not in item:
                raise BigCommerceInvalidResponse("order.consignments line items are not expanded")
            products[required(item, "id", int, "order.product")] = item
    return [products[key] for key in sorted(products)]


INCOMPLETE = 0  # BigCommerce's status for an order that is not paid yet


@dataclass(frozen=True)
class Order:
    """A v2 order (``GET /v2/orders/{id}``) with its products and fees."""

    id: int
    status_id: int
    status: str
    currency: str
    email: str
    subtotal_ex_tax: Decimal
    subtotal_inc_tax: Decimal
    shipping_cost_ex_tax: Decimal
    shipping_cost_inc_tax: Decimal
    total_tax: Decimal
    discount_amount: Decimal
    total_inc_tax: Decimal
    payment_status: str
    lines: tuple[OrderLine, ...]
    fees: tuple[OrderFee, ...]
    cart_id: str | None
    coupon_discount: Decimal = ZERO
    created_at: datetime | None = None  # aware, UTC; None when BigCommerce sent no date
    # is_tax_inclusive_pricing: whether the *_inc_tax amounts are the actual prices. An order
    # that does not say is read as tax-exclusive, BigCommerce's default.
    tax_inclusive: bool = False
    handling_cost_ex_tax: Decimal = ZERO
    handling_cost_inc_tax: Decimal = ZERO
    wrapping_cost_ex_tax: Decimal = ZERO  # gift wrapping
    wrapping_cost_inc_tax: Decimal = ZERO
    billing_address: OrderAddress | None = None
    shipments: tuple[OrderShipment, ...] = ()  # the shipping consignments
    pickups: tuple[OrderPickup, ...] = ()  # the pickup consignments
    customer_message: str = ""  # the shopper's order note

    @property
    def paid(self) -> bool:
        """Tell whether the order is past Incomplete (status 0): its payment went through."""
        return self.status_id != INCOMPLETE

    @property
    def coupon_codes(self) -> tuple[str, ...]:
        """The codes of the coupons on the order's products, once each, in order."""
        codes: dict[str, None] = {}
        for line in self.lines:
            codes.update(dict.fromkeys(line.coupon_codes))
        return tuple(codes)

    @classmethod
    def parse(cls, data: Any) -> Order:
        """Read an order fetched with ``include=consignments.line_items,fees``."""
        where = "order"
        currency = required(data, "currency_code", str, where)
        try:
            check_currency(currency)
        except MoneyError as error:
            raise BigCommerceInvalidResponse(f"order.currency_code: {error}") from error
        fees = data.get("fees")
        if not isinstance(fees, list):  # a {url, resource} link: include=fees was ignored
            raise BigCommerceInvalidResponse("order.fees were not included")
        billing = data.get("billing_address")
        email = billing.get("email") if isinstance(billing, dict) else None
        cart_id = data.get("cart_id")
        consignments = data.get("consignments")
        return cls(
            id=required(data, "id", int, where),
            status_id=required(data, "status_id", int, where),
            status=required(data, "status", str, where),
            currency=currency,
            email=email if isinstance(email, str) else "",
            subtotal_ex_tax=v2_amount(data, "subtotal_ex_tax", where),
            subtotal_inc_tax=v2_amount(data, "subtotal_inc_tax", where),
            shipping_cost_ex_tax=v2_amount(data, "shipping_cost_ex_tax", where),
            shipping_cost_inc_tax=v2_amount(data, "shipping_cost_inc_tax", where),
            total_tax=v2_amount(data, "total_tax", where),
            discount_amount=v2_amount(data, "discount_amount", where),
            total_inc_tax=v2_amount(data, "total_inc_tax", where),
            payment_status=str(data.get("payment_status") or ""),
            lines=tuple(OrderLine.parse(p) for p in _order_products(consignments)),
            fees=tuple(OrderFee.parse(fee) for fee in fees),
            cart_id=cart_id if isinstance(cart_id, str) and cart_id else None,
            coupon_discount=v2_amount(data, "coupon_discount", where, ZERO),
            created_at=v2_date(data, "date_created"),
            tax_inclusive=data.get("is_tax_inclusive_pricing") is True,
            customer_message=str(data.get("customer_message") or ""),
            handling_cost_ex_tax=v2_amount(data, "handling_cost_ex_tax", where, ZERO),
            handling_cost_inc_tax=v2_amount(data, "handling_cost_inc_tax", where, ZERO),
            wrapping_cost_ex_tax=v2_amount(data, "wrapping_cost_ex_tax", where, ZERO),
            wrapping_cost_inc_tax=v2_amount(data, "wrapping_cost_inc_tax", where, ZERO),
            billing_address=OrderAddress.parse(billing) if isinstance(billing, dict) else None,
            shipments=tuple(
                OrderShipment.parse(item)
                for item in list_of(consignments, "shipping", "order.consignments")
            ),
            pickups=tuple(
                OrderPickup.parse(item)
                for item in list_of(consignments, "pickups", "order.consignments")
            ),
        )
