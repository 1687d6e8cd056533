"""The analysis log in Redis, the twin of ``AnalysisLog`` for several machines (``REDIS_URL``).

Keys:

    {prefix}:analyses              list: the latest analyses as JSON, newest first
    {prefix}:analyses:reasons      hash: reason -> how many of those analyses give it
"""

from __future__ import annotations

import json

import redis

from app.checkout_plus.analyses import KEEP
from app.checkout_plus.analyses import LoggedAnalysis
from app.storage.redisdb import text

# Newest first; the oldest entries fall out of the window and out of their reason's count.
_RECORD_ANALYSIS = """
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
while redis.call('LLEN', KEYS[1]) > tonumber(ARGV[3]) do
  local reason = cjson.decode(redis.call('RPOP', KEYS[1]))['reason']
  if redis.call('HINCRBY', KEYS[2], reason, -1) <= 0 then redis.call('HDEL', KEYS[2], reason) end
end
return 1
"""


class RedisAnalysisLog:
    """The latest analyses in Redis: a capped list, and a count per reason kept beside it."""

    def __init__(self, client: redis.Redis, prefix: str, keep: int = KEEP) -> None:
        self._client = client
        self._list = f"{prefix}:analyses"
        self._reasons = f"{prefix}:analyses:reasons"
        self.keep = keep
        self._record = client.register_script(_RECORD_ANALYSIS)

    def record(self, entry: LoggedAnalysis) -> None:
        """Add an entry, and drop those that fall out of the window."""
        data = json.dumps(entry.as_dict())
        self._record(keys=[self._list, self._reasons], args=[data, entry.reason, self.keep])

    def recent(
        self, limit: int = 50, cart_id: str | None = None, session_id: str | None = None
    ) -> list[LoggedAnalysis]:
        """Return the latest entries, newest first, of one cart or Loop session if given."""
        if limit <= 0:
            return []
        # The window is small (KEEP entries), so a filter reads it whole.
        filtered = cart_id is not None or session_id is not None
        rows = self._client.lrange(self._list, 0, -1 if filtered else limit - 1)
        entries = (LoggedAnalysis.from_dict(json.loads(row)) for row in rows)
        chosen = [
            entry
            for entry in entries
            if (cart_id is None or entry.cart_id == cart_id)
            and (session_id is None or entry.session_id == session_id)
        ]
        return chosen[:limit]

    def count_by_reason(self) -> dict[str, int]:
        """Return how many kept entries give each reason, the most frequent first."""
        stored = self._client.hgetall(self._reasons)
        counts = {text(reason): int(count) for reason, count in stored.items()}
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
