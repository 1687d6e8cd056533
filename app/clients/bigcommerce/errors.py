"""Typed errors of the BigCommerce client."""

from __future__ import annotations


class BigCommerceError(Exception):
    """Something went wrong talking to BigCommerce."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BigCommerceUnavailable(BigCommerceError):
    """BigCommerce could not be reached, timed out, rate-limited us or failed (5xx)."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status)
        self.retry_after = retry_after


class BigCommerceNotFound(BigCommerceError):
    """The cart, checkout or order does not exist (or no longer does)."""


class BigCommerceRejected(BigCommerceError):
    """BigCommerce refused the request (4xx); ``errors`` maps fields to what is wrong."""

    def __init__(self, message: str, status: int, errors: dict[str, str] | None = None) -> None:
        super().__init__(message, status)
        self.errors = errors or {}


class BigCommerceInvalidResponse(BigCommerceError):
    """BigCommerce answered with something that is not the documented shape."""


class PaymentRejected(BigCommerceRejected):
    """The Payments API refused a payment (4xx); ``code`` is its error code, e.g. 30101."""

    def __init__(
        self,
        message: str,
        status: int,
        code: int | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, status, errors)
        self.code = code


class PaymentDeclined(PaymentRejected):
    """The card was declined; the message (also ``shopper_message``) is safe to show."""

    def __init__(
        self,
        message: str,
        status: int,
        code: int | None = None,
        decline_code: str | None = None,
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, status, code, errors)
        self.decline_code = decline_code
        self.shopper_message = message
