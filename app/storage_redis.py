"""Redis twins of the SQLite stores, for several machines sharing one Redis (``REDIS_URL``).

Same public methods and semantics as ``SyncJobs``, ``OrderLedger``, ``WebhookDeliveries``,
``DecisionLog`` and ``AnalysisLog``. A write that must read first runs as one Lua script or one
MULTI, so writers on different machines never interleave inside it. Scripts build some key
names themselves, so this needs one Redis server (or a primary with replicas), not Redis
Cluster. Keys:

    {prefix}:job:{id}              hash: one sync job's fields
    {prefix}:jobs:order            hash: order id -> job id (one job per order)
    {prefix}:jobs:state:{state}    sorted set: ids of the jobs in a state, scored by created_at
    {prefix}:placement:{checkout}  hash: order_id, state_key, paid
    {prefix}:lease:{checkout}      string: the lease holder's token, expiring with the lease
    {prefix}:delivery:{hash}       string: a handled webhook delivery, expiring after 3 days
    {prefix}:decisions             hash: order id -> decision as JSON
    {prefix}:decisions:time        sorted set: order ids scored by decided_at
    {prefix}:decisions:accepted    string: how many decisions accepted the offer
    {prefix}:analyses              list: the latest analyses as JSON, newest first
    {prefix}:analyses:reasons      hash: reason -> how many of those analyses give it
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import redis

from app.checkout.ledger import LeaseWaiting
from app.checkout.ledger import Placement
from app.checkout_plus.analyses import KEEP
from app.checkout_plus.analyses import LoggedAnalysis
from app.checkout_plus.decisions import Decision
from app.checkout_plus.decisions import DecisionCounts
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import STATES
from app.sync.jobs import SyncJob
from app.webhooks.deliveries import KEEP_SECONDS

# Shared by every job script, whose ARGV[1] is the key prefix of the per-state sets: a state
# change and its move between sets happen in the same script, so in_state never misses a job.
_JOB_LUA = """
local function move(job, state, now)
  local id = redis.call('HGET', job, 'id')
  redis.call('ZREM', ARGV[1] .. redis.call('HGET', job, 'state'), id)
  redis.call('ZADD', ARGV[1] .. state, redis.call('HGET', job, 'created_at'), id)
  redis.call('HSET', job, 'state', state, 'updated_at', now)
end
local function note_error(job, has_error, error)
  if has_error == '1' then redis.call('HSET', job, 'last_error', error)
  else redis.call('HDEL', job, 'last_error') end
end
"""
_ADD = """
local id = redis.call('HGET', KEYS[1], ARGV[2])
if id then return id end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], 'id', ARGV[3], 'order_id', ARGV[2], 'payload', ARGV[4],
  'state', ARGV[6], 'attempts', 0, 'revision', 0, 'created_at', ARGV[5], 'updated_at', ARGV[5])
redis.call('ZADD', ARGV[1] .. ARGV[6], ARGV[5], ARGV[3])
return ARGV[3]
"""
_ATTEMPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HSET', KEYS[1], 'updated_at', ARGV[4])
note_error(KEYS[1], ARGV[2], ARGV[3])
return attempts
"""
_FINISH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[6] ~= '' and redis.call('HGET', KEYS[1], 'revision') ~= ARGV[6] then return 0 end
move(KEYS[1], ARGV[2], ARGV[5])
note_error(KEYS[1], ARGV[3], ARGV[4])
return 1
"""
_RESYNC = """
local id = redis.call('HGET', KEYS[1], ARGV[2])
if not id then return false end
local job = ARGV[3] .. id
local was = redis.call('HGET', job, 'state')
if not was or was == ARGV[5] then return false end
redis.call('HINCRBY', job, 'revision', 1)
move(job, ARGV[6], ARGV[4])
return was
"""
_RETRY = """
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[4] then return 0 end
move(KEYS[1], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[1], 'attempts', 0)
return 1
"""
# One read for the whole list: a job changing state meanwhile is seen before or after, whole.
_IN_STATE = """
local rows = {}
for i, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, ARGV[2])) do
  rows[i] = redis.call('HGETALL', ARGV[1] .. id)
end
return rows
"""
# Like SQLite's UPDATE: a placement that was never leased is not created by a late write.
_UPDATE_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""
# The first decision for an order wins, and only then counts as accepted or not.
_RECORD_DECISION = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '1' then redis.call('INCR', KEYS[3]) end
return 1
"""
# Newest first; the oldest entries fall out of the window and out of their reason's count.
_RECORD_ANALYSIS = """
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
while redis.call('LLEN', KEYS[1]) > tonumber(ARGV[3]) do
  local reason = cjson.decode(redis.call('RPOP', KEYS[1]))['reason']
  if redis.call('HINCRBY', KEYS[2], reason, -1) <= 0 then redis.call('HDEL', KEYS[2], reason) end
end
return 1
"""
# Compare-and-delete: a holder whose lease expired must not free the next holder's lease.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisSyncJobs:
    """Sync jobs in Redis, shared by the web and worker processes of every machine."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._job = f"{prefix}:job:"
        self._orders = f"{prefix}:jobs:order"
        self._states = f"{prefix}:jobs:state:"
        script = client.register_script
        self._add = script(_ADD)
        self._attempt = script(_JOB_LUA + _ATTEMPT)
        self._finish = script(_JOB_LUA + _FINISH)
        self._resync = script(_JOB_LUA + _RESYNC)
        self._retry = script(_JOB_LUA + _RETRY)
        self._in_state = script(_IN_STATE)

    def add(self, order_id: int, payload: dict[str, Any]) -> SyncJob:
        """Record the job for an order (once: adding it again returns the first)."""
        new_id = uuid.uuid4().hex
        job_id = self._add(
            keys=[self._orders, self._job + new_id],
            args=[self._states, order_id, new_id, json.dumps(payload), time.time(), PENDING],
        )
        job = self.get(_text(job_id))
        assert job is not None
        return job

    def get(self, job_id: str) -> SyncJob | None:
        """Return a job by id."""
        return _job(self._client.hgetall(self._job + job_id))

    def for_order(self, order_id: int) -> SyncJob | None:
        """Return the job of an order."""
        job_id = self._client.hget(self._orders, str(order_id))
        return None if job_id is None else self.get(_text(job_id))

    def in_state(self, state: str, limit: int | None = None) -> list[SyncJob]:
        """Return the jobs in a state, oldest first: every one, or the oldest ``limit``."""
        if limit == 0:
            return []
        last = -1 if limit is None else limit - 1
        rows = self._in_state(keys=[self._states + state], args=[self._job, last])
        jobs = [_job(dict(zip(row[::2], row[1::2], strict=True))) for row in rows]
        return [job for job in jobs if job is not None]

    def count_by_state(self) -> dict[str, int]:
        """Return how many jobs are in each state (every state, zero included)."""
        with self._client.pipeline(transaction=True) as pipe:
            for state in STATES:
                pipe.zcard(self._states + state)
            return dict(zip(STATES, pipe.execute(), strict=True))

    def attempt(self, job_id: str, error: str | None = None) -> int:
        """Count one more attempt (with the error that ended it, if any); return the count."""
        args = [self._states, *_error(error), time.time()]
        attempts = self._attempt(keys=[self._job + job_id], args=args)
        if attempts is None:
            raise KeyError(job_id)
        return int(attempts)

    def finish(
        self, job_id: str, state: str, error: str | None = None, revision: int | None = None
    ) -> bool:
        """Move a job to done or failed; with ``revision``, only if no resync came meanwhile."""
        expected = "" if revision is None else str(int(revision))
        args = [self._states, state, *_error(error), time.time(), expected]
        return self._finish(keys=[self._job + job_id], args=args) == 1

    def resync(self, order_id: int) -> SyncJob | None:
        """Ask for the order to be sent again; return the job when it must be queued anew.

        A pending job is not queued again: the run in progress sees the new revision and
        queues itself. A failed job waits for ``retry``: it needs a person, not every update.
        """
        args = [self._states, str(order_id), self._job, time.time(), FAILED, PENDING]
        was = self._resync(keys=[self._orders], args=args)
        return self.for_order(order_id) if _text(was) == DONE else None

    def retry(self, job_id: str) -> bool:
        """Put a failed job back to pending, with its attempts counted afresh.

        Say whether it was failed: a job in any other state, or none, is left alone.
        """
        args = [self._states, time.time(), PENDING, FAILED]
        return self._retry(keys=[self._job + job_id], args=args) == 1


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
            None if order_id is None else int(order_id), _text(state_key), _text(paid) == "1"
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


class RedisAnalysisLog:
    """The latest analyses in Redis: a capped list, and a count per reason kept beside it."""

    def __init__(self, client: redis.Redis, prefix: str, keep: int = KEEP) -> None:
        self._client = client
        self._list = f"{prefix}:analyses"
        self._reasons = f"{prefix}:analyses:reasons"
        self.keep = keep
        self._record = client.register_script(_RECORD_ANALYSIS)

    def record(self, entry: LoggedAnalysis) -> None:
        """Add an entry, and drop those that fall out of the window."""
        data = json.dumps(entry.as_dict())
        self._record(keys=[self._list, self._reasons], args=[data, entry.reason, self.keep])

    def recent(
        self, limit: int = 50, cart_id: str | None = None, session_id: str | None = None
    ) -> list[LoggedAnalysis]:
        """Return the latest entries, newest first, of one cart or Loop session if given."""
        if limit <= 0:
            return []
        # The window is small (KEEP entries), so a filter reads it whole.
        filtered = cart_id is not None or session_id is not None
        rows = self._client.lrange(self._list, 0, -1 if filtered else limit - 1)
        entries = (LoggedAnalysis.from_dict(json.loads(row)) for row in rows)
        chosen = [
            entry
            for entry in entries
            if (cart_id is None or entry.cart_id == cart_id)
            and (session_id is None or entry.session_id == session_id)
        ]
        return chosen[:limit]

    def count_by_reason(self) -> dict[str, int]:
        """Return how many kept entries give each reason, the most frequent first."""
        stored = self._client.hgetall(self._reasons)
        counts = {_text(reason): int(count) for reason, count in stored.items()}
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _text(value: Any) -> Any:
    """Return a reply as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value


def _error(error: str | None) -> tuple[str, str]:
    """Return a job error as script arguments: a presence flag (None is not ''), then text."""
    return ("0", "") if error is None else ("1", error)


def _job(raw: dict) -> SyncJob | None:
    fields = {_text(name): _text(value) for name, value in raw.items()}
    if not fields:
        return None
    return SyncJob(
        fields["id"],
        int(fields["order_id"]),
        json.loads(fields["payload"]),
        fields["state"],
        int(fields["attempts"]),
        fields.get("last_error"),
        int(fields["revision"]),
        float(fields["updated_at"]),
    )


def _decision(data: Any) -> Decision | None:
    if data is None:
        return None
    fields = json.loads(data)
    return Decision(**{**fields, "mode": tuple(fields["mode"])})
