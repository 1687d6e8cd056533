"""The one place that chooses where durable state lives: Redis with ``REDIS_URL``, else SQLite.

Every store keeps the same methods on either backend; each Redis twin sits beside its SQLite
store in the package that owns the records. The job queue (huey) follows the same choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from huey import Huey
from huey import RedisHuey
from huey import SqliteHuey

from app.checkout.ledger import OrderLedger
from app.checkout_plus.analyses import AnalysisLog
from app.checkout_plus.decisions import DecisionLog
from app.checkout_plus.shelf import AnalysisShelf
from app.sync.jobs import SyncJobs
from app.webhooks.deliveries import WebhookDeliveries

if TYPE_CHECKING:
    from app.checkout.ledger_redis import RedisOrderLedger
    from app.checkout_plus.analyses_redis import RedisAnalysisLog
    from app.checkout_plus.decisions_redis import RedisDecisionLog
    from app.checkout_plus.shelf_redis import RedisAnalysisShelf
    from app.sync.jobs_redis import RedisSyncJobs
    from app.webhooks.deliveries_redis import RedisWebhookDeliveries

# Names the Redis keys and the queue; machines that share work share it.
DEFAULT_PREFIX = "checkout-plus"


@dataclass(frozen=True)
class Stores:
    """The durable stores and the job queue, all on one backend (same methods on either)."""

    jobs: SyncJobs | RedisSyncJobs
    ledger: OrderLedger | RedisOrderLedger
    deliveries: WebhookDeliveries | RedisWebhookDeliveries
    decisions: DecisionLog | RedisDecisionLog
    analyses: AnalysisLog | RedisAnalysisLog
    huey: Huey
    # Analyses in flight and just finished, shared by the web processes.
    shelf: AnalysisShelf | RedisAnalysisShelf


def build_stores(redis_url: str | None, instance: Path, prefix: str = DEFAULT_PREFIX) -> Stores:
    """Return the stores on Redis when a URL is given (several machines), else SQLite files."""
    if redis_url:
        return _redis_stores(redis_url, prefix)
    return Stores(
        SyncJobs(instance / "sync.sqlite3"),
        OrderLedger(instance / "orders.sqlite3"),
        WebhookDeliveries(instance / "webhooks.sqlite3"),
        DecisionLog(instance / "decisions.sqlite3"),
        AnalysisLog(instance / "analyses.sqlite3"),
        SqliteHuey(prefix, filename=str(instance / "queue.sqlite3")),
        AnalysisShelf(instance / "shelf.sqlite3"),
    )


def _redis_stores(redis_url: str, prefix: str) -> Stores:
    # Imported here so a single-machine install never loads the redis package.
    from app.checkout.ledger_redis import RedisOrderLedger
    from app.checkout_plus.analyses_redis import RedisAnalysisLog
    from app.checkout_plus.decisions_redis import RedisDecisionLog
    from app.checkout_plus.shelf_redis import RedisAnalysisShelf
    from app.storage.redisdb import connect
    from app.sync.jobs_redis import RedisSyncJobs
    from app.webhooks.deliveries_redis import RedisWebhookDeliveries

    client = connect(redis_url)
    return Stores(
        RedisSyncJobs(client, prefix),
        RedisOrderLedger(client, prefix),
        RedisWebhookDeliveries(client, prefix),
        RedisDecisionLog(client, prefix),
        RedisAnalysisLog(client, prefix),
        RedisHuey(prefix, url=redis_url),
        RedisAnalysisShelf(client, prefix),
    )
