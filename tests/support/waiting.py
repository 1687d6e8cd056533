"""Waiting for a condition with a deadline: what a test does instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.02


class WaitTimeout(AssertionError):
    """The condition did not hold in time, or the wait was given up."""


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float = 10.0,
    message: str | Callable[[], str] = "the condition",
    give_up: Callable[[], bool] | None = None,
    pause: Callable[[float], object] = time.sleep,
) -> T:
    """Call ``condition`` until it returns something truthy, and return that.

    ``timeout`` is a deadline for failing instead of hanging, never a figure under test: it is
    generous, and a loaded machine only makes the wait longer. ``give_up`` ends the wait at
    once (a process that died). ``message`` says what was awaited (a callable is asked only on
    failure). ``pause`` waits between calls (seconds): a Playwright test passes one that calls
    ``page.wait_for_timeout``, so the page's events and routes keep being handled meanwhile.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        gave_up = give_up is not None and give_up()
        if gave_up or time.monotonic() >= deadline:
            what = message() if callable(message) else message
            why = "gave up waiting for" if gave_up else f"not within {timeout:g} s:"
            raise WaitTimeout(f"{why} {what}")
        pause(POLL_SECONDS)
