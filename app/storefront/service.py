"""The demo storefront's cart: what a merchant's own storefront does before the handoff."""

from __future__ import annotations

from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import Cart


def add_to_cart(
    client: BigCommerceClient, cart_id: str | None, product_id: int, quantity: int, currency: str
) -> Cart:
    """Add items to the shopper's cart, starting a new cart if there is none (or it is gone)."""
    if cart_id:
        try:
            return client.add_cart_items(cart_id, [(product_id, quantity)])
        except BigCommerceNotFound:
            pass  # checked out or expired: start afresh
    return client.create_cart([(product_id, quantity)], currency=currency)
