"""The BigCommerce management API client."""

from app.clients.bigcommerce.checkouts import Address
from app.clients.bigcommerce.checkouts import Cart
from app.clients.bigcommerce.checkouts import Checkout
from app.clients.bigcommerce.checkouts import Consignment
from app.clients.bigcommerce.checkouts import Coupon
from app.clients.bigcommerce.checkouts import Fee
from app.clients.bigcommerce.checkouts import FeeRequest
from app.clients.bigcommerce.checkouts import LineItem
from app.clients.bigcommerce.checkouts import ShippingOption
from app.clients.bigcommerce.client import BigCommerceClient
from app.clients.bigcommerce.errors import BigCommerceError
from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceNotFound
from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.errors import PaymentDeclined
from app.clients.bigcommerce.errors import PaymentRejected
from app.clients.bigcommerce.hooks import Webhook
from app.clients.bigcommerce.hooks import WebhookEvent
from app.clients.bigcommerce.metafield_batch import MetafieldsRejected
from app.clients.bigcommerce.models import Card
from app.clients.bigcommerce.models import Metafield
from app.clients.bigcommerce.models import Payment
from app.clients.bigcommerce.models import PaymentMethod
from app.clients.bigcommerce.models import PickupMethod
from app.clients.bigcommerce.models import Product
from app.clients.bigcommerce.orders import Order
from app.clients.bigcommerce.orders import OrderAddress
from app.clients.bigcommerce.orders import OrderFee
from app.clients.bigcommerce.orders import OrderLine
from app.clients.bigcommerce.orders import OrderPickup
from app.clients.bigcommerce.orders import OrderShipment
from app.clients.bigcommerce.orders import PickupLocation
from app.clients.bigcommerce.payments import BigCommercePayments

__all__ = [
    "Address",
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
    "Consignment",
    "Coupon",
    "Fee",
    "FeeRequest",
    "LineItem",
    "Metafield",
    "MetafieldsRejected",
    "Order",
    "OrderAddress",
    "OrderFee",
    "OrderLine",
    "OrderPickup",
    "OrderShipment",
    "Payment",
    "PaymentDeclined",
    "PaymentMethod",
    "PaymentRejected",
    "PickupLocation",
    "PickupMethod",
    "Product",
    "ShippingOption",
    "Webhook",
    "WebhookEvent",
]
