"""BigCommerce's per-store request quota: N requests per fixed time window."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    """The limiter's state as the ``X-Rate-Limit-*`` headers report it."""

    window_ms: int
    reset_ms: int
    quota: int
    left: int

    def headers(self, limited: bool = False) -> dict[str, str]:
        """The rate-limit response headers (plus ``X-Retry-After`` on a 429)."""
        headers = {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(0 if limited else self.left),
        }
        if limited:
            headers["X-Retry-After"] = str(max(1, math.ceil(self.reset_ms / 1000)))
        return headers


class RateLimiter:
    """A fixed window that opens with the first request after the previous one closed."""

    def __init__(self, quota: int, window_ms: int) -> None:
        """Start with the given quota and an unopened window."""
        self._lock = threading.Lock()
        self.configure(quota, window_ms)

    def configure(self, quota: int, window_ms: int) -> None:
        """Set a new quota and window size, and start afresh."""
        if quota < 1 or window_ms < 1:
            raise ValueError("quota and window_ms must be positive")
        with self._lock:
            self.quota = quota
            self.window_ms = window_ms
            self._window_start = -math.inf
            self._used = 0

    def take(self) -> tuple[bool, Quota]:
        """Spend one request; return whether it was allowed and the state after it."""
        with self._lock:
            current = time.monotonic()
            self._roll(current)
            allowed = self._used < self.quota
            if allowed:
                self._used += 1
            return allowed, self._snapshot(current)

    def peek(self) -> Quota:
        """The current state, without spending a request."""
        with self._lock:
            current = time.monotonic()
            self._roll(current)
            return self._snapshot(current)

    def _roll(self, current: float) -> None:
        """Open a new window when the current one has ended."""
        if (current - self._window_start) * 1000 >= self.window_ms:
            self._window_start = current
            self._used = 0

    def _snapshot(self, current: float) -> Quota:
        """The quota as the headers report it."""
        elapsed_ms = (current - self._window_start) * 1000
        reset_ms = max(0, math.ceil(self.window_ms - elapsed_ms))
        return Quota(self.window_ms, reset_ms, self.quota, self.quota - self._used)
