"""The analysis shelf in Redis, the twin of ``AnalysisShelf`` for several machines.

Keys:

    {prefix}:shelf:{cart fingerprint}:{Loop session}   string: "" while claimed, then the
                                                       outcome as JSON; expires on its own
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import redis

from app.checkout_plus.offer import Analysis
from app.checkout_plus.shelf import decode
from app.checkout_plus.shelf import encode


class RedisAnalysisShelf:
    """Claims and outcomes in Redis, shared by every machine."""

    def __init__(
        self, client: redis.Redis, prefix: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._client = client
        self._prefix = f"{prefix}:shelf:"
        self._clock = clock

    def claim(self, key: str, seconds: float) -> bool:
        """Claim a cart state for one analysis; False when someone else holds it or its outcome."""
        milliseconds = max(1, math.ceil(seconds * 1000))
        return bool(self._client.set(self._prefix + key, "", nx=True, px=milliseconds))

    def put(self, key: str, analysis: Analysis, session_id: str | None) -> None:
        """Keep an outcome for as long as it may be re-used."""
        # Until the analysis's own end (``analyzed_at`` is when Loop was asked), as in SQLite:
        # not ``fresh_for`` from now, which would outlive it by Loop's answer time.
        left = analysis.analyzed_at + analysis.fresh_for - self._clock()
        milliseconds = math.floor(left * 1000)
        if milliseconds > 0:
            self._client.set(self._prefix + key, encode(analysis, session_id), px=milliseconds)
        else:
            self._client.delete(self._prefix + key)  # past its time: the claim goes too

    def get(self, key: str) -> tuple[Analysis, str | None] | None:
        """Return the outcome kept for a cart state, if it is there and still current."""
        return decode(self._client.get(self._prefix + key))
