"""The sync worker as the soak runs it: ``python -m app.worker`` in a process group of its own,
killed with SIGKILL and started again, then brought to rest with nothing pending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from tests.bench.servers import PROJECT_ROOT
from tests.bench.servers import _die_with_parent
from tests.support.waiting import WaitTimeout
from tests.support.waiting import wait_until

READY = "pending job(s) queued"  # what the worker prints once it has re-queued its jobs
START_SECONDS = 30.0
QUIET_SECONDS = 1.0  # how long the queue must stay idle to count as at rest
TRACEBACK = "Traceback (most recent call last)"


class SyncWorker:
    """One ``python -m app.worker`` at a time, on the app's instance folder."""

    def __init__(self, env: dict[str, str], log: Path, threads: int = 2) -> None:
        self._env = env
        self._log = log  # every run's output, appended, for a failure's message
        self._threads = threads
        self._process: subprocess.Popen | None = None
        self.kills = 0
        self.starts = 0

    def start(self) -> None:
        """Start the worker and wait until it has queued every pending job again."""
        mark = self._log.stat().st_size if self._log.exists() else 0
        with self._log.open("ab") as output:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "app.worker", "--workers", str(self._threads)],
                env=self._env,
                cwd=PROJECT_ROOT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        process = self._process
        try:
            wait_until(
                lambda: READY.encode() in self._read_from(mark),
                timeout=START_SECONDS,
                message="the sync worker's start",
                give_up=lambda: process.poll() is not None,
            )
        except WaitTimeout:
            raise RuntimeError(f"the sync worker did not start:\n{self.output()[-3000:]}") from None

    def kill(self) -> None:
        """Kill the worker as a crash would: SIGKILL, no clean-up of any kind."""
        process = self._process
        if process is None or process.poll() is not None:
            raise RuntimeError(f"the sync worker had stopped:\n{self.output()[-3000:]}")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        """Stop the worker cleanly (SIGTERM), or kill it if it does not stop in time."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def output(self) -> str:
        """Return everything the worker printed so far."""
        return self._read_from(0).decode("utf-8", "replace")

    def tracebacks(self) -> list[str]:
        """Return each traceback the worker printed (a task that raised instead of retrying)."""
        chunks = self.output().split(TRACEBACK)[1:]
        return [TRACEBACK + chunk[:2000] for chunk in chunks]

    def _read_from(self, offset: int) -> bytes:
        with self._log.open("rb") as output:
            output.seek(offset)
            return output.read()


def bring_to_rest(worker: SyncWorker, idle: Callable[[], bool], seconds: float) -> float:
    """Restart the worker (it queues every pending job at once), then wait for ``idle()``.

    ``idle()`` must hold for a while on end: a task just taken off the queue may still be
    about to queue more. Returns how long it took; raises if still busy after ``seconds``.
    """
    started = time.monotonic()
    worker.stop()
    worker.start()
    quiet_since = None
    while quiet_since is None or time.monotonic() - quiet_since < QUIET_SECONDS:
        if time.monotonic() > started + seconds:
            raise RuntimeError(f"the sync worker was still busy after {seconds:g} s")
        if not idle():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        # A poll, not a synchronisation: idle() has to hold for QUIET_SECONDS on end, and no
        # signal says that no task is about to queue another.
        time.sleep(0.1)
    worker.stop()
    return time.monotonic() - started
