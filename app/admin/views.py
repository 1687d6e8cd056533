"""The admin page: HTTP in, the admin report, page out; every request needs the credential."""

from __future__ import annotations

import json

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app.admin.auth import CHALLENGE
from app.admin.auth import is_admin
from app.admin.filters import percentage
from app.admin.filters import thousands
from app.admin.filters import utc_time
from app.admin.report import AdminReport
from app.checkout_plus.reasons import reason_words
from app.errors import error_page
from app.sync.queue import RetryRefused

bp = Blueprint("admin", __name__, url_prefix="/admin/checkout-plus")
bp.add_app_template_filter(utc_time)
bp.add_app_template_filter(percentage)
bp.add_app_template_filter(thousands)
bp.add_app_template_filter(reason_words)


def _report() -> AdminReport:
    """Return the app's admin report (built with the app's services)."""
    return current_app.extensions["admin_report"]


@bp.before_request
def require_admin() -> Response | None:
    """Refuse any request without the admin's user name and password (401)."""
    if is_admin(request.authorization, current_app.config["SETTINGS"].admin_password):
        return None
    response = error_page(
        401,
        "Sign in to see the Checkout+ admin page",
        "Use the user name admin and the password set in CHECKOUT_ADMIN_PASSWORD.",
    )
    response.headers["WWW-Authenticate"] = CHALLENGE
    return response


@bp.after_app_request
def keep_private(response: Response) -> Response:
    """Keep admin answers out of caches and search engines (refusals and 404s included)."""
    if request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("")
def page() -> tuple[str, int]:
    """Show every panel, with the lookups the query string asks for."""
    report = _report()
    # An empty field is no lookup: the form was sent without a value.
    session_id, search = request.args.get("session_id", ""), request.args.get("search", "")
    order_id = request.args.get("order_id", "")
    session = report.session(session_id) if session_id.strip() else None
    analyses = report.analyses(search)
    order = report.order(order_id) if order_id.strip() else None
    lookups = [lookup for lookup in (session, analyses, order) if lookup is not None]
    body = render_template(
        "admin/page.html",
        session=session,
        analyses=analyses,
        attach=report.attach_rate(),
        jobs=report.jobs(),
        order=order,
    )
    return body, max(lookup.status for lookup in lookups)


@bp.get("/decisions.jsonl")
def decisions_export() -> Response:
    """Download every decision with its consent evidence as JSON lines, oldest first."""
    # Streamed: the log can be long. The lines need no request context, so none is kept open.
    lines = (json.dumps(decision) + "\n" for decision in _report().decisions())
    response = Response(lines, mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = "attachment; filename=checkout-plus-decisions.jsonl"
    return response


@bp.post("/jobs/<job_id>/retry")
def retry_job(job_id: str) -> Response:
    """Queue a failed sync job again, then show the page with a message (PRG)."""
    try:
        job = _report().retry(job_id)
    except RetryRefused as refusal:
        if refusal.state is None:
            return error_page(
                404,
                "There is no such sync job",
                "Go back to the admin page and reload it to see the jobs as they are now.",
            )
        return error_page(
            409,
            f"That sync job is {refusal.state}, not failed",
            "Only a failed job can be retried. Reload the admin page to see it as it is now.",
        )
    flash(f"The sync job of order {job.order_id} is queued again.")
    return redirect(url_for("admin.page", _anchor="admin-jobs"), 303)
