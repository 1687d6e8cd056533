"""Checkout pages: HTTP in, service call, template out."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app.checkout import shopper
from app.checkout.service import CartNotFound
from app.checkout.service import CheckoutService
from app.errors import error_page

bp = Blueprint("checkout", __name__)


def _service() -> CheckoutService:
    return current_app.extensions["checkout_service"]


@bp.get("/checkout")
def page():
    """Show the checkout; with ``?cart_id=`` first take over the storefront's cart."""
    if "cart_id" in request.args:
        return _handoff(request.args.getlist("cart_id"))
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        return render_template("checkout/no_cart.html")
    try:
        summary = _service().order_summary(cart_id)
    except CartNotFound:
        shopper.forget_cart()
        return error_page(
            404,
            "This cart is no longer available",
            "It may have been checked out already or emptied. Please return to the store.",
        )
    return render_template("checkout/page.html", summary=summary)


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
