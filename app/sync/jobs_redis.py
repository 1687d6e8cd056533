"""Sync jobs in Redis, the twin of ``SyncJobs`` for several machines (``REDIS_URL``).

Same methods and semantics as ``app.sync.jobs.SyncJobs``. A write that must read first runs as
one Lua script, so writers on different machines never interleave inside it. Keys:

    {prefix}:job:{id}              hash: one sync job's fields
    {prefix}:jobs:order            hash: order id -> job id (one job per order)
    {prefix}:jobs:state:{state}    sorted set: ids of the jobs in a state, scored by created_at
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import redis

from app.storage.redisdb import text
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import STATES
from app.sync.jobs import SyncJob

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
        job = self.get(text(job_id))
        assert job is not None
        return job

    def get(self, job_id: str) -> SyncJob | None:
        """Return a job by id."""
        return _job(self._client.hgetall(self._job + job_id))

    def for_order(self, order_id: int) -> SyncJob | None:
        """Return the job of an order."""
        job_id = self._client.hget(self._orders, str(order_id))
        return None if job_id is None else self.get(text(job_id))

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
        return self.for_order(order_id) if text(was) == DONE else None

    def retry(self, job_id: str) -> bool:
        """Put a failed job back to pending, with its attempts counted afresh.

        Say whether it was failed: a job in any other state, or none, is left alone.
        """
        args = [self._states, time.time(), PENDING, FAILED]
        return self._retry(keys=[self._job + job_id], args=args) == 1


def _error(error: str | None) -> tuple[str, str]:
    """Return a job error as script arguments: a presence flag (None is not ''), then text."""
    return ("0", "") if error is None else ("1", error)


def _job(raw: dict) -> SyncJob | None:
    fields = {text(name): text(value) for name, value in raw.items()}
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
