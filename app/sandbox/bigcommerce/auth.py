"""Store hash, ``X-Auth-Token`` and rate-limit checks that every management API call passes."""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import g
from flask import request

from .errors import ApiError
from .errors import api_family
from .errors import body_for
from .state import StoreState

API_PREFIX = "/stores/"


def is_api_path(path: str) -> bool:
    """Whether a path belongs to the imitated BigCommerce API (not ``/__sandbox``)."""
    return path.startswith(API_PREFIX)


def client_id() -> str:
    """The client id of the API account that made the current request."""
    return g.bc_client_id


def register_auth(app: Flask, state: StoreState) -> None:
    """Check store hash, token and quota before each API call; add quota headers after."""

    @app.before_request
    def authenticate() -> None:
        """Answer 404 for another store, 401 without a known token, 429 past the quota."""
        if not is_api_path(request.path):
            return
        parts = request.path.split("/")
        if len(parts) < 3 or parts[2] != state.settings.store_hash:
            raise ApiError(404, body_for(404, "No store is known by this hash."))
        if api_family(request.path) == "payments":
            # payments.bigcommerce.com authenticates with a payment access token (see
            # payments.py) and has its own limit, so the store quota does not apply.
            return
        token = request.headers.get("X-Auth-Token", "")
        if token not in state.settings.tokens:
            raise ApiError(401, body_for(401))
        g.bc_client_id = state.settings.tokens[token]
        allowed, quota = state.rate_limiter.take()
        if not allowed:
            message = f"Too many requests; retry in {quota.reset_ms} ms."
            raise ApiError(429, body_for(429, message), quota.headers(limited=True))

    @app.after_request
    def add_quota_headers(response: Response) -> Response:
        """Report the quota on every management API response."""
        if is_api_path(request.path) and api_family(request.path) != "payments":
            for name, value in state.rate_limiter.peek().headers().items():
                response.headers.setdefault(name, value)
        return response
