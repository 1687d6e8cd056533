"""The Checkout+ fee on a BigCommerce checkout: how it is named and taxed, which fees are ours,
and making ours match the shopper's decision (add, update or remove; never two).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace

from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Fee
from app.clients.bigcommerce import FeeRequest
from app.money import to_major
from app.text import N_

# The `source` our fee carries on a checkout: how ours are told from other apps' fees.
FEE_SOURCE = "loop-checkout-plus"
FEE_INTERNAL_NAME = "loop_checkout_plus"
# BigCommerce allows five fees per checkout (checkouts.v3.yml, CheckoutsFeesByCheckoutIdPost).
MAX_CHECKOUT_FEES = 5


@dataclass(frozen=True)
class FeeSettings:
    """How the Checkout+ fee is shown and taxed on the merchant's orders."""

    display_name: str = N_("Order protection")
    tax_class_id: int | None = None
    metafield_fee_name: str | None = None  # written as the optional fee_name metafield


class NoRoomForFee(Exception):
    """The checkout already carries as many fees as BigCommerce allows; ours cannot be added."""


def is_ours(fee: Fee) -> bool:
    """Tell whether a checkout fee is the Checkout+ fee (not another app's)."""
    return fee.source == FEE_SOURCE


def own_fees(checkout: Checkout) -> list[Fee]:
    """Return the Checkout+ fees on a checkout (one at most, once settled)."""
    return [fee for fee in checkout.fees if is_ours(fee)]


def fee_matches(checkout: Checkout, protection: Quote | None, settings: FeeSettings) -> bool:
    """Tell whether our fee on the checkout is already exactly the decision (no call needed)."""
    ours = own_fees(checkout)
    if protection is None:
        return not ours
    wanted = (settings.display_name, to_major(protection.amount, protection.currency))
    return len(ours) == 1 and (ours[0].display_name, ours[0].cost_ex_tax) == wanted


def settle_fee(
    bigcommerce: BigCommerceClient,
    checkout: Checkout,
    protection: Quote | None,
    settings: FeeSettings,
) -> Checkout | None:
    """Make our fee on the checkout match the decision: exactly one at the quote, or none.

    Returns the checkout as the last fee call answered it (BigCommerce's totals with the fee
    and its tax), or None when nothing needed changing. That answer lists no shipping options
    (a fee call takes no include). Raises NoRoomForFee when the fee is wanted and the checkout
    is full of other apps' fees.
    """
    ours = own_fees(checkout)
    stale = [fee.id for fee in (ours if protection is None else ours[1:])]
    answer = bigcommerce.delete_fees(checkout.id, stale) if stale else None
    if protection is None:
        return answer
    wanted = FeeRequest(
        name=FEE_INTERNAL_NAME,
        display_name=settings.display_name,
        cost=to_major(protection.amount, protection.currency),
        source=FEE_SOURCE,
        tax_class_id=settings.tax_class_id,
    )
    if ours:
        current = ours[0]
        if (current.display_name, current.cost_ex_tax) != (wanted.display_name, wanted.cost):
            return bigcommerce.update_fees(checkout.id, [replace(wanted, id=current.id)])
        return answer
    if len(checkout.fees) >= MAX_CHECKOUT_FEES:
        raise NoRoomForFee(checkout.id)
    return bigcommerce.add_fees(checkout.id, [wanted])
