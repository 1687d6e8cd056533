"""Preparing an analyze body: drop a malformed ``sessionId`` and keep the body under 1 MB.

The caller's dict is never changed; only the parts that change are copied.
"""

from __future__ import annotations

import logging
from typing import Any

from app.clients.http import encode_json
from app.clients.loop.errors import LoopRequestTooLarge
from app.clients.loop.models import is_session_id

log = logging.getLogger("app.clients.loop")

# Loop refuses bodies over 1 MB; a decimal megabyte stays clear of 1 MiB and of what an
# intermediary might count differently.
MAX_ANALYZE_BODY_BYTES = 1_000_000
# Titles are what merchants stuff (HTML, long variant names); Loop only echoes them in analytics.
TITLE_LIMITS = (64, 1)


def without_bad_session_id(request: dict[str, Any]) -> dict[str, Any]:
    """Return the request without ``sessionId`` if it is not well-formed (Loop would 400)."""
    if "sessionId" not in request or is_session_id(request["sessionId"]):
        return request
    # Not the value: a malformed id may be anything the caller had in its session store.
    log.info("Loop analyze: dropping a malformed sessionId; Loop will start a new session")
    return {key: value for key, value in request.items() if key != "sessionId"}


def fit(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Return the request to send and its encoded body, trimming line titles to fit the limit."""
    body = encode_json(request).encode("utf-8")
    for limit in TITLE_LIMITS:
        if len(body) <= MAX_ANALYZE_BODY_BYTES:
            break
        request = _with_short_titles(request, limit)
        body = encode_json(request).encode("utf-8")
        log.info("Loop analyze: line titles trimmed to %d characters to fit the size limit", limit)
    if len(body) > MAX_ANALYZE_BODY_BYTES:
        log.warning("Loop analyze not sent: %d bytes even with trimmed titles", len(body))
        raise LoopRequestTooLarge(
            f"analyze body of {len(body)} bytes exceeds {MAX_ANALYZE_BODY_BYTES} bytes"
        )
    return request, body


def _with_short_titles(request: dict[str, Any], limit: int) -> dict[str, Any]:
    """Return a copy of the request whose line titles are at most ``limit`` characters."""
    cart = request.get("cart")
    lines = cart.get("lines") if isinstance(cart, dict) else None
    if not isinstance(lines, list):
        return request
    return {**request, "cart": {**cart, "lines": [_short_title(line, limit) for line in lines]}}


def _short_title(line: Any, limit: int) -> Any:
    """Return the line with its title shortened, as a new dict only when it changes."""
    title = line.get("title") if isinstance(line, dict) else None
    if not isinstance(title, str) or len(title) <= limit:
        return line
    # Loop requires a non-empty title, so leading blanks must not use up the characters kept.
    return {**line, "title": (title.strip() or title)[:limit]}
