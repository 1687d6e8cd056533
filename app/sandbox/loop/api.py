"""The public endpoints: Checkout+ (analyze, session), the Orders API and the connector webhook."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint
from flask import Response
from flask import request

from app.sandbox.loop.analyze_request import AnalyzeRequest
from app.sandbox.loop.analyze_request import InvalidRequest
from app.sandbox.loop.analyze_request import is_session_id
from app.sandbox.loop.analyze_request import parse_analyze_request
from app.sandbox.loop.connector import order_id_from_webhook
from app.sandbox.loop.evaluate import Decision
from app.sandbox.loop.evaluate import evaluate
from app.sandbox.loop.http import LoopApiError
from app.sandbox.loop.http import OrdersApiError
from app.sandbox.loop.http import json_response
from app.sandbox.loop.http import read_json_body
from app.sandbox.loop.orders import InvalidOrder
from app.sandbox.loop.orders import checkout_plus_outcome
from app.sandbox.loop.orders import validate_order
from app.sandbox.loop.sessions import Session
from app.sandbox.loop.sessions import SessionNotFound
from app.sandbox.loop.sessions import experiment_cohort
from app.sandbox.loop.sessions import rfc3339
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_PATH
from app.sandbox.loop.settings import SCOPE_CART
from app.sandbox.loop.settings import SCOPE_ORDERS
from app.sandbox.loop.settings import ApiKey
from app.sandbox.loop.state import LoopState

SESSION_CACHE_CONTROL = "private, max-age=45"
# Loop answers ids as strings when a client asks with this header.
ID_TYPE_HEADER = "X-Loop-Global-Identifier-Type"


def checkout_plus_blueprint(state: LoopState) -> Blueprint:
    """``POST /v1/analyze`` and ``GET /v1/session/<id>``."""
    bp = Blueprint("loop_checkout_plus", __name__)

    @bp.post("/v1/analyze")
    def analyze() -> Response:
        """Analyze a cart: find or create its session, judge it, price it."""
        key = _cart_key(state)
        req = _analyze_request(state)
        rules = state.merchant_rules(key.merchant)

        def judge(session: Session) -> tuple[Decision, str | None, dict[str, Any]]:
            cohort = None
            if req.experimentation_consent and rules is not None:
                cohort = experiment_cohort(session.id, rules.ab_control_share)
            return evaluate(rules, req, cohort), cohort, _analytics(req)

        try:
            session, created = state.sessions.analyze(
                key.merchant, req.session_id, req.cart_id, judge
            )
        except SessionNotFound:
            raise _session_not_found() from None
        body = session_body(session)
        body["metadata"]["sessionCreated"] = created
        if req.debug:
            body["debug"] = _debug(session, req, key)
        return json_response(body, 200)

    @bp.get("/v1/session/<session_id>")
    def get_session(session_id: str) -> Response:
        """Return a session's latest analysis without re-analyzing."""
        key = _cart_key(state)
        if not is_session_id(session_id):
            raise LoopApiError(400, "invalid_request", "sessionId must match ^lop_[A-Za-z0-9]{20}$")
        session = state.sessions.get(key.merchant, session_id)
        if session is None:
            raise _session_not_found()
        body = session_body(session)
        body["createdAt"] = rfc3339(session.created_at)
        body["updatedAt"] = rfc3339(session.updated_at)
        return json_response(body, 200, {"Cache-Control": SESSION_CACHE_CONTROL})

    return bp


def orders_blueprint(state: LoopState) -> Blueprint:
    """Loop's Orders API: ``POST`` creates, ``PUT`` upserts by ``external_id``."""
    bp = Blueprint("loop_orders", __name__, url_prefix="/api/v1")

    @bp.post("/orders")
    def create_order() -> Response:
        """Create an order, even when one with the same external_id exists."""
        key, payload = _order_request(state)
        outcome = checkout_plus_outcome(payload, lambda sid: _known(state, key, sid))
        order = state.orders.create(key.merchant, payload, outcome, source="api")
        return _order_response(order.response(_string_ids()))

    @bp.put("/orders")
    def upsert_order() -> Response:
        """Create or replace the order with this external_id (fees and metadata replaced)."""
        key, payload = _order_request(state)
        outcome = checkout_plus_outcome(payload, lambda sid: _known(state, key, sid))
        order, _ = state.orders.upsert(key.merchant, payload, outcome, source="api")
        return _order_response(order.response(_string_ids()))

    return bp


def connector_blueprint(state: LoopState) -> Blueprint:
    """The connector's BigCommerce webhook receiver."""
    bp = Blueprint("loop_connector", __name__)

    @bp.post(CONNECTOR_WEBHOOK_PATH)
    def webhook() -> Response:
        """Check the shared secret, answer at once, and sync the order in the background."""
        sent = request.headers.get(state.settings.webhook_secret_header, "")
        if not hmac.compare_digest(sent.encode(), state.settings.webhook_secret.encode()):
            raise LoopApiError(401, "unauthorized", "Missing or wrong webhook secret header")
        payload = read_json_body()
        store = f"stores/{state.settings.bigcommerce_store_hash}"
        if isinstance(payload, dict) and payload.get("producer") not in (None, store):
            return json_response({"status": "ignored", "reason": "another store"}, 200)
        order_id = order_id_from_webhook(payload)
        if order_id is None:
            return json_response({"status": "ignored", "reason": "not about an order"}, 200)
        state.connector.enqueue(order_id, trigger=f"webhook:{payload.get('scope')}")
        return json_response({"status": "queued", "order_id": order_id}, 200)

    return bp


def session_body(session: Session) -> dict[str, Any]:
    """The shape analyze and GET session share (without ``sessionCreated`` or timestamps)."""
    decision = session.decision
    assert decision is not None  # a stored session has always been analyzed once
    body: dict[str, Any] = {
        "sessionId": session.id,
        "eligible": decision.eligible,
        "reason": decision.reason,
    }
    if decision.eligible:
        body["mode"] = list(decision.modes)
        body["chargeInstructions"] = {
            "amount": decision.amount,
            "currencyCode": decision.currency,
            "method": "fee",
        }
    else:
        body["chargeInstructions"] = None
    body["metadata"] = {
        "priceBreakdown": [{"mode": mode, "amount": amount} for mode, amount in decision.breakdown],
        "analysisCount": session.analysis_count,
        "experimentCohort": session.cohort,
    }
    return body


def _cart_key(state: LoopState) -> ApiKey:
    key = state.find_key(request.headers.get("X-Authorization"))
    if key is None or SCOPE_CART not in key.scopes:
        # Same answer for a missing, unknown or wrongly scoped key: say nothing about which.
        raise LoopApiError(
            401, "unauthorized", "X-Authorization must carry an API key with the Cart scope"
        )
    retry_after = state.rate_limiter.hit(key.key)
    if retry_after is not None:
        raise LoopApiError(
            429, "rate_limited", "Rate limit exceeded", {"Retry-After": str(retry_after)}
        )
    return key


def _analyze_request(state: LoopState) -> AnalyzeRequest:
    body = read_json_body(state.settings.max_body_bytes)
    try:
        return parse_analyze_request(body)
    except InvalidRequest as error:
        raise LoopApiError(400, "invalid_request", str(error)) from None


def _session_not_found() -> LoopApiError:
    return LoopApiError(404, "session_not_found", "No session with this id for this merchant")


def _analytics(req: AnalyzeRequest) -> dict[str, Any]:
    return {
        "platform": req.platform,
        "platformCartId": req.cart.platform_id,
        "region": _region(req),
        "locale": req.locale,
        "experimentationConsent": req.experimentation_consent,
        "offerOrigin": req.offer_origin,
        "mountTarget": req.mount_target,
        "cartExperience": req.cart_experience,
    }


def _region(req: AnalyzeRequest) -> str:
    region = req.region
    return f"{region.country}-{region.subdivision}" if region.subdivision else region.country


def _debug(session: Session, req: AnalyzeRequest, key: ApiKey) -> dict[str, Any]:
    decision = session.decision
    assert decision is not None
    return {
        "merchant": key.merchant,
        "cartId": session.cart_id,
        "cart": {
            "id": req.cart.platform_id,
            "currencyCode": req.cart.currency,
            "lineCount": len(req.cart.lines),
            "itemCount": req.cart.item_count,
            "subtotalAmount": req.cart.subtotal,
        },
        "deliveryMethods": list(req.delivery_methods),
        "evaluation": decision.debug,
        "analytics": dict(session.analytics),
    }


def _order_request(state: LoopState) -> tuple[ApiKey, dict[str, Any]]:
    key = state.find_key(request.headers.get("X-Authorization"))
    if key is None or SCOPE_ORDERS not in key.scopes:
        raise OrdersApiError(401, "Unauthorized.")
    retry_after = state.rate_limiter.hit(key.key)
    if retry_after is not None:
        raise OrdersApiError(429, "Too Many Requests.", headers={"Retry-After": str(retry_after)})
    try:
        body = read_json_body(state.settings.max_body_bytes)
    except LoopApiError as error:
        raise OrdersApiError(400, error.message) from None
    try:
        return key, validate_order(body)
    except InvalidOrder as error:
        raise OrdersApiError(error.status, error.message, field=error.field) from None


def _known(state: LoopState, key: ApiKey, session_id: str) -> bool:
    return state.sessions.get(key.merchant, session_id) is not None


def _string_ids() -> bool:
    return request.headers.get(ID_TYPE_HEADER, "").lower() == "string"


def _order_response(order: dict[str, Any]) -> Response:
    return json_response({"order": order}, 200)
