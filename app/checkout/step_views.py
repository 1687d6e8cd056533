"""The step sections' forms, every one saved by the same view (the sections table says which).

Each section is a real form. Without JavaScript it posts and gets a redirect to the page (PRG),
or the page again with the problem next to the field (422). With htmx the answer is the
section itself, plus what the change altered elsewhere, out of band: the totals, and other
sections that opened, closed or changed because of it. A change Loop would price differently
(totals, region, delivery) also fires ``cart-changed``, so the offer is analyzed again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask import abort
from flask import flash
from flask import get_template_attribute
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext

from app import rate_limits
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.responses import cart_gone
from app.checkout.responses import checkout_page
from app.checkout.responses import checkout_service
from app.checkout.responses import events_fragment
from app.checkout.responses import no_cart
from app.checkout.responses import reload_checkout
from app.checkout.responses import remember_view
from app.checkout.responses import shopper_language
from app.checkout.responses import step_service
from app.checkout.responses import steps_of
from app.checkout.responses import template_context
from app.checkout.sections import SECTIONS
from app.checkout.sections import Section
from app.checkout.sections import SectionForm
from app.checkout.sections import form_named
from app.checkout.service import CheckoutView
from app.checkout.step_errors import StepRejected
from app.checkout.step_forms import AddressForm
from app.checkout.step_forms import StepForm
from app.checkout.step_models import reopened
from app.checkout.steps import Remembered
from app.checkout.steps import StepResult
from app.checkout.summary import summarize
from app.checkout.views import CART_CHANGED
from app.checkout.views import bp
from app.clients.bigcommerce import Checkout
from app.htmx import is_htmx_request
from app.htmx import trigger_event
from app.htmx import vary_on_htmx


def _step_view(section: Section, form: SectionForm) -> Callable[[], Response]:
    """Return the view that saves one of a section's forms, counted as a cart change."""

    def view() -> Response:
        return _step(section, form)

    view.__name__ = view.__qualname__ = form.endpoint
    view.__doc__ = form.doc
    return rate_limits.cart_change(view)


def _step(section: Section, step: SectionForm) -> Response:
    """Validate the form, make the change, and answer with the page or the section."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return no_cart()
    assert step.save is not None  # only step forms are routed here
    form: StepForm = step.form()
    shown = step.shown_on() if step.shown_on else form
    forms = {section.slot_of(step): shown}
    try:
        if not form.validate():
            if shown is not form:
                shown.form_errors.extend(message for field in form for message in field.errors)
            return _rejected(cart_id, section, forms, None)
        kept = Remembered(shopper.seen_checkout(), shopper.set_aside_shipping())
        try:
            result = step.save(step_service(), cart_id, form, kept)
        except StepRejected as error:
            shown.reject(error)
            return _rejected(cart_id, section, forms, error.checkout)
    except CartNotFound:
        return cart_gone()
    shopper.remember_checkout(result.checkout)
    shopper.remember_set_aside_shipping(result.checkout, result.set_aside)
    # Saving a step is moving on: the offer's notices count as answered.
    notice_answered = shopper.moved_on()
    if not is_htmx_request():
        shopper.keep_reopened(reopened(result.before, result.checkout))
        return vary_on_htmx(redirect(url_for("checkout.page"), 303))
    return _updated(section, step, result, notice_answered)


def _rejected(
    cart_id: str, section: Section, forms: dict[str, StepForm], checkout: Checkout | None
) -> Response:
    """Show the problem next to the field, with what the shopper typed (422)."""
    offer = shopper.offer_state()
    if is_htmx_request():
        checkout = checkout or shopper.seen_checkout() or step_service().checkout(cart_id)
        shopper.remember_checkout(checkout)
        steps = steps_of(checkout, forms)
        if not steps.shows(section):
            return _section_gone()
        view = CheckoutView(checkout, summarize(checkout), offer)
        body = render_template(section.template, **template_context(view, steps=steps))
        return vary_on_htmx(Response(body, status=422))
    view = checkout_service().view(cart_id, offer, shopper_language(), checkout)
    remember_view(view)
    steps = steps_of(view.checkout, forms)
    if not steps.shows(section):
        return _section_gone()
    return checkout_page(view, status=422, steps=steps)


def _section_gone() -> Response:
    """Answer a form whose section the checkout no longer shows (e.g. from an older tab)."""
    flash(gettext("Nothing in your cart needs delivering any more, so nothing was changed."))
    return reload_checkout()


def _updated(
    section: Section, step: SectionForm, result: StepResult, notice_answered: bool
) -> Response:
    """The section as saved, and out of band what else the change altered.

    A change Loop prices differently fires ``cart-changed``: the offer asks for itself again,
    with its notices as they now are. Otherwise an offer notice the save answered goes at
    once: the offer and the totals come out of band.
    """
    checkout = result.checkout
    offer = shopper.offer_state()
    # Until the offer comes back re-analyzed, an opted-in fee is shown as being updated.
    summary = summarize(checkout, pending=result.offer_changed)
    steps = steps_of(
        checkout,
        saved=section.name,
        reopened=reopened(result.before, checkout),
        saved_form=step.endpoint,
    )
    view = CheckoutView(checkout, summary, offer)
    context = template_context(view, steps=steps)
    body = render_template(section.template, **context)
    for other in SECTIONS:
        if other is section or other.shows is None or not steps.shows(other):
            continue
        if other.shows(result.before) != other.shows(checkout):
            body += render_template(other.template, oob=True, **context)
    body += events_fragment(view)
    if not result.offer_changed:
        if notice_answered:
            body += render_template("components/checkout_plus_offer.html", oob=True, **context)
            body += render_template("components/order_totals.html", oob=True, **context)
        return vary_on_htmx(Response(body))
    body += render_template("components/order_totals.html", oob=True, **context)
    return trigger_event(vary_on_htmx(Response(body)), CART_CHANGED)


for _section in SECTIONS:
    for _form in _section.forms:
        if _form.save is not None:
            bp.add_url_rule(
                _form.path, _form.endpoint, _step_view(_section, _form), methods=["POST"]
            )


# The address forms' country re-render: which form each section's address fields post.
ADDRESS_SECTIONS = {
    "shipping": ("shipping_address", "shipping"),
    "billing": ("billing_address", "billing"),
}


@bp.post("/checkout/address-fields/<section>")
@rate_limits.cart_change  # no change, but a post that may read the checkout: counted alike
def address_fields(section: str) -> Response:
    """Show a section's address form again for the country chosen, with what was typed.

    Nothing is saved and nothing is checked: under htmx the answer is the fields
    (#<section>-address-fields) for the new country; without JavaScript, the page with the
    form as posted, open, the country select focused.
    """
    if section not in ADDRESS_SECTIONS:
        abort(404)  # the error page: no such address form
    endpoint, name = ADDRESS_SECTIONS[section]
    step = form_named(endpoint)
    form: AddressForm = step.form()
    form.changing_country = True
    if is_htmx_request():
        macro = get_template_attribute("macros/address_fields.html", "fields")
        return vary_on_htmx(Response(macro(form, section)))
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return no_cart()
    owner = next(entry for entry in SECTIONS if entry.name == name)
    try:
        view = checkout_service().view(
            cart_id, shopper.offer_state(), shopper_language(), shopper.seen_checkout()
        )
    except CartNotFound:
        return cart_gone()
    remember_view(view)
    steps = steps_of(view.checkout, {owner.slot_of(step): form})
    if not steps.shows(owner):
        return _section_gone()
    return checkout_page(view, steps=steps)
