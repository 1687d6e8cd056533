"""Handled webhook deliveries in Redis, the twin of ``WebhookDeliveries`` (``REDIS_URL``).

Keys:

    {prefix}:delivery:{hash}       string: a handled webhook delivery, expiring after 3 days
"""

from __future__ import annotations

import redis

from app.webhooks.deliveries import KEEP_SECONDS


class RedisWebhookDeliveries:
    """Delivery hashes in Redis, each expiring after three days."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def first_time(self, delivery_hash: str) -> bool:
        """Remember a delivery; say whether it is new (False for a replay)."""
        # SET NX EX: one machine wins a replay race, and Redis does the three-day pruning.
        key = f"{self._prefix}:delivery:{delivery_hash}"
        return bool(self._client.set(key, 1, nx=True, ex=KEEP_SECONDS))

    def forget(self, delivery_hash: str) -> None:
        """Forget a delivery that could not be handled, so BigCommerce's retry is not dropped."""
        self._client.delete(f"{self._prefix}:delivery:{delivery_hash}")
