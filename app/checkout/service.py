"""Checkout use cases, independent of HTTP: the views call these."""

from __future__ import annotations

from dataclasses import dataclass

from app.checkout.cart import CartNotFound
from app.checkout.cart import read_checkout
from app.checkout.delivery import with_options_of
from app.checkout.summary import OrderSummary
from app.checkout.summary import summarize
from app.checkout_plus.fee import FeeSettings
from app.checkout_plus.fee import NoRoomForFee
from app.checkout_plus.fee import fee_matches
from app.checkout_plus.fee import settle_fee
from app.checkout_plus.offer import OfferState
from app.checkout_plus.service import OfferService
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import Checkout
from app.text import N_

# A checkout line takes 0 (remove) up to this many of one item.
MAX_LINE_QUANTITY = 9999


class LineNotFound(Exception):
    """The cart has no line with this id (it was removed, perhaps in another tab)."""


class QuantityRejected(Exception):
    """BigCommerce would not set this quantity; the message says why, for the shopper."""


@dataclass(frozen=True)
class CheckoutView:
    """Everything the checkout page shows: the checkout, its summary and the offer state."""

    checkout: Checkout
    summary: OrderSummary
    offer: OfferState
    # The shopper ticked the offer but the checkout has no room for another fee.
    protection_refused: bool = False


class CheckoutService:
    """Read and change a shopper's checkout through the upstream clients."""

    def __init__(
        self, bigcommerce: BigCommerceClient, offers: OfferService, fee: FeeSettings
    ) -> None:
        self._bigcommerce = bigcommerce
        self._offers = offers
        self._fee = fee

    def order_summary(self, cart_id: str) -> OrderSummary:
        """Return the lines and totals of a cart's checkout, without the offer."""
        return summarize(self._checkout(cart_id))

    def view(
        self,
        cart_id: str,
        offer: OfferState,
        locale: str | None,
        seen: Checkout | None = None,
        wait: float | None = None,
    ) -> CheckoutView:
        """Read the checkout and bring the offer up to date for it (at most one Loop call).

        ``seen`` is the checkout as the shopper's last request left it; when given, it is
        used instead of reading BigCommerce again (the offer refresh right after a change).
        ``wait``: how long the page waits on Loop before it shows the offer loading (None:
        the whole analyze budget).
        """
        checkout = self._checkout(cart_id, seen)
        offer = self._offers.refresh(checkout, offer, locale, wait=wait)
        if offer.loading:
            # The fee is settled by the request that delivers the analysis; until then a fee
            # on the checkout is shown as being re-priced (a first page has none).
            return CheckoutView(checkout, summarize(checkout, pending=True), offer)
        return self._priced(checkout, offer, seen)

    def choose_protection(
        self,
        cart_id: str,
        offer: OfferState,
        locale: str | None,
        opt_in: bool,
        seen_quote: str | None,
        seen: Checkout | None = None,
    ) -> CheckoutView:
        """Record the shopper's Checkout+ choice against the current quote for their cart."""
        checkout = self._checkout(cart_id, seen)
        offer = self._offers.refresh(checkout, offer, locale)
        offer = self._offers.choose(offer, opt_in, seen_quote)
        return self._priced(checkout, offer, seen)

    def set_quantity(
        self,
        cart_id: str,
        line_id: str,
        quantity: int,
        offer: OfferState,
        seen: Checkout | None = None,
    ) -> CheckoutView | None:
        """Change a line's quantity (0 removes it); None when that emptied the cart.

        The offer is not re-analyzed here: the page asks for it separately, so the summary
        never waits on Loop. Until then an opted-in fee is shown as being updated.
        """
        checkout = self._checkout(cart_id, seen)
        from_seen = checkout is seen
        line = next((item for item in checkout.line_items if item.id == line_id), None)
        if line is None and from_seen:
            # What the shopper last saw may be out of date (another tab): ask BigCommerce.
            return self.set_quantity(cart_id, line_id, quantity, offer)
        if line is None:
            raise LineNotFound(line_id)
        try:
            if quantity == 0:
                if self._bigcommerce.delete_cart_item(cart_id, line_id) is None:
                    return None
            elif quantity != line.quantity or from_seen:
                # An equal quantity in what the shopper last saw may be out of date: send it.
                self._bigcommerce.update_cart_item(cart_id, line, quantity)
        except BigCommerceNotFound as error:
            if from_seen:  # the line went meanwhile, or the cart: decide on the cart as it is
                return self.set_quantity(cart_id, line_id, quantity, offer)
            raise CartNotFound(cart_id) from error
        except BigCommerceRejected as error:
            raise QuantityRejected(_quantity_problem(error)) from error
        checkout = self._checkout(cart_id)
        return CheckoutView(checkout, summarize(checkout, pending=True), offer)

    def _priced(self, checkout: Checkout, offer: OfferState, seen: Checkout | None) -> CheckoutView:
        """Put the fee on the checkout exactly while the shopper is opted in, then total it.

        BigCommerce then works out the fee's tax and the grand total, so the page shows the
        figure the order will charge. Every view does this, so a fee whose opt-in was lost
        (the session expired, a tab closed before its answer) comes off at the next look.
        """
        wanted = offer.quote if offer.opted_in else None
        if fee_matches(checkout, wanted, self._fee):
            return CheckoutView(checkout, summarize(checkout), offer)
        if checkout is seen:  # what the last request saw may be out of date: read it afresh
            checkout = read_checkout(self._bigcommerce, checkout.id)
        refused, answer = False, None
        try:
            answer = settle_fee(self._bigcommerce, checkout, wanted, self._fee)
        except NoRoomForFee:
            offer, refused = offer.opt_out(), True
        if answer is not None:
            # The fee call's answer carries BigCommerce's new totals; a fee changes no shipping
            # quote, so the options of the checkout just read complete it (else read again).
            checkout = with_options_of(answer, checkout) or read_checkout(
                self._bigcommerce, checkout.id
            )
        return CheckoutView(checkout, summarize(checkout), offer, protection_refused=refused)

    def _checkout(self, cart_id: str, seen: Checkout | None = None) -> Checkout:
        if seen is not None and seen.id == cart_id:
            return seen
        return read_checkout(self._bigcommerce, cart_id)


def _quantity_problem(error: BigCommerceRejected) -> str:
    """Word BigCommerce's refusal for the shopper (e.g. not enough stock)."""
    detail = str(error).strip()
    if detail and detail != "refused":
        return detail
    return N_("This quantity is not available. Please choose a smaller one.")
