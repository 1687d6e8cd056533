"""The checkout's steps as use cases: email, delivery, billing, coupons and the order note.

Each use case starts from the checkout (as the shopper last saw it, or read afresh), makes the
change on BigCommerce and returns the checkout before and after, and whether Loop would now
price the cart differently (then the offer must be analyzed again). BigCommerce's refusals
come back as ``StepRejected``, worded for the shopper and tied to the form field that caused
them. No Flask here: the views translate HTTP.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from app.checkout.cart import read_checkout
from app.checkout.delivery import ADDRESS_FIELDS
from app.checkout.delivery import SetAsideShipping
from app.checkout.delivery import billing_follows_shipping
from app.checkout.delivery import delivery_of
from app.checkout.delivery import lacks_options
from app.checkout.delivery import physical_lines
from app.checkout.delivery import shipping_address
from app.checkout.delivery import with_options_of
from app.checkout.step_errors import OTHER_WINDOW
from app.checkout.step_errors import StepRejected
from app.checkout.step_errors import coupon_problem
from app.checkout.step_errors import problem
from app.checkout.step_errors import rejection
from app.checkout_plus.analyze_request import build_analyze_request
from app.clients.bigcommerce import Address
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PickupMethod
from app.text import N_

log = logging.getLogger(__name__)

# Pickup methods are store settings that rarely change: read them once in a while, not per page.
PICKUP_METHODS_FRESH_SECONDS = 300.0
# After a failed read the page goes on without pickup, and asks again soon.
PICKUP_FAILURE_FRESH_SECONDS = 30.0


def _priced(checkout: Checkout, default_region: str) -> dict[str, Any]:
    """What Loop prices for this checkout: totals, region, delivery groups and lines."""
    return build_analyze_request(
        checkout,
        session_id=None,
        default_region=default_region,
        locale=None,
        mount_target="",
        cart_experience="",
    )


@dataclass(frozen=True)
class Remembered:
    """What the shopper's session brings to a step besides the form it posted."""

    seen: Checkout | None = None  # the checkout as their last request left it
    set_aside: SetAsideShipping | None = None  # the shipping that store pickup replaced


@dataclass(frozen=True)
class StepResult:
    """A change made: the checkout before and after, and whether the offer must follow."""

    before: Checkout
    checkout: Checkout
    offer_changed: bool  # the cart's totals, region or delivery changed
    set_aside: SetAsideShipping | None = None  # the shipping this change replaced by pickup

    @classmethod
    def of(cls, before: Checkout, after: Checkout, default_region: str) -> StepResult:
        """Compare what Loop would be asked before and after the change."""
        changed = _priced(before, default_region) != _priced(after, default_region)
        return cls(before, after, changed)

    @classmethod
    def unchanged(cls, checkout: Checkout) -> StepResult:
        """Nothing needed changing."""
        return cls(checkout, checkout, False)


class StepService:
    """Carry out the checkout steps on BigCommerce."""

    def __init__(
        self,
        bigcommerce: BigCommerceClient,
        default_region: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bigcommerce = bigcommerce
        # Loop's region for a checkout without an address; an address in it changes nothing.
        self._default_region = default_region
        self._clock = clock
        self._lock = threading.Lock()
        self._pickup: tuple[PickupMethod, ...] = ()
        self._pickup_until = float("-inf")

    def checkout(self, cart_id: str) -> Checkout:
        """Read the checkout with everything the steps show."""
        return read_checkout(self._bigcommerce, cart_id)

    def pickup_methods(self) -> tuple[PickupMethod, ...]:
        """Return the store's pickup methods; none when they cannot be read (never blocks)."""
        with self._lock:
            if self._clock() < self._pickup_until:
                return self._pickup
        try:
            methods = tuple(self._bigcommerce.list_pickup_methods())
            fresh = PICKUP_METHODS_FRESH_SECONDS
        except BigCommerceError as error:
            log.warning("Pickup methods unavailable, offering shipping only: %s", error)
            methods, fresh = (), PICKUP_FAILURE_FRESH_SECONDS
        with self._lock:
            self._pickup, self._pickup_until = methods, self._clock() + fresh
        return methods

    @property
    def default_country(self) -> str:
        """Return the store's country, for a new address: the country of its default region."""
        return self._default_region.partition("-")[0]

    def set_email(self, cart_id: str, email: str, seen: Checkout | None = None) -> StepResult:
        """Set the shopper's email, which BigCommerce keeps on the billing address.

        A checkout without a billing address gets one holding just the email and a country
        (BigCommerce requires one): the shipping country, else the store's default.
        """
        return self._run(cart_id, seen, lambda before: self._set_email(before, email))

    def _set_email(self, before: Checkout, email: str) -> StepResult:
        cart_id = before.id
        if before.email == email:
            return StepResult.unchanged(before)
        address_id, billing = before.billing_address_id, before.billing_address
        if billing is None or not billing.country_code:
            shipping = delivery_of(before).address
            country = shipping.country_code if shipping and shipping.country_code else None
            billing = replace(billing or Address(), country_code=country or self.default_country)
        after = self._change(
            before,
            lambda: self._bigcommerce.set_billing_address(cart_id, billing, email, address_id),
            known=("email",),
        )
        return self._result(before, self._complete(after, options_from=before))

    def set_shipping_address(
        self, cart_id: str, address: Address, seen: Checkout | None = None
    ) -> StepResult:
        """Ship every physical item to this address (one consignment), keeping what follows it.

        The shipping option chosen before is chosen again if the new address still offers it,
        and a billing address that was the shipping address (or not given yet) follows along.
        """
        return self._run(cart_id, seen, lambda before: self._set_shipping_address(before, address))

    def _set_shipping_address(self, before: Checkout, address: Address) -> StepResult:
        cart_id = before.id
        email = self._email_first(before)
        lines = physical_lines(before)
        if not lines:
            raise StepRejected(N_("Nothing in your cart needs shipping."), checkout=before)
        delivery = delivery_of(before)
        all_assigned = set(delivery.line_item_ids) == {item_id for item_id, _ in lines}
        if delivery.address == address and all_assigned:
            return StepResult.unchanged(before)
        if delivery.consignment_id is None:
            after = self._change(
                before,
                lambda: self._bigcommerce.add_consignment(
                    cart_id, lines, address=address, email=email
                ),
                known=ADDRESS_FIELDS,
            )
        else:
            consignment_id = delivery.consignment_id
            after = self._change(
                before,
                lambda: self._bigcommerce.update_consignment(
                    cart_id,
                    consignment_id,
                    None if all_assigned else lines,
                    address=address,
                    email=email,
                ),
                known=ADDRESS_FIELDS,
            )
        after = self._keep_option(cart_id, delivery.selected_option_id, after)
        if billing_follows_shipping(before):
            # The billing write's answer lacks the options the consignment write just listed.
            followed = self._follow_shipping(cart_id, after, address, email)
            after = self._complete(followed, options_from=after)
        return self._result(before, self._complete(after))

    def choose_shipping_option(
        self, cart_id: str, option_id: str, seen: Checkout | None = None
    ) -> StepResult:
        """Choose one of the options BigCommerce offers for the shipping address."""
        return self._run(
            cart_id, seen, lambda before: self._choose_shipping_option(before, option_id)
        )

    def _choose_shipping_option(self, before: Checkout, option_id: str) -> StepResult:
        cart_id = before.id
        delivery = delivery_of(before)
        if delivery.consignment_id is None or delivery.address is None:
            raise StepRejected(N_("Enter your shipping address first."), checkout=before)
        if option_id not in {option.id for option in delivery.options}:
            raise StepRejected(
                fields={"option_id": N_("Choose one of the shipping methods shown.")},
                checkout=before,
            )
        if option_id == delivery.selected_option_id:
            return StepResult.unchanged(before)
        consignment_id = delivery.consignment_id
        after = self._change(
            before,
            lambda: self._bigcommerce.select_shipping_option(cart_id, consignment_id, option_id),
            known=("option_id",),
            rename={"shipping_option_id": "option_id"},
        )
        return self._result(before, self._complete(after))

    def choose_delivery(
        self,
        cart_id: str,
        pickup_method_id: int | None,
        seen: Checkout | None = None,
        set_aside: SetAsideShipping | None = None,
    ) -> StepResult:
        """Pick up in store with a method (all physical items), or ship (None).

        Pickup replaces the shipping address on BigCommerce, so the result hands it back as
        ``set_aside``; shipping again goes back to the address (and method) ``set_aside``
        holds, so the shopper need not type it again.
        """
        return self._run(
            cart_id,
            seen,
            lambda before: self._choose_delivery(before, pickup_method_id, set_aside),
        )

    def _choose_delivery(
        self, before: Checkout, pickup_method_id: int | None, set_aside: SetAsideShipping | None
    ) -> StepResult:
        cart_id = before.id
        delivery = delivery_of(before)
        if pickup_method_id is None:
            if delivery.pickup_method_id is None or delivery.consignment_id is None:
                return StepResult.unchanged(before)
            consignment_id = delivery.consignment_id
            after = self._change(
                before,
                lambda: self._bigcommerce.delete_consignment(cart_id, consignment_id),
                known=(),
            )
            if set_aside is not None:
                after = self._ship_again(after, set_aside)
            return self._result(before, self._complete(after))
        if pickup_method_id not in {method.id for method in self.pickup_methods()}:
            raise StepRejected(
                fields={"method": N_("Choose one of the delivery methods shown.")},
                checkout=before,
            )
        if delivery.pickup_method_id == pickup_method_id:
            return StepResult.unchanged(before)
        lines = physical_lines(before)
        if not lines:
            raise StepRejected(N_("Nothing in your cart needs delivering."), checkout=before)
        if delivery.consignment_id is None:
            after = self._change(
                before,
                lambda: self._bigcommerce.add_consignment(
                    cart_id, lines, pickup_method_id=pickup_method_id
                ),
                known=(),
            )
        else:
            consignment_id = delivery.consignment_id
            all_assigned = set(delivery.line_item_ids) == {item_id for item_id, _ in lines}
            after = self._change(
                before,
                lambda: self._bigcommerce.update_consignment(
                    cart_id,
                    consignment_id,
                    None if all_assigned else lines,
                    pickup_method_id=pickup_method_id,
                ),
                known=(),
            )
        result = self._result(before, self._complete(after))
        if delivery.address is None:
            return result
        replaced = SetAsideShipping(delivery.address, delivery.selected_option_id)
        return replace(result, set_aside=replaced)

    def _ship_again(self, checkout: Checkout, set_aside: SetAsideShipping) -> Checkout:
        """Ship every physical item to the address set aside for pickup, by its method if offered.

        BigCommerce checks the address as when it was first given; should it refuse it now (or
        not answer), pickup is left all the same and the shopper saves an address as usual.
        """
        lines = physical_lines(checkout)
        if not (checkout.email and lines):
            return checkout
        try:
            after = self._bigcommerce.add_consignment(
                checkout.id, lines, address=set_aside.address, email=checkout.email
            )
        except BigCommerceError as error:
            log.info("Could not ship to the address set aside for pickup again: %s", error)
            return checkout
        return self._keep_option(checkout.id, set_aside.option_id, after)

    def set_billing_address(
        self, cart_id: str, address: Address | None, seen: Checkout | None = None
    ) -> StepResult:
        """Set the billing address; None makes it the shipping address."""
        return self._run(cart_id, seen, lambda before: self._set_billing_address(before, address))

    def _set_billing_address(self, before: Checkout, address: Address | None) -> StepResult:
        cart_id = before.id
        email = self._email_first(before)
        if address is None:
            address = shipping_address(before)
            if address is None:
                raise StepRejected(
                    fields={
                        "same_as_shipping": N_(
                            "Enter your shipping address first, or untick this "
                            "box and enter your billing address."
                        )
                    },
                    checkout=before,
                )
        address_id, current = before.billing_address_id, before.billing_address
        if current == address:
            return StepResult.unchanged(before)
        after = self._change(
            before,
            lambda: self._bigcommerce.set_billing_address(cart_id, address, email, address_id),
            known=ADDRESS_FIELDS,
        )
        return self._result(before, self._complete(after, options_from=before))

    def apply_coupon(self, cart_id: str, code: str, seen: Checkout | None = None) -> StepResult:
        """Apply a coupon code; a code BigCommerce refuses is explained next to the field."""
        return self._run(cart_id, seen, lambda before: self._apply_coupon(before, code))

    def _apply_coupon(self, before: Checkout, code: str) -> StepResult:
        cart_id = before.id
        if code.casefold() in {coupon.code.casefold() for coupon in before.coupons}:
            return StepResult.unchanged(before)
        try:
            after = self._bigcommerce.add_coupon(cart_id, code)
        except BigCommerceRejected as error:
            # An unknown or expired code is a 400 without field errors; either way it is the code.
            raise StepRejected(fields={"code": coupon_problem(error)}, checkout=before) from error
        except BigCommerceNotFound as error:
            raise StepRejected(OTHER_WINDOW, checkout=self.checkout(cart_id)) from error
        return self._result(before, self._complete(after))

    def remove_coupon(self, cart_id: str, code: str, seen: Checkout | None = None) -> StepResult:
        """Take a coupon off the checkout; one already gone is not an error."""
        return self._run(cart_id, seen, lambda before: self._remove_coupon(before, code))

    def _remove_coupon(self, before: Checkout, code: str) -> StepResult:
        cart_id = before.id
        applied = next(
            (c.code for c in before.coupons if c.code.casefold() == code.casefold()), None
        )
        if applied is None:
            return StepResult.unchanged(before)
        try:
            after = self._bigcommerce.remove_coupon(cart_id, applied)
        except BigCommerceNotFound:
            after = self.checkout(cart_id)
        except BigCommerceRejected as error:
            raise StepRejected(problem(error), checkout=before) from error
        return self._result(before, self._complete(after))

    def _result(self, before: Checkout, after: Checkout) -> StepResult:
        return StepResult.of(before, after, self._default_region)

    def _email_first(self, checkout: Checkout) -> str:
        """Return the cart email, which every BigCommerce address must carry."""
        if not checkout.email:
            raise StepRejected(N_("Enter your email address first."), checkout=checkout)
        return checkout.email

    def _change(
        self,
        before: Checkout,
        write: Callable[[], Checkout],
        known: Collection[str],
        rename: dict[str, str] | None = None,
    ) -> Checkout:
        """Make one write, turning BigCommerce's refusal into a StepRejected for the shopper."""
        try:
            return write()
        except BigCommerceRejected as error:
            raise rejection(error, before, known, rename or {}) from error
        except BigCommerceNotFound as error:
            # The checkout exists (it was just read), so a part of it went away meanwhile.
            raise StepRejected(OTHER_WINDOW, checkout=self.checkout(before.id)) from error

    def _keep_option(self, cart_id: str, option_id: str | None, after: Checkout) -> Checkout:
        """Choose the earlier shipping option again when the new address still offers it."""
        delivery = delivery_of(after)
        offered = {option.id for option in delivery.options}
        if option_id is None or delivery.selected_option_id or option_id not in offered:
            return after
        try:
            return self._bigcommerce.select_shipping_option(
                cart_id, str(delivery.consignment_id), option_id
            )
        except (BigCommerceRejected, BigCommerceNotFound) as error:
            # The address is saved; the shopper simply chooses the option again.
            log.info("Could not keep shipping option %s: %s", option_id, error)
            return after

    def _follow_shipping(
        self, cart_id: str, after: Checkout, address: Address, email: str
    ) -> Checkout:
        """Copy the new shipping address to the billing address."""
        try:
            return self._bigcommerce.set_billing_address(
                cart_id, address, email, after.billing_address_id
            )
        except (BigCommerceRejected, BigCommerceNotFound) as error:
            # The shipping address is saved; the billing step shows what is still to do.
            log.info("Billing address did not follow the shipping address: %s", error)
            return after

    def _complete(self, checkout: Checkout, options_from: Checkout | None = None) -> Checkout:
        """Return the checkout with its shipping options, read again if the write left them out.

        Only the consignment writes accept the include that lists the options. A write that
        cannot change them (billing address, note) passes the checkout it started from in
        ``options_from``: its options serve for each unchanged consignment.
        """
        if not lacks_options(checkout):
            return checkout
        if options_from is not None:
            carried = with_options_of(checkout, options_from)
            if carried is not None:
                return carried
        return self.checkout(checkout.id)

    def _run(
        self, cart_id: str, seen: Checkout | None, step: Callable[[Checkout], StepResult]
    ) -> StepResult:
        """Run a step from the checkout the shopper last saw, else from BigCommerce's.

        If the answer shows the cart's lines changed meanwhile (edited in another tab of the
        store), the step started from an old picture: it runs again from BigCommerce's.
        """
        if seen is None or seen.id != cart_id:
            return step(self.checkout(cart_id))
        result = step(seen)
        if _lines(result.checkout) == _lines(seen):
            return result
        again = step(self.checkout(cart_id))
        return replace(self._result(seen, again.checkout), set_aside=again.set_aside)


def _lines(checkout: Checkout) -> list[tuple[str, int]]:
    """The cart's lines as the steps see them: which items, how many."""
    return [(item.id, item.quantity) for item in checkout.line_items]
