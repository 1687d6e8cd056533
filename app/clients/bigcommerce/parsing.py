"""Reading BigCommerce JSON: required fields, amounts and lists, or BigCommerceInvalidResponse.

Amounts are ``Decimal`` in major units, as BigCommerce sends them. A missing or ill-typed field
the app relies on raises ``BigCommerceInvalidResponse`` rather than being guessed.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.money import MoneyError
from app.money import to_decimal

ZERO = Decimal(0)


def required(data: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """Return ``data[key]`` if it has the type asked for (a bool is no int), else raise."""
    if not isinstance(data, dict) or key not in data:
        raise BigCommerceInvalidResponse(f"{where}.{key} is missing")
    value = data[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BigCommerceInvalidResponse(f"{where}.{key} has the wrong type")
    if not isinstance(value, kind):
        raise BigCommerceInvalidResponse(f"{where}.{key} has the wrong type")
    return value


def amount(data: Any, key: str, where: str, default: Decimal | None = None) -> Decimal:
    """Return an amount (a JSON number) as a Decimal; ``default`` when it is absent or null."""
    if default is not None and (not isinstance(data, dict) or data.get(key) is None):
        return default
    try:
        return to_decimal(required(data, key, (Decimal, int), where))
    except MoneyError as error:
        raise BigCommerceInvalidResponse(f"{where}.{key}: {error}") from error


def list_of(data: Any, key: str, where: str) -> list:
    """Return a list field, empty when absent or null."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise BigCommerceInvalidResponse(f"{where}.{key} is not a list")
    return value


def v2_amount(data: Any, key: str, where: str, default: Decimal | None = None) -> Decimal:
    """Read a v2 amount: a string with four decimals ("69.8400"), or a number in fee fields."""
    if default is not None and (not isinstance(data, dict) or data.get(key) is None):
        return default
    try:
        return to_decimal(required(data, key, (str, Decimal, int), where))
    except MoneyError as error:
        raise BigCommerceInvalidResponse(f"{where}.{key}: {error}") from error


def v2_date(data: Any, key: str) -> datetime | None:
    """Read an optional v2 date (RFC 2822) as aware UTC; an unreadable one counts as absent."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # Only the direct push uses it, and Loop takes an order without it: an odd date must
        # not stop the order being read for payment.
        return None
    if when.tzinfo is None:  # "-0000", RFC 2822's unknown zone: v2 dates are always UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def optional_int(data: Any, key: str) -> int | None:
    """Read an integer that may be null or absent (a bool is not one)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
