"""Redis plumbing every Redis store shares: the connection, and replies read as text."""

from __future__ import annotations

from typing import Any

import redis

# Bounds every Redis call, so a lost connection fails a request instead of hanging a worker.
REDIS_TIMEOUT_SECONDS = 5.0


def connect(url: str) -> redis.Redis:
    """Return a client for ``url`` whose every call is bounded by ``REDIS_TIMEOUT_SECONDS``."""
    return redis.Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        decode_responses=True,
    )


def text(value: Any) -> Any:
    """Return a reply as text, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
