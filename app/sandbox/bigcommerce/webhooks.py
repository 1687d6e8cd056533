"""Webhooks API: each API account manages its own subscriptions (``/v3/hooks``).

Deviation: BigCommerce only accepts ``https`` destinations on port 443. The sandbox also
accepts ``http``/``https`` on any port of ``127.0.0.1``, ``localhost`` or ``[::1]``, so tests
and local demos can receive deliveries (see delivery.py, which delivers to loopback only).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import request

from .auth import client_id
from .delivery import LOOPBACK_HOSTS
from .delivery import Hook
from .errors import invalid
from .errors import v3_error
from .validation import obj
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import locked
from .web import paginate
from .web import store

bp = api_blueprint("bc_webhooks", V3)

# docs: integrations/webhooks/overview.mdx - at most 10 hooks per store, client and scope.
MAX_PER_SCOPE = 10
HEADERS = {"type": "object", "nullable": True}
HOOK_FIELDS = {
    "scope": string(1),
    "destination": string(1),
    "is_active": {"type": "boolean"},
    "headers": HEADERS,
}
HOOK_CREATE = obj(HOOK_FIELDS, required=("scope", "destination"))
HOOK_UPDATE = obj(HOOK_FIELDS)
RESOURCES = {
    "order": (
        "created",
        "updated",
        "archived",
        "statusUpdated",
        "message/created",
        "refund/created",
        "transaction/created",
        "transaction/updated",
        "metafield/created",
        "metafield/updated",
        "metafield/deleted",
        "metafield/*",
    ),
    "cart": (
        "created",
        "updated",
        "deleted",
        "couponApplied",
        "abandoned",
        "converted",
        "lineItem/*",
        "lineItem/created",
        "lineItem/updated",
        "lineItem/deleted",
    ),
    "product": ("created", "updated", "deleted", "inventory/updated", "inventory/order/updated"),
    "customer": (
        "created",
        "updated",
        "deleted",
        "address/created",
        "address/updated",
        "address/deleted",
        "payment/instrument/default/updated",
    ),
    "shipment": ("created", "updated", "deleted"),
    "subscriber": ("created", "updated", "deleted"),
    "sku": ("created", "updated", "deleted", "inventory/updated", "inventory/order/updated"),
}
KNOWN_SCOPES = frozenset(
    {"store/*", "store/app/uninstalled", "store/information/updated"}
    | {f"store/{name}/*" for name in RESOURCES}
    | {f"store/{name}/{event}" for name, events in RESOURCES.items() for event in events}
)


def payload(hook: Hook) -> dict[str, Any]:
    """A hook as the API returns it (``webhook_Full``)."""
    return {
        "id": hook.id,
        "client_id": hook.client_id,
        "store_hash": store().settings.store_hash,
        "scope": hook.scope,
        "destination": hook.destination,
        "is_active": hook.is_active,
        "headers": hook.headers,
        "created_at": hook.created_at,
        "updated_at": hook.updated_at,
    }


def _check(values: dict[str, Any]) -> None:
    """Check scope, destination and headers the way the Webhooks API does."""
    if "scope" in values and values["scope"] not in KNOWN_SCOPES:
        raise invalid({"scope": f"{values['scope']!r} is not a webhook scope"})
    if "destination" in values and not _destination_ok(values["destination"]):
        raise invalid({"destination": "must be an https URL on port 443"})
    headers = values.get("headers") or {}
    for name, value in headers.items():
        if not isinstance(value, str):
            raise invalid({f"headers.{name}": "must be a string"})


def _destination_ok(destination: str) -> bool:
    """https on port 443, as BigCommerce requires; or any loopback URL (sandbox only)."""
    url = urlsplit(destination)
    try:
        port = url.port
    except ValueError:
        return False
    if url.scheme in ("http", "https") and url.hostname in LOOPBACK_HOSTS:
        return True
    return url.scheme == "https" and bool(url.hostname) and port in (None, 443)


def _check_limits(scope: str, destination: str, skip: int | None = None) -> None:
    """One hook per scope and destination, at most ten per scope, per account."""
    mine = [
        h
        for h in store().hooks.values()
        if h.client_id == client_id() and h.scope == scope and h.id != skip
    ]
    if any(h.destination == destination for h in mine):
        raise invalid({"destination": "a hook for this scope and destination already exists"})
    if len(mine) >= MAX_PER_SCOPE:
        raise invalid({"scope": f"at most {MAX_PER_SCOPE} hooks per scope"})


def _find(hook_id: int) -> Hook:
    """One of the caller's hooks; 404 for unknown ids and other accounts' hooks."""
    hook = store().hooks.get(hook_id)
    if hook is None or hook.client_id != client_id():
        raise v3_error(404, f"Webhook with id [{hook_id}] not found")
    return hook


@bp.get("/hooks")
@locked
def list_hooks() -> dict[str, Any]:
    """List the calling account's hooks, filtered by scope, destination or is_active."""
    hooks = [h for h in store().hooks.values() if h.client_id == client_id()]
    for name in ("scope", "destination"):
        if request.args.get(name):
            hooks = [h for h in hooks if getattr(h, name) == request.args[name]]
    if request.args.get("is_active") in ("true", "false"):
        hooks = [h for h in hooks if h.is_active == (request.args["is_active"] == "true")]
    chunk, meta = paginate(hooks)
    return {"data": [payload(h) for h in chunk], "meta": meta}


@bp.post("/hooks")
@locked
def create_hook() -> dict[str, Any]:
    """Create a hook (answers 200, as the spec documents)."""
    body = read_valid_json(HOOK_CREATE)
    _check(body)
    _check_limits(body["scope"], body["destination"])
    stamp = int(time.time())
    hook = Hook(
        id=next(store().hook_ids),
        client_id=client_id(),
        scope=body["scope"],
        destination=body["destination"],
        is_active=body.get("is_active", True),
        headers=body.get("headers"),
        created_at=stamp,
        updated_at=stamp,
    )
    store().hooks[hook.id] = hook
    return {"data": payload(hook), "meta": {}}


@bp.get("/hooks/<int:hook_id>")
@locked
def read_hook(hook_id: int) -> dict[str, Any]:
    """Return one of the calling account's hooks."""
    return {"data": payload(_find(hook_id)), "meta": {}}


@bp.put("/hooks/<int:hook_id>")
@locked
def update_hook(hook_id: int) -> dict[str, Any]:
    """Change a hook; at least one field is required."""
    hook = _find(hook_id)
    body = read_valid_json(HOOK_UPDATE)
    if not any(name in body for name in HOOK_FIELDS):
        raise invalid({"body": "send at least one of " + ", ".join(HOOK_FIELDS)})
    _check(body)
    _check_limits(body.get("scope", hook.scope), body.get("destination", hook.destination), hook.id)
    for name in HOOK_FIELDS:
        if name in body:
            setattr(hook, name, body[name])
    hook.updated_at = int(time.time())
    return {"data": payload(hook), "meta": {}}


@bp.delete("/hooks/<int:hook_id>")
@locked
def delete_hook(hook_id: int) -> dict[str, Any]:
    """Delete a hook; the deleted hook is returned with 200."""
    hook = _find(hook_id)
    del store().hooks[hook.id]
    return {"data": payload(hook), "meta": {}}
