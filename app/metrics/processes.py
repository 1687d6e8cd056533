"""Several gunicorn workers, one set of metrics: prometheus_client's multiprocess mode.

prometheus_client chooses where each worker keeps its values when it is first imported: in
memory, or in files under ``PROMETHEUS_MULTIPROC_DIR`` that a scrape on any worker adds up.
So this module imports nothing of it at load: ``python -m app`` calls ``use_multiprocess_dir``
before anything imports the metrics. Run gunicorn yourself with ``-c python:app.metrics.processes``
for ``child_exit``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# The private folders made here, by the process that made each: only that one removes it.
_MADE_BY: dict[Path, int] = {}


def use_multiprocess_dir(environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Set up the folder the workers share, emptied of an earlier run's files.

    It is ``PROMETHEUS_MULTIPROC_DIR`` when set, else a private folder made now and set in
    ``environ``; return that private folder (for ``remove_private_dir`` at exit), else None.
    """
    given = environ.get(MULTIPROCESS_DIR)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        # A dead run's files would still be added to this run's sums.
        for stale in folder.glob("*.db"):
            stale.unlink()
        return None
    folder = Path(tempfile.mkdtemp(prefix="checkout-plus-metrics-"))
    environ[MULTIPROCESS_DIR] = str(folder)
    _MADE_BY[folder] = os.getpid()
    return folder


def remove_private_dir(folder: Path | None) -> None:
    """Remove the private folder ``use_multiprocess_dir`` made, in the process that made it."""
    # gunicorn's workers are forks that leave through the same frames as the master: a worker
    # that exits must not take the folder from the workers still counting in it.
    if folder is not None and _MADE_BY.get(folder) == os.getpid():
        shutil.rmtree(folder, ignore_errors=True)


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's hook when a worker exits: its live gauges leave the sums."""
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
