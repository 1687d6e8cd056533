"""``POST /webhooks/bigcommerce``: BigCommerce's order events, answered at once."""

from __future__ import annotations

import logging

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request

from app.webhooks.receiver import BadDelivery
from app.webhooks.receiver import WebhookReceiver
from app.webhooks.registration import SECRET_HEADER
from app.webhooks.registration import WEBHOOK_PATH

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)


@bp.post(WEBHOOK_PATH)
def bigcommerce_webhook() -> tuple[Response, int]:
    """Authenticate the delivery, then queue a resync of its order."""
    receiver: WebhookReceiver | None = current_app.extensions["webhooks"]
    if receiver is None:
        return jsonify(
            error="not_found", message="Webhooks are off: set BIGCOMMERCE_WEBHOOK_SECRET."
        ), 404
    if not receiver.authentic(request.headers.get(SECRET_HEADER)):
        log.warning("Webhook refused: missing or wrong %s header", SECRET_HEADER)
        return jsonify(error="unauthorized", message=f"Missing or wrong {SECRET_HEADER}."), 401
    try:
        outcome = receiver.receive(request.get_json(silent=True), request.get_data())
    except BadDelivery as error:
        return jsonify(error="invalid_payload", message=str(error)), 400
    except Exception:
        # BigCommerce retries a failed delivery; a 503 asks for exactly that.
        log.exception("Webhook could not be queued; BigCommerce will deliver it again")
        return jsonify(error="unavailable", message="Try again later."), 503
    return jsonify(status=outcome), 200
