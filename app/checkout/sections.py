"""The checkout's sections, one entry each: the table the views, the page, the styleguide and
the template contract all read.

A section is one component template on the checkout page, in the main column or beside the
order, swapped by its root id. It names the read model it renders (``steps.<name>`` in the
templates) and the forms it posts. A step section's forms are saved by the one step view
(``step_views.py``): the form is checked, ``save`` makes the change through the step service,
and the answer is the page, or under htmx the section and whatever else the change altered.
The order summary, the offer and payment have views of their own (``views.py``,
``place_views.py``); their entries name those views' forms, and the views take their paths
from here.

Adding a section is one entry here and one template (see templates/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_wtf import FlaskForm

from app.checkout import step_models
from app.checkout.delivery import shipping_address
from app.checkout.forms import LineQuantityForm
from app.checkout.forms import PaymentForm
from app.checkout.forms import ProtectionForm
from app.checkout.step_forms import BillingAddressForm
from app.checkout.step_forms import ContactForm
from app.checkout.step_forms import CouponForm
from app.checkout.step_forms import DeliveryForm
from app.checkout.step_forms import RemoveCouponForm
from app.checkout.step_forms import ShippingAddressForm
from app.checkout.step_forms import ShippingOptionForm
from app.checkout.step_models import StepInputs
from app.checkout.steps import Remembered
from app.checkout.steps import StepResult
from app.checkout.steps import StepService
from app.clients.bigcommerce import Checkout

MAIN, ASIDE = "main", "aside"
# At the end of the payment form, inside it: what submits the card fields (Place order).
PAYMENT_FORM = "payment_form"
# A step form's change: (the step service, the cart id, the valid form, what the shopper's
# session remembers: the checkout last seen...) -> what changed.
Save = Callable[[StepService, str, Any, Remembered], StepResult]


@dataclass(frozen=True)
class SectionForm:
    """A form a section posts: where to, what the shopper may type, and what saving does."""

    endpoint: str  # its view, url_for("checkout.<endpoint>")
    path: str
    form: type[FlaskForm]
    doc: str  # what saving it does, in a sentence
    save: Save | None = None  # the change, made by the step view; None: a view of its own
    form_id: str | None = None  # the form element's id; None where it repeats (per line, coupon)
    slot: str = ""  # the posted form the read model shows, with its errors (default: section)
    state: str = "open"  # the styleguide state in which the template shows this form
    # Another form that shows this one's errors (e.g. above the coupon field).
    shown_on: Callable[[], FlaskForm] | None = None


@dataclass(frozen=True)
class Section:
    """One section of the checkout page."""

    name: str
    title: str
    template: str  # under templates/
    column: str  # MAIN, ASIDE or PAYMENT_FORM: where it goes, in the order of this table
    root: str  # the id htmx swaps it by
    forms: tuple[SectionForm, ...] = ()
    # Its read model (steps.<name>); None: it renders the page's own inputs (summary, offer...).
    read: Callable[[StepInputs], Any] | None = None
    # What it shows of the checkout: when a change elsewhere alters it, it is sent out of band.
    shows: Callable[[Checkout], object] | None = None
    optional: bool = False  # its read model may be None: then it is not on the page

    def slot_of(self, form: SectionForm) -> str:
        """Return the name under which the read model finds this form when it was posted."""
        return form.slot or self.name


def _state_of(name: str) -> Callable[[Checkout], str | None]:
    """What a step section shows of its place in the flow: open, done or locked."""
    return lambda checkout: step_models.step_states(checkout).get(name)


def _contact_shows(checkout: Checkout) -> object:
    return checkout.email, _state_of("contact")(checkout)


def _shipping_shows(checkout: Checkout) -> object:
    return bool(checkout.email), checkout.consignments, _state_of("shipping")(checkout)


def _billing_shows(checkout: Checkout) -> object:
    return (
        bool(checkout.email),
        checkout.billing_address,
        shipping_address(checkout),
        _state_of("billing")(checkout),
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "contact",
        "Contact",
        "components/checkout_contact.html",
        MAIN,
        "checkout-contact",
        forms=(
            SectionForm(
                "contact",
                "/checkout/contact",
                ContactForm,
                "Save the shopper's email (BigCommerce keeps it on the billing address).",
                lambda steps, cart_id, form, kept: steps.set_email(
                    cart_id, form.email.data, seen=kept.seen
                ),
                "contact-form",
            ),
        ),
        read=step_models.contact,
        shows=_contact_shows,
    ),
    Section(
        "shipping",
        "Delivery",
        "components/checkout_shipping.html",
        MAIN,
        "checkout-shipping",
        forms=(
            SectionForm(
                "delivery_method",
                "/checkout/delivery-method",
                DeliveryForm,
                "Choose between shipping to an address and picking up in store.",
                lambda steps, cart_id, form, kept: steps.choose_delivery(
                    cart_id, form.pickup_method_id, seen=kept.seen, set_aside=kept.set_aside
                ),
                "delivery-form",
                slot="delivery",
                state="pickup",
            ),
            SectionForm(
                "shipping_address",
                "/checkout/shipping-address",
                ShippingAddressForm,
                "Ship every physical item to the address typed.",
                lambda steps, cart_id, form, kept: steps.set_shipping_address(
                    cart_id, form.address(), seen=kept.seen
                ),
                "shipping-address-form",
                slot="shipping_address",
            ),
            SectionForm(
                "shipping_option",
                "/checkout/shipping-option",
                ShippingOptionForm,
                "Choose one of the shipping methods offered for the address.",
                lambda steps, cart_id, form, kept: steps.choose_shipping_option(
                    cart_id, form.option_id.data, seen=kept.seen
                ),
                "shipping-option-form",
                slot="shipping_option",
                state="options",
            ),
        ),
        read=step_models.shipping,
        shows=_shipping_shows,
        optional=True,
    ),
    Section(
        "billing",
        "Billing address",
        "components/checkout_billing.html",
        MAIN,
        "checkout-billing",
        forms=(
            SectionForm(
                "billing_address",
                "/checkout/billing-address",
                BillingAddressForm,
                "Save the billing address: the shipping address, or the one typed.",
                lambda steps, cart_id, form, kept: steps.set_billing_address(
                    cart_id, None if form.same_as_shipping.data else form.address(), seen=kept.seen
                ),
                "billing-form",
                # Every field shows where there is a shipping address to follow.
                state="follows_shipping",
            ),
        ),
        read=step_models.billing,
        shows=_billing_shows,
    ),
    Section(
        "payment",
        "Payment",
        "components/checkout_payment.html",
        MAIN,
        "checkout-payment",
        forms=(
            SectionForm(
                "place",
                "/checkout/place",
                PaymentForm,
                "Place and pay the order, then show the confirmation (place_views.place).",
                form_id="payment-form",
            ),
        ),
    ),
    Section(
        "comment",
        "Order note",
        "components/checkout_comment.html",
        PAYMENT_FORM,
        "checkout-comment",
        # No form of its own: the note is sent with Place order, so nothing typed is lost.
        read=step_models.comment,
    ),
    Section(
        "summary",
        "Order summary",
        "components/order_summary.html",
        ASIDE,
        "order-summary",
        forms=(
            SectionForm(
                "change_line",
                "/checkout/lines/<line_id>",
                LineQuantityForm,
                "Set a line's quantity, 0 removing it (views.change_line).",
            ),
        ),
    ),
    Section(
        "coupon",
        "Coupon code",
        "components/checkout_coupon.html",
        ASIDE,
        "checkout-coupon",
        forms=(
            SectionForm(
                "apply_coupon",
                "/checkout/coupons",
                CouponForm,
                "Apply a coupon code.",
                lambda steps, cart_id, form, kept: steps.apply_coupon(
                    cart_id, form.code.data, seen=kept.seen
                ),
                "coupon-form",
            ),
            SectionForm(
                "remove_coupon",
                "/checkout/coupons/remove",
                RemoveCouponForm,
                "Take an applied coupon off.",
                lambda steps, cart_id, form, kept: steps.remove_coupon(
                    cart_id, form.code.data, seen=kept.seen
                ),
                state="applied",
                # Its problems show above the coupon field, which the remove buttons sit by.
                shown_on=lambda: CouponForm(formdata=None),
            ),
        ),
        read=step_models.coupon,
        shows=lambda checkout: checkout.coupons,
    ),
    Section(
        "offer",
        "Order protection",
        "components/checkout_plus_offer.html",
        ASIDE,
        "checkout-plus-offer",
        forms=(
            SectionForm(
                "protection",
                "/checkout/protection",
                ProtectionForm,
                "Opt in to or out of Checkout+ at the price the page showed (views.protection).",
            ),
        ),
    ),
    Section(
        "totals",
        "Order total",
        "components/order_totals.html",
        ASIDE,
        "order-totals",
    ),
    Section(
        "place",
        "Place order",
        "components/checkout_place.html",
        ASIDE,
        "checkout-place",
        # Last in the order column, its button submitting the payment form (form=), and
        # swapped on its own: the card fields are never re-rendered when the order becomes
        # ready (or stops being ready) after a change elsewhere.
        read=step_models.place,
        shows=step_models.missing_steps,
    ),
)


def form_named(endpoint: str) -> SectionForm:
    """Return the section form a view saves, by its endpoint (its path comes from here)."""
    return next(form for section in SECTIONS for form in section.forms if form.endpoint == endpoint)


@dataclass(frozen=True)
class Layout:
    """The page's two columns, each with its sections in the table's order, and the sections
    at the end of the payment form."""

    main: tuple[Section, ...]
    aside: tuple[Section, ...]
    payment_form: tuple[Section, ...]


def layout() -> Layout:
    """Return the page's columns as the table has them (the page template reads this)."""
    return Layout(
        main=tuple(section for section in SECTIONS if section.column == MAIN),
        aside=tuple(section for section in SECTIONS if section.column == ASIDE),
        payment_form=tuple(section for section in SECTIONS if section.column == PAYMENT_FORM),
    )


@dataclass(frozen=True)
class Steps:
    """Every step section's read model, by name (``steps.contact``), and the one just saved."""

    models: Mapping[str, Any]
    saved: str | None = None  # the section just saved, which says so
    # Each step section's state (step_models.OPEN, DONE or LOCKED), by name: steps.states.contact
    states: Mapping[str, str] = field(default_factory=dict)
    saved_form: str | None = None  # the endpoint of the form just saved ("delivery_method")

    def __getattr__(self, name: str) -> Any:
        models = self.__dict__.get("models", {})
        if name in models:
            return models[name]
        raise AttributeError(name)

    def is_open(self, name: str) -> bool:
        """Tell whether a step section is the one open (the shopper's current step)."""
        return self.states.get(name) == step_models.OPEN

    def shows(self, section: Section) -> bool:
        """Tell whether the page shows a section (an optional one may have nothing to show)."""
        return section.read is None or self.models.get(section.name) is not None


def read_steps(
    inputs: StepInputs, saved: str | None = None, saved_form: str | None = None
) -> Steps:
    """Work out every step section's read model from the checkout and any posted forms."""
    models = {section.name: section.read(inputs) for section in SECTIONS if section.read}
    states = step_models.step_states(inputs.checkout)
    for name, state in states.items():
        # A form posted to a step not reached yet (from an older tab) shows its problem, once
        # the step can take it: delivery and billing never open before the email.
        model = models.get(name)
        shows_problem = getattr(model, "has_errors", False) and getattr(model, "open", True)
        if state == step_models.LOCKED and shows_problem:
            states[name] = step_models.OPEN
    return Steps(models, saved, states, saved_form)
