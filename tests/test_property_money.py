"""Property tests of app.money: exact conversions for every currency Babel knows, never a float.

The contract (app/money.py): amounts are ``Decimal`` or ``int`` (or a decimal string), never a
``float`` or a ``bool``; ``to_minor`` rounds to the currency's minor unit half away from zero;
``to_major`` takes whole minor units only; the exponent is ISO 4217's; anything else, or an
amount too large to convert exactly, is refused with ``MoneyError``, never another exception.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from babel.localedata import locale_identifiers
from babel.numbers import list_currencies
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.money import MoneyError
from app.money import exponent
from app.money import format_amount
from app.money import format_minor
from app.money import is_currency
from app.money import quantum
from app.money import round_major
from app.money import to_decimal
from app.money import to_major
from app.money import to_minor

CURRENCIES = sorted(list_currencies())
# Every locale a shopper can get: app.locales negotiates Accept-Language over all of these.
LOCALES = sorted(locale_identifiers())
# ISO 4217's published minor units, independent of Babel, for a cross-check of each exponent.
ISO_4217_MINOR_UNITS = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "AFN": 2,  # CLDR, which Babel reads, says 0 for this and the next five
    "IRR": 2,
    "LBP": 2,
    "RSD": 2,
    "SYP": 2,
    "YER": 2,
    "VND": 0,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CHF": 2,
    "INR": 2,
    "KWD": 3,
    "BHD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,  # CLDR says 0
    "CLF": 4,
    "UYW": 4,
}
# Large enough to show no factor or float creeps in, small enough for any real order total.
REAL_MINOR = st.integers(min_value=-(10**20), max_value=10**20)
currencies = st.sampled_from(CURRENCIES)
# Decimal amounts as BigCommerce may send them: any sign, up to ten decimals, big or tiny.
majors = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=10, allow_nan=False
)
NOT_AMOUNTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(["", " ", "abc", "1,5", "NaN", "-Infinity", "inf", "sNaN", "0x10", "1/2"]),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]),
)
unknown_currencies = st.text(max_size=5).filter(lambda code: code not in set(CURRENCIES))


def half_away_from_zero(amount: Decimal, places: int) -> int:
    """The expected minor units, worked out with exact fractions rather than Decimal."""
    scaled = Fraction(amount) * 10**places
    magnitude = int(abs(scaled) + Fraction(1, 2))  # int() truncates: floor of a positive
    return magnitude if scaled >= 0 else -magnitude


@pytest.mark.parametrize(("currency", "places"), sorted(ISO_4217_MINOR_UNITS.items()))
def test_the_exponent_is_iso_4217s(currency, places):
    assert exponent(currency) == places
    assert quantum(currency) == Decimal(1).scaleb(-places)


def test_every_babel_currency_has_a_usable_exponent():
    for currency in CURRENCIES:
        assert is_currency(currency)
        assert type(exponent(currency)) is int
        assert 0 <= exponent(currency) <= 4, currency


@settings(deadline=None, max_examples=300)
@given(minor=REAL_MINOR, currency=currencies)
def test_minor_units_round_trip_exactly_in_every_currency(minor, currency):
    major = to_major(minor, currency)
    assert type(major) is Decimal
    # Written with exactly the currency's decimals: 24.50 USD, 3600 JPY, 7.525 KWD.
    assert major.as_tuple().exponent == -exponent(currency)
    assert Fraction(major) == Fraction(minor, 10 ** exponent(currency))
    back = to_minor(major, currency)
    assert type(back) is int
    assert back == minor
    # The same amount as a JSON string or an int of major units converts the same way.
    assert to_minor(str(major), currency) == minor
    if exponent(currency) == 0:
        assert to_minor(minor, currency) == minor


@settings(deadline=None, max_examples=300)
@given(amount=majors, currency=currencies)
def test_to_minor_rounds_half_away_from_zero(amount, currency):
    minor = to_minor(amount, currency)
    assert type(minor) is int
    assert minor == half_away_from_zero(amount, exponent(currency))
    rounded = round_major(amount, currency)
    assert rounded.as_tuple().exponent == -exponent(currency)
    assert to_major(minor, currency) == rounded


@settings(deadline=None, max_examples=200)
@given(value=NOT_AMOUNTS, currency=currencies)
def test_a_float_or_anything_else_that_is_not_an_amount_is_refused(value, currency):
    with pytest.raises(MoneyError):
        to_decimal(value)
    with pytest.raises(MoneyError):
        to_minor(value, currency)
    with pytest.raises(MoneyError):
        format_amount(value, currency)
    with pytest.raises(MoneyError):
        to_major(value, currency)


@settings(deadline=None, max_examples=100)
@given(amount=majors.filter(lambda amount: amount != amount.to_integral_value()))
def test_to_major_takes_whole_minor_units_only(amount):
    with pytest.raises(MoneyError):
        to_major(amount, "USD")  # a Decimal is not a count of minor units
    with pytest.raises(MoneyError):
        to_major(str(amount), "USD")


@settings(deadline=None, max_examples=100)
@given(code=unknown_currencies, minor=REAL_MINOR)
def test_an_unknown_currency_is_refused(code, minor):
    for convert in (to_major, format_minor):
        with pytest.raises(MoneyError):
            convert(minor, code)
    with pytest.raises(MoneyError):
        to_minor(Decimal(minor), code)


@settings(deadline=None, max_examples=100)
@given(
    digits=st.integers(min_value=29, max_value=400),
    currency=currencies,
    sign=st.sampled_from([1, -1]),
)
def test_an_amount_too_large_to_convert_exactly_is_refused_as_money_error(digits, currency, sign):
    huge = sign * 10**digits
    # Never decimal.InvalidOperation or a silently rounded answer: a MoneyError, or exact.
    for convert in (
        lambda: to_major(huge, currency),
        lambda: to_minor(Decimal(huge), currency),
        lambda: to_minor(f"{sign}e{digits}", currency),
        lambda: format_minor(huge, currency),
    ):
        try:
            result = convert()
        except MoneyError:
            continue
        if isinstance(result, int):
            assert abs(result) >= 10**digits
        elif isinstance(result, Decimal):
            assert Fraction(result) == Fraction(huge, 10 ** exponent(currency))


def test_formatting_never_raises_in_any_locale_the_shopper_can_get():
    # Every locale once (loading each one's data is the costly part), with each exponent.
    for locale in LOCALES:
        for minor, currency in ((-123456789, "USD"), (3600, "JPY"), (7525, "KWD"), (0, "CLF")):
            text = format_minor(minor, currency, locale)
            assert isinstance(text, str)
            assert text.strip()


@settings(deadline=None, max_examples=300)
@given(
    amount=st.one_of(majors, REAL_MINOR),
    currency=currencies,
    locale=st.one_of(st.sampled_from(LOCALES), st.text(max_size=12)),
)
def test_format_amount_never_raises_for_any_currency_and_locale(amount, currency, locale):
    # An unknown or malformed locale falls back to en_US rather than failing the page.
    text = format_amount(amount, currency, locale)
    assert isinstance(text, str)
    assert text.strip()
    if isinstance(amount, int):
        assert format_minor(amount, currency, locale).strip()


@settings(deadline=None, max_examples=300)
@given(minor=REAL_MINOR, currency=currencies)
def test_the_price_shown_is_the_amount_to_the_last_minor_unit(minor, currency):
    # en_US writes Latin digits and groups with commas: strip the rest, compare the digits.
    shown = format_minor(minor, currency, "en_US")
    expected = f"{abs(to_major(minor, currency)):f}".replace(".", "")
    assert "".join(char for char in shown if char.isdigit()) == expected, shown
    assert ("-" in shown) == (minor < 0), shown
