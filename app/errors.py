"""Error pages: every failure answers with a page a shopper can act on, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask
from flask import Response
from flask import flash
from flask import render_template
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from app.clients.bigcommerce import BigCommerceError
from app.htmx import is_htmx_request
from app.htmx import refresh_page
from app.htmx import vary_on_htmx
from app.text import N_

log = logging.getLogger(__name__)

# What a shopper is told for each status; the view may pass a more specific message.
# (Marked here, said in the shopper's language by the error page's t filter.)
MESSAGES = {
    400: (
        N_("Something in that request was not right"),
        N_("Go back, check what you entered and try again."),
    ),
    404: (N_("We couldn't find that page"), N_("Check the address, or go back to the store.")),
    405: (N_("That action isn't available here"), N_("Go back and use the buttons on the page.")),
    413: (N_("That request was too large"), N_("Shorten what you typed and try again.")),
    429: (
        N_("Too many changes in a short time"),
        N_(
            "To keep the store fast for everyone, please wait a minute, then try again. "
            "What you saved before is kept."
        ),
    ),
    500: (N_("Something went wrong on our side"), N_("Please try again in a moment.")),
    503: (
        N_("Checkout is briefly unavailable"),
        N_("The store is not answering right now. Please try again in a moment."),
    ),
}


def error_page(status: int, title: str | None = None, message: str | None = None) -> Response:
    """Render the error page with a status and, optionally, a specific title and message."""
    default_title, default_message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    body = render_template(
        "errors/error.html",
        status=status,
        title=title or default_title,
        message=message or default_message,
    )
    response = Response(body, status=status)
    if status == 503:
        response.headers["Retry-After"] = "5"
    return vary_on_htmx(response)


def refusal(status: int) -> Response:
    """Refuse a whole request: the error page, or for htmx a reload that shows the message.

    htmx swaps no 4xx but 422, so its answer would show nothing: the reloaded page carries the
    message at the top instead.
    """
    if not is_htmx_request():
        return error_page(status)
    title, message = MESSAGES[status]
    # Translators: an error page's title and message, said in one line at the top of the page.
    flash(gettext("%(title)s. %(message)s", title=gettext(title), message=gettext(message)))
    return vary_on_htmx(refresh_page(Response(status=status)))


def register_error_handlers(app: Flask) -> None:
    """Answer HTTP errors, CSRF failures and upstream outages with pages."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Response:
        response = error_page(
            400,
            gettext("This page has expired"),
            gettext(
                "For your security the form timed out. Reload the page and try again; "
                "nothing was changed."
            ),
        )
        # htmx cannot swap a fresh token in; a full reload fetches one.
        return refresh_page(response) if is_htmx_request() else response

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded) -> Response:
        response = refusal(429)
        response.headers["Retry-After"] = str(error.limit.limit.get_expiry())
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return refusal(status) if status == 413 else error_page(status)

    @app.errorhandler(BigCommerceError)
    def bigcommerce_failed(error: BigCommerceError) -> Response:
        log.warning("BigCommerce failure: %s (%s)", error, type(error).__name__)
        return error_page(503)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError) -> Response:
        log.error("Unhandled error", exc_info=error.original_exception)
        return error_page(500)
