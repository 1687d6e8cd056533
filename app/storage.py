"""The app's small durable stores: SQLite under the instance folder, or Redis for many machines."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.checkout.ledger import OrderLedger
    from app.checkout_plus.analyses import AnalysisLog
    from app.checkout_plus.decisions import DecisionLog
    from app.storage_redis import RedisAnalysisLog
    from app.storage_redis import RedisDecisionLog
    from app.storage_redis import RedisOrderLedger
    from app.storage_redis import RedisSyncJobs
    from app.storage_redis import RedisWebhookDeliveries
    from app.sync.jobs import SyncJobs
    from app.webhooks.deliveries import WebhookDeliveries

# Bounds every Redis call, so a lost connection fails a request instead of hanging a worker.
REDIS_TIMEOUT_SECONDS = 5.0


def prepare_sqlite(path: Path, schema: str, added_columns: dict[str, str] | None = None) -> None:
    """Create the file and its tables if needed, in WAL mode so readers never wait on a writer.

    ``added_columns`` maps ``table.column`` to its definition, for columns added after a
    table first shipped: a file from an earlier version gains them instead of failing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        _use_wal(db)
        db.executescript(schema)
        for name, definition in (added_columns or {}).items():
            table, column = name.split(".")
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    finally:
        db.close()


@contextmanager
def connect_sqlite(path: Path, transaction: bool = False) -> Iterator[sqlite3.Connection]:
    """One short connection per operation (SQLite serialises writers across processes).

    With ``transaction``, everything inside runs in one ``BEGIN IMMEDIATE`` transaction,
    committed at the end or rolled back on an error.
    """
    db = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        if not transaction:
            yield db
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    finally:
        db.close()


def _use_wal(db: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch the file to WAL; retry while another process is creating the same new file."""
    # Turning WAL on needs the file to itself, and SQLite's busy timeout does not cover that
    # step: several workers starting on an empty instance folder can meet here.
    for attempt in range(attempts):
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05)


@dataclass(frozen=True)
class Stores:
    """The five durable stores, all on one backend (same methods on either)."""

    jobs: SyncJobs | RedisSyncJobs
    ledger: OrderLedger | RedisOrderLedger
    deliveries: WebhookDeliveries | RedisWebhookDeliveries
    decisions: DecisionLog | RedisDecisionLog
    analyses: AnalysisLog | RedisAnalysisLog


def build_stores(redis_url: str | None, instance: Path, prefix: str = "checkout-plus") -> Stores:
    """Return the stores on Redis when a URL is given (several machines), else SQLite files."""
    if redis_url:
        # Imported here so a single-machine install never needs the redis package loaded.
        import redis

        from app.storage_redis import RedisAnalysisLog
        from app.storage_redis import RedisDecisionLog
        from app.storage_redis import RedisOrderLedger
        from app.storage_redis import RedisSyncJobs
        from app.storage_redis import RedisWebhookDeliveries

        client = redis.Redis.from_url(
            redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            decode_responses=True,
        )
        return Stores(
            RedisSyncJobs(client, prefix),
            RedisOrderLedger(client, prefix),
            RedisWebhookDeliveries(client, prefix),
            RedisDecisionLog(client, prefix),
            RedisAnalysisLog(client, prefix),
        )
    from app.checkout.ledger import OrderLedger
    from app.checkout_plus.analyses import AnalysisLog
    from app.checkout_plus.decisions import DecisionLog
    from app.sync.jobs import SyncJobs
    from app.webhooks.deliveries import WebhookDeliveries

    return Stores(
        SyncJobs(instance / "sync.sqlite3"),
        OrderLedger(instance / "orders.sqlite3"),
        WebhookDeliveries(instance / "webhooks.sqlite3"),
        DecisionLog(instance / "decisions.sqlite3"),
        AnalysisLog(instance / "analyses.sqlite3"),
    )
