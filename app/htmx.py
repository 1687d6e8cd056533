"""The only code that reads or writes htmx headers.

One URL may answer with a whole page or with the component that htmx swaps in. Only the
``HX-Request`` header decides which, and every such answer says ``Vary: HX-Request`` so no
cache hands a fragment to a full page load.
"""

from __future__ import annotations

from flask import Response
from flask import request


def is_htmx_request() -> bool:
    """Tell whether htmx sent this request (a history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def vary_on_htmx(response: Response) -> Response:
    """Mark a response as depending on the HX-Request header."""
    response.vary.add("HX-Request")
    return response


def refresh_page(response: Response) -> Response:
    """Ask htmx to reload the whole page (e.g. to pick up a fresh CSRF token)."""
    response.headers["HX-Refresh"] = "true"
    return response


def trigger_event(response: Response, event: str) -> Response:
    """Have htmx fire an event on the page once this response arrives (``HX-Trigger``)."""
    response.headers["HX-Trigger"] = event
    return response
