"""What every checkout view answers with: the page, the offer fragment, reloads, lost carts.

Shared by the views of each checkout section, so each answers the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping

from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext

from app.checkout import events
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.offer_evidence import consent_evidence
from app.checkout.place_outcome import PlaceOutcome
from app.checkout.placement import PlacementService
from app.checkout.sections import Steps
from app.checkout.sections import read_steps
from app.checkout.service import CheckoutService
from app.checkout.service import CheckoutView
from app.checkout.shown_total import TotalSigner
from app.checkout.shown_total import shown_of
from app.checkout.step_forms import CommentForm
from app.checkout.step_forms import StepForm
from app.checkout.step_models import StepInputs
from app.checkout.steps import StepService
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import PickupMethod
from app.errors import error_page
from app.htmx import is_htmx_request
from app.htmx import redirect_after_post
from app.htmx import refresh_page
from app.htmx import vary_on_htmx
from app.locales import language_tag
from app.locales import shopper_locale


def checkout_service() -> CheckoutService:
    """Return the app's checkout service."""
    return current_app.extensions["checkout_service"]


def step_service() -> StepService:
    """Return the app's step service (one per app, so it keeps the pickup methods)."""
    return current_app.extensions["checkout_steps"]


def steps_of(
    checkout: Checkout,
    forms: Mapping[str, StepForm] | None = None,
    saved: str | None = None,
    pickup_methods: Callable[[], tuple[PickupMethod, ...]] | None = None,
    reopened: Mapping[str, str] | None = None,
    saved_form: str | None = None,
) -> Steps:
    """Every step section's read model for a checkout; ``forms`` are posted ones to show.

    The store's pickup methods are read from BigCommerce (kept a while) unless given;
    ``reopened``: the sections a change just undid, with why (step_models.reopened).
    """
    service = step_service()
    inputs = StepInputs(
        checkout,
        forms or {},
        service.default_country,
        pickup_methods or service.pickup_methods,
        reopened or {},
    )
    return read_steps(inputs, saved, saved_form)


def shopper_language() -> str:
    """Return the shopper's locale as a BCP 47 tag, for Loop."""
    return language_tag(shopper_locale())


def show_checkout(
    cart_id: str,
    render: Callable[[CheckoutView], Response],
    seen: Checkout | None = None,
    wait: float | None = None,
) -> Response:
    """Read the checkout (or start from ``seen``) with a current offer, remember both, render.

    ``wait``: how long to wait on Loop before the offer is shown loading (None: the budget).
    """
    try:
        view = checkout_service().view(
            cart_id, shopper.offer_state(), shopper_language(), seen, wait=wait
        )
    except CartNotFound:
        return cart_gone()
    remember_view(view)
    return render(view)


def remember_view(view: CheckoutView) -> None:
    """Keep the offer state and the checkout this request showed, for the next request."""
    shopper.save_offer_state(view.offer)
    shopper.remember_checkout(view.checkout)


def total_signer() -> TotalSigner:
    """Return the app's signer of the totals a page shows."""
    return current_app.extensions["total_signer"]


def template_context(view: CheckoutView, **extra) -> dict:
    """The variables every checkout template gets."""
    shown = shown_of(view.summary)
    return {
        "checkout": view.checkout,
        "summary": view.summary,
        "offer": view.offer,
        "protection_refused": view.protection_refused,
        "shown_total": total_signer().sign(shown) if shown else None,
        "editable": True,
        "line_errors": {},
        **extra,
    }


def checkout_page(
    view: CheckoutView,
    status: int = 200,
    outcome: PlaceOutcome | None = None,
    reopened: Mapping[str, str] | None = None,
    **extra,
) -> Response:
    """Render the whole checkout page, every section with the checkout as saved unless given.

    ``outcome``: why the last Place order stopped, shown in the payment section with the
    card fields and the order note the shopper had typed. ``reopened``: the sections the
    last change undid, with why.
    """
    if outcome is not None:
        extra.update(
            place_outcome=outcome, payment_values=outcome.values, payment_errors=outcome.errors
        )
        if outcome.note is not None:
            note = CommentForm(formdata=None, data={"message": outcome.note})
            note.message.errors = [outcome.errors["note"]] if "note" in outcome.errors else []
            extra.setdefault("steps", steps_of(view.checkout, {"comment": note}))
    extra.setdefault("steps", steps_of(view.checkout, reopened=reopened))
    extra.setdefault("checkout_events", events.page_events(view))
    body = render_template("checkout/page.html", **template_context(view, **extra))
    return vary_on_htmx(Response(body, status=status))


def offer_fragment(view: CheckoutView, collapse: bool = False, announce: bool = True) -> Response:
    """The offer component, and the totals out of band since the fee follows the quote.

    ``collapse``: the offer was on show (or loading), so a hidden answer folds it away.
    ``announce``: fill the live region (not for the first page's loading offer filled in).
    """
    context = template_context(view)
    # The live region beside the offer reads the new price and cover out to screen readers.
    body = render_template(
        "components/checkout_plus_offer.html",
        announce=True,
        silent=not announce,
        collapse=collapse,
        **context,
    )
    body += render_template("components/order_totals.html", oob=True, **context)
    return vary_on_htmx(Response(body + events_fragment(view)))


def events_fragment(view: CheckoutView) -> str:
    """The analytics events this answer brings, out of band; nothing when none (or off)."""
    markers = events.page_events(view)
    if not markers:
        return ""
    return render_template("components/checkout_events.html", oob=True, checkout_events=markers)


def reload_checkout() -> Response:
    """Show the checkout afresh: a redirect, or for htmx a full reload."""
    if is_htmx_request():
        return vary_on_htmx(refresh_page(Response(status=204)))
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


def no_cart() -> Response:
    """Answer a change posted by a browser whose checkout has expired."""
    flash(gettext("Your checkout had expired, so nothing was changed."))
    return reload_checkout()


def cart_gone() -> Response:
    """Answer for a cart BigCommerce no longer has: the order it became, or the news."""
    cart_id = shopper.bound_cart_id()
    placement: PlacementService = current_app.extensions["placement_service"]
    offer = shopper.offer_state()
    finished = placement.finish_paid(cart_id, offer, consent_evidence(offer)) if cart_id else None
    if finished is not None:
        # Its card was charged and only the record was missing (now stored): show the order.
        shopper.remember_order(finished.order_id, finished.protection, None)
        shopper.forget_cart()
        return redirect_after_post(url_for("checkout.confirmation"))
    shopper.forget_cart()
    if is_htmx_request():
        flash(gettext("This cart is no longer available. It may have been checked out already."))
        return reload_checkout()
    return error_page(
        404,
        gettext("This cart is no longer available"),
        gettext("It may have been checked out already or emptied. Please return to the store."),
    )
