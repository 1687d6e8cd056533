"""The shopper's checkout as BigCommerce keeps it, and the rule for a cart that is gone."""

from __future__ import annotations

from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import Checkout


class CartNotFound(Exception):
    """The cart no longer exists (checked out, emptied or expired)."""


def read_checkout(bigcommerce: BigCommerceClient, cart_id: str) -> Checkout:
    """Read a cart's checkout with everything the page shows, or raise CartNotFound."""
    try:
        return bigcommerce.get_checkout(cart_id)
    except BigCommerceNotFound as error:
        raise CartNotFound(cart_id) from error
