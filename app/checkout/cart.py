"""The shopper's checkout as BigCommerce keeps it, and the rule for a cart that is gone."""

from __future__ import annotations

import re

from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import Checkout

# BigCommerce cart (and checkout) ids are UUIDs.
CART_ID_PATTERN = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I
)


def is_cart_id(value: str) -> bool:
    """Tell whether a value has the shape of a BigCommerce cart id."""
    return bool(CART_ID_PATTERN.match(value))


class CartNotFound(Exception):
    """The cart no longer exists (checked out, emptied or expired)."""


def read_checkout(bigcommerce: BigCommerceClient, cart_id: str) -> Checkout:
    """Read a cart's checkout with everything the page shows, or raise CartNotFound."""
    try:
        return bigcommerce.get_checkout(cart_id)
    except BigCommerceNotFound as error:
        raise CartNotFound(cart_id) from error
