"""Checkout pages: HTTP in, service call, template out."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from app import rate_limits
from app.checkout import events
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.cart import is_cart_id
from app.checkout.forms import LineQuantityForm
from app.checkout.forms import ProtectionForm
from app.checkout.offer_evidence import remember_choice
from app.checkout.responses import cart_gone
from app.checkout.responses import checkout_page
from app.checkout.responses import checkout_service
from app.checkout.responses import no_cart
from app.checkout.responses import offer_fragment
from app.checkout.responses import reload_checkout
from app.checkout.responses import remember_view
from app.checkout.responses import shopper_language
from app.checkout.responses import show_checkout
from app.checkout.responses import template_context
from app.checkout.sections import form_named
from app.checkout.sections import layout
from app.checkout.service import CheckoutView
from app.checkout.service import LineNotFound
from app.checkout.service import QuantityRejected
from app.errors import error_page
from app.htmx import is_htmx_request
from app.htmx import refresh_page
from app.htmx import trigger_event
from app.htmx import vary_on_htmx

bp = Blueprint("checkout", __name__)
# The page lays its sections out from the sections table (no upstream behind it).
bp.add_app_template_global(layout(), "checkout_layout")

# Fired on the page after every change to the cart; the offer re-requests itself on it.
CART_CHANGED = "cart-changed"
# The offer states that take room on the page (``?shown=`` on the offer's own request).
OFFER_SHOWN = frozenset({"offered", "loading", "withdrawn"})


@bp.get("/checkout")
def page():
    """Show the checkout; with ``?cart_id=`` first take over the storefront's cart."""
    if "cart_id" in request.args:
        return _handoff(request.args.getlist("cart_id"))
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return render_template("checkout/no_cart.html")
    outcome = shopper.take_place_outcome()  # set when Place order came back here
    reopened = shopper.take_reopened()  # set when the step just saved undid a section
    # The page waits on Loop only briefly; the offer then loads itself (GET /checkout/offer).
    wait = current_app.config["SETTINGS"].checkout_plus_page_wait_ms / 1000
    return show_checkout(
        cart_id,
        lambda view: checkout_page(view, outcome=outcome, reopened=reopened),
        wait=wait,
    )


@bp.get("/checkout/offer")
def offer():
    """The offer, analyzed for the cart as it is now, with the totals it prices."""
    if not is_htmx_request():
        return vary_on_htmx(redirect(url_for("checkout.page"), 303))
    cart_id = shopper.bound_cart_id()
    if cart_id is None and request.headers.get("X-Offer-Shown") == "loading":
        # A page that just showed a cart cannot have lost it: a preview (the styleguide's
        # loading offer). Nothing to load, and nothing to reload.
        return vary_on_htmx(Response(status=204))
    if cart_id is None:
        return vary_on_htmx(refresh_page(Response(status=204)))
    # What the page showed before asking (the template sends it in a header): an offer on
    # show, or loading, folds away when the answer is "hidden".
    shown = request.headers.get("X-Offer-Shown")
    # A loading offer filled in is the page's own content arriving: nothing to read out.
    first = shown == "loading"

    def render(view: CheckoutView) -> Response:
        return offer_fragment(view, collapse=shown in OFFER_SHOWN, announce=not first)

    # Asked for right after a change: start from the checkout that change left.
    return show_checkout(cart_id, render, seen=shopper.seen_checkout())


@bp.post(form_named("protection").path)
@rate_limits.cart_change
def protection():
    """Opt in to or out of Checkout+ at the price the page showed."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return no_cart()
    form = ProtectionForm()
    if not form.validate():
        return error_page(400)
    try:
        view = checkout_service().choose_protection(
            cart_id,
            shopper.offer_state(),
            shopper_language(),
            opt_in=bool(form.checkout_plus.data),
            seen_quote=form.quote.data or None,
            seen=shopper.seen_checkout(),
        )
    except CartNotFound:
        return cart_gone()
    events.protection_chosen(cart_id, shopper.offer_state(), view.offer)
    remember_view(view)
    remember_choice(view.offer)
    if is_htmx_request():
        return offer_fragment(view)
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


@bp.post(form_named("change_line").path)
@rate_limits.cart_change
def change_line(line_id: str):
    """Set a line's quantity (0 removes it); the offer follows in its own request."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return no_cart()
    form = LineQuantityForm()
    offer = shopper.offer_state()
    seen = shopper.seen_checkout()
    service = checkout_service()
    try:
        if not form.validate():
            problem = next(iter(form.quantity.errors), gettext("Enter a quantity."))
            return _line_error(
                service.view(cart_id, offer, shopper_language(), seen), line_id, form, problem
            )
        try:
            view = service.set_quantity(cart_id, line_id, form.quantity.data, offer, seen)
        except QuantityRejected as error:
            return _line_error(
                service.view(cart_id, offer, shopper_language(), seen), line_id, form, str(error)
            )
    except CartNotFound:
        return cart_gone()
    except LineNotFound:
        return _line_gone()
    if view is None:
        shopper.forget_cart()
        return reload_checkout()
    shopper.remember_checkout(view.checkout)
    if is_htmx_request():
        removed = all(item.id != line_id for item in view.summary.items)
        context = template_context(view)
        fragment = render_template("components/order_summary.html", line_removed=removed, **context)
        fragment += render_template("components/order_totals.html", oob=True, **context)
        return trigger_event(vary_on_htmx(Response(fragment)), CART_CHANGED)
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


def _line_gone() -> Response:
    """Answer a change to a line the cart no longer has."""
    flash(gettext("That item had already been removed from your cart."))
    return reload_checkout()


def _handoff(values: list[str]):
    """Bind the storefront's cart to this session, then show the checkout (PRG)."""
    if len(values) != 1 or not is_cart_id(values[0]):
        return error_page(
            400,
            gettext("This checkout link is not valid"),
            gettext(
                "The link that brought you here does not carry a cart we recognise. "
                "Please go back to the store and choose Check out again."
            ),
        )
    shopper.bind_cart(values[0])
    return redirect(url_for("checkout.page"), 303)


def _line_error(view: CheckoutView, line_id: str, form: LineQuantityForm, problem: str):
    """Show the problem next to the line's quantity, keeping what the shopper typed."""
    remember_view(view)
    if all(item.id != line_id for item in view.summary.items):
        return _line_gone()  # no line to show the problem beside
    errors = {line_id: (problem, form.typed_quantity)}
    if is_htmx_request():
        body = render_template(
            "components/order_summary.html", **template_context(view, line_errors=errors)
        )
        return vary_on_htmx(Response(body, status=422))
    return checkout_page(view, status=422, line_errors=errors)
