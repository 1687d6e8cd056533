"""HTTP plumbing shared by the sandbox Loop's endpoints: CORS, request ids, errors, auth, limits."""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

import simplejson
from flask import Response
from flask import current_app
from flask import request

# Exactly the guide's table; the origin is echoed, or * when the request sent none.
CORS_ALLOW_METHODS = "GET, POST, OPTIONS"
CORS_ALLOW_HEADERS = "Content-Type, Authorization, X-Authorization"
CORS_MAX_AGE = "86400"

ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable_entity",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}
# The Orders API's general error shape names each status like this.
ORDERS_HTTP_CODES = {
    400: "GEN-BAD-REQUEST",
    401: "GEN-UNAUTHORIZED",
    422: "GEN-UNPROCESSABLE",
    429: "GEN-TOO-MANY-REQUESTS",
}
# A fault-injected 429 has no real window behind it; one second keeps demos moving.
FAULT_RETRY_AFTER_SECONDS = 1


class LoopApiError(Exception):
    """An error answered in the Checkout+ shape ``{"error": code, "message": ...}``."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class OrdersApiError(Exception):
    """An error answered in the Orders API shape ``{"error": {code, http_code, message}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


def new_request_id() -> str:
    """Return a fresh, unique request id."""
    return "req_" + uuid.uuid4().hex


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """Serialize with the app's Decimal-exact JSON provider."""
    response = current_app.json.response(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def loop_error(status: int, code: str | None = None, message: str | None = None) -> Response:
    """Build a Checkout+ error response; the after-request hook adds CORS and the request id."""
    code = code or error_code(status)
    body = {"error": code, "message": message or default_message(status)}
    headers = {"Retry-After": str(FAULT_RETRY_AFTER_SECONDS)} if status == 429 else {}
    return json_response(body, status, headers)


def orders_error(error: OrdersApiError) -> Response:
    """Build an Orders API error response."""
    body: dict[str, Any] = {
        "error": {
            "code": str(error.status),
            "http_code": ORDERS_HTTP_CODES.get(error.status, f"GEN-{error.status}"),
            "message": error.message,
        }
    }
    if error.field is not None:
        body["errors"] = {error.field: [error.message]}
    return json_response(body, error.status, error.headers)


def fault_response(status: int) -> Response:
    """Answer a fault from the sandbox framework the way Loop answers errors."""
    response = loop_error(status)
    add_cors_and_request_id(response)
    return response


def error_code(status: int) -> str:
    """Return the ``error`` code used for an HTTP status."""
    return ERROR_CODES.get(status, "client_error" if status < 500 else "server_error")


def default_message(status: int) -> str:
    """Return a human message for an HTTP status."""
    if status == 429:
        return "Too many requests. Retry after the time in the Retry-After header."
    if status >= 500:
        return "Loop could not process the request. Retry later."
    return "The request could not be processed."


def add_cors_and_request_id(response: Response) -> Response:
    """Put the guide's CORS headers and an ``X-Request-Id`` on a response (idempotent)."""
    origin = request.headers.get("Origin")
    response.headers["Access-Control-Allow-Origin"] = origin or "*"
    response.headers["Access-Control-Allow-Methods"] = CORS_ALLOW_METHODS
    response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    if origin:
        response.vary.add("Origin")
    if "X-Request-Id" not in response.headers:
        response.headers["X-Request-Id"] = new_request_id()
    return response


def read_json_body(max_bytes: int | None = None) -> Any:
    """Decode the request body as JSON; raise ``LoopApiError`` 400 when too large or malformed."""
    if max_bytes is not None and (request.content_length or 0) > max_bytes:
        raise LoopApiError(400, "invalid_request", "Request body too large")
    data = request.get_data(cache=True)
    # The header may be absent (chunked upload) or wrong, so the bytes themselves count too.
    if max_bytes is not None and len(data) > max_bytes:
        raise LoopApiError(400, "invalid_request", "Request body too large")
    try:
        return simplejson.loads(data, use_decimal=True)
    except (ValueError, RecursionError):
        raise LoopApiError(400, "invalid_request", "Request body is not valid JSON") from None


class RateLimiter:
    """A sliding-window request counter per API key."""

    def __init__(
        self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        """Count one request; return None when allowed, else whole seconds until one is."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window_seconds - now))
            hits.append(now)
            return None

    def clear(self) -> None:
        """Forget every counted request."""
        with self._lock:
            self._hits.clear()
