"""Liveness for load balancers and process managers."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer that this web worker is up (it does not call upstream services)."""
    return {"status": "ok"}
