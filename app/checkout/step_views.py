"""The checkout's step sections: contact, delivery, billing, coupon codes and the order note.

Each section is a real form. Without JavaScript it posts and gets a redirect to the page (PRG),
or the page again with the problem next to the field (422). With htmx the answer is the
section itself, plus what the change altered elsewhere, out of band: the totals, and other
sections that opened, closed or changed because of it. A change Loop would price differently
(totals, region, delivery) also fires ``cart-changed``, so the offer is analyzed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for

from app import rate_limits
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.delivery import Delivery
from app.checkout.delivery import billing_follows_shipping
from app.checkout.delivery import billing_of
from app.checkout.delivery import delivery_of
from app.checkout.delivery import needs_shipping
from app.checkout.delivery import shipping_address
from app.checkout.responses import cart_gone
from app.checkout.responses import checkout_page
from app.checkout.responses import checkout_service
from app.checkout.responses import no_cart
from app.checkout.responses import reload_checkout
from app.checkout.responses import remember_view
from app.checkout.responses import shopper_language
from app.checkout.responses import template_context
from app.checkout.service import CheckoutView
from app.checkout.step_forms import BillingAddressForm
from app.checkout.step_forms import CommentForm
from app.checkout.step_forms import ContactForm
from app.checkout.step_forms import CouponForm
from app.checkout.step_forms import DeliveryForm
from app.checkout.step_forms import RemoveCouponForm
from app.checkout.step_forms import ShippingAddressForm
from app.checkout.step_forms import ShippingOptionForm
from app.checkout.step_forms import StepForm
from app.checkout.steps import StepRejected
from app.checkout.steps import StepResult
from app.checkout.steps import StepService
from app.checkout.summary import summarize
from app.checkout.views import CART_CHANGED
from app.checkout.views import bp
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PickupMethod
from app.htmx import is_htmx_request
from app.htmx import trigger_event
from app.htmx import vary_on_htmx

# The component each section renders; its root id is #checkout-<section>.
SECTION_TEMPLATES = {
    "contact": "components/checkout_contact.html",
    "shipping": "components/checkout_shipping.html",
    "billing": "components/checkout_billing.html",
    "coupon": "components/checkout_coupon.html",
    "comment": "components/checkout_comment.html",
}
# What each section shows of the checkout: when it differs after a change, the section is
# sent again out of band (e.g. delivery and billing open once an email is on file).
SECTION_STATE: dict[str, Callable[[Checkout], Any]] = {
    "contact": lambda checkout: checkout.email,
    "shipping": lambda checkout: (bool(checkout.email), checkout.consignments),
    "billing": lambda checkout: (
        bool(checkout.email),
        billing_of(checkout)[1],
        shipping_address(checkout),
    ),
    "coupon": lambda checkout: checkout.coupons,
    "comment": lambda checkout: checkout.customer_message,
}


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


@dataclass(frozen=True)
class BillingStep:
    """The billing section: the shipping address, or one of its own."""

    open: bool
    can_follow_shipping: bool  # there is a shipping address to copy
    form: BillingAddressForm


@dataclass(frozen=True)
class Steps:
    """Every step section's state, as the templates show it."""

    contact: ContactForm
    shipping: ShippingStep | None  # None when nothing needs delivering
    billing: BillingStep
    coupon: CouponForm
    comment: CommentForm
    saved: str | None = None  # the section just saved, which says so


def step_service() -> StepService:
    """Return the app's step service (one per app, so it keeps the pickup methods)."""
    extensions = current_app.extensions
    if "checkout_steps" not in extensions:
        region = current_app.config["SETTINGS"].default_region
        extensions.setdefault("checkout_steps", StepService(extensions["bigcommerce"], region))
    return extensions["checkout_steps"]


def default_country() -> str:
    """Return the store's country, for a new address: the country of its default region."""
    return current_app.config["SETTINGS"].default_region.partition("-")[0]


def build_steps(
    checkout: Checkout,
    forms: dict[str, StepForm] | None = None,
    saved: str | None = None,
    pickup_methods: tuple[PickupMethod, ...] | None = None,
) -> Steps:
    """Fill every section from the checkout; ``forms`` holds posted forms to show instead.

    ``pickup_methods`` are the store's (read from BigCommerce when not given).
    """
    forms = forms or {}
    country = default_country()
    has_email = bool(checkout.email)
    _, billing = billing_of(checkout)
    shipping = None
    if needs_shipping(checkout):
        delivery = delivery_of(checkout)
        # Read only once the section opens, so a first look at the page costs one call.
        methods = () if not has_email else pickup_methods
        if methods is None:
            methods = step_service().pickup_methods()
        known_billing = billing if billing is not None and billing.is_complete else None
        shipping = ShippingStep(
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
            or ShippingAddressForm.showing(delivery.address or known_billing, country),
            option_form=forms.get("shipping_option")
            or ShippingOptionForm(
                formdata=None, data={"option_id": delivery.selected_option_id or ""}
            ),
        )
    can_follow = shipping_address(checkout) is not None
    billing_form = forms.get("billing")
    if billing_form is None:
        follows = can_follow and billing_follows_shipping(checkout)
        shown = shipping_address(checkout) if follows else billing
        billing_form = BillingAddressForm.showing(
            shown if shown is not None and shown.is_complete else None,
            (billing.country_code if billing is not None else "") or country,
        )
        billing_form.same_as_shipping.data = follows
    return Steps(
        contact=forms.get("contact") or ContactForm(formdata=None, data={"email": checkout.email}),
        shipping=shipping,
        billing=BillingStep(open=has_email, can_follow_shipping=can_follow, form=billing_form),
        coupon=forms.get("coupon") or CouponForm(formdata=None),
        comment=forms.get("comment")
        or CommentForm(formdata=None, data={"message": checkout.customer_message}),
        saved=saved,
    )


@bp.app_template_global("checkout_steps")
def checkout_steps(checkout: Checkout) -> Steps:
    """The step sections as the checkout has them saved (the page calls this)."""
    return build_steps(checkout)


@bp.post("/checkout/contact")
@rate_limits.cart_change
def contact():
    """Save the shopper's email (BigCommerce keeps it on the billing address)."""
    form = ContactForm()
    return _step(
        "contact",
        form,
        lambda steps, cart_id, seen: steps.set_email(
            cart_id, form.email.data, default_country(), seen=seen
        ),
    )


@bp.post("/checkout/shipping-address", endpoint="shipping_address")
@rate_limits.cart_change
def save_shipping_address():
    """Ship every physical item to the address typed."""
    form = ShippingAddressForm()
    return _step(
        "shipping",
        form,
        lambda steps, cart_id, seen: steps.set_shipping_address(cart_id, form.address(), seen=seen),
        form_key="shipping_address",
    )


@bp.post("/checkout/delivery-method")
@rate_limits.cart_change
def delivery_method():
    """Choose between shipping to an address and picking up in store."""
    form = DeliveryForm()
    return _step(
        "shipping",
        form,
        lambda steps, cart_id, seen: steps.choose_delivery(
            cart_id, form.pickup_method_id, seen=seen
        ),
        form_key="delivery",
    )


@bp.post("/checkout/shipping-option")
@rate_limits.cart_change
def shipping_option():
    """Choose one of the shipping methods offered for the address."""
    form = ShippingOptionForm()
    return _step(
        "shipping",
        form,
        lambda steps, cart_id, seen: steps.choose_shipping_option(
            cart_id, form.option_id.data, seen=seen
        ),
        form_key="shipping_option",
    )


@bp.post("/checkout/billing-address", endpoint="billing_address")
@rate_limits.cart_change
def save_billing_address():
    """Save the billing address: the shipping address, or the one typed."""
    form = BillingAddressForm()
    return _step(
        "billing",
        form,
        lambda steps, cart_id, seen: steps.set_billing_address(
            cart_id, None if form.same_as_shipping.data else form.address(), seen=seen
        ),
    )


@bp.post("/checkout/coupons")
@rate_limits.cart_change
def apply_coupon():
    """Apply a coupon code."""
    form = CouponForm()
    return _step(
        "coupon",
        form,
        lambda steps, cart_id, seen: steps.apply_coupon(cart_id, form.code.data, seen=seen),
    )


@bp.post("/checkout/coupons/remove")
@rate_limits.cart_change
def remove_coupon():
    """Take an applied coupon off."""
    form = RemoveCouponForm()
    # A problem is shown above the coupon field, which the remove buttons sit next to.
    return _step(
        "coupon",
        form,
        lambda steps, cart_id, seen: steps.remove_coupon(cart_id, form.code.data, seen=seen),
        shown=CouponForm(formdata=None),
    )


@bp.post("/checkout/comment")
@rate_limits.cart_change
def comment():
    """Save the shopper's note for the order."""
    form = CommentForm()
    return _step(
        "comment",
        form,
        lambda steps, cart_id, seen: steps.set_comment(cart_id, form.message.data or "", seen=seen),
    )


def _step(
    section: str,
    form: StepForm,
    change: Callable[[StepService, str, Checkout | None], StepResult],
    form_key: str | None = None,
    shown: StepForm | None = None,
) -> Response:
    """Validate the form, make the change, and answer with the page or the section."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return no_cart()
    shown = shown or form
    forms = {form_key or section: shown}
    try:
        if not form.validate():
            if shown is not form:
                shown.form_errors.extend(message for field in form for message in field.errors)
            return _rejected(cart_id, section, forms, None)
        try:
            result = change(step_service(), cart_id, shopper.seen_checkout())
        except StepRejected as error:
            shown.reject(error)
            return _rejected(cart_id, section, forms, error.checkout)
    except CartNotFound:
        return cart_gone()
    shopper.remember_checkout(result.checkout)
    if not is_htmx_request():
        return vary_on_htmx(redirect(url_for("checkout.page"), 303))
    return _updated(section, result)


def _rejected(
    cart_id: str, section: str, forms: dict[str, StepForm], checkout: Checkout | None
) -> Response:
    """Show the problem next to the field, with what the shopper typed (422)."""
    offer = shopper.offer_state()
    if is_htmx_request():
        checkout = checkout or shopper.seen_checkout() or step_service().checkout(cart_id)
        shopper.remember_checkout(checkout)
        steps = build_steps(checkout, forms)
        if getattr(steps, section) is None:
            return _section_gone()
        view = CheckoutView(checkout, summarize(checkout, offer.accepted), offer)
        body = render_template(SECTION_TEMPLATES[section], **template_context(view, steps=steps))
        return vary_on_htmx(Response(body, status=422))
    view = checkout_service().view(cart_id, offer, shopper_language(), checkout)
    remember_view(view)
    steps = build_steps(view.checkout, forms)
    if getattr(steps, section) is None:
        return _section_gone()
    return checkout_page(view, status=422, steps=steps)


def _section_gone() -> Response:
    """Answer a form whose section the checkout no longer shows (e.g. from an older tab)."""
    flash("Nothing in your cart needs delivering any more, so nothing was changed.")
    return reload_checkout()


def _updated(section: str, result: StepResult) -> Response:
    """The section as saved, and out of band what else the change altered."""
    checkout = result.checkout
    offer = shopper.offer_state()
    # Until the offer comes back re-analyzed, an opted-in fee is shown as being updated.
    summary = summarize(checkout, offer.accepted, pending=result.offer_changed)
    steps = build_steps(checkout, saved=section)
    context = template_context(CheckoutView(checkout, summary, offer), steps=steps)
    body = render_template(SECTION_TEMPLATES[section], **context)
    for other, state in SECTION_STATE.items():
        if other == section or state(result.before) == state(checkout):
            continue
        if other == "shipping" and steps.shipping is None:
            continue
        body += render_template(SECTION_TEMPLATES[other], oob=True, **context)
    if not result.offer_changed:
        return vary_on_htmx(Response(body))
    body += render_template("components/order_totals.html", oob=True, **context)
    return trigger_event(vary_on_htmx(Response(body)), CART_CHANGED)
