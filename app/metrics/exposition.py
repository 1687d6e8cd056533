"""The scrape: every metric in Prometheus' text format, for one process or all of gunicorn's."""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from app.metrics.processes import MULTIPROCESS_DIR
from app.metrics.recorders import SyncJobsCollector


def scrape(jobs: Any, accept: str | None) -> tuple[bytes, str]:
    """Return the metrics and their content type, in the format ``accept`` asks for.

    A registry is made for each scrape: it holds the app's sync job store (each app has its
    own) and either this process's metrics or, under gunicorn, every worker's files added up.
    """
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(SyncJobsCollector(jobs))
    encode, content_type = choose_encoder(accept or "")
    return encode(registry), content_type
