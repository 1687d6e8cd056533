"""The BigCommerce management API client."""

from app.clients.bigcommerce.client import BigCommerceClient
from app.clients.bigcommerce.errors import BigCommerceError
from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceNotFound
from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.errors import PaymentDeclined
from app.clients.bigcommerce.errors import PaymentRejected
from app.clients.bigcommerce.metafield_batch import MetafieldsRejected
from app.clients.bigcommerce.models import Card
from app.clients.bigcommerce.models import Cart
from app.clients.bigcommerce.models import Checkout
from app.clients.bigcommerce.models import FeeRequest
from app.clients.bigcommerce.models import Metafield
from app.clients.bigcommerce.models import Order
from app.clients.bigcommerce.models import OrderFee
from app.clients.bigcommerce.models import OrderLine
from app.clients.bigcommerce.models import Payment
from app.clients.bigcommerce.models import PaymentMethod
from app.clients.bigcommerce.models import Product
from app.clients.bigcommerce.payments import BigCommercePayments

__all__ = [
    "BigCommerceClient",
    "BigCommerceError",
    "BigCommerceInvalidResponse",
    "BigCommerceNotFound",
    "BigCommercePayments",
    "BigCommerceRejected",
    "BigCommerceUnavailable",
    "Card",
    "Cart",
    "Checkout",
    "FeeRequest",
    "Metafield",
    "MetafieldsRejected",
    "Order",
    "OrderFee",
    "OrderLine",
    "Payment",
    "PaymentDeclined",
    "PaymentMethod",
    "PaymentRejected",
    "Product",
]
