"""Typed errors of the Loop Checkout+ client.

Every error carries the HTTP ``status`` (None when no response arrived) and Loop's
``X-Request-Id`` (None when no response arrived), which Loop support asks for.
"""

from __future__ import annotations


class LoopFailure(Exception):
    """What every Loop error carries: the HTTP status and Loop's X-Request-Id."""

    def __init__(
        self, message: str, status: int | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id


class LoopError(LoopFailure):
    """Something went wrong talking to Loop's Checkout+ API."""


class LoopUnavailable(LoopError):
    """Loop could not be reached, timed out (``timed_out``) or failed (5xx)."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        request_id: str | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(message, status, request_id)
        self.timed_out = timed_out


class LoopRateLimited(LoopError):
    """Loop answered 429; ``retry_after`` is the seconds its Retry-After header asked for."""

    def __init__(
        self,
        message: str,
        status: int | None = 429,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status, request_id)
        self.retry_after = retry_after


class LoopUnauthorized(LoopError):
    """Loop refused the API key (401): missing, unknown or without the Cart scope."""


class LoopRejected(LoopError):
    """Loop refused the request (400 or another 4xx); ``code`` is Loop's error code if sent."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        request_id: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, status, request_id)
        self.code = code


class LoopSessionNotFound(LoopError):
    """The session id is well-formed but this merchant has no such session (404)."""


class LoopInvalidResponse(LoopError):
    """Loop answered 2xx with something that is not the documented shape."""


class LoopRequestTooLarge(LoopError):
    """The analyze body stays over the size limit even with line titles trimmed."""


class LoopOrdersError(LoopFailure):
    """Something went wrong pushing an order to Loop's Orders API (the direct sync path).

    Apart from the Checkout+ errors above: a push runs in the background worker, whose queue
    only needs to know whether sending the same order again may succeed.
    """


class LoopOrdersUnavailable(LoopOrdersError):
    """Worth retrying: no answer, a timeout, 408/409/429, a 5xx or a 2xx Loop cannot have meant.

    ``retry_after`` is the seconds a 429's Retry-After header asked for (None otherwise).
    Retrying is safe because the push is an upsert keyed by the BigCommerce order id.
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status, request_id)
        self.retry_after = retry_after


class LoopOrdersRejected(LoopOrdersError):
    """Loop refused the order for good (401, 403, 400, 404, 422...); ``field`` names the spot."""

    def __init__(
        self,
        message: str,
        status: int | None,
        request_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, status, request_id)
        self.field = field
