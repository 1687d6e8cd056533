"""Checkout pages: HTTP in, service call, template out."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app.checkout import shopper
from app.checkout.forms import LineQuantityForm
from app.checkout.forms import ProtectionForm
from app.checkout.service import CartNotFound
from app.checkout.service import CheckoutService
from app.checkout.service import CheckoutView
from app.checkout.service import LineNotFound
from app.checkout.service import QuantityRejected
from app.errors import error_page
from app.htmx import is_htmx_request
from app.htmx import refresh_page
from app.htmx import trigger_event
from app.htmx import vary_on_htmx
from app.locales import language_tag
from app.locales import shopper_locale

bp = Blueprint("checkout", __name__)

# Fired on the page after every change to the cart; the offer re-requests itself on it.
CART_CHANGED = "cart-changed"


def _service() -> CheckoutService:
    return current_app.extensions["checkout_service"]


def _locale() -> str:
    return language_tag(shopper_locale())


@bp.get("/checkout")
def page():
    """Show the checkout; with ``?cart_id=`` first take over the storefront's cart."""
    if "cart_id" in request.args:
        return _handoff(request.args.getlist("cart_id"))
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return render_template("checkout/no_cart.html")
    return _show(cart_id, _page)


@bp.get("/checkout/offer")
def offer():
    """The offer, analyzed for the cart as it is now, with the totals it prices."""
    if not is_htmx_request():
        return vary_on_htmx(redirect(url_for("checkout.page"), 303))
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return vary_on_htmx(refresh_page(Response(status=204)))
    return _show(cart_id, _offer_fragment)


@bp.post("/checkout/protection")
def protection():
    """Opt in to or out of Checkout+ at the price the page showed."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return _no_cart()
    form = ProtectionForm()
    if not form.validate():
        return error_page(400)
    try:
        view = _service().choose_protection(
            cart_id,
            shopper.offer_state(),
            _locale(),
            opt_in=bool(form.checkout_plus.data),
            seen_quote=form.quote.data or None,
        )
    except CartNotFound:
        return _cart_gone()
    shopper.save_offer_state(view.offer)
    if is_htmx_request():
        return _offer_fragment(view)
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


@bp.post("/checkout/lines/<line_id>")
def change_line(line_id: str):
    """Set a line's quantity (0 removes it); the offer follows in its own request."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return _no_cart()
    form = LineQuantityForm()
    offer = shopper.offer_state()
    service = _service()
    try:
        if not form.validate():
            problem = next(iter(form.quantity.errors), "Enter a quantity.")
            return _line_error(service.view(cart_id, offer, _locale()), line_id, form, problem)
        try:
            view = service.set_quantity(cart_id, line_id, form.quantity.data, offer)
        except QuantityRejected as error:
            return _line_error(service.view(cart_id, offer, _locale()), line_id, form, str(error))
    except CartNotFound:
        return _cart_gone()
    except LineNotFound:
        flash("That item had already been removed from your cart.")
        return _reload()
    if view is None:
        shopper.forget_cart()
        return _reload()
    if is_htmx_request():
        fragment = render_template("components/order_summary.html", **_context(view))
        return trigger_event(vary_on_htmx(Response(fragment)), CART_CHANGED)
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


def _show(cart_id: str, render: Callable[[CheckoutView], Response]) -> Response:
    """Read the checkout with a current offer, remember the offer, and render it."""
    try:
        view = _service().view(cart_id, shopper.offer_state(), _locale())
    except CartNotFound:
        return _cart_gone()
    shopper.save_offer_state(view.offer)
    return render(view)


def _context(view: CheckoutView, **extra) -> dict:
    """The variables every checkout template gets."""
    return {
        "summary": view.summary,
        "offer": view.offer,
        "editable": True,
        "line_errors": {},
        **extra,
    }


def _page(view: CheckoutView, status: int = 200, **extra) -> Response:
    body = render_template("checkout/page.html", **_context(view, **extra))
    return vary_on_htmx(Response(body, status=status))


def _offer_fragment(view: CheckoutView) -> Response:
    """The offer component, and the totals out of band since the fee follows the quote."""
    context = _context(view)
    body = render_template("components/checkout_plus_offer.html", **context)
    body += render_template("components/order_totals.html", oob=True, **context)
    return vary_on_htmx(Response(body))


def _line_error(view: CheckoutView, line_id: str, form: LineQuantityForm, problem: str):
    """Show the problem next to the line's quantity, keeping what the shopper typed."""
    shopper.save_offer_state(view.offer)
    errors = {line_id: (problem, form.typed_quantity)}
    if is_htmx_request():
        body = render_template(
            "components/order_summary.html", **_context(view, line_errors=errors)
        )
        return vary_on_htmx(Response(body, status=422))
    return _page(view, status=422, line_errors=errors)


def _reload() -> Response:
    """Show the checkout afresh: a redirect, or for htmx a full reload."""
    if is_htmx_request():
        return vary_on_htmx(refresh_page(Response(status=204)))
    return vary_on_htmx(redirect(url_for("checkout.page"), 303))


def _no_cart() -> Response:
    flash("Your checkout had expired, so nothing was changed.")
    return _reload()


def _cart_gone() -> Response:
    shopper.forget_cart()
    if is_htmx_request():
        flash("This cart is no longer available. It may have been checked out already.")
        return _reload()
    return error_page(
        404,
        "This cart is no longer available",
        "It may have been checked out already or emptied. Please return to the store.",
    )


def _handoff(values: list[str]):
    """Bind the storefront's cart to this session, then show the checkout (PRG)."""
    if len(values) != 1 or not shopper.is_cart_id(values[0]):
        return error_page(
            400,
            "This checkout link is not valid",
            "The link that brought you here does not carry a cart we recognise. "
            "Please go back to the store and choose Check out again.",
        )
    shopper.bind_cart(values[0])
    return redirect(url_for("checkout.page"), 303)
