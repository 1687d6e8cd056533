"""Webhooks: a subscription as BigCommerce's Webhooks API returns it, and a delivery of one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.clients.bigcommerce.parsing import required

ORDER_ID = re.compile(r"[1-9][0-9]{0,18}")


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
            id=required(data, "id", int, where),
            scope=required(data, "scope", str, where),
            destination=required(data, "destination", str, where),
            is_active=data.get("is_active") is True,
        )


@dataclass(frozen=True)
class WebhookEvent:
    """One delivery of a webhook event, as BigCommerce posts it (``scope``, ``data``...)."""

    scope: str
    producer: str | None  # "stores/{store_hash}"
    order_id: int | None  # the order a store/order/* event is about
    hash: str | None  # BigCommerce's digest of the event, the same on each retry

    @classmethod
    def parse(cls, payload: Any) -> WebhookEvent | None:
        """Read a delivery's JSON body; None when it is no webhook event (no scope)."""
        if not isinstance(payload, dict) or not isinstance(payload.get("scope"), str):
            return None
        producer, digest = payload.get("producer"), payload.get("hash")
        return cls(
            scope=payload["scope"],
            producer=None if producer is None else str(producer),
            order_id=_order_id(payload["scope"], payload.get("data")),
            hash=digest if isinstance(digest, str) and digest else None,
        )


def _order_id(scope: str, data: Any) -> int | None:
    """The order an ``store/order/*`` event is about (``data.id``), or None."""
    if not scope.startswith("store/order/") or not isinstance(data, dict):
        return None
    if data.get("type") != "order":
        return None
    text = str(data.get("id")) if isinstance(data.get("id"), int | str) else ""
    return int(text) if ORDER_ID.fullmatch(text) else None
