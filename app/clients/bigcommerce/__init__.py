"""The BigCommerce management API client."""

from app.clients.bigcommerce.client import BigCommerceClient
from app.clients.bigcommerce.errors import BigCommerceError
from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceNotFound
from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.models import Cart
from app.clients.bigcommerce.models import Checkout
from app.clients.bigcommerce.models import Product

__all__ = [
    "BigCommerceClient",
    "BigCommerceError",
    "BigCommerceInvalidResponse",
    "BigCommerceNotFound",
    "BigCommerceRejected",
    "BigCommerceUnavailable",
    "Cart",
    "Checkout",
    "Product",
]
