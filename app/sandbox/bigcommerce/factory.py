"""Build the sandbox BigCommerce service: state, framework, auth and every API blueprint."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask import jsonify
from flask import request

from app.sandbox.service import SandboxService

from . import carts
from . import catalog
from . import checkouts
from . import consignments
from . import control
from . import fees
from . import metafields
from . import orders
from . import payments
from . import webhooks
from .auth import register_auth
from .errors import api_family
from .errors import body_for
from .errors import register_error_handlers
from .settings import BigCommerceSandboxSettings
from .state import StoreState
from .web import STATE_KEY

SERVICE_NAME = "bigcommerce"
BLUEPRINTS = (
    catalog.bp,
    catalog.v2,
    carts.bp,
    checkouts.bp,
    consignments.bp,
    fees.bp,
    orders.bp,
    orders.v2,
    metafields.bp,
    payments.bp,
    payments.gateway,
    webhooks.bp,
    control.bp,
)


def _fault_responder(state: StoreState) -> Callable[[int], Response]:
    """Answer an injected fault in the format of the API family the request went to."""

    def respond(status: int) -> Response:
        """Build the fault's error response."""
        headers: dict[str, str] = {}
        # A 429 carries the rate-limit headers and X-Retry-After, like a real quota 429.
        if status == 429 and api_family(request.path) != "payments":
            headers = state.rate_limiter.peek().headers(limited=True)
        response = jsonify(body_for(status, "Injected by a sandbox fault."))
        response.status_code = status
        response.headers.update(headers)
        return response

    return respond


def create_service(settings: BigCommerceSandboxSettings | None = None) -> SandboxService:
    """Create the sandbox BigCommerce store as a SandboxService, seeded and ready to serve."""
    settings = settings or BigCommerceSandboxSettings()
    state = StoreState(settings)
    service = SandboxService(
        name=SERVICE_NAME,
        import_name=__name__,
        error_response=_fault_responder(state),
        reset_state=state.reset,
        on_stop=state.webhooks.stop,
    )
    app = service.app
    app.extensions[STATE_KEY] = state
    # Keep JSON key order as built (BigCommerce's order), not sorted.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_error_handlers(app)
    register_auth(app, state)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return service
