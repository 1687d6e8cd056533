"""``GET /metrics``: HTTP in, the scrape out, for a bearer of CHECKOUT_METRICS_TOKEN or the admin.

It lives beside ``app/metrics/`` rather than in it: it signs in with the admin's credential,
and the admin sits above the checkout, which counts into ``app/metrics``.
"""

from __future__ import annotations

import hmac

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from werkzeug.datastructures import Authorization

from app.admin.auth import CHALLENGE as ADMIN_CHALLENGE
from app.admin.auth import is_admin
from app.metrics.exposition import scrape

bp = Blueprint("metrics", __name__)
BEARER_CHALLENGE = 'Bearer realm="Checkout+ metrics"'
TEXT = "text/plain; charset=utf-8"
OFF = (
    "Metrics are off: set CHECKOUT_METRICS_TOKEN (and scrape with Authorization: Bearer <token>) "
    "or CHECKOUT_ADMIN_PASSWORD to serve them.\n"
)
REFUSED = (
    "Metrics need a credential: Authorization: Bearer <CHECKOUT_METRICS_TOKEN>, or the admin's "
    "user name and password.\n"
)


@bp.get("/metrics")
def metrics() -> Response:
    """Serve every metric in Prometheus' text format to a scraper with its credential."""
    settings = current_app.config["SETTINGS"]
    token, password = settings.metrics_token, settings.admin_password
    if token is None and password is None:
        return _private(Response(OFF, 404, content_type=TEXT))
    if not may_scrape(request.authorization, token, password):
        refused = Response(REFUSED, 401, content_type=TEXT)
        for challenge in challenges(token, password):
            refused.headers.add("WWW-Authenticate", challenge)
        return _private(refused)
    jobs = current_app.extensions["sync_queue"].jobs
    body, content_type = scrape(jobs, request.headers.get("Accept"))
    return _private(Response(body, 200, content_type=content_type))


def may_scrape(
    authorization: Authorization | None, token: str | None, admin_password: str | None
) -> bool:
    """Tell whether the request carries the metrics token or the admin's Basic credentials."""
    bearer = authorization is not None and authorization.type == "bearer"
    given = (authorization.token or "") if bearer else ""
    # Compared in constant time, and only against a token that is set.
    token_ok = token is not None and bearer and hmac.compare_digest(given.encode(), token.encode())
    return token_ok or (admin_password is not None and is_admin(authorization, admin_password))


def challenges(token: str | None, admin_password: str | None) -> list[str]:
    """Return the ways a refused scraper may sign in (WWW-Authenticate values)."""
    ways = [BEARER_CHALLENGE] if token else []
    return ways + ([ADMIN_CHALLENGE] if admin_password else [])


def _private(response: Response) -> Response:
    """Keep every answer of /metrics, refusals included, out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response
