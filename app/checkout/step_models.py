"""What each step section shows: its read model, worked out from the checkout and its forms.

A read model is what a section's template renders: the form as saved (or as posted, with the
shopper's errors), and for delivery and billing what the checkout offers. Nothing here calls
an upstream: the store's pickup methods come from the caller, read only once delivery opens.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from app.checkout.delivery import DELIVERY
from app.checkout.delivery import Delivery
from app.checkout.delivery import billing_follows_shipping
from app.checkout.delivery import delivery_chosen
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
from app.clients.bigcommerce import Address
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PickupMethod
from app.clients.bigcommerce import ShippingOption

# A step section's state on the page. The steps go in order (contact, delivery, billing):
# the first one not yet done is OPEN, the only one shown as a form; those done before it
# fold into a one-line summary with an Edit control (DONE); those after it wait (LOCKED),
# unless already done. Payment opens when none is open.
OPEN, DONE, LOCKED = "open", "done", "locked"
STEP_ORDER = ("contact", "shipping", "billing")
# Why a section that was done is open again (shown in it): the method chosen is not offered
# for the address now on file, so the shopper must choose again.
METHOD_GONE = "method_gone"


def step_states(checkout: Checkout) -> dict[str, str]:
    """Return each step section's state: open (the current one), done or locked."""
    done = {
        "contact": bool(checkout.email),
        "shipping": delivery_chosen(checkout),
        "billing": _billing_done(checkout),
    }
    steps = [name for name in STEP_ORDER if name != "shipping" or needs_shipping(checkout)]
    current = next((name for name in steps if not done[name]), None)
    states = {}
    for name in steps:
        if done[name]:
            states[name] = DONE
        else:
            states[name] = OPEN if name == current else LOCKED
    return states


def _billing_done(checkout: Checkout) -> bool:
    """Tell whether the billing address is given (written from delivery unless changed)."""
    billing = checkout.billing_address
    return billing is not None and billing.is_complete


def reopened(before: Checkout | None, after: Checkout) -> dict[str, str]:
    """Return the sections a change undid, with why: {"shipping": METHOD_GONE}."""
    if before is None or not needs_shipping(after):
        return {}
    was, now = delivery_of(before), delivery_of(after)
    if (
        was.selected_option_id
        and now.address is not None
        and not now.selected_option_id
        and not delivery_chosen(after)
    ):
        return {"shipping": METHOD_GONE}
    return {}


@dataclass(frozen=True)
class StepInputs:
    """What the step sections are worked out from."""

    checkout: Checkout
    forms: Mapping[str, StepForm]  # posted forms to show instead, by slot, with their errors
    country: str  # the store's country, for a new address
    pickup_methods: Callable[[], tuple[PickupMethod, ...]]  # the store's, read when needed
    reopened: Mapping[str, str] = field(default_factory=dict)  # see reopened()


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
    reopened: str | None = None  # why a delivery that was done is open again (METHOD_GONE)

    @property
    def pickup_chosen(self) -> bool:
        """Tell whether the shopper collects the order in store."""
        return self.delivery.pickup_method_id is not None

    @property
    def selected_option(self) -> ShippingOption | None:
        """Return the shipping method chosen, as offered (for the folded summary)."""
        chosen = self.delivery.selected_option_id
        return next((option for option in self.delivery.options if option.id == chosen), None)

    @property
    def has_errors(self) -> bool:
        """Tell whether a form of the section came back with a problem to show."""
        return any(
            form.has_errors for form in (self.delivery_form, self.address_form, self.option_form)
        )

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
    follows: bool = False  # the address on file is the shipping address
    address: Address | None = None  # the complete address on file, if any

    @property
    def has_errors(self) -> bool:
        """Tell whether the form came back with a problem to show."""
        return self.form.has_errors


@dataclass(frozen=True)
class PlaceStep:
    """Place order: offered once nothing the order needs is missing."""

    missing: tuple[str, ...]  # the steps still to do ("contact", "delivery", "billing")

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
        reopened=inputs.reopened.get("shipping"),
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
    complete = billing if billing is not None and billing.is_complete else None
    return BillingStep(
        open=bool(checkout.email),
        can_follow_shipping=can_follow,
        form=form,
        follows=complete is not None and can_follow and billing_follows_shipping(checkout),
        address=complete,
    )


def coupon(inputs: StepInputs) -> CouponForm:
    """An empty code field, or the code posted."""
    return inputs.forms.get("coupon") or CouponForm(formdata=None)


def comment(inputs: StepInputs) -> CommentForm:
    """The note on file, or the one posted."""
    posted = inputs.forms.get("comment")
    return posted or CommentForm(formdata=None, data={"message": inputs.checkout.customer_message})


def place(inputs: StepInputs) -> PlaceStep:
    """What the order still needs before Place order is offered.

    BigCommerce needs only contact and delivery; the page also waits for the billing address
    (a pickup or a download has no shipping address to copy), since the card fields stay
    folded while a step before payment is open.
    """
    return PlaceStep(missing_steps(inputs.checkout))


def missing_steps(checkout: Checkout) -> tuple[str, ...]:
    """Return the steps to do before the page offers Place order, in page order."""
    missing = unfinished_steps(checkout)
    # A shipped order's billing address follows delivery: only ask for it once that is done.
    if _billing_done(checkout) or DELIVERY in missing:
        return missing
    return (*missing, "billing")
