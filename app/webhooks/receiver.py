"""Receive BigCommerce's order webhooks: authenticate, drop replays, queue a resync.

The handler does no upstream work: it answers within milliseconds, as BigCommerce asks,
and the sync worker reads the order later. A delivery that cannot be queued is forgotten
again, so BigCommerce's retry of it is not dropped as a replay.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from app.clients.bigcommerce import WebhookEvent
from app.sync.queue import SyncQueue
from app.webhooks.deliveries import WebhookDeliveries


class BadDelivery(ValueError):
    """The body is not a BigCommerce webhook payload; the message says what is wrong."""


class WebhookReceiver:
    """Check and route one delivery of an order webhook."""

    def __init__(
        self, secret: str, store_hash: str, deliveries: WebhookDeliveries, queue: SyncQueue
    ) -> None:
        self._secret = secret.encode()
        self._producer = f"stores/{store_hash}"
        self._deliveries = deliveries
        self._queue = queue

    def authentic(self, sent: str | None) -> bool:
        """Tell whether the delivery carries our secret (compared in constant time)."""
        return hmac.compare_digest((sent or "").encode(), self._secret)

    def receive(self, payload: Any, body: bytes) -> str:
        """Queue a resync of the order; return ``queued``, ``duplicate`` or ``ignored``."""
        event = WebhookEvent.parse(payload)
        if event is None:
            raise BadDelivery("The body must be a BigCommerce webhook: a JSON object with scope.")
        if event.producer not in (None, self._producer):
            return "ignored"  # another store's event: nothing of ours to report
        order_id = event.order_id
        if order_id is None:
            return "ignored"
        # A delivery without BigCommerce's hash is told apart by its own body.
        delivery = event.hash or hashlib.sha256(body).hexdigest()
        if not self._deliveries.first_time(delivery):
            return "duplicate"
        try:
            self._queue.request_resync(order_id)
        except BaseException:
            self._deliveries.forget(delivery)
            raise
        return "queued"
