"""The job queue: huey carries job ids on the backend ``app.stores`` chose (SQLite or Redis).

The queue carries job ids (and the attempts each job had when its message was sent); the job
table (``app.sync.jobs``) holds the work and its state. Transient failures are retried with
exponential back-off and jitter, never sooner than an upstream's rate-limit reset asks; after
``MAX_ATTEMPTS`` a job is failed, visibly, and whatever part of its block was written is
removed. A job has one retry at a time, however often a restart queues it again.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from typing import Protocol

from huey import Huey
from huey.consumer import Consumer

from app.checkout_plus.protection import InvalidBlock
from app.checkout_plus.protection import ProtectionBlock
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import SyncJob
from app.sync.jobs import SyncJobs
from app.sync.targets import SyncRefused
from app.sync.targets import SyncRetry

log = logging.getLogger(__name__)

TASK_NAME = "sync_protection"
RESYNC_TASK_NAME = "resync_order"
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 2.0
LONGEST_RETRY_SECONDS = 300.0


class RetryRefused(Exception):
    """A job that cannot be retried: ``state`` is None for no such job, else its state."""

    def __init__(self, job_id: str, state: str | None) -> None:
        problem = "does not exist" if state is None else f"is {state}, not failed"
        super().__init__(f"sync job {job_id} {problem}")
        self.job_id = job_id
        self.state = state


class SyncTarget(Protocol):
    """Where jobs report orders (``app.sync.targets``)."""

    reports_declined: bool

    def write(self, order_id: int, block: ProtectionBlock | None) -> None: ...

    def give_up(self, order_id: int) -> None: ...

    def block_on_order(self, order_id: int) -> ProtectionBlock | None: ...


class SyncQueue:
    """Submit orders' Checkout+ decisions and run them, retrying until reported or failed."""

    def __init__(
        self,
        huey: Huey,
        jobs: SyncJobs,
        target: SyncTarget,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.huey = huey
        self.jobs = jobs
        self._target = target
        self._jitter = jitter
        # The first back-off; each retry doubles it. Tests shorten it to keep their clock short.
        self.first_retry_seconds = FIRST_RETRY_SECONDS
        self._task = huey.task(name=TASK_NAME)(self.run)
        self._resync_task = huey.task(name=RESYNC_TASK_NAME)(self.resync)

    def submit(self, order_id: int, block: ProtectionBlock | None) -> SyncJob | None:
        """Record the job first (durable), then queue it; None when there is nothing to report."""
        if block is None and not self._target.reports_declined:
            return None
        job = self.jobs.add(order_id, {"block": _block_data(block)})
        self._send(job.id, job.attempts)
        return job

    def request_resync(self, order_id: int) -> None:
        """Record that an order changed and queue its report (a webhook must answer at once).

        An order placed here has a job: marking it pending again is a local write, so the
        change survives a worker killed before the report runs (a restart queues pending
        jobs). An order with no job here needs the worker to read it first.
        """
        if self.jobs.for_order(order_id) is None:
            self._resync_task(order_id)
            return
        self.resync(order_id)

    def resync(self, order_id: int) -> bool:
        """Report an order again (it changed); say whether anything will be sent."""
        job = self.jobs.for_order(order_id)
        if job is None:
            # Not placed here, or its record is gone: report it only if it carries a block.
            try:
                block = self._target.block_on_order(order_id)
            except (SyncRetry, SyncRefused) as error:
                log.warning("Order %s could not be read for a resync: %s", order_id, error)
                return False
            if block is None:
                return False
            self.submit(order_id, block)
            return True
        again = self.jobs.resync(order_id)
        if again is not None:
            self._send(again.id, again.attempts)
        return job.state != FAILED

    def requeue_pending(self) -> int:
        """Queue every pending job again (a worker was killed, or a message lost).

        A job whose retry is still scheduled runs now; the scheduled message then finds
        the job tried since it was sent, and leaves it to the retry of this run.
        """
        pending = self.jobs.in_state(PENDING)
        for job in pending:
            self._send(job.id, job.attempts)
        return len(pending)

    def retry_failed(self) -> int:
        """Put failed jobs back in the queue, with fresh attempts; return how many."""
        retried = 0
        for job in self.jobs.in_state(FAILED):
            # Another retry (a person on the admin page) may have taken it meanwhile.
            if self.jobs.retry(job.id):
                self._send(job.id, 0)
                retried += 1
        return retried

    def retry(self, job_id: str) -> SyncJob:
        """Put one failed job back in the queue, with fresh attempts; return it, pending.

        Raises RetryRefused when there is no such job or it is not failed: a pending job is
        already on its way, and a done one has nothing left to send.
        """
        if not self.jobs.retry(job_id):
            job = self.jobs.get(job_id)
            raise RetryRefused(job_id, job.state if job else None)
        job = self.jobs.get(job_id)
        assert job is not None
        self._send(job_id, 0)
        return job

    def run(self, job_id: str, attempts: int | None = None) -> None:
        """Report one order; reschedule on a transient failure, fail a permanent one.

        ``attempts`` is how many the job had when this message was sent (None: a message
        from before messages carried it); if another run has tried since, this message is a
        duplicate (a restart queued the job again) and the other run's retry carries on.
        """
        job = self.jobs.get(job_id)
        if job is None or job.state != PENDING:
            return  # done already (a duplicate message after a restart), or failed
        if attempts is not None and job.attempts != attempts:
            return  # one retry chain per job: a second would count each failure twice
        try:
            # A job never tried before writes to an order nothing else has written to yet.
            first_write = job.attempts == 0 and job.revision == 0
            self._target.write(job.order_id, _block(job.payload), first_write)
        except (InvalidBlock, SyncRefused) as error:
            self._fail(job, str(error))
            return
        except SyncRetry as error:
            self._later(job, error)
            return
        tried = self.jobs.attempt(job_id)
        if not self.jobs.finish(job_id, DONE, revision=job.revision):
            # The order changed while it was being sent (a webhook): send it once more.
            self._send(job_id, tried)
            return
        log.info("Checkout+ sync for order %s done", job.order_id)

    def _fail(self, job: SyncJob, error: str) -> None:
        self.jobs.attempt(job.id, error)
        self._target.give_up(job.order_id)
        self.jobs.finish(job.id, FAILED, error)
        log.error("Checkout+ sync for order %s failed for good: %s", job.order_id, error)

    def _later(self, job: SyncJob, error: SyncRetry) -> None:
        attempts = self.jobs.attempt(job.id, str(error))
        if attempts >= MAX_ATTEMPTS:
            self._target.give_up(job.order_id)
            self.jobs.finish(job.id, FAILED, str(error))
            log.error(
                "Checkout+ sync for order %s failed %s times: %s", job.order_id, attempts, error
            )
            return
        # A rate-limit reset is a floor, not a hint.
        backoff = backoff_seconds(self.first_retry_seconds, attempts, self._jitter())
        delay = max(backoff, error.retry_after or 0)
        log.warning(
            "Checkout+ sync for order %s: attempt %s failed (%s); retrying in %.1f s",
            job.order_id,
            attempts,
            error,
            delay,
        )
        self._task.schedule((job.id, attempts), delay=delay)

    def _send(self, job_id: str, attempts: int) -> None:
        """Queue a run of the job, stamped with the attempts it has had so far."""
        self._task(job_id, attempts)


def backoff_seconds(
    first: float, attempts: int, jitter: float, longest: float = LONGEST_RETRY_SECONDS
) -> float:
    """Return the wait after ``attempts`` failures: doubling from ``first``, capped, jittered."""
    backoff = min(first * 2 ** (attempts - 1), longest)
    # Jitter (``jitter`` in [0, 1)) spreads the retries of many jobs that failed together.
    return backoff * (0.5 + jitter / 2)


def _block_data(block: ProtectionBlock | None) -> dict[str, Any] | None:
    """The block as JSON data, read back by ``_block``."""
    if block is None:
        return None
    return {**asdict(block), "mode": list(block.mode)}


def _block(payload: dict[str, Any]) -> ProtectionBlock | None:
    """The job's block (None for a declined offer); raises InvalidBlock if it was tampered with."""
    data = payload.get("block")
    return None if data is None else ProtectionBlock.of(**data)


class QuietConsumer(Consumer):
    """A huey consumer that leaves signal handling to its host (the web server's process)."""

    def _set_signal_handlers(self) -> None:
        return None


def start_in_process(queue: SyncQueue, workers: int = 2) -> Consumer:
    """Start worker threads beside the web server (sandbox mode); stop them with ``.stop()``."""
    queue.requeue_pending()
    consumer = QuietConsumer(queue.huey, workers=workers, periodic=False, scheduler_interval=1)
    consumer.start()
    return consumer
