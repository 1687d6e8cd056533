"""The stores the services write to, counted on the way; and the sync jobs, read at scrape time.

Wrapping the analysis and decision logs counts exactly what the services record, without a
line of metrics in them. The sync jobs are run by the worker, another process, so they are
read from the job store each time ``/metrics`` is scraped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from app.checkout_plus.analyses import LoggedAnalysis
from app.checkout_plus.decisions import Decision
from app.metrics.families import PREFIX
from app.metrics.families import count_analysis
from app.metrics.families import count_decision
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING

log = logging.getLogger(__name__)


class _Wrapped:
    """Whatever else the wrapped store offers passes straight through."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class CountedAnalyses(_Wrapped):
    """The analysis log, counting each analysis by outcome and reason as it is recorded."""

    def record(self, entry: LoggedAnalysis) -> None:
        """Count the analysis (even if the log then fails: it happened), then log it."""
        count_analysis(entry.reason)
        self._store.record(entry)


class CountedDecisions(_Wrapped):
    """The decision log, counting each order's decision once, when it is first stored."""

    def record(self, decision: Decision) -> bool:
        """Store the decision, then count it if the log took it as new.

        A placement whose record failed is finished later and records again; the log keeps the
        first decision, and so does the count: the store says which, in the same write.
        """
        new = self._store.record(decision)
        if new:
            count_decision(decision.shown, decision.accepted)
        return new


class SyncJobsCollector:
    """Sync jobs by state, and the attempts of those not done, read from the job store."""

    def __init__(self, jobs: Any) -> None:
        self._jobs = jobs

    def collect(self) -> Iterator[Metric]:
        """Yield the job gauges, and whether the store could be read (a scrape never fails)."""
        up = GaugeMetricFamily(
            PREFIX + "sync_store_up", "1 when the sync job store was read for this scrape, else 0."
        )
        try:
            counts = self._jobs.count_by_state()
            attempts = {
                state: sum(job.attempts for job in self._jobs.in_state(state))
                for state in (PENDING, FAILED)
            }
        except Exception as error:
            # The error's type only: a storage error's text may carry a connection URL.
            log.warning("Sync jobs not read for /metrics: %s", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        jobs = GaugeMetricFamily(
            PREFIX + "sync_jobs", "Sync jobs in the store, by state.", labels=["state"]
        )
        for state, count in sorted(counts.items()):
            jobs.add_metric([state], count)
        yield jobs
        tries = GaugeMetricFamily(
            PREFIX + "sync_job_attempts",
            "Attempts so far of the jobs still pending and of the failed ones, by state.",
            labels=["state"],
        )
        for state, total in attempts.items():
            tries.add_metric([state], total)
        yield tries
