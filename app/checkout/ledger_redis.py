"""The order ledger in Redis, the twin of ``OrderLedger`` for several machines (``REDIS_URL``).

Keys:

    {prefix}:placement:{checkout}  hash: order_id, state_key, paid
    {prefix}:lease:{checkout}      string: the lease holder's token, expiring with the lease
"""

from __future__ import annotations

import redis

from app.checkout.ledger import LeaseWaiting
from app.checkout.ledger import Placement
from app.storage.redisdb import text

# Like SQLite's UPDATE: a placement that was never leased is not created by a late write.
_UPDATE_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""
# Compare-and-delete: a holder whose lease expired must not free the next holder's lease.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisOrderLedger(LeaseWaiting):
    """Leases and order ids per checkout in Redis, safe across threads, processes and machines."""

    def __init__(self, client: redis.Redis, prefix: str, lease_seconds: float = 120.0) -> None:
        self._client = client
        self._prefix = prefix
        # Longer than the slowest placement; Redis expires it, so a crashed holder frees it.
        self._lease_ms = max(1, round(lease_seconds * 1000))
        self._update = client.register_script(_UPDATE_IF_PRESENT)
        self._release = client.register_script(_RELEASE)

    def _let_go(self, checkout_id: str, owner: str) -> None:
        self._release(keys=[self._lease_key(checkout_id)], args=[owner])

    def get(self, checkout_id: str) -> Placement:
        """Return the checkout's placement (empty if it was never placed)."""
        key = self._placement_key(checkout_id)
        order_id, state_key, paid = self._client.hmget(key, ["order_id", "state_key", "paid"])
        return Placement(
            None if order_id is None else int(order_id), text(state_key), text(paid) == "1"
        )

    def record_order(self, checkout_id: str, order_id: int, state_key: str) -> None:
        """Remember the order made from the checkout in this state."""
        args = ["order_id", order_id, "state_key", state_key, "paid", 0]
        self._update(keys=[self._placement_key(checkout_id)], args=args)

    def mark_paid(self, checkout_id: str) -> None:
        """Remember that the checkout's order is paid: nothing may charge it again."""
        self._update(keys=[self._placement_key(checkout_id)], args=["paid", 1])

    def _acquire(self, checkout_id: str, owner: str) -> bool:
        # MULTI: the placement exists from the first attempt on (as SQLite's row does), and
        # SET NX PX takes the lease only if nobody holds it, with the expiry in the same step.
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hsetnx(self._placement_key(checkout_id), "paid", 0)
            pipe.set(self._lease_key(checkout_id), owner, nx=True, px=self._lease_ms)
            return bool(pipe.execute()[1])

    def _placement_key(self, checkout_id: str) -> str:
        return f"{self._prefix}:placement:{checkout_id}"

    def _lease_key(self, checkout_id: str) -> str:
        return f"{self._prefix}:lease:{checkout_id}"
