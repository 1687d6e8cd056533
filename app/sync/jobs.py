"""The durable record of sync jobs: what must reach Loop for an order, and how far it got.

The queue only carries job ids. This table is the truth: a job stays ``pending`` until its
block is written, so a worker killed mid-job, a lost queue message or a redeploy never loses
one (the worker re-queues every pending job when it starts). A job that keeps failing ends
``failed`` with its last error, visible to the merchant and retried by a command.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.storage.sqlite import connect_sqlite
from app.storage.sqlite import prepare_sqlite

PENDING, DONE, FAILED = "pending", "done", "failed"
STATES = (PENDING, DONE, FAILED)
SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_jobs (
    id TEXT PRIMARY KEY,
    order_id INTEGER NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    revision INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class SyncJob:
    """One order's Checkout+ block on its way to Loop."""

    id: str
    order_id: int
    payload: dict[str, Any]
    state: str
    attempts: int
    last_error: str | None
    revision: int = 0  # counts requests to send the order again (order webhooks)
    updated_at: float = 0.0  # Unix time of the last change of state or attempt


class SyncJobs:
    """Sync jobs in SQLite under the instance folder, shared by the web and worker processes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        prepare_sqlite(path, SCHEMA, {"sync_jobs.revision": "INTEGER NOT NULL DEFAULT 0"})

    def add(self, order_id: int, payload: dict[str, Any]) -> SyncJob:
        """Record the job for an order (once: adding it again returns the first)."""
        now = time.time()
        with connect_sqlite(self._path) as db:
            db.execute(
                "INSERT OR IGNORE INTO sync_jobs "
                "(id, order_id, payload, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, order_id, json.dumps(payload), PENDING, now, now),
            )
        job = self.for_order(order_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> SyncJob | None:
        """Return a job by id."""
        return self._one(SELECT + " WHERE id = ?", job_id)

    def for_order(self, order_id: int) -> SyncJob | None:
        """Return the job of an order."""
        return self._one(SELECT + " WHERE order_id = ?", order_id)

    def in_state(self, state: str, limit: int | None = None) -> list[SyncJob]:
        """Return the jobs in a state, oldest first: every one, or the oldest ``limit``."""
        query = SELECT + " WHERE state = ? ORDER BY created_at LIMIT ?"
        with connect_sqlite(self._path) as db:
            rows = db.execute(query, (state, -1 if limit is None else limit)).fetchall()
        return [_job(row) for row in rows]

    def count_by_state(self) -> dict[str, int]:
        """Return how many jobs are in each state (every state, zero included)."""
        with connect_sqlite(self._path) as db:
            rows = db.execute("SELECT state, COUNT(*) FROM sync_jobs GROUP BY state").fetchall()
        return dict.fromkeys(STATES, 0) | dict(rows)

    def attempt(self, job_id: str, error: str | None = None) -> int:
        """Count one more attempt (with the error that ended it, if any); return the count."""
        with connect_sqlite(self._path) as db:
            db.execute(
                "UPDATE sync_jobs SET attempts = attempts + 1, last_error = ?, updated_at = ? "
                "WHERE id = ?",
                (error, time.time(), job_id),
            )
            return db.execute("SELECT attempts FROM sync_jobs WHERE id = ?", (job_id,)).fetchone()[
                0
            ]

    def finish(
        self, job_id: str, state: str, error: str | None = None, revision: int | None = None
    ) -> bool:
        """Move a job to done or failed; with ``revision``, only if no resync came meanwhile."""
        query = "UPDATE sync_jobs SET state = ?, last_error = ?, updated_at = ? WHERE id = ?"
        values: tuple = (state, error, time.time(), job_id)
        if revision is not None:
            query, values = query + " AND revision = ?", (*values, revision)
        with connect_sqlite(self._path) as db:
            return db.execute(query, values).rowcount == 1

    def resync(self, order_id: int) -> SyncJob | None:
        """Ask for the order to be sent again; return the job when it must be queued anew.

        A pending job is not queued again: the run in progress sees the new revision and
        queues itself. A failed job waits for ``retry``: it needs a person, not every update.
        """
        with connect_sqlite(self._path, transaction=True) as db:
            row = db.execute(
                "SELECT state FROM sync_jobs WHERE order_id = ?", (order_id,)
            ).fetchone()
            if row is None or row[0] == FAILED:
                return None
            db.execute(
                "UPDATE sync_jobs SET revision = revision + 1, state = ?, updated_at = ? "
                "WHERE order_id = ?",
                (PENDING, time.time(), order_id),
            )
        return self.for_order(order_id) if row[0] == DONE else None

    def retry(self, job_id: str) -> bool:
        """Put a failed job back to pending, with its attempts counted afresh.

        Say whether it was failed: a job in any other state, or none, is left alone.
        """
        query = (
            "UPDATE sync_jobs SET state = ?, attempts = 0, updated_at = ? "
            "WHERE id = ? AND state = ?"
        )
        with connect_sqlite(self._path) as db:
            return db.execute(query, (PENDING, time.time(), job_id, FAILED)).rowcount == 1

    def _one(self, query: str, value: Any) -> SyncJob | None:
        with connect_sqlite(self._path) as db:
            row = db.execute(query, (value,)).fetchone()
        return _job(row) if row else None


# A fixed query; only values are ever bound into it.
SELECT = (
    "SELECT id, order_id, payload, state, attempts, last_error, revision, updated_at FROM sync_jobs"
)


def _job(row: tuple) -> SyncJob:
    return SyncJob(row[0], row[1], json.loads(row[2]), row[3], row[4], row[5], row[6], row[7])
