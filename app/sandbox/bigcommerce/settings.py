"""Settings of the sandbox BigCommerce store."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from app.sandbox import credentials

CHECKOUT_APP_CLIENT_ID = "checkout-plus-app"
LOOP_CONNECTOR_CLIENT_ID = "loop-connector"


def _default_tokens() -> dict[str, str]:
    """The sandbox's two API accounts: the checkout app and Loop's connector."""
    return {
        credentials.BIGCOMMERCE_ACCESS_TOKEN: CHECKOUT_APP_CLIENT_ID,
        credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN: LOOP_CONNECTOR_CLIENT_ID,
    }


@dataclass(frozen=True)
class BigCommerceSandboxSettings:
    """How the sandbox store is set up; every field has a working default."""

    store_hash: str = credentials.BIGCOMMERCE_STORE_HASH
    # Webhook payloads carry the numeric store id as a string.
    store_id: str = "1000001"
    # Accepted X-Auth-Token values, each mapped to the API account's client id.
    tokens: dict[str, str] = field(default_factory=_default_tokens)
    # Signs webhook deliveries (Standard Webhooks) and payment access tokens.
    client_secret: str = credentials.BIGCOMMERCE_CLIENT_SECRET
    # Standard plan: 150 requests per 30 s window, shared by every app on the store.
    rate_limit_quota: int = 150
    rate_limit_window_ms: int = 30_000
    # Webhook delivery: per-attempt timeout, attempts in all, and the first retry delay
    # (doubled after each failure). Real BigCommerce retries over 48 hours.
    webhook_timeout: float = 5.0
    webhook_max_attempts: int = 3
    webhook_retry_backoff: float = 1.0
    # Payment access tokens are single-use and expire after one hour.
    payment_token_ttl_seconds: int = 3600
    # The (imaginary) storefront whose product URLs appear in carts.
    storefront_url: str = "https://sandbox-store.example"
