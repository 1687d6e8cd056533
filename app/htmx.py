"""The only code that reads or writes htmx headers.

One URL may answer with a whole page or with the component that htmx swaps in. Only the
``HX-Request`` header decides which, and every such answer says ``Vary: HX-Request`` so no
cache hands a fragment to a full page load.
"""

from __future__ import annotations

from flask import Response
from flask import redirect
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


def redirect_after_post(location: str) -> Response:
    """Send the browser to a new page after a post: a 303, or for htmx a full navigation.

    htmx would follow a 303 itself and swap the new page into the old one, so it is told to
    go there instead (``HX-Redirect``).
    """
    if is_htmx_request():
        response = Response(status=204)
        response.headers["HX-Redirect"] = location
    else:
        response = redirect(location, 303)
    return vary_on_htmx(response)
