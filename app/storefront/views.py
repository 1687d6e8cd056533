"""The demo storefront: a catalog and a cart that hand off to the checkout."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_babel import gettext

from app import rate_limits
from app.checkout.cart import CartNotFound
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceRejected
from app.errors import error_page
from app.storefront.forms import AddToCartForm
from app.storefront.forms import CurrencyForm
from app.storefront.service import add_to_cart

bp = Blueprint("storefront", __name__)

# The storefront keeps its own cart, as a merchant's storefront would; the checkout takes it
# over only through the handoff link.
CART_KEY = "storefront_cart_id"
CURRENCY_KEY = "storefront_currency"


def _bigcommerce() -> BigCommerceClient:
    return current_app.extensions["bigcommerce"]


@bp.get("/")
def catalog():
    """List the store's products with an add-to-cart form each."""
    currency_form = CurrencyForm(currency=session.get(CURRENCY_KEY, "USD"))
    return render_template(
        "storefront/catalog.html",
        products=_bigcommerce().list_products(),
        add_form=AddToCartForm(),
        currency_form=currency_form,
    )


@bp.post("/cart/items")
@rate_limits.cart_change
def add_item():
    """Add a product to the cart and show the cart."""
    form = AddToCartForm()
    if not form.validate_on_submit():
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return error_page(400, gettext("That could not be added to your cart"), problems)
    try:
        cart = add_to_cart(
            _bigcommerce(),
            session.get(CART_KEY),
            int(form.product_id.data),
            form.quantity.data,
            session.get(CURRENCY_KEY, "USD"),
        )
    except (ValueError, BigCommerceRejected):
        return error_page(
            400, gettext("That product is not available"), gettext("Please choose another product.")
        )
    session[CART_KEY] = cart.id
    flash(gettext("Added to your cart."))
    return redirect(url_for("storefront.cart"), 303)


@bp.get("/cart")
def cart():
    """Show the cart with a link that hands it to the checkout."""
    cart_id = session.get(CART_KEY)
    summary = None
    if cart_id:
        try:
            summary = current_app.extensions["checkout_service"].order_summary(cart_id)
        except CartNotFound:
            session.pop(CART_KEY, None)
    return render_template("storefront/cart.html", summary=summary)


@bp.post("/cart/currency")
@rate_limits.cart_change
def choose_currency():
    """Price new carts in another currency; the current cart is left behind."""
    form = CurrencyForm()
    if not form.validate_on_submit():
        return error_page(
            400,
            gettext("That currency is not sold here"),
            gettext("Please choose one from the list."),
        )
    if form.currency.data != session.get(CURRENCY_KEY, "USD"):
        session[CURRENCY_KEY] = form.currency.data
        session.pop(CART_KEY, None)
        flash(gettext("Prices in your cart will be in %(currency)s.", currency=form.currency.data))
    return redirect(url_for("storefront.catalog"), 303)
