"""Subscribe this server to BigCommerce's order webhooks, with the shared secret header.

Registering is idempotent: a subscription that exists for the scope and destination is
updated (made active, secret header replaced), so running it again rotates the secret.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.clients.bigcommerce import BigCommerceClient

SECRET_HEADER = "X-Checkout-Plus-Webhook-Secret"  # noqa: S105 (a header name, not a secret)
WEBHOOK_PATH = "/webhooks/bigcommerce"
# An order changes (status, refund, edit): Loop must see it with its Checkout+ block again.
ORDER_SCOPES = ("store/order/updated", "store/order/statusUpdated", "store/order/refund/created")


@dataclass(frozen=True)
class Registered:
    """One subscription after registering: its scope, id and what was done."""

    scope: str
    webhook_id: int
    action: str  # "created" or "updated"


def register_order_webhooks(
    bigcommerce: BigCommerceClient, base_url: str, secret: str
) -> list[Registered]:
    """Create or refresh the order subscriptions that deliver to ``base_url``."""
    destination = base_url.rstrip("/") + WEBHOOK_PATH
    headers = {SECRET_HEADER: secret}
    done = []
    for scope in ORDER_SCOPES:
        existing = bigcommerce.list_webhooks(scope, destination)
        if existing:
            hook = bigcommerce.update_webhook(existing[0].id, headers)
            done.append(Registered(scope, hook.id, "updated"))
        else:
            hook = bigcommerce.create_webhook(scope, destination, headers)
            done.append(Registered(scope, hook.id, "created"))
    return done
