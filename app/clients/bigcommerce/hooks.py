"""A webhook subscription as BigCommerce's Webhooks API returns it (``webhook_Full``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.clients.bigcommerce.models import _field


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
        where = "webhook"
        return cls(
            id=_field(data, "id", int, where),
            scope=_field(data, "scope", str, where),
            destination=_field(data, "destination", str, where),
            is_active=data.get("is_active") is True,
        )
