"""The direct path: push a BigCommerce order, with its Checkout+ block, to Loop's Orders API.

The order is read fresh from BigCommerce on every push, so each later push (an order webhook)
carries its current status and totals along with the same block. Errors are left to the
caller's queue: BigCommerce's and Loop's typed errors already say whether a retry may help.
"""

from __future__ import annotations

import logging

from app.checkout_plus.loop_order import loop_order
from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import BigCommerceClient
from app.clients.loop import LoopOrdersClient

log = logging.getLogger(__name__)


class OrderPusher:
    """Upsert a BigCommerce order to Loop, with the Checkout+ block when the offer was accepted."""

    def __init__(
        self, bigcommerce: BigCommerceClient, loop_orders: LoopOrdersClient, fee_name: str
    ) -> None:
        self._bigcommerce = bigcommerce
        self._loop_orders = loop_orders
        self._fee_name = fee_name

    def write(self, order_id: int, block: ProtectionBlock | None) -> None:
        """Send the order as it is now; ``block`` None sends it with no protection."""
        order = self._bigcommerce.get_order(order_id)
        receipt = self._loop_orders.upsert(loop_order(order, block, self._fee_name))
        log.info(
            "Order %s upserted to Loop as %s (%s)",
            order_id,
            receipt.id,
            "protected" if block is not None else "no protection",
        )
