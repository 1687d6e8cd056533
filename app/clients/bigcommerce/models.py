"""Typed BigCommerce resources besides checkouts and orders: products, payments, metafields."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from typing import Any

from app.clients.bigcommerce.parsing import amount
from app.clients.bigcommerce.parsing import required


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
            id=required(data, "id", int, where),
            name=required(data, "name", str, where),
            sku=str(data.get("sku") or ""),
            type=required(data, "type", str, where),
            price=amount(data, "price", where),
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
            id=required(data, "id", str, where),
            name=required(data, "name", str, where),
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
            id=required(data, "id", int, where),
            namespace=required(data, "namespace", str, where),
            key=required(data, "key", str, where),
            value=required(data, "value", str, where),
            permission_set=required(data, "permission_set", str, where),
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
            id=required(data, "id", str, where),
            status=required(data, "status", str, where),
            transaction_type=required(data, "transaction_type", str, where),
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
            id=required(data, "id", int, where),
            display_name=required(data, "display_name", str, where),
            collection_instructions=str(data.get("collection_instructions") or ""),
            collection_time_description=str(data.get("collection_time_description") or ""),
        )
