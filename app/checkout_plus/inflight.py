"""Analyses run in the background, so a page never waits on Loop longer than it chooses.

The page asks for an analysis and waits a short while (``CHECKOUT_PLUS_PAGE_WAIT_MS``); if
Loop has not answered by then the analysis goes on in a small thread pool and the page shows
the offer loading. The offer's follow-up request asks for the same cart state and waits on
that very analysis: within this process on its future, from another process through the shelf
(``shelf.py``), whose claim makes sure only one process asks Loop about one cart state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Protocol

from app.checkout_plus.offer import Analysis

log = logging.getLogger(__name__)

Outcome = tuple[Analysis, str | None]  # the analysis, and the Loop session it named
# How often a process that found another's claim looks at the shelf for its outcome.
POLL_SECONDS = 0.05
WORKERS = 8


class Shelf(Protocol):
    """Where claims and outcomes are shared (``AnalysisShelf`` or its Redis twin)."""

    def claim(self, key: str, seconds: float) -> bool: ...

    def put(self, key: str, analysis: Analysis, session_id: str | None) -> None: ...

    def get(self, key: str) -> Outcome | None: ...


class InFlight:
    """At most one analysis per cart state at a time, across threads and processes.

    The pool's threads start on first use, so building this before gunicorn forks is safe.
    """

    def __init__(self, shelf: Shelf | None, claim_seconds: float, workers: int = WORKERS) -> None:
        self._shelf = shelf
        self._claim_seconds = claim_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loop-analyze")
        self._futures: dict[str, Future[Outcome]] = {}
        self._lock = threading.Lock()

    def outcome(self, key: str, ask: Callable[[], Outcome], wait: float) -> Outcome | None:
        """Return the outcome for a cart state within ``wait`` seconds, or None if still out.

        ``ask`` asks Loop; it runs only if no thread here, and no other process, is already
        asking about this cart state, and no outcome for it is on the shelf.
        """
        deadline = time.monotonic() + wait
        with self._lock:
            future = self._futures.get(key)
            if future is None:
                kept = self._get(key)
                if kept is not None:
                    return kept
                if self._claim(key):
                    future = self._pool.submit(self._run, key, ask)
                    self._futures[key] = future
        if future is not None:
            try:
                return future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                return None
        # Another process is asking Loop: watch the shelf for its outcome.
        while True:
            kept = self._get(key)
            remaining = deadline - time.monotonic()
            if kept is not None or remaining <= 0:
                return kept
            time.sleep(min(POLL_SECONDS, remaining))

    def _run(self, key: str, ask: Callable[[], Outcome]) -> Outcome:
        try:
            outcome = ask()
            self._put(key, outcome)
            return outcome
        finally:
            with self._lock:
                self._futures.pop(key, None)

    def _claim(self, key: str) -> bool:
        if self._shelf is None:
            return True
        try:
            return self._shelf.claim(key, self._claim_seconds)
        except Exception as error:
            # A broken shelf must not hide the offer: ask Loop from here.
            log.warning("Analysis shelf unavailable (%s); asking Loop", type(error).__name__)
            return True

    def _get(self, key: str) -> Outcome | None:
        if self._shelf is None:
            return None
        try:
            return self._shelf.get(key)
        except Exception as error:
            log.warning("Analysis shelf unavailable (%s)", type(error).__name__)
            return None

    def _put(self, key: str, outcome: Outcome) -> None:
        if self._shelf is None:
            return
        try:
            self._shelf.put(key, *outcome)
        except Exception as error:
            log.warning("Analysis not shelved: %s", type(error).__name__)
