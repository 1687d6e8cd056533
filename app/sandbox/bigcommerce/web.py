"""Helpers the API blueprints share: routing prefixes, state access, paging, dates."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import Blueprint
from flask import current_app
from flask import request

from .errors import invalid
from .state import StoreState

V3 = "/stores/<store_hash>/v3"
V2 = "/stores/<store_hash>/v2"
PAYMENTS = "/stores/<store_hash>"
STATE_KEY = "bigcommerce_state"
MAX_PAGE_SIZE = 250

F = TypeVar("F", bound=Callable[..., Any])


def api_blueprint(name: str, prefix: str) -> Blueprint:
    """A blueprint under an API prefix; the store hash is checked in auth, not in views."""
    bp = Blueprint(name, __name__, url_prefix=prefix)

    @bp.url_value_preprocessor
    def drop_store_hash(endpoint: str | None, values: dict[str, Any] | None) -> None:
        """Drop the store hash from view arguments; auth has checked it."""
        if values:
            values.pop("store_hash", None)

    return bp


def store() -> StoreState:
    """The state of the sandbox store serving this request."""
    return current_app.extensions[STATE_KEY]


def locked(view: F) -> F:
    """Run a view while holding the store lock, so each request sees consistent state."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """Call the view with the lock held."""
        with store().lock:
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def includes() -> set[str]:
    """The ``include`` query values, comma-separated or repeated."""
    values: set[str] = set()
    for raw in request.args.getlist("include"):
        values.update(part.strip() for part in raw.split(",") if part.strip())
    return values


def query_int(
    name: str, default: int | None = None, minimum: int = 1, maximum: int | None = None
) -> int | None:
    """Read an integer query parameter; 422 naming it when it is not a valid integer."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid({name: "must be an integer"}) from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise invalid({name: f"must be {limit}"})
    return value


def query_list(name: str) -> list[str]:
    """Read a comma-separated list query parameter (``id:in=1,2``)."""
    values: list[str] = []
    for raw in request.args.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values


def query_int_list(name: str) -> list[int]:
    """Read a comma-separated list of integers; 422 naming it when one is not an integer."""
    try:
        return [int(value) for value in query_list(name)]
    except ValueError:
        raise invalid({name: "must be a comma-separated list of integers"}) from None


def paginate(items: list[Any], default_limit: int = 50) -> tuple[list[Any], dict[str, Any]]:
    """Slice ``items`` by ``page``/``limit`` and build v3 ``meta.pagination``."""
    page = query_int("page", 1) or 1
    limit = query_int("limit", default_limit, maximum=MAX_PAGE_SIZE) or default_limit
    total = len(items)
    total_pages = max(1, math.ceil(total / limit))
    chunk = items[(page - 1) * limit : page * limit]
    links: dict[str, str] = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    pagination = {
        "total": total,
        "count": len(chunk),
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }
    return chunk, {"pagination": pagination}


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with an explicit offset, as v3 responses use (``2025-08-05T15:38:14+00:00``)."""
    return moment.isoformat()


def base_url() -> str:
    """The sandbox's own origin with a trailing slash, for links and image URLs."""
    return request.host_url
