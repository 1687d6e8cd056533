"""A webhook subscription as BigCommerce's Webhooks API returns it (``webhook_Full``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse


@dataclass(frozen=True)
class Webhook:
    """One of this API account's webhook subscriptions (its headers are not kept: secrets)."""

    id: int
    scope: str
    destination: str
    is_active: bool

    @classmethod
    def parse(cls, data: Any) -> Webhook:
        """Read one subscription, or raise BigCommerceInvalidResponse."""
        if not isinstance(data, dict):
            raise BigCommerceInvalidResponse("webhook is not an object")
        hook_id, scope, destination = data.get("id"), data.get("scope"), data.get("destination")
        if not isinstance(hook_id, int) or isinstance(hook_id, bool):
            raise BigCommerceInvalidResponse("webhook.id is not an integer")
        if not isinstance(scope, str) or not isinstance(destination, str):
            raise BigCommerceInvalidResponse("webhook.scope or destination is not a string")
        return cls(hook_id, scope, destination, data.get("is_active") is True)
