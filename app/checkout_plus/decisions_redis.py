"""The decision log in Redis, the twin of ``DecisionLog`` for several machines (``REDIS_URL``).

Keys:

    {prefix}:decisions             hash: order id -> decision as JSON
    {prefix}:decisions:time        sorted set: order ids scored by decided_at
    {prefix}:decisions:accepted    string: how many decisions accepted the offer
    {prefix}:decisions:unshown     string: how many are of orders with no offer on show
    {prefix}:decisions:groups      hash: "<[cohort, mount, experience]>|shown|accepted|orders"
                                   -> count (decisions recorded before cohorts are not in it)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import redis

from app.checkout_plus.decisions import Decision
from app.checkout_plus.decisions import DecisionCounts
from app.checkout_plus.decisions import GroupCounts
from app.storage.redisdb import text

# The first decision for an order wins, and only then counts as accepted or not.
_RECORD_DECISION = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '1' then redis.call('INCR', KEYS[3]) end
if ARGV[5] == '0' then redis.call('INCR', KEYS[4]) end
redis.call('HINCRBY', KEYS[5], ARGV[6] .. '|orders', 1)
redis.call('HINCRBY', KEYS[5], ARGV[6] .. '|shown', tonumber(ARGV[5]))
redis.call('HINCRBY', KEYS[5], ARGV[6] .. '|accepted', tonumber(ARGV[4]))
return 1
"""
FIELDS = ("shown", "accepted", "orders")
PAGE = 500


class RedisDecisionLog:
    """Decisions in Redis: one JSON value per order, and an index by time."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._all = f"{prefix}:decisions"
        self._by_time = f"{prefix}:decisions:time"
        self._accepted = f"{prefix}:decisions:accepted"
        self._unshown = f"{prefix}:decisions:unshown"
        self._groups = f"{prefix}:decisions:groups"
        self._record = client.register_script(_RECORD_DECISION)

    def record(self, decision: Decision) -> bool:
        """Record an order's decision once (a retried placement keeps the first); tell if new."""
        order_id, data = str(decision.order_id), json.dumps(decision.as_dict())
        group = json.dumps([decision.cohort, decision.mount_target, decision.cart_experience])
        stored = self._record(
            keys=[self._all, self._by_time, self._accepted, self._unshown, self._groups],
            args=[
                order_id,
                data,
                decision.decided_at,
                int(decision.accepted),
                int(decision.shown),
                group,
            ],
        )
        return stored == 1

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

    def oldest_first(self) -> Iterator[Decision]:
        """Yield every decision, oldest first (the export), a page at a time."""
        start = 0
        while order_ids := self._client.zrange(self._by_time, start, start + PAGE - 1):
            for data in self._client.hmget(self._all, order_ids):
                if (decision := _decision(data)) is not None:
                    yield decision
            start += PAGE

    def counts(self) -> DecisionCounts:
        """Return how many orders had the offer on show, and how many accepted it."""
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hlen(self._all)
            pipe.get(self._accepted)
            pipe.get(self._unshown)
            orders, accepted, unshown = pipe.execute()
        orders = int(orders)
        return DecisionCounts(orders - int(unshown or 0), int(accepted or 0), orders)

    def by_group(self) -> list[GroupCounts]:
        """Return the counts per cohort and placement, the most orders first."""
        counts: dict[str, dict[str, int]] = {}
        for field, value in self._client.hgetall(self._groups).items():
            group, name = text(field).rsplit("|", 1)
            counts.setdefault(group, {})[name] = int(value)
        groups = [
            GroupCounts(*json.loads(group), DecisionCounts(*(found.get(f, 0) for f in FIELDS)))
            for group, found in counts.items()
        ]
        return sorted(groups, key=_group_order)


def _group_order(group: GroupCounts) -> tuple:
    """Sort as the SQLite log does: the most orders first, then by cohort and placement."""
    return (-group.counts.orders, group.cohort or "", group.mount_target, group.cart_experience)


def _decision(data: Any) -> Decision | None:
    return None if data is None else Decision.from_dict(json.loads(data))
