"""The direct path's mapping: a BigCommerce v2 order as Loop's Orders API takes it.

Every amount is a money object ``{"amount": <int minor units>, "currency_code": ...}``
(Loop's Orders API reference), converted with the currency's ISO 4217 exponent
by ``app.money``. The Checkout+ block rides in ``fees[]`` and ``metadata[]``; Loop replaces both
on every upsert, so an order without an accepted offer sends them empty.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import Order
from app.money import to_minor

# Loop creates a sales channel the first time it sees a name: one stable name for the store.
SALES_CHANNEL = "BigCommerce"
# BigCommerce status ids (Refunded, Cancelled, Declined) of an order that will not be fulfilled.
# Every other status, Incomplete and Partially Refunded included, is a live order to Loop.
CANCELLED_STATUS_IDS = frozenset({4, 5, 6})


def loop_order(order: Order, block: ProtectionBlock | None, fee_name: str) -> dict[str, Any]:
    """Return the Orders API upsert body for a BigCommerce order and its Checkout+ decision."""
    currency = order.currency
    payload: dict[str, Any] = {
        "name": f"#{order.id}",
        "external_id": str(order.id),
        "sales_channel": SALES_CHANNEL,
        "status": "cancelled" if order.status_id in CANCELLED_STATUS_IDS else "active",
        "taxes_included": order.tax_inclusive,
        # What the shopper was charged: items, shipping, tax and the protection fee.
        "total_price": _money(order.total_inc_tax, currency),
        "total_discounts": _money(order.discount_amount + order.coupon_discount, currency),
        "total_taxes": _money(order.total_tax, currency),
        "line_items": [
            {
                "external_id": str(line.id),
                "quantity": line.quantity,
                # Loop reads unit prices the way taxes_included says they are.
                "unit_price": _money(
                    line.price_inc_tax if order.tax_inclusive else line.price_ex_tax, currency
                ),
                # Taxed on this order; BigCommerce's v2 products carry no tax class to go by.
                "taxable": line.total_inc_tax != line.total_ex_tax,
            }
            for line in order.lines
        ],
        "fees": [],
        "metadata": [],
    }
    if order.created_at is not None:
        payload["created_at"] = order.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if block is not None:
        payload["fees"] = [
            {
                "name": block.fee_name or fee_name,
                "amount": {"amount": block.amount, "currency_code": block.currency},
                # Verbatim: Loop matches the exact array the shopper accepted.
                "accepted_offer_mode": list(block.mode),
            }
        ]
        payload["metadata"] = [{"key": "session_id", "value": block.session_id}]
    return payload


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    """A money object in the currency's minor units."""
    return {"amount": to_minor(amount, currency), "currency_code": currency}
