"""Placing the order: a fresh quote, the Checkout+ fee, one order, one payment, the record.

Each step is safe to repeat. A double click, a refresh or a second tab waits for the first
placement and then finds its order; a retry after a decline pays the same order; an order an
earlier attempt already charged is never charged again. A Loop failure at place does not stop
an opted-in shopper whose cart is unchanged since Loop priced it: Loop's last quote for that
cart is the one they accepted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import replace
from functools import partial

from app.checkout.cart import CartNotFound
from app.checkout.cart import read_checkout
from app.checkout.delivery import unfinished_steps
from app.checkout.ledger import OrderLedger
from app.checkout.shown_total import ShownTotal
from app.checkout.shown_total import figures_of
from app.checkout.summary import summarize
from app.checkout_plus.consent import ConsentEvidence
from app.checkout_plus.decisions import DecisionLog
from app.checkout_plus.decisions import decision_now
from app.checkout_plus.fee import FeeSettings
from app.checkout_plus.fee import NoRoomForFee
from app.checkout_plus.fee import settle_fee
from app.checkout_plus.offer import ACCEPTED_QUOTE_MAX_AGE_SECONDS
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.checkout_plus.protection import InvalidBlock
from app.checkout_plus.protection import ProtectionBlock
from app.checkout_plus.reasons import CONTROL_GROUP
from app.checkout_plus.service import OfferService
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.bigcommerce import Card
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PaymentDeclined
from app.clients.bigcommerce import PaymentRejected
from app.clients.bigcommerce.payments import BigCommercePayments
from app.money import to_minor
from app.sync.queue import SyncQueue
from app.text import N_

log = logging.getLogger(__name__)

ALREADY_PAID = 30101  # Payments API: the order is no longer Incomplete


@dataclass(frozen=True)
class PlacedOrder:
    """A paid order, and the protection on it (None when the shopper declined it)."""

    order_id: int
    protection: Quote | None


class QuoteChanged(Exception):
    """Loop's fresh quote differs from the one the shopper accepted; they must confirm again."""

    def __init__(self, offer: OfferState) -> None:
        super().__init__("the Checkout+ quote changed")
        self.offer = offer


class ProtectionUnavailable(Exception):
    """The checkout has no room for the fee; the shopper may continue without protection."""

    def __init__(self, offer: OfferState) -> None:
        super().__init__("no room for the Checkout+ fee")
        self.offer = offer


class TotalChanged(Exception):
    """The order would charge a total other than the one the shopper saw; nothing was charged."""

    def __init__(self, shown: ShownTotal | None, now: ShownTotal, offer: OfferState) -> None:
        super().__init__("the total changed since the page showed it")
        self.shown = shown  # None: the page showed no total (it was being updated)
        self.now = now
        self.offer = offer


class NotReady(Exception):
    """A step the order needs is not done yet (``missing``: contact, delivery)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"the checkout still needs: {', '.join(missing)}")
        self.missing = missing


class OrderRefused(Exception):
    """BigCommerce would not create the order (a step is missing); the message says which."""


class PaymentFailed(Exception):
    """The payment did not go through; the message is for the shopper."""


class OrderUnfinished(Exception):
    """The payment went through but its record could not be stored; any next look finishes it."""


class PaymentUnconfirmed(Exception):
    """No answer came back from the payment: the card may or may not have been charged."""


class PlacementService:
    """Turn a shopper's checkout into one paid BigCommerce order."""

    def __init__(
        self,
        bigcommerce: BigCommerceClient,
        payments: BigCommercePayments,
        offers: OfferService,
        ledger: OrderLedger,
        fee: FeeSettings,
        sync: SyncQueue,
        decisions: DecisionLog,
    ) -> None:
        self._bigcommerce = bigcommerce
        self._payments = payments
        self._offers = offers
        self._ledger = ledger
        self._fee = fee
        self._sync = sync
        self._decisions = decisions

    def place(
        self,
        cart_id: str,
        offer: OfferState,
        locale: str | None,
        card: Card,
        shown: ShownTotal | None,
        note: str | None = None,
        evidence: ConsentEvidence | None = None,
    ) -> PlacedOrder:
        """Place and pay the order for a cart, or raise what the shopper must resolve.

        ``shown`` is the total the page showed: the order is charged only if it is exactly
        that. ``note`` is the order note as the form sent it, saved first so it is never lost.
        ``evidence``: the offer's words on the page and the shopper's last click on its box,
        kept with the decision.
        """
        with self._ledger.lease(cart_id) as placement:
            if placement.paid and placement.order_id is not None:
                return PlacedOrder(placement.order_id, offer.accepted)
            finish = partial(self._finish, cart_id, offer=offer, evidence=evidence)
            try:
                checkout = read_checkout(self._bigcommerce, cart_id)
            except CartNotFound:
                order_id = placement.order_id
                if order_id is not None and self._already_paid(order_id):
                    # An earlier payment went through though its answer was lost, and
                    # BigCommerce has since converted the cart: finish that placement.
                    return finish(order_id, offer.accepted)
                raise
            self._save_note(checkout, note)
            missing = unfinished_steps(checkout)
            if missing:
                raise NotReady(missing)
            try:
                protection, fresh = self._confirm_quote(checkout, offer, locale)
            except QuoteChanged:
                # The shopper is asked again, opted out: their fee must not wait on the page.
                settle_fee(self._bigcommerce, checkout, None, self._fee)
                raise
            checkout = self._apply_fee(checkout, protection, fresh)
            now = figures_of(summarize(checkout))  # BigCommerce's, the fee settled
            if shown != now:
                raise TotalChanged(shown, now, fresh)
            state_key = _state_key(fresh, protection, now)
            order_id = placement.order_id if placement.state_key == state_key else None
            if order_id is None:
                order_id = self._create_order(cart_id)
                self._ledger.record_order(cart_id, order_id, state_key)
            elif self._already_paid(order_id):  # its answer was lost, not its charge
                return finish(order_id, protection)
            self._check_charge(order_id, now, fresh)
            self._pay_once(order_id, card)
            return finish(order_id, protection)

    def _finish(
        self,
        cart_id: str,
        order_id: int,
        protection: Quote | None,
        offer: OfferState,
        evidence: ConsentEvidence | None,
    ) -> PlacedOrder:
        """Record the decision and the sync job, then count the order as paid (in the lease)."""
        # Both are stored first, so a request that finds the order paid knows they exist;
        # if storing fails, the order is not yet marked paid and a retry stores them.
        try:
            self._record_decision(order_id, protection, offer, evidence)
        except Exception as error:  # any store's failure: the payment stands, a retry stores
            log.exception("Order %s is paid but its record was not stored", order_id)
            raise OrderUnfinished(order_id) from error
        self._ledger.mark_paid(cart_id)
        return PlacedOrder(order_id, protection)

    def finish_paid(
        self, cart_id: str, offer: OfferState, evidence: ConsentEvidence | None = None
    ) -> PlacedOrder | None:
        """Finish a placement whose card was charged but whose record was never stored.

        For a cart BigCommerce no longer has: None unless an order of ours for it is paid.
        """
        if self._ledger.get(cart_id).order_id is None:
            return None
        with self._ledger.lease(cart_id) as placement:
            order_id = placement.order_id
            if order_id is None or not self._already_paid(order_id):
                return None
            if placement.paid:
                return PlacedOrder(order_id, offer.accepted)
            return self._finish(cart_id, order_id, offer.accepted, offer, evidence)

    def _confirm_quote(
        self, checkout: Checkout, offer: OfferState, locale: str | None
    ) -> tuple[Quote | None, OfferState]:
        """Ask Loop afresh; return the protection to apply, or raise if it is not as accepted."""
        accepted = offer.accepted
        fresh = self._offers.refresh(checkout, offer, locale, force=True)
        if accepted is None:
            return None, fresh.opt_out()
        latest = fresh.analysis
        standing = offer.still_accepted(latest, ACCEPTED_QUOTE_MAX_AGE_SECONDS)
        if standing is not None and latest is not None:
            # A Loop outage must not block checkout, nor take away cover the shopper chose:
            # for this unchanged cart, Loop's last quote is the one they accepted.
            log.warning(
                "Loop failed at place (%s); cart %s is placed with the quote accepted for it",
                latest.reason,
                checkout.id,
            )
            return standing, offer
        quote = fresh.quote
        unchanged = (
            quote is not None
            and quote.amount == accepted.amount
            and quote.currency == accepted.currency
            and quote.same_coverage(accepted)
        )
        if not unchanged:
            raise QuoteChanged(replace(fresh.opt_out(), reconfirm=quote is not None))
        return quote, fresh.opt_in()

    def _apply_fee(
        self, checkout: Checkout, protection: Quote | None, offer: OfferState
    ) -> Checkout:
        """Make our fee on the checkout match the decision, or stop if it has no room.

        Returns the checkout as BigCommerce then totals it.
        """
        try:
            changed = settle_fee(self._bigcommerce, checkout, protection, self._fee) is not None
        except NoRoomForFee:
            # Never place the order silently without the coverage the shopper chose.
            raise ProtectionUnavailable(offer.opt_out()) from None
        return read_checkout(self._bigcommerce, checkout.id) if changed else checkout

    def _save_note(self, checkout: Checkout, note: str | None) -> None:
        """Keep the order note the form sent on the checkout, so the order carries it.

        The write's answer is not used: it lacks what the checkout was read with (options).
        """
        if note is not None and note != checkout.customer_message:
            self._bigcommerce.set_customer_message(checkout.id, note)

    def _check_charge(self, order_id: int, shown: ShownTotal, offer: OfferState) -> None:
        """Stop before paying if the order's own total is not the one the shopper saw."""
        order = self._bigcommerce.get_order(order_id)
        charged = to_minor(order.total_inc_tax, order.currency)
        if (charged, order.currency) != (shown.total, shown.currency):
            log.warning(
                "Order %s totals %s %s where the page showed %s %s; not charged",
                order_id,
                charged,
                order.currency,
                shown.total,
                shown.currency,
            )
            figures = {**shown.figures, "total": charged}
            raise TotalChanged(shown, ShownTotal(order.currency, figures), offer)

    def _create_order(self, cart_id: str) -> int:
        try:
            return self._bigcommerce.create_order(cart_id)
        except BigCommerceRejected as error:
            raise OrderRefused(str(error)) from error

    def _already_paid(self, order_id: int) -> bool:
        """Tell whether an earlier attempt charged this order (its answer may have been lost)."""
        return self._bigcommerce.get_order(order_id).paid

    def _pay_once(self, order_id: int, card: Card) -> None:
        """Pay; if the answer is lost, look at the order before calling it a failure."""
        try:
            self._pay(order_id, card)
        except PaymentUnconfirmed:
            try:
                if self._already_paid(order_id):
                    return
            except BigCommerceError:
                pass  # still unknown: the shopper retries, and the retry looks again
            raise PaymentFailed(
                N_(
                    "We could not confirm your payment. Please try again: "
                    "you will not be charged twice."
                )
            ) from None

    def _pay(self, order_id: int, card: Card) -> None:
        """Charge the card for the order through BigCommerce's Payments API."""
        try:
            methods = self._bigcommerce.get_payment_methods(order_id)
            card_methods = [method for method in methods if method.type in ("card", "")]
            if not card_methods:
                raise PaymentFailed(N_("This store cannot take card payments right now."))
            # A token pays once, and a declined attempt spends it: a new one every time.
            token = self._bigcommerce.create_payment_access_token(order_id)
            self._payments.pay(token, card_methods[0].id, card)
        except PaymentDeclined as error:
            raise PaymentFailed(error.shopper_message) from error
        except PaymentRejected as error:
            if error.code == ALREADY_PAID:
                return  # an earlier attempt went through after all
            raise PaymentFailed(
                N_("The payment was not accepted. Please check the card details and try again.")
            ) from error
        except BigCommerceUnavailable as error:
            raise PaymentUnconfirmed(str(error)) from error  # charged or not: unknown
        except BigCommerceRejected as error:
            raise PaymentFailed(
                N_("The payment could not be started. Please try again.")
            ) from error

    def _record_decision(
        self,
        order_id: int,
        protection: Quote | None,
        offer: OfferState,
        evidence: ConsentEvidence | None,
    ) -> None:
        """Log the offer the shopper saw and their answer; store the job that reports it.

        ``offer`` is the state the page showed: its quote is the one on show, and its
        analysis names Loop's cohort. An order of Loop's control group is logged with no offer
        on show.
        """
        seen = protection or offer.quote  # an acceptance is of the quote just confirmed
        cohort = offer.analysis.cohort if offer.analysis else None
        placement = {
            "cohort": cohort,
            "mount_target": self._offers.settings.mount_target,
            "cart_experience": self._offers.settings.cart_experience,
        }
        if seen is not None:
            self._decisions.record(
                decision_now(
                    order_id,
                    protection is not None,
                    seen.session_id,
                    amount=seen.amount,
                    currency=seen.currency,
                    mode=seen.mode,
                    evidence=evidence,
                    **placement,
                )
            )
        elif offer.analysis and offer.analysis.reason == CONTROL_GROUP and offer.loop_session_id:
            # Loop hid an offer it would have made, for its experiment's control group: the
            # order counts for that cohort (an ineligible cart is no part of the comparison).
            session_id = offer.loop_session_id
            self._decisions.record(
                decision_now(
                    order_id,
                    False,
                    session_id,
                    amount=0,
                    currency="",
                    mode=(),
                    shown=False,
                    **placement,
                )
            )
        if protection is None:
            self._sync.submit(order_id, None)  # the direct path reports declined orders too
            return
        try:
            block = ProtectionBlock.of(
                protection.session_id,
                protection.mode,
                protection.amount,
                protection.currency,
                self._fee.metafield_fee_name or None,
            )
        except InvalidBlock:
            log.exception("Checkout+ block for order %s is malformed; not queued", order_id)
            return
        self._sync.submit(order_id, block)


def _state_key(offer: OfferState, protection: Quote | None, total: ShownTotal) -> str:
    """Name what an order is made of: the cart Loop priced, the protection and the total.

    An order recorded for another state is not paid again; a new one is made.
    """
    fingerprint = offer.analysis.fingerprint if offer.analysis else "-"
    token = protection.token if protection else "-"
    return f"{fingerprint}:{token}:{total.total}{total.currency}"
