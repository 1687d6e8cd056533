"""What each step section shows: its read model, worked out from the checkout and its forms.

A read model is what a section's template renders: the form as saved (or as posted, with the
shopper's errors), and for delivery and billing what the checkout offers. Nothing here calls
an upstream: the store's pickup methods come from the caller, read only once delivery opens.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass

from app.checkout.delivery import Delivery
from app.checkout.delivery import billing_follows_shipping
from app.checkout.delivery import delivery_of
from app.checkout.delivery import needs_shipping
from app.checkout.delivery import shipping_address
from app.checkout.delivery import unfinished_steps
from app.checkout.step_forms import BillingAddressForm
from app.checkout.step_forms import CommentForm
from app.checkout.step_forms import ContactForm
from app.checkout.step_forms import CouponForm
from app.checkout.step_forms import DeliveryForm
from app.checkout.step_forms import ShippingAddressForm
from app.checkout.step_forms import ShippingOptionForm
from app.checkout.step_forms import StepForm
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PickupMethod


@dataclass(frozen=True)
class StepInputs:
    """What the step sections are worked out from."""

    checkout: Checkout
    forms: Mapping[str, StepForm]  # posted forms to show instead, by slot, with their errors
    country: str  # the store's country, for a new address
    pickup_methods: Callable[[], tuple[PickupMethod, ...]]  # the store's, read when needed


@dataclass(frozen=True)
class ShippingStep:
    """The delivery section: ship to an address (and how) or pick up in store."""

    open: bool  # an email is on file, which BigCommerce keeps with every address
    delivery: Delivery
    pickup_methods: tuple[PickupMethod, ...]
    pickup_method: PickupMethod | None  # the chosen one, when the store still lists it
    delivery_form: DeliveryForm
    address_form: ShippingAddressForm
    option_form: ShippingOptionForm

    @property
    def pickup_chosen(self) -> bool:
        """Tell whether the shopper collects the order in store."""
        return self.delivery.pickup_method_id is not None

    @property
    def on_file(self) -> bool:
        """Tell whether BigCommerce holds the delivery shown: the pickup, or the address."""
        return self.pickup_chosen or self.delivery.address is not None


@dataclass(frozen=True)
class BillingStep:
    """The billing section: the shipping address, or one of its own."""

    open: bool
    can_follow_shipping: bool  # there is a shipping address to copy
    form: BillingAddressForm


@dataclass(frozen=True)
class PlaceStep:
    """Place order: offered once nothing the order needs is missing."""

    missing: tuple[str, ...]  # the steps still to do ("contact", "delivery"), in page order

    @property
    def ready(self) -> bool:
        """Tell whether the order can be placed."""
        return not self.missing


def contact(inputs: StepInputs) -> ContactForm:
    """The email on file, or the one posted."""
    posted = inputs.forms.get("contact")
    return posted or ContactForm(formdata=None, data={"email": inputs.checkout.email})


def shipping(inputs: StepInputs) -> ShippingStep | None:
    """The delivery chosen and what the store offers; None when nothing needs delivering."""
    checkout, forms = inputs.checkout, inputs.forms
    if not needs_shipping(checkout):
        return None
    delivery = delivery_of(checkout)
    has_email = bool(checkout.email)
    # Read only once the section opens, so a first look at the page costs one call.
    methods = inputs.pickup_methods() if has_email else ()
    billing = checkout.billing_address
    known_billing = billing if billing is not None and billing.is_complete else None
    return ShippingStep(
        open=has_email,
        delivery=delivery,
        pickup_methods=methods,
        pickup_method=next((m for m in methods if m.id == delivery.pickup_method_id), None),
        delivery_form=forms.get("delivery")
        or DeliveryForm(
            formdata=None, data={"method": DeliveryForm.value_for(delivery.pickup_method_id)}
        ),
        # With no shipping address yet, offer the billing address the shopper gave.
        address_form=forms.get("shipping_address")
        or ShippingAddressForm.showing(delivery.address or known_billing, inputs.country),
        option_form=forms.get("shipping_option")
        or ShippingOptionForm(formdata=None, data={"option_id": delivery.selected_option_id or ""}),
    )


def billing(inputs: StepInputs) -> BillingStep:
    """The billing address on file (or the shipping address it follows), or the one posted."""
    checkout = inputs.checkout
    billing = checkout.billing_address
    can_follow = shipping_address(checkout) is not None
    form = inputs.forms.get("billing")
    if form is None:
        follows = can_follow and billing_follows_shipping(checkout)
        shown = shipping_address(checkout) if follows else billing
        form = BillingAddressForm.showing(
            shown if shown is not None and shown.is_complete else None,
            (billing.country_code if billing is not None else "") or inputs.country,
        )
        form.same_as_shipping.data = follows
    return BillingStep(open=bool(checkout.email), can_follow_shipping=can_follow, form=form)


def coupon(inputs: StepInputs) -> CouponForm:
    """An empty code field, or the code posted."""
    return inputs.forms.get("coupon") or CouponForm(formdata=None)


def comment(inputs: StepInputs) -> CommentForm:
    """The note on file, or the one posted."""
    posted = inputs.forms.get("comment")
    return posted or CommentForm(formdata=None, data={"message": inputs.checkout.customer_message})


def place(inputs: StepInputs) -> PlaceStep:
    """What the order still needs before Place order is offered."""
    return PlaceStep(unfinished_steps(inputs.checkout))
