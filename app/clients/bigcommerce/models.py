"""Typed BigCommerce resources, parsed from the JSON the API documents.

Amounts are ``Decimal`` in major units, as BigCommerce sends them. Fields we do not use are
ignored, so BigCommerce may add fields freely; a missing or ill-typed field we rely on raises
``BigCommerceInvalidResponse`` rather than being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.money import MoneyError
from app.money import check_currency
from app.money import to_decimal


def _field(data: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise BigCommerceInvalidResponse(f"{where}.{key} is missing")
    value = data[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BigCommerceInvalidResponse(f"{where}.{key} has the wrong type")
    if not isinstance(value, kind):
        raise BigCommerceInvalidResponse(f"{where}.{key} has the wrong type")
    return value


def _amount(data: Any, key: str, where: str, default: Decimal | None = None) -> Decimal:
    if default is not None and (not isinstance(data, dict) or data.get(key) is None):
        return default
    try:
        return to_decimal(_field(data, key, (Decimal, int), where))
    except MoneyError as error:
        raise BigCommerceInvalidResponse(f"{where}.{key}: {error}") from error


def _list(data: Any, key: str, where: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise BigCommerceInvalidResponse(f"{where}.{key} is not a list")
    return value


ZERO = Decimal(0)


@dataclass(frozen=True)
class Product:
    """A catalog product as the storefront lists it."""

    id: int
    name: str
    sku: str
    type: str  # "physical" or "digital"
    price: Decimal  # in the store's default currency

    @classmethod
    def parse(cls, data: Any) -> Product:
        """Read one product of ``GET /v3/catalog/products``."""
        where = "product"
        return cls(
            id=_field(data, "id", int, where),
            name=_field(data, "name", str, where),
            sku=str(data.get("sku") or ""),
            type=_field(data, "type", str, where),
            price=_amount(data, "price", where),
        )


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
        quantity = _field(data, "quantity", (int, Decimal), where)
        if quantity != int(quantity) or quantity < 1:
            raise BigCommerceInvalidResponse("line_item.quantity is not a positive whole number")
        variant = data.get("variant_id")
        return cls(
            id=str(_field(data, "id", (str, int), where)),
            product_id=_field(data, "product_id", int, where),
            variant_id=variant if isinstance(variant, int) else None,
            name=_field(data, "name", str, where),
            sku=str(data.get("sku") or ""),
            quantity=int(quantity),
            list_price=_amount(data, "list_price", where),
            sale_price=_amount(data, "sale_price", where),
            extended_list_price=_amount(data, "extended_list_price", where),
            extended_sale_price=_amount(data, "extended_sale_price", where),
            discount_amount=_amount(data, "discount_amount", where, ZERO),
            coupon_amount=_amount(data, "coupon_amount", where, ZERO),
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
        code = _field(data, "code", str, "coupon")
        return cls(
            code=code,
            display_name=str(data.get("display_name") or code),
            discounted_amount=_amount(data, "discounted_amount", "coupon", ZERO),
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
            id=str(_field(data, "id", str, where)),
            name=_field(data, "name", str, where),
            display_name=_field(data, "display_name", str, where),
            source=_field(data, "source", str, where),
            cost_inc_tax=_amount(data, "cost_inc_tax", where),
            cost_ex_tax=_amount(data, "cost_ex_tax", where),
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
    consignments: tuple[dict, ...]
    billing_address: dict | None
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
        cart = _field(data, "cart", dict, where)
        currency = _field(_field(cart, "currency", dict, "cart"), "code", str, "cart.currency")
        try:
            check_currency(currency)
        except MoneyError as error:
            raise BigCommerceInvalidResponse(f"cart.currency.code: {error}") from error
        items = _field(cart, "line_items", dict, "cart")
        line_items = tuple(
            [LineItem.parse(item, False) for item in _list(items, "physical_items", "cart")]
            + [LineItem.parse(item, True) for item in _list(items, "digital_items", "cart")]
        )
        version = data.get("version")
        order_id = data.get("order_id")
        return cls(
            id=str(_field(data, "id", str, where)),
            cart_id=str(_field(cart, "id", str, "cart")),
            currency=currency,
            tax_included=bool(cart.get("tax_included", False)),
            email=str(cart.get("email") or ""),
            line_items=line_items,
            coupons=tuple(Coupon.parse(c) for c in _list(data, "coupons", where)),
            fees=tuple(Fee.parse(f) for f in _list(data, "fees", where)),
            subtotal_ex_tax=_amount(data, "subtotal_ex_tax", where),
            subtotal_inc_tax=_amount(data, "subtotal_inc_tax", where),
            cart_amount_ex_tax=_amount(cart, "cart_amount_ex_tax", "cart"),
            cart_amount_inc_tax=_amount(cart, "cart_amount_inc_tax", "cart"),
            cart_discount_amount=_amount(cart, "discount_amount", "cart", ZERO),
            shipping_cost_total_ex_tax=_amount(data, "shipping_cost_total_ex_tax", where, ZERO),
            shipping_cost_total_inc_tax=_amount(data, "shipping_cost_total_inc_tax", where, ZERO),
            handling_cost_total_ex_tax=_amount(data, "handling_cost_total_ex_tax", where, ZERO),
            handling_cost_total_inc_tax=_amount(data, "handling_cost_total_inc_tax", where, ZERO),
            tax_total=_amount(data, "tax_total", where, ZERO),
            grand_total=_amount(data, "grand_total", where),
            consignments=tuple(_list(data, "consignments", where)),
            billing_address=data.get("billing_address") or None,
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
        currency = _field(_field(data, "currency", dict, "cart"), "code", str, "cart.currency")
        items = _field(data, "line_items", dict, "cart")
        count = sum(
            int(_field(item, "quantity", (int, Decimal), "line_item"))
            for kind in ("physical_items", "digital_items")
            for item in _list(items, kind, "cart")
        )
        return cls(id=str(_field(data, "id", str, "cart")), currency=currency, item_count=count)
