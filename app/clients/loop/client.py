"""Loop's Checkout+ API (analyze and session) over one pooled requests session.

Each call has a total time budget: checkout must never wait on Loop for longer than that,
retry included. Failures are logged with Loop's ``X-Request-Id``; the API key, headers and
request bodies never are.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from typing import TypeVar

import requests

from app.clients.http import build_session
from app.clients.http import check_client_settings
from app.clients.http import decode_json
from app.clients.http import encode_json
from app.clients.loop.errors import LoopError
from app.clients.loop.errors import LoopInvalidResponse
from app.clients.loop.errors import LoopRateLimited
from app.clients.loop.errors import LoopRejected
from app.clients.loop.errors import LoopSessionNotFound
from app.clients.loop.errors import LoopUnauthorized
from app.clients.loop.errors import LoopUnavailable
from app.clients.loop.models import SESSION_ID_FORMAT
from app.clients.loop.models import Offer
from app.clients.loop.models import SessionState
from app.clients.loop.models import is_session_id
from app.clients.loop.payload import fit
from app.clients.loop.payload import without_bad_session_id

log = logging.getLogger("app.clients.loop")

ANALYZE_PATH = "/v1/analyze"
SESSION_PATH = "/v1/session/"
# A healthy connect is a few milliseconds; the rest of the budget is for Loop to answer.
CONNECT_TIMEOUT = 0.5
# Loop's error messages go into our exceptions and logs; keep a runaway one short.
MESSAGE_LIMIT = 200

T = TypeVar("T")


class LoopClient:
    """Call Checkout+ with a Cart-scoped API key, each call within ``timeout`` seconds in total."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        check_client_settings(api_key, timeout)
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._timeout = timeout
        self._session = session or build_session()

    def analyze(self, request: dict[str, Any]) -> Offer:
        """Send a cart (a ``POST /v1/analyze`` body) and return Loop's offer for it."""
        deadline = time.monotonic() + self._timeout
        payload, body = fit(without_bad_session_id(request))
        try:
            return self._call("POST", ANALYZE_PATH, "analyze", deadline, Offer.parse, body)
        except LoopSessionNotFound:
            if "sessionId" not in payload:
                raise
            # The session was evicted or made under another key: start a new one. cartId stays,
            # so Loop can still find the cart's session if it has one.
            log.info("Loop analyze: sessionId unknown to Loop, retrying once without it")
            retry = {key: value for key, value in payload.items() if key != "sessionId"}
            body = encode_json(retry).encode("utf-8")
            return self._call("POST", ANALYZE_PATH, "analyze", deadline, Offer.parse, body)

    def get_session(self, session_id: str) -> SessionState:
        """Return an offer session's latest state without re-analyzing its cart."""
        if not is_session_id(session_id):
            log.info("Loop session not requested: the session id is malformed")
            raise LoopRejected(f"session id must match {SESSION_ID_FORMAT}", code="invalid_request")
        deadline = time.monotonic() + self._timeout
        path = SESSION_PATH + session_id
        return self._call("GET", path, "session", deadline, SessionState.parse)

    def _call(
        self,
        method: str,
        path: str,
        what: str,
        deadline: float,
        parse: Callable[[Any], T],
        body: bytes | None = None,
    ) -> T:
        """Send one request within what is left of the budget; return the parsed 2xx body."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            log.warning("Loop %s not sent: the %.2f s budget is spent", what, self._timeout)
            raise LoopUnavailable(f"Loop {what} timed out", timed_out=True)
        headers = {"X-Authorization": self._key, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self._session.request(
                method,
                self._base + path,
                data=body,
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, remaining), remaining),
                # requests keeps custom headers on redirect: X-Authorization would follow it.
                allow_redirects=False,
            )
        except requests.Timeout as error:
            log.warning("Loop %s timed out (budget %.2f s)", what, self._timeout)
            raise LoopUnavailable(f"Loop {what} timed out", timed_out=True) from error
        except requests.RequestException as error:
            log.warning("Loop %s failed: %s", what, type(error).__name__)
            raise LoopUnavailable(f"Loop {what} unreachable: {type(error).__name__}") from error
        return self._read(what, response, parse)

    def _read(self, what: str, response: requests.Response, parse: Callable[[Any], T]) -> T:
        """Parse a 2xx body, or raise the typed error for the status."""
        status = response.status_code
        request_id = response.headers.get("X-Request-Id")
        if 200 <= status < 300:
            try:
                data = decode_json(response.content)
            except (ValueError, RecursionError):
                message = f"{status} with a body that is not JSON"
                raise _failed(what, LoopInvalidResponse(message, status, request_id)) from None
            try:
                return parse(data)
            except LoopInvalidResponse as problem:
                message = f"{status} with an invalid body: {problem}"
                raise _failed(what, LoopInvalidResponse(message, status, request_id)) from None
        code, detail = _error_body(response.content)
        message = " ".join(filter(None, (str(status), code, detail)))
        error: LoopError
        if status == 401:
            error = LoopUnauthorized(message, status, request_id)
        elif status == 429:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            error = LoopRateLimited(message, status, request_id, retry_after)
        elif status >= 500:
            error = LoopUnavailable(message, status, request_id)
        elif status == 404 and code == "session_not_found":
            error = LoopSessionNotFound(message, status, request_id)
        elif status >= 400:
            error = LoopRejected(message, status, request_id, code)
        else:  # 1xx or a redirect: not something Checkout+ answers
            error = LoopInvalidResponse(f"unexpected status {status}", status, request_id)
        raise _failed(what, error)


def _failed(what: str, error: LoopError) -> LoopError:
    """Log a failed call with Loop's request id and return the error to raise."""
    if isinstance(error, LoopUnauthorized):
        level = logging.ERROR  # the key is wrong or lacks the Cart scope: someone must act
    elif isinstance(error, LoopSessionNotFound):
        level = logging.INFO  # an evicted session is routine; analyze recovers from it
    else:
        level = logging.WARNING
    log.log(level, "Loop %s failed: %s (X-Request-Id %s)", what, error, error.request_id)
    return error


def _error_body(content: bytes) -> tuple[str | None, str]:
    """Return Loop's error code and message from any error shape it uses; never raise."""
    try:
        payload = decode_json(content)
    except (ValueError, RecursionError):
        return None, ""
    if not isinstance(payload, dict):
        return None, ""
    error = payload.get("error")
    if isinstance(error, dict):  # {"error": {"code": ..., "message": ...}}
        code, message = error.get("code"), error.get("message")
    else:  # {"error": "code", "message": "..."} or {"errors": "..."}
        code, message = error, payload.get("message")
    if not isinstance(message, str):
        message = payload.get("errors")
    code = code if isinstance(code, str) and code else None
    message = message[:MESSAGE_LIMIT] if isinstance(message, str) else ""
    return code, message


def _retry_after(value: str | None) -> float | None:
    """Return a Retry-After header in seconds (it may be seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
