"""The order summary a shopper sees, worked out from a BigCommerce checkout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.checkout_plus.fee import is_ours
from app.checkout_plus.fee import own_fees
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import LineItem


@dataclass(frozen=True)
class FeeLine:
    """A fee shown as its own summary line."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class OrderSummary:
    """Lines and totals, in the checkout's currency and its tax display."""

    checkout_id: str
    currency: str
    tax_included: bool
    items: tuple[LineItem, ...]
    subtotal: Decimal
    discount: Decimal  # positive; shown as a reduction
    shipping: Decimal | None  # None until a shipping option is chosen
    handling: Decimal
    fees: tuple[FeeLine, ...]  # other apps' fees; ours is checkout_plus_fee
    tax: Decimal
    total: Decimal  # BigCommerce's grand total: what the order charges, fee and its tax included
    checkout_plus_fee: Decimal | None = None  # our fee on the checkout (the shopper opted in)
    checkout_plus_pending: bool = False  # the fee's price is being worked out again

    @property
    def item_count(self) -> int:
        """Return how many items, counting quantities."""
        return sum(item.quantity for item in self.items)


def summarize(checkout: Checkout, pending: bool = False) -> OrderSummary:
    """Build the summary from BigCommerce's own totals; nothing is re-priced here.

    The Checkout+ fee is on the checkout while the shopper is opted in, so the total and the
    tax are BigCommerce's, the fee's own tax included: the figure the order will charge.
    ``pending``: the cart changed and the fee's price is being worked out again.
    """
    inc = checkout.tax_included
    subtotal = checkout.subtotal_inc_tax if inc else checkout.subtotal_ex_tax
    # BigCommerce's subtotal is before item-level discounts and its cart amount is after
    # every discount and coupon, so their difference is all the shopper saves.
    discounted = checkout.cart_amount_inc_tax if inc else checkout.cart_amount_ex_tax
    ours = own_fees(checkout)
    fee = None
    if ours:
        fee = sum((f.cost_inc_tax if inc else f.cost_ex_tax for f in ours), Decimal(0))
    needs_shipping = any(not item.is_digital for item in checkout.line_items)
    shipping_chosen = any(c.selected_option_id for c in checkout.consignments)
    shipping = None
    if shipping_chosen or not needs_shipping:
        shipping = (
            checkout.shipping_cost_total_inc_tax if inc else checkout.shipping_cost_total_ex_tax
        )
    return OrderSummary(
        checkout_id=checkout.id,
        currency=checkout.currency,
        tax_included=inc,
        items=checkout.line_items,
        subtotal=subtotal,
        discount=max(subtotal - discounted, Decimal(0)),
        shipping=shipping,
        handling=(
            checkout.handling_cost_total_inc_tax if inc else checkout.handling_cost_total_ex_tax
        ),
        fees=tuple(
            FeeLine(fee.display_name, fee.cost_inc_tax if inc else fee.cost_ex_tax)
            for fee in checkout.fees
            if not is_ours(fee)
        ),
        tax=checkout.tax_total,
        total=checkout.grand_total,
        checkout_plus_fee=fee,
        checkout_plus_pending=pending and fee is not None,
    )
