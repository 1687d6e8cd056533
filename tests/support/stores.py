"""The durable stores on each backend, SQLite files or a Redis key prefix, shared by machines."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.checkout.ledger import OrderLedger
from app.checkout_plus.analyses import KEEP
from app.checkout_plus.analyses import AnalysisLog
from app.checkout_plus.decisions import DecisionLog
from app.checkout_plus.shelf import AnalysisShelf
from app.sync.jobs import SyncJobs
from app.webhooks.deliveries import WebhookDeliveries

BACKENDS = ["sqlite", "redis"]

SKIP_WITHOUT_REDIS = "set REDIS_URL (e.g. redis://127.0.0.1:6390/0) to test the Redis backend"


class ShiftedClock:
    """The ``time`` module, with wall time moved forward by ``offset`` seconds."""

    def __init__(self) -> None:
        """Start with no offset: the real wall time."""
        self.offset = 0.0

    def time(self) -> float:
        """The wall time, moved forward by the offset."""
        return time.time() + self.offset

    def __getattr__(self, name: str) -> Any:
        """Everything else is the ``time`` module's own."""
        return getattr(time, name)


class Backend:
    """One backend under test; each store call opens another handle, as another machine would."""

    def __init__(self, kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Prepare a backend of ``kind`` (sqlite or redis) that keeps its files in ``folder``."""
        self.kind = kind
        self._folder = folder
        self._monkeypatch = monkeypatch
        self._clock: ShiftedClock | None = None
        self._clients: list[Any] = []
        self.url = os.environ.get("REDIS_URL", "")
        self.prefix = f"test-stores-{uuid.uuid4().hex}"  # no other test shares a key

    def client(self) -> Any:
        """Return a new Redis connection (bytes replies: the stores must not rely on decoding)."""
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=5)
        self._clients.append(client)
        return client

    def jobs(self) -> Any:
        """Open the sync jobs store."""
        if self.kind == "sqlite":
            return SyncJobs(self._folder / "sync.sqlite3")
        from app.sync.jobs_redis import RedisSyncJobs

        return RedisSyncJobs(self.client(), self.prefix)

    def ledger(self, **options: Any) -> Any:
        """Open the order ledger."""
        if self.kind == "sqlite":
            return OrderLedger(self._folder / "orders.sqlite3", **options)
        from app.checkout.ledger_redis import RedisOrderLedger

        return RedisOrderLedger(self.client(), self.prefix, **options)

    def deliveries(self) -> Any:
        """Open the webhook replay guard."""
        if self.kind == "sqlite":
            return WebhookDeliveries(self._folder / "webhooks.sqlite3")
        from app.webhooks.deliveries_redis import RedisWebhookDeliveries

        return RedisWebhookDeliveries(self.client(), self.prefix)

    def decisions(self) -> Any:
        """Open the decision log."""
        if self.kind == "sqlite":
            return DecisionLog(self._folder / "decisions.sqlite3")
        from app.checkout_plus.decisions_redis import RedisDecisionLog

        return RedisDecisionLog(self.client(), self.prefix)

    def analyses(self, keep: int = KEEP) -> Any:
        """Open the analysis log, keeping the last ``keep`` analyses."""
        if self.kind == "sqlite":
            return AnalysisLog(self._folder / "analyses.sqlite3", keep)
        from app.checkout_plus.analyses_redis import RedisAnalysisLog

        return RedisAnalysisLog(self.client(), self.prefix, keep)

    def shelf(self) -> Any:
        """Open the analysis shelf; on SQLite its clock is the one ``pass_time`` moves."""
        if self.kind == "sqlite":
            return AnalysisShelf(self._folder / "shelf.sqlite3", clock=self.now)
        from app.checkout_plus.shelf_redis import RedisAnalysisShelf

        return RedisAnalysisShelf(self.client(), self.prefix)

    def now(self) -> float:
        """The wall time as the SQLite stores see it (moved on by ``pass_time``)."""
        return time.time() + (self._clock.offset if self._clock else 0.0)

    def pass_time(self, seconds: float) -> None:
        """Let time pass, as far as the stores' expiries can tell."""
        if self.kind == "sqlite":
            if self._clock is None:
                self._clock = ShiftedClock()
                for module in ("app.webhooks.deliveries", "app.checkout.ledger"):
                    self._monkeypatch.setattr(f"{module}.time", self._clock)
            self._clock.offset += seconds
            return
        # Redis expires keys on its own clock: shorten every key's time to live instead.
        client = self.client()
        for key in client.scan_iter(match=f"{self.prefix}:*"):
            left = client.pttl(key)
            if left > 0:
                if left <= seconds * 1000:
                    client.delete(key)
                else:
                    client.pexpire(key, left - round(seconds * 1000))

    def close(self) -> None:
        """Remove this test's Redis keys and close every connection."""
        if self._clients:
            client = self._clients[0]
            keys = list(client.scan_iter(match=f"{self.prefix}:*"))
            if keys:
                client.delete(*keys)
        for client in self._clients:
            client.close()


@contextmanager
def open_backend(kind: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """Open a backend for one test, and remove its Redis keys afterwards."""
    if kind == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip(SKIP_WITHOUT_REDIS)
    backend = Backend(kind, folder, monkeypatch)
    try:
        yield backend
    finally:
        backend.close()


def race(stores: list[Any], work: Callable[[Any, int], Any]) -> list[Any]:
    """Run ``work(store, n)`` for each store in threads released together; return the results.

    The stores are opened beforehand, one per machine: the race is between their operations.
    """
    start, results = threading.Barrier(len(stores)), [None] * len(stores)

    def run(n: int) -> None:
        """Wait for the others, then do this machine's work."""
        start.wait()
        results[n] = work(stores[n], n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
