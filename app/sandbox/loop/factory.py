"""Assemble the sandbox Loop: state, hooks and blueprints on a ``SandboxService``."""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import request
from werkzeug.exceptions import HTTPException

from app.sandbox.loop.api import checkout_plus_blueprint
from app.sandbox.loop.api import connector_blueprint
from app.sandbox.loop.api import orders_blueprint
from app.sandbox.loop.control import control_blueprint
from app.sandbox.loop.http import LoopApiError
from app.sandbox.loop.http import OrdersApiError
from app.sandbox.loop.http import add_cors_and_request_id
from app.sandbox.loop.http import fault_response
from app.sandbox.loop.http import loop_error
from app.sandbox.loop.http import orders_error
from app.sandbox.loop.settings import LoopSandboxSettings
from app.sandbox.loop.state import LoopState
from app.sandbox.service import SandboxService

STATE_KEY = "loop_state"


def create_service(settings: LoopSandboxSettings | None = None) -> SandboxService:
    """Build a sandbox Loop; serve it with ``LoopbackServer(svc.app)``."""
    state = LoopState(settings or LoopSandboxSettings())
    service = SandboxService(
        "loop",
        __name__,
        error_response=fault_response,
        reset_state=state.reset,
        secret_headers=(state.settings.webhook_secret_header,),
    )
    app = service.app
    app.extensions[STATE_KEY] = state
    _install_hooks(app, state)
    app.register_blueprint(checkout_plus_blueprint(state))
    app.register_blueprint(orders_blueprint(state))
    app.register_blueprint(connector_blueprint(state))
    app.register_blueprint(control_blueprint(state))
    return service


def _install_hooks(app: Flask, state: LoopState) -> None:
    # Registered after the framework's own hook, so logging and faults come first.
    @app.before_request
    def preflight() -> Response | None:
        if request.method == "OPTIONS":
            response = Response(status=204)
            del response.headers["Content-Type"]
            return response
        return None

    @app.after_request
    def cors_and_request_id(response: Response) -> Response:
        return add_cors_and_request_id(response)

    @app.errorhandler(LoopApiError)
    def loop_api_error(error: LoopApiError) -> Response:
        response = loop_error(error.status, error.code, error.message)
        response.headers.update(error.headers)
        return response

    @app.errorhandler(OrdersApiError)
    def orders_api_error(error: OrdersApiError) -> Response:
        return orders_error(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = error.description if status < 500 else None
        if status == 405:
            message = f"{request.method} is not allowed here"
        response = loop_error(status, message=message)
        allowed = getattr(error, "valid_methods", None)
        if status == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response
