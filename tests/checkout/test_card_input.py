"""The card fields read as people type them: every way of writing a date or a number."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.checkout import card_input
from app.checkout.card_input import CardInputError
from app.checkout.card_input import card_digits
from app.checkout.card_input import expiry
from app.checkout.card_input import luhn_valid
from app.checkout.card_input import security_code
from app.sandbox.bigcommerce.payments import TEST_CARDS

TODAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12/30", (12, 2030)),
        ("1230", (12, 2030)),
        ("12 / 2030", (12, 2030)),
        ("12-30", (12, 2030)),
        ("12/2030", (12, 2030)),
        ("0130", (1, 2030)),
        (" 1 / 30", (1, 2030)),
        ("1/30", (1, 2030)),
        ("12.30", (12, 2030)),
        ("12 30", (12, 2030)),
        ("122030", (12, 2030)),
        ("01-2031", (1, 2031)),
        ("12/26", (12, 2026)),  # this month: valid to its end
        ("12/46", (12, 2046)),  # 20 years ahead
    ],
)
def test_an_expiry_is_read_however_it_is_typed(typed, read):
    assert expiry(typed, TODAY) == read


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", card_input.EXPIRY_FORMAT),
        ("12/1", card_input.EXPIRY_FORMAT),
        ("123", card_input.EXPIRY_FORMAT),  # 1/23 or 12/3: asked again, never guessed
        ("12030", card_input.EXPIRY_FORMAT),
        ("12/303", card_input.EXPIRY_FORMAT),
        ("dec 30", card_input.EXPIRY_FORMAT),
        ("١٢/٣٠", card_input.EXPIRY_FORMAT),  # Arabic-Indic digits
        ("12//30", card_input.EXPIRY_FORMAT),
        ("13/30", card_input.EXPIRY_MONTH),
        ("00/30", card_input.EXPIRY_MONTH),
        ("1330", card_input.EXPIRY_MONTH),
        ("11/26", "This card expired in 11/26. Check the date, or use another card."),
        ("01/2020", "This card expired in 01/20. Check the date, or use another card."),
        ("12/05", "This card expired in 12/05. Check the date, or use another card."),
        ("01/47", "Check the year: cards do not expire as far ahead as 2047."),
        ("12/2099", "Check the year: cards do not expire as far ahead as 2099."),
        ("12/" + "3" * 100, card_input.EXPIRY_FORMAT),
    ],
)
def test_an_expiry_that_cannot_be_a_cards_is_refused_with_what_to_fix(typed, message):
    with pytest.raises(CardInputError) as refused:
        expiry(typed, TODAY)
    assert str(refused.value) == message


def test_a_two_digit_year_is_the_nearest_one_in_any_century():
    assert expiry("12/01", dt.date(2098, 6, 1)) == (12, 2101)
    assert expiry("12/99", dt.date(2098, 6, 1)) == (12, 2099)


@given(
    month=st.integers(1, 12),
    year=st.integers(TODAY.year + 1, TODAY.year + card_input.YEARS_AHEAD),
    shape=st.sampled_from(["{m}/{y}", "{m}{y}", "{m} / {y}", "{m}-{y}", "{m}.{y}", "{m} {y}"]),
    padded=st.booleans(),
    four_digits=st.booleans(),
    around=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_every_way_of_writing_a_valid_expiry_reads_the_same_date(
    month, year, shape, padded, four_digits, around
):
    # Digits alone need the month's two digits: 130 could be 1/30 or 13/0.
    m = f"{month:02d}" if padded or shape == "{m}{y}" else str(month)
    y = str(year) if four_digits else f"{year % 100:02d}"
    typed = around + shape.format(m=m, y=y) + around
    assert expiry(typed, TODAY) == (month, year)


def read_or_refusal(reader, typed: str):
    """Return (what was read, None), or (None, the refusal's message)."""
    try:
        return reader(typed), None
    except CardInputError as refused:
        return None, str(refused)


date_like = st.from_regex(r"\s*[0-9]{1,3}\s*[/ .-]?\s*[0-9]{1,5}\s*", fullmatch=True)


@given(typed=st.text(max_size=12) | date_like)
def test_any_text_is_a_valid_future_date_or_a_message(typed):
    read, refusal = read_or_refusal(lambda text: expiry(text, TODAY), typed)
    if read is None:
        assert refusal.startswith(("Enter", "Check", "This card expired"))
        return
    month, year = read
    assert 1 <= month <= 12
    assert (TODAY.year, TODAY.month) <= (year, month)
    assert year <= TODAY.year + card_input.YEARS_AHEAD


def luhn_complete(body: str) -> str:
    """Append the check digit that makes ``body`` pass the Luhn check."""
    return next(body + digit for digit in "0123456789" if luhn_valid(body + digit))


card_numbers = (
    st.integers(11, 18)
    .flatmap(lambda length: st.text("0123456789", min_size=length, max_size=length))
    .map(luhn_complete)
)


def test_every_test_card_of_the_sandbox_gateway_passes_the_check():
    # The gateway's declines (insufficient funds, incorrect CVC...) must still reach it.
    for number in TEST_CARDS:
        assert card_digits(number) == number


@pytest.mark.parametrize(
    "typed",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111 - 1111 - 1111 - 1111",
        " 4111111111111111 ",
        "4111\u00a01111\u00a01111\u00a01111",  # no-break spaces, as a paste may bring
        "4111–1111–1111–1111",  # en dashes
    ],
)
def test_a_card_number_keeps_its_digits_only(typed):
    assert card_digits(typed) == "4111111111111111"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", card_input.NUMBER_FORMAT),
        ("4111", card_input.NUMBER_FORMAT),
        ("4111 1111 1111 1111 1111", card_input.NUMBER_FORMAT),  # 20 digits
        ("4111.1111.1111.1111", card_input.NUMBER_FORMAT),
        ("4111 1111 1111 111x", card_input.NUMBER_FORMAT),
        ("٤١١١١١١١١١١١١١١١", card_input.NUMBER_FORMAT),
        ("4111 1111 1111 1112", card_input.NUMBER_INVALID),
        ("4111 1111 1111 1121", card_input.NUMBER_INVALID),  # two digits swapped
    ],
)
def test_a_card_number_that_cannot_be_one_is_refused(typed, message):
    with pytest.raises(CardInputError) as refused:
        card_digits(typed)
    assert str(refused.value) == message


@given(
    number=card_numbers,
    separators=st.lists(st.sampled_from(["", " ", "-", " - "]), min_size=19, max_size=19),
)
def test_a_valid_number_is_read_whatever_separates_its_digits(number, separators):
    typed = "".join(digit + gap for digit, gap in zip(number, separators, strict=False))
    assert card_digits(typed) == number


@given(number=card_numbers, data=st.data())
def test_one_mistyped_digit_is_caught(number, data):
    where = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[where]]))
    with pytest.raises(CardInputError, match="not a valid card number"):
        card_digits(number[:where] + wrong + number[where + 1 :])


@given(typed=st.text(max_size=30))
def test_any_text_is_12_to_19_checked_digits_or_a_message(typed):
    digits, refusal = read_or_refusal(card_digits, typed)
    if digits is None:
        assert refusal in (card_input.NUMBER_FORMAT, card_input.NUMBER_INVALID)
        return
    assert digits.isascii()
    assert digits.isdigit()
    assert 12 <= len(digits) <= 19
    assert luhn_valid(digits)


@pytest.mark.parametrize(("typed", "read"), [("123", "123"), (" 1234 ", "1234"), ("12 3", "123")])
def test_a_security_code_is_its_digits(typed, read):
    assert security_code(typed) == read


@pytest.mark.parametrize("typed", ["", "12", "12345", "12a", "١٢٣"])
def test_a_security_code_that_is_not_3_or_4_digits_is_refused(typed):
    with pytest.raises(CardInputError, match="3 or 4 digits"):
        security_code(typed)
