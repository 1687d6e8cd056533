"""The confirmation's receipt: an order's lines and the rows that add up to what was paid.

One rule, on one basis, as the checkout showed the order:

- a **tax-exclusive** order (BigCommerce's default) lists every amount before tax and adds
  the tax as a row of its own: subtotal − discount − coupons + shipping + handling + gift
  wrapping + fees + tax = ``total_inc_tax``;
- a **tax-inclusive** order (``is_tax_inclusive_pricing``) lists every amount including tax,
  which then adds up to the total without a tax row; the tax it holds is told apart
  (``included_tax``), never added.

Every row is rounded to the currency's minor unit (JPY 0 decimals, KWD 3), so what the page
shows is what is summed. Should BigCommerce's parts ever not add up to its own total, the
difference gets a row of its own ("Adjustment") and a warning in the log: the rows a shopper
reads always add up to the total they paid, and nothing is hidden in another row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from app.checkout_plus.fee import FEE_SOURCE
from app.clients.bigcommerce import Order
from app.money import round_major
from app.text import N_
from app.text import plural_message

log = logging.getLogger(__name__)

ZERO = Decimal(0)
# The kinds of row, in the order a receipt lists them (a template or a test may rely on them).
SUBTOTAL = "subtotal"
DISCOUNT = "discount"
COUPON = "coupon"
SHIPPING = "shipping"
HANDLING = "handling"
WRAPPING = "wrapping"
CHECKOUT_PLUS = "checkout_plus"  # our fee, under its configured name
FEE = "fee"  # another app's fee, under the name it gave
TAX = "tax"
ADJUSTMENT = "adjustment"


@dataclass(frozen=True)
class ReceiptRow:
    """One row of the receipt: what it is, its words, and its signed amount in major units."""

    kind: str
    label: str
    amount: Decimal  # negative for what was taken off (a discount, a coupon)

    @property
    def reduces(self) -> bool:
        """Tell whether the row takes something off (shown with a minus sign)."""
        return self.amount < 0

    @property
    def magnitude(self) -> Decimal:
        """The amount without its sign, for display next to a minus sign."""
        return abs(self.amount)


@dataclass(frozen=True)
class ReceiptLine:
    """A product as the receipt lists it, on the receipt's basis, before discounts."""

    name: str
    quantity: int
    amount: Decimal  # the line's total for its quantity


@dataclass(frozen=True)
class Receipt:
    """What the confirmation shows of an order's money: ``rows`` add up to ``total``."""

    currency: str
    tax_included: bool
    lines: tuple[ReceiptLine, ...]
    rows: tuple[ReceiptRow, ...]
    total: Decimal  # what the shopper paid: the order's total_inc_tax
    included_tax: Decimal | None  # the tax inside a tax-inclusive total (not a row); else None


def receipt(order: Order, fee_name: str) -> Receipt:
    """Turn an order into its receipt; ``fee_name`` is the Checkout+ fee's configured name."""
    currency, inc = order.currency, order.tax_inclusive

    def rounded(amount: Decimal) -> Decimal:
        return round_major(amount, currency)

    def on_basis(ex_tax: Decimal, inc_tax: Decimal) -> Decimal:
        return rounded(inc_tax if inc else ex_tax)

    rows = [
        ReceiptRow(
            SUBTOTAL, N_("Subtotal"), on_basis(order.subtotal_ex_tax, order.subtotal_inc_tax)
        )
    ]
    if order.discount_amount:
        rows.append(ReceiptRow(DISCOUNT, N_("Discount"), -rounded(order.discount_amount)))
    if order.coupon_discount:
        rows.append(ReceiptRow(COUPON, _coupon_label(order), -rounded(order.coupon_discount)))
    if order.shipments or order.shipping_cost_ex_tax or order.shipping_cost_inc_tax:
        shipping = on_basis(order.shipping_cost_ex_tax, order.shipping_cost_inc_tax)
        rows.append(ReceiptRow(SHIPPING, N_("Shipping"), shipping))
    handling = on_basis(order.handling_cost_ex_tax, order.handling_cost_inc_tax)
    if handling:
        rows.append(ReceiptRow(HANDLING, N_("Handling"), handling))
    wrapping = on_basis(order.wrapping_cost_ex_tax, order.wrapping_cost_inc_tax)
    if wrapping:
        rows.append(ReceiptRow(WRAPPING, N_("Gift wrapping"), wrapping))
    for fee in order.fees:
        ours = fee.source == FEE_SOURCE
        rows.append(
            ReceiptRow(
                CHECKOUT_PLUS if ours else FEE,
                fee_name if ours else fee.display_name,
                on_basis(fee.cost_ex_tax, fee.cost_inc_tax),
            )
        )
    if not inc:
        rows.append(ReceiptRow(TAX, N_("Tax"), rounded(order.total_tax)))
    total = rounded(order.total_inc_tax)
    difference = total - sum((row.amount for row in rows), ZERO)
    if difference:
        log.warning(
            "order %s: its parts add up to %s %s less than its total; shown as an adjustment",
            order.id,
            difference,
            currency,
        )
        rows.append(ReceiptRow(ADJUSTMENT, N_("Adjustment"), difference))
    return Receipt(
        currency=currency,
        tax_included=inc,
        lines=tuple(
            ReceiptLine(line.name, line.quantity, on_basis(line.total_ex_tax, line.total_inc_tax))
            for line in order.lines
        ),
        rows=tuple(rows),
        total=total,
        included_tax=rounded(order.total_tax) if inc else None,
    )


def _coupon_label(order: Order) -> str:
    """Name the coupon row by the codes the shopper entered, when BigCommerce lists them."""
    codes = order.coupon_codes
    if not codes:
        return N_("Coupon")
    return plural_message(
        "Coupon %(codes)s", "Coupons %(codes)s", len(codes), codes=", ".join(codes)
    )
