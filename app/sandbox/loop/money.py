"""Shape checks for amounts and codes in Loop requests; conversions are in minor_units."""

from __future__ import annotations

import re

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def is_currency_code(value: object) -> bool:
    """Tell whether a value looks like an ISO 4217 code (three uppercase letters).

    Analyze accepts any such code and answers ``currency_not_supported`` for the rest,
    so this checks the shape only; ``minor_units.is_currency`` checks the code exists.
    """
    return isinstance(value, str) and CURRENCY_CODE.fullmatch(value) is not None


def is_minor_amount(value: object) -> bool:
    """Tell whether a value is a JSON integer (bool and Decimal are not)."""
    return isinstance(value, int) and not isinstance(value, bool)
