"""Loop-specific control endpoints under ``/__sandbox/`` (never logged, never faulted)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import request

from app.sandbox.loop.http import json_response
from app.sandbox.loop.rules import RulesError
from app.sandbox.loop.state import LoopState


def control_blueprint(state: LoopState) -> Blueprint:
    """Rules, sessions, orders and connector, for tests and demos."""
    bp = Blueprint("loop_control", __name__, url_prefix="/__sandbox")

    @bp.get("/rules")
    def get_rules() -> Response:
        """Return the rules document in force (the TOML file's shape, as JSON)."""
        return json_response(state.rules.document, 200)

    @bp.put("/rules")
    def put_rules() -> Response:
        """Replace the rules with a document of the same shape; reset brings the file back."""
        try:
            rules = state.replace_rules(request.get_json(silent=True))
        except RulesError as error:
            return json_response({"error": "invalid_rules", "message": str(error)}, 422)
        return json_response(rules.document, 200)

    @bp.get("/sessions")
    def list_sessions() -> Response:
        """Return every session with its latest outcome."""
        return json_response({"data": [s.as_dict() for s in state.sessions.all()]}, 200)

    @bp.get("/orders")
    def list_orders() -> Response:
        """Return stored orders with their Checkout+ outcome (filters: merchant, external_id)."""
        orders = state.orders.all(request.args.get("merchant"), request.args.get("external_id"))
        return json_response({"data": [order.as_dict() for order in orders]}, 200)

    @bp.get("/connector")
    def connector_records() -> Response:
        """Return the connector's configuration and its sync records, oldest first."""
        settings = state.settings
        config: dict[str, Any] = {
            "bigcommerce_url": settings.bigcommerce_url,
            "store_hash": settings.bigcommerce_store_hash,
            "merchant": settings.connector_merchant,
            "webhook_path": state.connector.webhook_path,
            "webhook_secret_header": settings.webhook_secret_header,
        }
        state.connector.wait_idle(timeout=5.0)
        records = [record.as_dict() for record in state.connector.records()]
        return json_response({"config": config, "data": records}, 200)

    @bp.put("/connector/bigcommerce")
    def configure_bigcommerce() -> Response:
        """Point the connector at a BigCommerce: ``{"url", "store_hash"?, "token"?}``."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("url"), str):
            return json_response({"error": "invalid_request", "message": "url is required"}, 400)
        state.connect_bigcommerce(body["url"], body.get("store_hash"), body.get("token"))
        return json_response({"bigcommerce_url": body["url"]}, 200)

    @bp.post("/connector/sync")
    def sync_order() -> Response:
        """Sync one BigCommerce order now: ``{"order_id": N}``; answers the sync record."""
        body = request.get_json(silent=True)
        order_id = body.get("order_id") if isinstance(body, dict) else None
        if isinstance(order_id, bool) or not isinstance(order_id, int) or order_id < 1:
            return json_response(
                {"error": "invalid_request", "message": "order_id must be a positive integer"},
                400,
            )
        record = state.connector.sync(order_id, trigger="manual")
        return json_response(record.as_dict(), 200 if record.status == "synced" else 502)

    return bp
