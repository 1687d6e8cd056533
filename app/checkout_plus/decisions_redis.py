"""The decision log in Redis, the twin of ``DecisionLog`` for several machines (``REDIS_URL``).

Keys:

    {prefix}:decisions             hash: order id -> decision as JSON
    {prefix}:decisions:time        sorted set: order ids scored by decided_at
    {prefix}:decisions:accepted    string: how many decisions accepted the offer
"""

from __future__ import annotations

import json
from typing import Any

import redis

from app.checkout_plus.decisions import Decision
from app.checkout_plus.decisions import DecisionCounts

# The first decision for an order wins, and only then counts as accepted or not.
_RECORD_DECISION = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '1' then redis.call('INCR', KEYS[3]) end
return 1
"""


class RedisDecisionLog:
    """Decisions in Redis: one JSON value per order, and an index by time."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._all = f"{prefix}:decisions"
        self._by_time = f"{prefix}:decisions:time"
        self._accepted = f"{prefix}:decisions:accepted"
        self._record = client.register_script(_RECORD_DECISION)

    def record(self, decision: Decision) -> None:
        """Record an order's decision once (a retried placement keeps the first)."""
        order_id, data = str(decision.order_id), json.dumps(decision.as_dict())
        self._record(
            keys=[self._all, self._by_time, self._accepted],
            args=[order_id, data, decision.decided_at, int(decision.accepted)],
        )

    def for_order(self, order_id: int) -> Decision | None:
        """Return an order's decision, if it was shown an offer."""
        return _decision(self._client.hget(self._all, str(order_id)))

    def recent(self, limit: int = 50) -> list[Decision]:
        """Return the latest decisions, newest first."""
        if limit == 0:
            return []
        # A negative limit means no limit, as in SQLite. Decisions never change, so two reads
        # cannot disagree.
        order_ids = self._client.zrange(self._by_time, 0, limit - 1 if limit > 0 else -1, desc=True)
        if not order_ids:
            return []
        decisions = (_decision(data) for data in self._client.hmget(self._all, order_ids))
        return [decision for decision in decisions if decision is not None]

    def counts(self) -> DecisionCounts:
        """Return how many decisions there are, and how many accepted the offer."""
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hlen(self._all)
            pipe.get(self._accepted)
            shown, accepted = pipe.execute()
        return DecisionCounts(int(shown), int(accepted or 0))


def _decision(data: Any) -> Decision | None:
    if data is None:
        return None
    fields = json.loads(data)
    return Decision(**{**fields, "mode": tuple(fields["mode"])})
