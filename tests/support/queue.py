"""Run a huey queue's jobs in the test's own thread, as the worker's threads would."""

from __future__ import annotations

import time


def drain(queue, until: float = 10.0) -> int:
    """Run queued and due scheduled jobs until none are left; return how many ran."""
    huey, ran, deadline = queue.huey, 0, time.monotonic() + until
    while time.monotonic() < deadline:
        for task in huey.read_schedule(huey._get_timestamp()):
            huey.enqueue(task)
        task = huey.dequeue()
        if task is None:
            if huey.scheduled_count() == 0:
                return ran
            time.sleep(0.05)  # a poll: a scheduled retry is not due yet
            continue
        huey.execute(task)
        ran += 1
    return ran
