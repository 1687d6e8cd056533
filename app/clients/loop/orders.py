"""Loop's Orders API (the direct sync path): upsert one order, keyed by its ``external_id``.

``PUT {base}/orders`` creates the order or replaces the one with the same ``external_id``, so
sending the same order again is always safe. Errors say only whether a retry may help
(``LoopOrdersUnavailable``) or not (``LoopOrdersRejected``); they and the log lines carry
Loop's ``X-Request-Id`` and never the API key, a header or the order body.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests

from app.clients.http import build_session
from app.clients.http import check_client_settings
from app.clients.http import decode_json
from app.clients.http import encode_json
from app.clients.loop.client import _retry_after
from app.clients.loop.errors import LoopOrdersError
from app.clients.loop.errors import LoopOrdersRejected
from app.clients.loop.errors import LoopOrdersUnavailable

log = logging.getLogger("app.clients.loop.orders")

ORDERS_PATH = "/orders"
# Without it Loop answers ids as JSON integers; a string id survives any JSON reader.
ID_TYPE_HEADER = "X-Loop-Global-Identifier-Type"
# A healthy connect takes milliseconds; a worker need not wait long to learn Loop is away.
CONNECT_TIMEOUT = 3.0
# Loop's error messages go into our exceptions and logs; keep a runaway one short.
MESSAGE_LIMIT = 200
# Statuses that describe the moment rather than the order: the same push may succeed later.
TRANSIENT = frozenset({408, 409, 425, 429})
REDACTED = "<redacted>"


@dataclass(frozen=True)
class LoopOrderReceipt:
    """Loop's answer to an upsert: its own order id and the ``external_id`` it is filed under."""

    id: str
    external_id: str


class LoopOrdersClient:
    """Upsert orders with an Orders-scoped API key, each call within ``timeout`` seconds a read."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        check_client_settings(api_key, timeout)
        self._url = base_url.rstrip("/") + ORDERS_PATH
        self._key = api_key
        self._timeout = timeout
        self._session = session or build_session()

    def upsert(self, order: dict[str, Any]) -> LoopOrderReceipt:
        """Create or replace the order with this ``external_id``; return Loop's receipt."""
        external_id = order.get("external_id")
        if not isinstance(external_id, str) or not external_id:
            raise ValueError("the order needs its external_id as a non-empty string")
        headers = {
            "X-Authorization": self._key,
            "Accept": "application/json",
            "Content-Type": "application/json",
            ID_TYPE_HEADER: "string",
        }
        try:
            response = self._session.put(
                self._url,
                data=encode_json(order).encode("utf-8"),
                headers=headers,
                timeout=(min(CONNECT_TIMEOUT, self._timeout), self._timeout),
                # requests keeps custom headers on redirect: X-Authorization would follow it.
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise self._failed(
                external_id, LoopOrdersUnavailable(f"timed out after {self._timeout:g} s")
            ) from error
        except requests.RequestException as error:
            message = f"unreachable: {type(error).__name__}"
            raise self._failed(external_id, LoopOrdersUnavailable(message)) from error
        return self._read(external_id, response)

    def _read(self, external_id: str, response: requests.Response) -> LoopOrderReceipt:
        """Return the receipt of a 2xx, or raise the typed error for the status."""
        status = response.status_code
        request_id = response.headers.get("X-Request-Id")
        if 200 <= status < 300:
            try:
                return _receipt(decode_json(response.content), external_id)
            except (ValueError, RecursionError) as problem:
                # The upsert may well have landed; sending it again is harmless and tells.
                message = f"{status} with an invalid body: {problem}"
                error = LoopOrdersUnavailable(message, status, request_id)
                raise self._failed(external_id, error) from None
        detail, field = _error_body(response.content)
        message = " ".join(filter(None, (str(status), self._scrub(detail))))
        failure: LoopOrdersError
        if status >= 500 or status in TRANSIENT:
            retry_after = (
                _retry_after(response.headers.get("Retry-After")) if status == 429 else None
            )
            failure = LoopOrdersUnavailable(message, status, request_id, retry_after)
        elif status >= 400:
            failure = LoopOrdersRejected(message, status, request_id, field)
        else:  # a redirect (never followed: the key would go with it) or 1xx: a wrong URL
            failure = LoopOrdersRejected(f"unexpected status {status}", status, request_id)
        raise self._failed(external_id, failure)

    def _scrub(self, text: str) -> str:
        """Remove the key from text Loop sent back, should it ever echo it."""
        return text.replace(self._key, REDACTED)

    @staticmethod
    def _failed(external_id: str, error: LoopOrdersError) -> LoopOrdersError:
        """Log a failed upsert with Loop's request id and return the error to raise."""
        # A refused key or payload needs a person; anything else the queue retries.
        level = logging.ERROR if isinstance(error, LoopOrdersRejected) else logging.WARNING
        log.log(
            level,
            "Loop order upsert failed for order %s: %s (X-Request-Id %s)",
            external_id,
            error,
            error.request_id,
        )
        return error


def _receipt(data: Any, external_id: str) -> LoopOrderReceipt:
    """Read ``{"order": {"id", "external_id"}}``; raise ValueError when it is not that."""
    order = data.get("order") if isinstance(data, dict) else None
    if not isinstance(order, dict):
        raise ValueError("no order object")
    loop_id = order.get("id")
    # Ids are strings on request, but Loop's default is an integer: take either.
    if isinstance(loop_id, bool) or not isinstance(loop_id, str | int) or loop_id == "":
        raise ValueError("order.id is missing or not an id")
    echoed = order.get("external_id", external_id)
    if echoed != external_id:
        raise ValueError("order.external_id is not the one sent")
    return LoopOrderReceipt(id=str(loop_id), external_id=external_id)


def _error_body(content: bytes) -> tuple[str, str | None]:
    """Return Loop's error message and the field it names, from any error shape; never raise."""
    try:
        payload = decode_json(content)
    except (ValueError, RecursionError):
        return "", None
    if not isinstance(payload, dict):
        return "", None
    error, errors = payload.get("error"), payload.get("errors")
    message: Any = None
    if isinstance(error, dict):  # {"error": {"code", "http_code", "message"}}
        message = error.get("message")
    elif isinstance(error, str):  # {"error": "code", "message": "..."}
        message = payload.get("message") or error
    field = None
    if isinstance(errors, dict) and errors:  # {"errors": {"fees.0.amount": ["..."]}}
        field = str(next(iter(errors)))
    elif isinstance(errors, str) and not message:  # {"errors": "Unauthorized."}
        message = errors
    message = message[:MESSAGE_LIMIT] if isinstance(message, str) else ""
    return message, field
