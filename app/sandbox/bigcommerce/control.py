"""Sandbox-only control endpoints under ``/__sandbox`` (never logged, never rate-limited)."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request

from . import seed
from .web import store

bp = Blueprint("bigcommerce_control", __name__, url_prefix="/__sandbox")
PALETTE = ("#2f6f4e", "#8a5a2b", "#2b5c8a", "#6b3f8a", "#8a2b3f", "#4a4a4a")


@bp.get("/rate-limit")
def read_rate_limit() -> dict[str, Any]:
    """Show the quota and what is left of the current window."""
    quota = store().rate_limiter.peek()
    return {
        "quota": quota.quota,
        "window_ms": quota.window_ms,
        "left": quota.left,
        "reset_ms": quota.reset_ms,
    }


@bp.post("/rate-limit")
def set_rate_limit() -> tuple[dict[str, Any], int]:
    """Set ``{"quota": N, "window_ms": M}`` and start a fresh window."""
    body = request.get_json(silent=True) or {}
    limiter = store().rate_limiter
    try:
        quota = int(body.get("quota", limiter.quota))
        window_ms = int(body.get("window_ms", limiter.window_ms))
        limiter.configure(quota, window_ms)
    except (TypeError, ValueError) as error:
        return {"error": "invalid_rate_limit", "message": str(error)}, 422
    return read_rate_limit(), 200


@bp.get("/orders")
def list_orders() -> dict[str, Any]:
    """List every order with its cart, its status and what the gateway charged for it (minor
    units, None until paid), for a test that audits the whole store.

    BigCommerce's own list (``GET /v2/orders``) is not part of the sandbox; each order's
    details are read through the API.
    """
    with store().lock:
        orders = sorted(store().orders.values(), key=lambda order: order.id)
        return {
            "data": [
                {
                    "id": order.id,
                    "cart_id": order.cart_id,
                    "status_id": order.status_id,
                    "captured_amount": order.captured_amount,
                }
                for order in orders
            ]
        }


@bp.get("/webhook-deliveries")
def webhook_deliveries() -> dict[str, Any]:
    """List webhook delivery attempts; ``?wait=S`` first waits up to S seconds for idle."""
    dispatcher = store().webhooks
    idle = True
    if request.args.get("wait"):
        try:
            # Whole milliseconds, capped at 30 s, so a typo cannot hang the caller.
            wait_ms = min(int(Decimal(request.args["wait"]).scaleb(3)), 30_000)
            idle = dispatcher.wait_idle(wait_ms / 1000)
        except (ArithmeticError, ValueError):
            return {"error": "invalid_wait", "message": "wait must be a number of seconds"}, 422
    return {"data": [d.as_dict() for d in dispatcher.deliveries()], "idle": idle}


@bp.get("/images/<int:product_id>.svg")
def product_image(product_id: int) -> Response:
    """A placeholder product picture, so demos show images without leaving the machine."""
    product = seed.PRODUCTS.get(product_id)
    if product is None:
        return Response("not found", status=404, mimetype="text/plain")
    color = PALETTE[product_id % len(PALETTE)]
    initials = "".join(word[0] for word in product.name.split()[:2]).upper()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320">'
        f'<rect width="320" height="320" fill="{color}"/>'
        '<text x="160" y="185" font-family="sans-serif" font-size="96" fill="#fff" '
        f'text-anchor="middle">{html.escape(initials)}</text>'
        f"<title>{html.escape(product.name)}</title></svg>"
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
