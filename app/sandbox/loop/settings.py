"""Settings of the sandbox Loop: rules file, API keys, rate limit, the connector's BigCommerce."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from app.sandbox import credentials

DEFAULT_RULES_PATH = Path(__file__).with_name("rules.toml")

# The scopes the sandbox knows: Cart unlocks Checkout+, Orders unlocks the Orders API.
SCOPE_CART = "cart"
SCOPE_ORDERS = "orders"
KNOWN_SCOPES = frozenset({SCOPE_CART, SCOPE_ORDERS})

# BigCommerce sends whatever headers the webhook subscription names; the connector expects this one.
CONNECTOR_WEBHOOK_SECRET_HEADER = "X-Loop-Connector-Secret"
CONNECTOR_WEBHOOK_SECRET = credentials.LOOP_CONNECTOR_WEBHOOK_SECRET
CONNECTOR_WEBHOOK_PATH = "/connector/bigcommerce/webhooks"


@dataclass(frozen=True)
class ApiKey:
    """One merchant API key and the scopes it carries."""

    key: str
    merchant: str
    scopes: frozenset[str]


def default_api_keys() -> tuple[ApiKey, ...]:
    """Return the keys every sandbox Loop accepts: demo's Cart key and demo's Orders key."""
    return (
        ApiKey(credentials.LOOP_CART_API_KEY, "demo", frozenset({SCOPE_CART})),
        ApiKey(credentials.LOOP_ORDERS_API_KEY, "demo", frozenset({SCOPE_ORDERS})),
    )


@dataclass
class LoopSandboxSettings:
    """How one sandbox Loop behaves; the BigCommerce fields may be set after creation."""

    rules_path: Path = DEFAULT_RULES_PATH
    api_keys: tuple[ApiKey, ...] = field(default_factory=default_api_keys)
    rate_limit: int = 300
    rate_window_seconds: float = 60.0
    max_body_bytes: int = 1_048_576
    # The connector reads orders from this BigCommerce; None until the BigCommerce sandbox runs.
    bigcommerce_url: str | None = None
    bigcommerce_store_hash: str = credentials.BIGCOMMERCE_STORE_HASH
    bigcommerce_token: str = credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN
    bigcommerce_timeout_seconds: float = 5.0
    # The Loop merchant whose Orders store the connector writes into.
    connector_merchant: str = "demo"
    webhook_secret: str = CONNECTOR_WEBHOOK_SECRET
    webhook_secret_header: str = CONNECTOR_WEBHOOK_SECRET_HEADER
