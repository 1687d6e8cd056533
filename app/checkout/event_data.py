"""What each checkout event for the merchant's analytics says, in GA4's shape, as JSON text.

Only the order's money, its products and Checkout+'s offer: never an email, a name, an
address or a phone. Amounts are JSON numbers in major units, rounded to the currency's minor
unit by ``app.money`` (Loop's integer minor units converted with the currency's exponent),
written from the Decimal itself, never through a float.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from app.checkout.summary import OrderSummary
from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Order
from app.money import round_major
from app.money import to_major

BEGIN_CHECKOUT = "begin_checkout"
ADD_SHIPPING_INFO = "add_shipping_info"
ADD_PAYMENT_INFO = "add_payment_info"
PURCHASE = "purchase"
OFFER_VIEWED = "checkout_plus_offer_viewed"
ACCEPTED = "checkout_plus_accepted"
DECLINED = "checkout_plus_declined"
WITHDRAWN = "checkout_plus_withdrawn"
# GA4's payment_type: the checkout takes cards only.
CARD = "card"
PICKUP = "pickup"


def to_json(value: Any) -> str:
    """Return compact JSON in which a Decimal is a number written digit for digit."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


def _item(product_id: int, name: str, price: Decimal, quantity: int, currency: str) -> dict:
    return {
        "item_id": str(product_id),
        "item_name": name,
        "price": round_major(price, currency),
        "quantity": quantity,
    }


def _ecommerce(event: str, currency: str, value: Decimal, items: list, **extra: Any) -> str:
    body = {"currency": currency, "value": round_major(value, currency), **extra, "items": items}
    return to_json({"event": event, "ecommerce": body})


def summary_items(summary: OrderSummary) -> list[dict]:
    """The summary's lines as GA4 items (each at its sale price, after its own discounts)."""
    currency = summary.currency
    return [
        _item(line.product_id, line.name, line.sale_price, line.quantity, currency)
        for line in summary.items
    ]


def from_summary(event: str, summary: OrderSummary, **extra: Any) -> str:
    """An ecommerce event worth the total the page shows, with the page's lines."""
    return _ecommerce(event, summary.currency, summary.total, summary_items(summary), **extra)


def shipping_tier(checkout: Checkout) -> str:
    """The shipping method chosen (its name in the store), or ``pickup``."""
    for consignment in checkout.consignments:
        if consignment.pickup_method_id is not None:
            return PICKUP
        for option in consignment.options or ():
            if option.id == consignment.selected_option_id:
                return option.description
    return ""


def from_order(event: str, order: Order, **extra: Any) -> str:
    """An ecommerce event worth what the order charged, with the order's products."""
    currency, inc = order.currency, order.tax_inclusive
    items = [
        _item(
            line.product_id,
            line.name,
            line.price_inc_tax if inc else line.price_ex_tax,
            line.quantity,
            currency,
        )
        for line in order.lines
    ]
    return _ecommerce(event, currency, order.total_inc_tax, items, **extra)


def payment_info(summary: OrderSummary | None = None, order: Order | None = None) -> str:
    """The ``add_payment_info`` event, by the page's summary or else the order placed."""
    if summary is not None:
        return from_summary(ADD_PAYMENT_INFO, summary, payment_type=CARD)
    assert order is not None
    return from_order(ADD_PAYMENT_INFO, order, payment_type=CARD)


def purchase(order: Order) -> str:
    """The ``purchase`` event: the order's id, what it charged, its tax and shipping."""
    currency = order.currency
    shipping = order.shipping_cost_inc_tax if order.tax_inclusive else order.shipping_cost_ex_tax
    return from_order(
        PURCHASE,
        order,
        transaction_id=str(order.id),
        tax=round_major(order.total_tax, currency),
        shipping=round_major(shipping, currency),
    )


def offer_event(event: str, quote: Quote) -> str:
    """A Checkout+ event: the quote's price, currency and modes (Loop's array, verbatim)."""
    price = to_major(quote.amount, quote.currency)
    body = {"event": event, "price": price, "currency": quote.currency, "modes": list(quote.mode)}
    return to_json(body)
