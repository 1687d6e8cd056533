"""The sandbox store's in-memory state: carts (= checkouts), orders, metafields, webhooks."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from . import seed
from .delivery import Hook
from .delivery import WebhookDispatcher
from .ratelimit import RateLimiter
from .settings import BigCommerceSandboxSettings

Address = dict[str, Any]


def now() -> dt.datetime:
    """The current UTC time, to the second (BigCommerce timestamps have no fraction)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_uuid() -> str:
    """A random UUID string, as BigCommerce uses for carts, line items and fees."""
    return str(uuid.uuid4())


@dataclass
class LineItem:
    """One cart line: a product's base variant, a quantity and its unit price."""

    id: str
    product_id: int
    variant_id: int
    quantity: int
    list_price: Decimal
    price_overridden: bool = False

    @property
    def product(self) -> seed.Product:
        """The catalog product of this line."""
        return seed.PRODUCTS[self.product_id]


@dataclass
class Consignment:
    """A group of physical lines shipped to one address, or collected by store pickup."""

    id: str
    line_item_ids: list[str]
    address: Address | None = None
    address_id: str = ""
    shipping_option_id: str | None = None
    custom_shipping: dict[str, Any] | None = None
    pickup_method_id: int | None = None

    @property
    def is_pickup(self) -> bool:
        """Whether the shopper collects these items instead of having them shipped."""
        return self.pickup_method_id is not None


@dataclass
class Fee:
    """An order-level checkout fee (Checkout Fees API); ``cost`` excludes tax."""

    id: str
    name: str
    display_name: str
    cost: Decimal
    source: str
    tax_class_id: int | None = None
    type: str = "custom_fee"


@dataclass
class Cart:
    """A cart; its checkout shares its id and lives on the same object."""

    id: str
    currency: str
    customer_id: int = 0
    channel_id: int = 1
    locale: str = "en"
    line_items: list[LineItem] = field(default_factory=list)
    coupon_codes: list[str] = field(default_factory=list)
    billing_address: Address | None = None
    billing_address_id: str = ""
    consignments: list[Consignment] = field(default_factory=list)
    fees: list[Fee] = field(default_factory=list)
    customer_message: str = ""
    order_id: int | None = None
    created: dt.datetime = field(default_factory=now)
    updated: dt.datetime = field(default_factory=now)
    version: int = 1

    @property
    def email(self) -> str:
        """The cart email, which is the billing address's email."""
        return (self.billing_address or {}).get("email", "")

    def touch(self) -> None:
        """Record a change: bump the version and the update time."""
        self.version += 1
        self.updated = now()

    def item(self, item_id: str) -> LineItem | None:
        """Find a line item by id."""
        return next((item for item in self.line_items if item.id == item_id), None)

    def consignment(self, consignment_id: str) -> Consignment | None:
        """Find a consignment by id."""
        return next((c for c in self.consignments if c.id == consignment_id), None)

    def unassign(self, item_ids: set[str]) -> None:
        """Take lines out of their consignments, dropping consignments left empty."""
        for consignment in self.consignments:
            consignment.line_item_ids = [i for i in consignment.line_item_ids if i not in item_ids]
        self.consignments = [c for c in self.consignments if c.line_item_ids]

    def remove_item(self, item_id: str) -> None:
        """Remove a line and its consignment assignment."""
        self.line_items = [item for item in self.line_items if item.id != item_id]
        self.unassign({item_id})


@dataclass
class OrderProduct:
    """A line of an order, frozen from the checkout when the order was created."""

    id: int
    product_id: int
    variant_id: int
    name: str
    sku: str
    type: str
    quantity: int
    price: Decimal
    discount: Decimal
    tax: Decimal
    coupon_codes: list[str]
    address_id: int = 0
    pickup_method_id: int = 0


@dataclass
class OrderShipment:
    """A consignment of an order: shipped to an address or collected by pickup."""

    id: int
    product_ids: list[int]
    address: Address | None
    method: str
    cost: Decimal
    tax: Decimal
    pickup_method_id: int | None = None


@dataclass
class OrderFee:
    """A fee carried over from the checkout to the order."""

    id: int
    display_name_customer: str
    display_name_merchant: str
    source: str
    cost: Decimal
    tax: Decimal
    tax_class_id: int | None


@dataclass
class Order:
    """An order created from a checkout; amounts are exact Decimals in ``currency``."""

    id: int
    cart_id: str
    currency: str
    customer_id: int
    channel_id: int
    billing_address: Address
    products: list[OrderProduct]
    shipments: list[OrderShipment]
    fees: list[OrderFee]
    coupons: list[tuple[str, Decimal]]
    customer_message: str
    subtotal: Decimal
    totals: dict[str, Decimal]
    status_id: int = 0
    payment_status: str = ""
    payment_method: str = ""
    payment_provider_id: str = ""
    captured_amount: int | None = None  # minor units the gateway charged, once paid
    staff_notes: str = ""
    created: dt.datetime = field(default_factory=now)
    modified: dt.datetime = field(default_factory=now)


@dataclass
class Metafield:
    """An order metafield, owned by the API account (client id) that created it."""

    id: int
    order_id: int
    namespace: str
    key: str
    value: str
    permission_set: str
    description: str
    owner_client_id: str
    created: dt.datetime = field(default_factory=now)
    modified: dt.datetime = field(default_factory=now)


@dataclass
class PaymentToken:
    """A payment access token: single use, tied to one order, short-lived."""

    order_id: int
    expires_at: float
    used: bool = False


class StoreState:
    """Everything the sandbox store remembers, guarded by one lock."""

    def __init__(self, settings: BigCommerceSandboxSettings) -> None:
        """Create the seeded store."""
        self.settings = settings
        # Re-entrant: a handler holding the lock may call helpers that take it too.
        self.lock = threading.RLock()
        self.rate_limiter = RateLimiter(settings.rate_limit_quota, settings.rate_limit_window_ms)
        self.webhooks = WebhookDispatcher(settings)
        self._seed()

    def _seed(self) -> None:
        """Empty every collection and restart every id counter."""
        self.carts: dict[str, Cart] = {}
        self.orders: dict[int, Order] = {}
        self.metafields: dict[int, Metafield] = {}
        self.hooks: dict[int, Hook] = {}
        self.payment_tokens: dict[str, PaymentToken] = {}
        self.order_ids = itertools.count(100)
        self.order_product_ids = itertools.count(1)
        self.order_shipment_ids = itertools.count(1)
        self.order_fee_ids = itertools.count(1)
        self.address_ids = itertools.count(1)
        self.metafield_ids = itertools.count(1)
        self.hook_ids = itertools.count(1)

    def reset(self) -> None:
        """Forget every cart, order, metafield, hook and delivery; restore the rate limit."""
        with self.lock:
            self._seed()
            self.rate_limiter.configure(
                self.settings.rate_limit_quota, self.settings.rate_limit_window_ms
            )
        self.webhooks.reset()

    def emit(self, scope: str, data: dict[str, Any]) -> None:
        """Queue a webhook event for every active hook whose scope matches."""
        with self.lock:
            hooks = [hook for hook in self.hooks.values() if hook.is_active]
        self.webhooks.publish(scope, data, hooks)
