"""Everything one sandbox Loop holds in memory, reachable as ``app.extensions["loop_state"]``."""

from __future__ import annotations

import threading
from typing import Any

from app.sandbox.loop.connector import Connector
from app.sandbox.loop.http import RateLimiter
from app.sandbox.loop.orders import OrderStore
from app.sandbox.loop.rules import MerchantRules
from app.sandbox.loop.rules import Rules
from app.sandbox.loop.rules import load_rules_file
from app.sandbox.loop.rules import parse_rules
from app.sandbox.loop.sessions import SessionStore
from app.sandbox.loop.settings import ApiKey
from app.sandbox.loop.settings import LoopSandboxSettings


class LoopState:
    """Rules, API keys, sessions, orders, the connector and the rate limiter of one sandbox."""

    def __init__(self, settings: LoopSandboxSettings) -> None:
        self.settings = settings
        self.sessions = SessionStore()
        self.orders = OrderStore()
        self.rate_limiter = RateLimiter(settings.rate_limit, settings.rate_window_seconds)
        self.connector = Connector(settings, self.orders, self._session_known)
        self._lock = threading.Lock()
        self._rules = load_rules_file(settings.rules_path)

    @property
    def rules(self) -> Rules:
        """The rules in force."""
        with self._lock:
            return self._rules

    def merchant_rules(self, merchant: str) -> MerchantRules | None:
        """Return a merchant's rules, or None when it has no configuration."""
        return self.rules.merchants.get(merchant)

    def replace_rules(self, rules: Rules | dict[str, Any]) -> Rules:
        """Put other rules (``Rules`` or a document) in force; ``reset()`` restores the file's."""
        parsed = rules if isinstance(rules, Rules) else parse_rules(rules)
        with self._lock:
            self._rules = parsed
        return parsed

    def find_key(self, key: str | None) -> ApiKey | None:
        """Return the API key record for a header value; keys in the rules extend the settings'."""
        if not key:
            return None
        found = {api_key.key: api_key for api_key in self.settings.api_keys}
        found.update({api_key.key: api_key for api_key in self.rules.api_keys})
        return found.get(key)

    def connect_bigcommerce(
        self, url: str, store_hash: str | None = None, token: str | None = None
    ) -> None:
        """Point the connector at a BigCommerce (the BigCommerce sandbox starts first)."""
        self.settings.bigcommerce_url = url
        if store_hash is not None:
            self.settings.bigcommerce_store_hash = store_hash
        if token is not None:
            self.settings.bigcommerce_token = token

    def reset(self) -> None:
        """Back to the seeded state: the rules file (read again), no sessions, orders or records."""
        self.connector.wait_idle(timeout=2.0)
        rules = load_rules_file(self.settings.rules_path)
        with self._lock:
            self._rules = rules
        self.sessions.clear()
        self.orders.clear()
        self.connector.clear()
        self.rate_limiter.clear()

    def _session_known(self, merchant: str, session_id: str) -> bool:
        return self.sessions.get(merchant, session_id) is not None
