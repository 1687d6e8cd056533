"""The job queue: huey on SQLite under the instance folder, or on Redis when REDIS_URL is set.

The queue carries job ids only; the job table (``app.sync.jobs``) holds the work and its
state. Transient failures are retried with exponential back-off and jitter, never sooner than
BigCommerce's rate-limit reset asks; after ``MAX_ATTEMPTS`` a job is failed, visibly.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from pathlib import Path

from huey import Huey
from huey import RedisHuey
from huey import SqliteHuey

from app.checkout_plus.metafields import BlockNotWritten
from app.checkout_plus.metafields import BlockWriter
from app.checkout_plus.metafields import InvalidBlock
from app.checkout_plus.metafields import ProtectionBlock
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceUnavailable
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import SyncJob
from app.sync.jobs import SyncJobs

log = logging.getLogger(__name__)

QUEUE_NAME = "checkout-plus"
TASK_NAME = "sync_protection"
MAX_ATTEMPTS = 8
RATE_LIMITED = 429
FIRST_RETRY_SECONDS = 2.0
LONGEST_RETRY_SECONDS = 300.0


def build_huey(redis_url: str | None, instance_path: str) -> Huey:
    """Return the queue: Redis when configured (several machines), else SQLite on this one."""
    if redis_url:
        return RedisHuey(QUEUE_NAME, url=redis_url)
    return SqliteHuey(QUEUE_NAME, filename=str(Path(instance_path) / "queue.sqlite3"))


class SyncQueue:
    """Submit Checkout+ blocks for orders and run them, retrying until written or failed."""

    def __init__(
        self,
        huey: Huey,
        jobs: SyncJobs,
        writer: BlockWriter,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.huey = huey
        self.jobs = jobs
        self._writer = writer
        self._jitter = jitter
        self._task = huey.task(name=TASK_NAME)(self.run)

    def submit(self, order_id: int, block: ProtectionBlock) -> SyncJob:
        """Record the job first (durable), then queue it."""
        job = self.jobs.add(order_id, _payload(block))
        self._task(job.id)
        return job

    def requeue_pending(self) -> int:
        """Queue every pending job again (a worker was killed, or a message lost)."""
        pending = self.jobs.in_state(PENDING)
        for job in pending:
            self._task(job.id)
        return len(pending)

    def retry_failed(self) -> int:
        """Put failed jobs back in the queue, with fresh attempts."""
        failed = self.jobs.in_state(FAILED)
        for job in failed:
            self.jobs.retry(job.id)
            self._task(job.id)
        return len(failed)

    def run(self, job_id: str) -> None:
        """Write one order's block; reschedule on a transient failure, fail a permanent one."""
        job = self.jobs.get(job_id)
        if job is None or job.state != PENDING:
            return  # done already (a duplicate message after a restart), or failed
        try:
            block = ProtectionBlock.of(**job.payload)
            self._writer.write(job.order_id, block)
        except (InvalidBlock, BlockNotWritten) as error:
            self.jobs.attempt(job_id, str(error))
            self.jobs.finish(job_id, FAILED, str(error))
            log.error("Checkout+ block for order %s failed for good: %s", job.order_id, error)
            return
        except BigCommerceUnavailable as error:
            # Every answer carries the rate-limit reset; only after a 429 must we wait for it.
            self._later(job, error, error.retry_after if error.status == RATE_LIMITED else None)
            return
        except BigCommerceError as error:
            self._later(job, error, None)
            return
        self.jobs.attempt(job_id)
        self.jobs.finish(job_id, DONE)
        log.info("Checkout+ block for order %s written", job.order_id)

    def _later(self, job: SyncJob, error: Exception, retry_after: float | None) -> None:
        attempts = self.jobs.attempt(job.id, str(error))
        if attempts >= MAX_ATTEMPTS:
            self.jobs.finish(job.id, FAILED, str(error))
            log.error(
                "Checkout+ block for order %s failed %s times: %s", job.order_id, attempts, error
            )
            return
        backoff = min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), LONGEST_RETRY_SECONDS)
        # Full jitter spreads retries of many orders; a rate-limit reset is a floor, not a hint.
        delay = max(backoff * (0.5 + self._jitter() / 2), retry_after or 0)
        log.warning(
            "Checkout+ block for order %s: attempt %s failed (%s); retrying in %.1f s",
            job.order_id,
            attempts,
            error,
            delay,
        )
        self._task.schedule((job.id,), delay=delay)


def _payload(block: ProtectionBlock) -> dict:
    """The block as JSON data, read back with ``ProtectionBlock.of(**payload)``."""
    return {
        "session_id": block.session_id,
        "mode": list(block.mode),
        "amount": block.amount,
        "currency": block.currency,
        "fee_name": block.fee_name,
    }
