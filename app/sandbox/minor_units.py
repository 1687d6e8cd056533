"""The sandboxes' own money arithmetic: ISO 4217 minor units, written out apart from app.money.

The sandboxes stand in for BigCommerce and Loop, so they must not borrow the checkout's
conversions: a mistake in ``app.money`` would then be made on both sides of every test and
hide. This table is ISO 4217's list of current currencies, typed in on its own: every code
has two decimals save those named here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation

from babel.numbers import list_currencies

# ISO 4217 currencies whose minor unit is not the usual hundredth, by decimals.
DECIMALS_TABLE = """
0 BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF
3 BHD IQD JOD KWD LYD OMR TND
4 CLF UYW
"""
DECIMALS = {
    code: int(row.split()[0])
    for row in DECIMALS_TABLE.strip().splitlines()
    for code in row.split()[1:]
}
CODES = frozenset(list_currencies())


def is_currency(code: object) -> bool:
    """Tell whether a value is a currency code (three capitals that name a currency)."""
    return isinstance(code, str) and code in CODES


def exponent(currency: str) -> int:
    """Return the currency's ISO 4217 minor unit: JPY 0, USD 2, KWD 3, CLF 4."""
    if not is_currency(currency):
        raise ValueError(f"{currency!r} is not a currency code")
    return DECIMALS.get(currency, 2)


def quantum(currency: str) -> Decimal:
    """Return the currency's smallest amount in major units (0.01 USD, 1 JPY, 0.001 KWD)."""
    return Decimal(1).scaleb(-exponent(currency))


def round_major(amount: Decimal | int | str, currency: str) -> Decimal:
    """Round major units to the currency's minor unit, half away from zero."""
    try:
        return Decimal(amount).quantize(quantum(currency), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError(f"{amount!r} is not an amount of {currency}") from error


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert major units to an integer of minor units (24.50 USD -> 2450)."""
    return int(round_major(amount, currency).scaleb(exponent(currency)))
