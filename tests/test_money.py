"""Money units: ISO 4217 exponents, exact conversions, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.core import get_global
from babel.numbers import get_territory_currencies
from hypothesis import given
from hypothesis import strategies as st

from app.money import MoneyError
from app.money import exponent
from app.money import format_amount
from app.money import format_minor
from app.money import to_major
from app.money import to_minor
from app.sandbox import minor_units


@pytest.mark.parametrize(
    ("currency", "places"), [("USD", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3), ("CLF", 4)]
)
def test_exponent_comes_from_iso_4217(currency, places):
    assert exponent(currency) == places


@pytest.mark.parametrize(
    ("major", "currency", "minor"),
    [
        (Decimal("24.50"), "USD", 2450),
        (Decimal("19.99"), "USD", 1999),  # the float 19.99 * 100 is 1998.9999...
        (Decimal("3600"), "JPY", 3600),
        (Decimal("7.525"), "KWD", 7525),
        (Decimal("0.005"), "USD", 1),  # half away from zero
        (Decimal("1299"), "EUR", 129900),
    ],
)
def test_to_minor_is_exact(major, currency, minor):
    assert to_minor(major, currency) == minor
    assert isinstance(to_minor(major, currency), int)


@given(
    minor=st.integers(min_value=0, max_value=10**12),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP", "CLF"]),
)
def test_minor_to_major_round_trips(minor, currency):
    major = to_major(minor, currency)
    assert isinstance(major, Decimal)
    assert major.as_tuple().exponent == -exponent(currency)
    assert to_minor(major, currency) == minor


def test_floats_and_unknown_currencies_are_refused():
    with pytest.raises(MoneyError):
        to_minor(24.5, "USD")  # a float is never money
    with pytest.raises(MoneyError):
        to_major(2450, "XYZ")
    with pytest.raises(MoneyError):
        to_major(24.5, "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (2450, "USD", "$24.50"),
        (3600, "JPY", "¥3,600"),
        (7525, "KWD", "KWD7.525"),
        (1299, "EUR", "€12.99"),
    ],
)
def test_format_minor_shows_the_currency_precision(minor, currency, text):
    assert format_minor(minor, currency) == text


def test_format_amount_follows_the_locale():
    assert format_amount(Decimal("22.9"), "EUR", "de_DE") == "22,90\xa0€"


def currencies_in_use() -> set[str]:
    """Every currency some territory uses today, as CLDR's territory data has it."""
    today = date.today()
    territories = get_global("territory_currencies")
    return {code for area in territories for code in get_territory_currencies(area, today)}


def test_every_currency_in_use_has_the_decimals_the_sandbox_counts_on_its_own():
    # The sandboxes keep their own ISO 4217 table (app/sandbox/minor_units.py), typed apart
    # from app.money, so each side checks the other. Babel's CLDR gives COP, HUF and IDR no
    # decimals; ISO 4217 gives them two.
    current = currencies_in_use()
    assert {"USD", "EUR", "JPY", "KWD", "COP", "HUF", "IDR"} <= current
    differ = {code: (exponent(code), minor_units.exponent(code)) for code in sorted(current)}
    differ = {code: pair for code, pair in differ.items() if pair[0] != pair[1]}
    assert not differ, f"app.money and ISO 4217 disagree on (app, ISO): {differ}"
    assert to_minor(Decimal("1990.50"), "HUF") == 199050
    assert format_amount(Decimal("1990.5"), "HUF", "en_US").endswith("1,990.50")
