"""Placing the order and the confirmation page: HTTP in, placement service, page out."""

from __future__ import annotations

from flask import Response
from flask import current_app
from flask import redirect
from flask import render_template
from flask import url_for

from app import rate_limits
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.forms import PaymentForm
from app.checkout.ledger import PlacementBusy
from app.checkout.placement import OrderRefused
from app.checkout.placement import PaymentFailed
from app.checkout.placement import PlacementService
from app.checkout.placement import ProtectionUnavailable
from app.checkout.placement import QuoteChanged
from app.checkout.receipt import receipt
from app.checkout.responses import cart_gone
from app.checkout.responses import checkout_page
from app.checkout.responses import checkout_service
from app.checkout.responses import no_cart
from app.checkout.responses import shopper_language
from app.checkout.sections import form_named
from app.checkout.views import bp
from app.clients.bigcommerce import BigCommerceClient
from app.htmx import vary_on_htmx

# What the shopper is told when placing stops short of an order, next to the Pay button.
QUOTE_CHANGED = (
    "The price or cover of order protection changed. Please check the offer, tick it again if "
    "you want it, and place your order."
)
PROTECTION_GONE = "Order protection is no longer offered for this order. You can order without it."
NO_ROOM = (
    "Order protection can't be added to this order. You can place it without protection, "
    "or go back to the store."
)
BUSY = "Your order is still being placed. Please wait a moment and reload the page."


def _placement() -> PlacementService:
    return current_app.extensions["placement_service"]


@bp.post(form_named("place").path)
@rate_limits.place_order
def place():
    """Place and pay the order, then show the confirmation (PRG)."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        if shopper.last_order() is not None:  # a resubmitted form after success
            return redirect(url_for("checkout.confirmation"), 303)
        return no_cart()
    form = PaymentForm()
    if not form.validate():
        errors = {name: field.errors[0] for name, field in form._fields.items() if field.errors}
        return _again(cart_id, form, 422, payment_errors=errors)
    try:
        placed = _placement().place(cart_id, shopper.offer_state(), shopper_language(), form.card())
    except CartNotFound:
        return cart_gone()
    except QuoteChanged as change:
        shopper.save_offer_state(change.offer)
        notice = QUOTE_CHANGED if change.offer.quote else PROTECTION_GONE
        return _again(cart_id, form, 409, placement_notice=notice)
    except ProtectionUnavailable as refusal:
        shopper.save_offer_state(refusal.offer)
        return _again(cart_id, form, 409, placement_notice=NO_ROOM)
    except (PaymentFailed, OrderRefused) as problem:
        return _again(cart_id, form, 422, payment_problem=str(problem))
    except PlacementBusy:
        return _again(cart_id, form, 409, placement_notice=BUSY)
    shopper.remember_order(placed.order_id, placed.protection, form.card())
    shopper.forget_cart()
    return vary_on_htmx(redirect(url_for("checkout.confirmation"), 303))


@bp.get("/checkout/confirmation")
def confirmation():
    """Show the order this browser just placed: what was paid, where it goes, with what card."""
    last = shopper.last_order()
    if last is None:
        return redirect(url_for("checkout.page"), 303)
    bigcommerce: BigCommerceClient = current_app.extensions["bigcommerce"]
    order = bigcommerce.get_order(last.order_id)
    return render_template(
        "checkout/confirmation.html",
        order=order,
        receipt=receipt(order, current_app.config["SETTINGS"].fee_display_name),
        protection=last.protection,
        paid_with=last.paid_with,
    )


def _again(cart_id: str, form: PaymentForm, status: int, **extra) -> Response:
    """Show the checkout again with what went wrong, keeping what may be kept."""
    try:
        view = checkout_service().view(cart_id, shopper.offer_state(), shopper_language())
    except CartNotFound:
        return cart_gone()
    shopper.save_offer_state(view.offer)
    return checkout_page(view, status=status, payment_values=form.kept_values(), **extra)
