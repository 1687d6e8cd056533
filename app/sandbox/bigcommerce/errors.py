"""BigCommerce's error bodies (v3, v2 and Payments) and the sandbox's error plumbing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from flask import request
from werkzeug.exceptions import HTTPException

STATUS_DOC = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
CONFLICT_TITLE = (
    "The request cannot be processed due to a possible conflict. "
    "Please review the changes and try again."
)
TITLES = {
    400: "Input is invalid",
    401: "No valid credentials were found in this request",
    403: "You don't have a required scope to access the endpoint",
    404: "The requested resource was not found",
    405: "The requested method is not allowed for this resource",
    409: CONFLICT_TITLE,
    415: "Unsupported Media Type",
    422: "JSON data is missing or invalid",
    429: "Too many requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error answer, raised from anywhere inside a request and rendered by the app."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        """Keep the status, body and extra headers of the answer."""
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def title_for(status: int) -> str:
    """The standard title for an HTTP status."""
    return TITLES.get(status, "Error")


def v3_body(
    status: int, title: str | None = None, detail: str | None = None, errors: Any = None
) -> dict[str, Any]:
    """A v3 error body ``{status, title, type, detail?, errors}``."""
    body: dict[str, Any] = {
        "status": status,
        "title": title or title_for(status),
        "type": STATUS_DOC,
    }
    if detail:
        body["detail"] = detail
    body["errors"] = {} if errors is None else errors
    return body


def v3_error(
    status: int, title: str | None = None, detail: str | None = None, errors: Any = None
) -> ApiError:
    """An ApiError with a v3 body."""
    return ApiError(status, v3_body(status, title, detail, errors))


def not_found(detail: str) -> ApiError:
    """A v3 404 naming what was not found."""
    return v3_error(404, detail=detail)


def invalid(errors: dict[str, str], title: str | None = None) -> ApiError:
    """A v3 422 whose ``errors`` names each invalid field (and ``detail`` the first)."""
    first_field, first_message = next(iter(errors.items()))
    return v3_error(422, title, detail=f"{first_field}: {first_message}", errors=errors)


def conflict() -> ApiError:
    """The 409 BigCommerce answers when a request's ``version`` is stale."""
    return ApiError(409, {"status": 409, "title": CONFLICT_TITLE, "type": STATUS_DOC})


def v2_body(status: int, message: str | None = None) -> list[dict[str, Any]]:
    """A v2 error body: a JSON array of ``{status, message}``."""
    return [{"status": status, "message": message or title_for(status)}]


def v2_error(status: int, message: str | None = None) -> ApiError:
    """An ApiError with a v2 body."""
    return ApiError(status, v2_body(status, message))


def payments_body(
    status: int,
    title: str,
    code: int | None = None,
    detail: str | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A Payments API error body ``{status, title, type, detail, code, errors}``."""
    body: dict[str, Any] = {"status": status, "title": title, "type": STATUS_DOC}
    if detail:
        body["detail"] = detail
    if code is not None:
        body["code"] = code
    body["errors"] = errors or {}
    return body


def payments_error(
    status: int,
    title: str,
    code: int | None = None,
    detail: str | None = None,
    errors: dict[str, str] | None = None,
) -> ApiError:
    """An ApiError with a Payments API body."""
    return ApiError(status, payments_body(status, title, code, detail, errors))


def api_family(path: str) -> str:
    """Tell which error format a path uses: "v2", "payments" or "v3"."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[0] == "stores":
        if parts[2] == "v2":
            return "v2"
        if parts[2] == "payments":
            return "payments"
    return "v3"


def body_for(status: int, message: str | None = None) -> Any:
    """The error body for a status in the current request's API family."""
    family = api_family(request.path)
    if family == "v2":
        return v2_body(status, message)
    if family == "payments":
        return payments_body(status, title_for(status), detail=message)
    return v3_body(status, detail=message)


def render(error: ApiError) -> Response:
    """Turn an ApiError into a JSON response."""
    response = jsonify(error.body)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def register_error_handlers(app: Flask) -> None:
    """Answer ApiError and routing errors (404, 405, ...) in BigCommerce's JSON formats."""
    app.register_error_handler(ApiError, render)

    def http_error(error: HTTPException) -> Response:
        """Render a routing error (404, 405, ...) in the path's error format."""
        status = error.code or 500
        return render(ApiError(status, body_for(status)))

    app.register_error_handler(HTTPException, http_error)
