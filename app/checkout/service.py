"""Checkout use cases, independent of HTTP: the views call these."""

from __future__ import annotations

from app.checkout.summary import OrderSummary
from app.checkout.summary import summarize
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound


class CartNotFound(Exception):
    """The cart no longer exists (checked out, emptied or expired)."""


class CheckoutService:
    """Read and change a shopper's checkout through the upstream clients."""

    def __init__(self, bigcommerce: BigCommerceClient) -> None:
        self._bigcommerce = bigcommerce

    def order_summary(self, cart_id: str) -> OrderSummary:
        """Return the lines and totals of a cart's checkout."""
        try:
            checkout = self._bigcommerce.get_checkout(cart_id)
        except BigCommerceNotFound as error:
            raise CartNotFound(cart_id) from error
        return summarize(checkout)
