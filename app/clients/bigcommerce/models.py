"""Typed BigCommerce resources, parsed from the JSON the API documents.

Amounts are ``Decimal`` in major units, as BigCommerce sends them. Fields we do not use are
ignored, so BigCommerce may add fields freely; a missing or ill-typed field we rely on raises
``BigCommerceInvalidResponse`` rather than being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
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


def _v2_amount(data: Any, key: str, where: str, default: Decimal | None = None) -> Decimal:
    """Read a v2 amount: a string with four decimals ("69.8400"), or a number in fee fields."""
    if default is not None and (not isinstance(data, dict) or data.get(key) is None):
        return default
    try:
        return to_decimal(_field(data, key, (str, Decimal, int), where))
    except MoneyError as error:
        raise BigCommerceInvalidResponse(f"{where}.{key}: {error}") from error


def _v2_date(data: Any, key: str) -> datetime | None:
    """Read an optional v2 date (RFC 2822) as aware UTC; an unreadable one counts as absent."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # Only the direct push uses it, and Loop takes an order without it: an odd date must
        # not stop the order being read for payment.
        return None
    if when.tzinfo is None:  # "-0000", RFC 2822's unknown zone: v2 dates are always UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _optional_int(data: Any, key: str) -> int | None:
    """Read an integer that may be null or absent (a bool is not one)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
            display_name=_field(data, "display_name_customer", str, where),
            source=source if isinstance(source, str) else None,
            cost_inc_tax=_v2_amount(data, "cost_inc_tax", where),
            cost_ex_tax=_v2_amount(data, "cost_ex_tax", where),
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

    @classmethod
    def parse(cls, data: Any) -> OrderLine:
        """Read one v2 order product (``orderProducts``)."""
        where = "order.product"
        sku = data.get("sku")
        return cls(
            id=_field(data, "id", int, where),
            product_id=_field(data, "product_id", int, where),
            variant_id=_optional_int(data, "variant_id"),
            sku=sku if isinstance(sku, str) and sku else None,
            name=_field(data, "name", str, where),
            quantity=_field(data, "quantity", int, where),
            price_inc_tax=_v2_amount(data, "price_inc_tax", where),
            price_ex_tax=_v2_amount(data, "price_ex_tax", where),
            total_inc_tax=_v2_amount(data, "total_inc_tax", where),
            total_ex_tax=_v2_amount(data, "total_ex_tax", where),
        )


def _order_products(consignments: Any) -> list[dict]:
    """Collect the expanded products of every consignment (object structure), once each."""
    if not isinstance(consignments, dict):
        raise BigCommerceInvalidResponse("order.consignments were not included")
    groups = [
        *_list(consignments, "shipping", "order.consignments"),
        *_list(consignments, "pickups", "order.consignments"),
        *_list(consignments, "downloads", "order.consignments"),
        *_list(consignments.get("email"), "gift_certificates", "order.consignments.email"),
    ]
    products: dict[int, dict] = {}
    for group in groups:
        items = group.get("line_items") if isinstance(group, dict) else None
        for item in items if isinstance(items, list) else [items]:
            # A {url, resource} link means BigCommerce ignored include=consignments.line_items.
            if not isinstance(item, dict) or "quantity" not in item:
                raise BigCommerceInvalidResponse("order.consignments line items are not expanded")
            products[_field(item, "id", int, "order.product")] = item
    return [products[key] for key in sorted(products)]


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

    @classmethod
    def parse(cls, data: Any) -> Order:
        """Read an order fetched with ``include=consignments.line_items,fees``."""
        where = "order"
        currency = _field(data, "currency_code", str, where)
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
        return cls(
            id=_field(data, "id", int, where),
            status_id=_field(data, "status_id", int, where),
            status=_field(data, "status", str, where),
            currency=currency,
            email=email if isinstance(email, str) else "",
            subtotal_ex_tax=_v2_amount(data, "subtotal_ex_tax", where),
            subtotal_inc_tax=_v2_amount(data, "subtotal_inc_tax", where),
            shipping_cost_inc_tax=_v2_amount(data, "shipping_cost_inc_tax", where),
            total_tax=_v2_amount(data, "total_tax", where),
            discount_amount=_v2_amount(data, "discount_amount", where),
            total_inc_tax=_v2_amount(data, "total_inc_tax", where),
            payment_status=str(data.get("payment_status") or ""),
            lines=tuple(OrderLine.parse(p) for p in _order_products(data.get("consignments"))),
            fees=tuple(OrderFee.parse(fee) for fee in fees),
            cart_id=cart_id if isinstance(cart_id, str) and cart_id else None,
            coupon_discount=_v2_amount(data, "coupon_discount", where, ZERO),
            created_at=_v2_date(data, "date_created"),
            tax_inclusive=data.get("is_tax_inclusive_pricing") is True,
        )


@dataclass(frozen=True)
class PaymentMethod:
    """A payment method accepted for an order; its ``id`` is the ``payment_method_id``."""

    id: str
    name: str
    test_mode: bool
    type: str = ""  # "card", "gift_certificate", "store_credit", ...

    @classmethod
    def parse(cls, data: Any) -> PaymentMethod:
        """Read one entry of ``GET /v3/payments/methods``."""
        where = "payment_method"
        kind = data.get("type") if isinstance(data, dict) else None
        return cls(
            id=_field(data, "id", str, where),
            name=_field(data, "name", str, where),
            test_mode=bool(data.get("test_mode", False)),
            type=kind if isinstance(kind, str) else "",
        )


@dataclass(frozen=True)
class Metafield:
    """An order metafield."""

    id: int
    namespace: str
    key: str
    value: str
    permission_set: str

    @classmethod
    def parse(cls, data: Any) -> Metafield:
        """Read one metafield of the v3 metafields API."""
        where = "metafield"
        return cls(
            id=_field(data, "id", int, where),
            namespace=_field(data, "namespace", str, where),
            key=_field(data, "key", str, where),
            value=_field(data, "value", str, where),
            permission_set=_field(data, "permission_set", str, where),
        )


@dataclass(frozen=True)
class Card:
    """A card to charge; its number and CVV never show in a repr or a log line."""

    holder_name: str
    number: str = field(repr=False)
    expiry_month: int
    expiry_year: int  # four digits
    verification_value: str = field(repr=False)


@dataclass(frozen=True)
class Payment:
    """A processed payment (``PaymentsPost`` 201)."""

    id: str
    status: str  # "success" or "pending"
    transaction_type: str  # "purchase" or "authorization"

    @classmethod
    def parse(cls, data: Any) -> Payment:
        """Read the ``data`` of a process-payment answer."""
        where = "payment"
        return cls(
            id=_field(data, "id", str, where),
            status=_field(data, "status", str, where),
            transaction_type=_field(data, "transaction_type", str, where),
        )


@dataclass(frozen=True)
class PickupMethod:
    """A store-pickup method the shopper can choose instead of shipping."""

    id: int
    display_name: str
    collection_instructions: str
    collection_time_description: str

    @classmethod
    def parse(cls, data: Any) -> PickupMethod:
        """Read one entry of ``GET /v3/pickup/methods``."""
        where = "pickup_method"
        return cls(
            id=_field(data, "id", int, where),
            display_name=_field(data, "display_name", str, where),
            collection_instructions=str(data.get("collection_instructions") or ""),
            collection_time_description=str(data.get("collection_time_description") or ""),
        )
