"""Money units: the one place that converts between major units, minor units and text.

BigCommerce sends and takes decimals in major units (``24.50`` dollars). Loop counts in
integers of minor units (``2450`` cents). How many minor units make a major one is the
currency's ISO 4217 exponent (JPY 0, USD 2, KWD 3), which Babel knows. Amounts are
``Decimal`` or ``int`` here, never ``float``, and no conversion assumes a factor of 100.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from functools import cache
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.numbers import format_currency
from babel.numbers import get_currency_precision
from babel.numbers import list_currencies


class MoneyError(ValueError):
    """An amount or currency that cannot be used as money."""


@cache
def known_currencies() -> frozenset[str]:
    """Return the ISO 4217 codes Babel knows."""
    return frozenset(list_currencies())


def is_currency(code: object) -> bool:
    """Tell whether a value is an ISO 4217 code Babel knows."""
    return isinstance(code, str) and len(code) == 3 and code in known_currencies()


def check_currency(code: str) -> str:
    """Return an ISO 4217 code unchanged, or raise MoneyError if it is not one."""
    if not is_currency(code):
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code")
    return code


@lru_cache(maxsize=512)
def exponent(currency: str) -> int:
    """Return how many decimal places the currency's minor unit has (USD 2, JPY 0, KWD 3)."""
    return get_currency_precision(check_currency(currency))


@lru_cache(maxsize=512)
def quantum(currency: str) -> Decimal:
    """Return the smallest amount of the currency in major units (0.01 for USD, 1 for JPY)."""
    return Decimal(1).scaleb(-exponent(currency))


def to_decimal(value: object) -> Decimal:
    """Read an amount that arrived as a JSON number or string into a Decimal."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise MoneyError(f"{value!r} is not an amount")
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise MoneyError(f"{value!r} is not an amount") from error
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    return amount


def round_major(amount: Decimal, currency: str) -> Decimal:
    """Round an amount in major units to the currency's minor unit, half away from zero."""
    return to_decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert major units to an integer of minor units (24.50 USD -> 2450, 3600 JPY -> 3600)."""
    rounded = round_major(to_decimal(amount), currency)
    return int(rounded.scaleb(exponent(currency)))


def to_major(minor: int, currency: str) -> Decimal:
    """Convert an integer of minor units to major units (2450 USD -> 24.50, 7525 KWD -> 7.525)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise MoneyError(f"{minor!r} is not an integer of minor units")
    return Decimal(minor).scaleb(-exponent(currency)).quantize(quantum(currency))


def format_amount(amount: Decimal | int | str, currency: str, locale: str = "en_US") -> str:
    """Format major units for people, e.g. ``$24.50``, ``¥3,600``, ``KWD 7.525``."""
    # Keyed by the text, not the Decimal: -0.00 == 0.00, yet they are written differently.
    return _formatted(str(round_major(to_decimal(amount), currency)), currency, locale)


# A page shows the same few amounts again and again; Babel's formatting is the costly part.
@lru_cache(maxsize=4096)
def _formatted(rounded: str, currency: str, locale: str) -> str:
    try:
        return format_currency(Decimal(rounded), currency, locale=locale)
    except UnknownLocaleError:
        return format_currency(Decimal(rounded), currency, locale="en_US")


def format_minor(minor: int, currency: str, locale: str = "en_US") -> str:
    """Format an integer of minor units for people."""
    return format_amount(to_major(minor, currency), currency, locale)
