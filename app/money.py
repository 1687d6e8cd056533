"""Money units: the one place that converts between major units, minor units and text.

BigCommerce sends and takes decimals in major units (``24.50`` dollars). Loop counts in
integers of minor units (``2450`` cents). How many minor units make a major one is the
currency's ISO 4217 exponent (JPY 0, USD 2, KWD 3): Babel's, save where CLDR departs from
ISO 4217. Amounts are ``Decimal`` or ``int`` here, never ``float``, and no conversion assumes
a factor of 100. An amount too large to convert exactly is a ``MoneyError``, never rounded.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP
from decimal import Context
from decimal import Decimal
from decimal import DivisionByZero
from decimal import InvalidOperation
from decimal import Overflow
from functools import cache
from functools import lru_cache

from babel.core import Locale
from babel.core import UnknownLocaleError
from babel.numbers import get_currency_precision
from babel.numbers import list_currencies

# Babel reads CLDR, which gives these currencies the decimals used in practice (none), not
# their ISO 4217 minor unit; Loop's minor units and the design follow ISO 4217 (list one).
ISO_4217_MINOR_UNITS = {
    "AFN": 2,
    "ALL": 2,
    "COP": 2,
    "HUF": 2,
    "IDR": 2,
    "IQD": 3,
    "IRR": 2,
    "KPW": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "RSD": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
}
# Every step uses this context, never the thread's own, which any caller may have changed.
# Past 28 digits an amount cannot be converted exactly, and is refused rather than rounded.
EXACT = Context(prec=28, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow])


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
    check_currency(currency)
    return ISO_4217_MINOR_UNITS.get(currency, get_currency_precision(currency))


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
    value, step = to_decimal(amount), quantum(currency)
    try:
        return value.quantize(step, rounding=ROUND_HALF_UP, context=EXACT)
    except InvalidOperation as error:
        raise MoneyError(f"{value} {currency} is too large to convert exactly") from error


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert major units to an integer of minor units (24.50 USD -> 2450, 3600 JPY -> 3600)."""
    rounded = round_major(to_decimal(amount), currency)
    # Exact: the rounded amount has at most the currency's decimals, so this only moves them.
    return int(rounded.scaleb(exponent(currency), context=EXACT))


def to_major(minor: int, currency: str) -> Decimal:
    """Convert an integer of minor units to major units (2450 USD -> 24.50, 7525 KWD -> 7.525)."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise MoneyError(f"{minor!r} is not an integer of minor units")
    # scaleb rounds only past EXACT's digits, and then the quantize is refused too.
    return round_major(Decimal(minor).scaleb(-exponent(currency), context=EXACT), currency)


def format_amount(amount: Decimal | int | str, currency: str, locale: str = "en_US") -> str:
    """Format major units for people, e.g. ``$24.50``, ``¥3,600``, ``KWD 7.525``."""
    # Keyed by the text, not the Decimal: -0.00 == 0.00, yet they are written differently.
    return _formatted(str(round_major(to_decimal(amount), currency)), currency, locale)


# A page shows the same few amounts again and again; Babel's formatting is the costly part.
@lru_cache(maxsize=4096)
def _formatted(rounded: str, currency: str, locale: str) -> str:
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError):  # unknown, or not even shaped like a locale
        parsed = Locale.parse("en_US")
    # The locale's pattern with the ISO 4217 decimals: Babel would write CLDR's, and show
    # 1,234.567 IQD as 1,235, a price the shopper is not charged.
    pattern = copy.copy(parsed.currency_formats["standard"])
    pattern.frac_prec = (exponent(currency), exponent(currency))
    return pattern.apply(Decimal(rounded), parsed, currency=currency, currency_digits=False)


def format_minor(minor: int, currency: str, locale: str = "en_US") -> str:
    """Format an integer of minor units for people."""
    return format_amount(to_major(minor, currency), currency, locale)
