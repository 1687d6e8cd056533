"""The card fields read the way people type them: spaces, dashes, slashes or none at all.

Pure functions of the typed text (and of today's date, passed in): the payment form calls
them, and the tests drive them directly. Each refusal is a ``CardInputError`` whose message
is shown next to the field, worded for the shopper. The gateway still has the last word on a
card; these only refuse what no gateway could accept.
"""

from __future__ import annotations

import datetime as dt
import re

from app.text import N_
from app.text import Message

CARD_DIGITS = (12, 19)  # the shortest and the longest card number (ISO/IEC 7812)
YEARS_AHEAD = 20  # cards are issued for 3 to 10 years: a later expiry is a typing slip
TYPED_MAX = 64  # nobody types more than this into a card field: refused unread

# What may sit between a card number's digits: any space (a pasted number may carry
# no-break or thin spaces) and dashes, including the typographic ones a paste brings along.
NUMBER_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
DIGITS = re.compile(r"[0-9]+")  # ASCII only: "٣" is a digit to Python, not to a gateway
# 12/30, 1/30, 12/2030, 12-30, 12.30, 12 30, with spaces around the separator or none.
EXPIRY_SEPARATED = re.compile(
    r"(?P<month>[0-9]{1,2})\s*(?:[/\-.]|\s)\s*(?P<year>[0-9]{2}|[0-9]{4})"
)
# 1230 or 122030: digits alone, as a numeric keypad types them (it has no slash).
EXPIRY_DIGITS = re.compile(r"(?P<month>[0-9]{2})(?P<year>[0-9]{2}|[0-9]{4})")

NUMBER_FORMAT = N_("Enter the 12 to 19 digits on the card.")
NUMBER_INVALID = N_("Check the card number: it is not a valid card number.")
EXPIRY_FORMAT = N_("Enter the expiry date as MM/YY, such as 04/29.")
EXPIRY_MONTH = N_("Check the month: enter the expiry date as MM/YY, with a month from 01 to 12.")
CODE_FORMAT = N_("Enter the 3 or 4 digits of the security code.")


class CardInputError(ValueError):
    """What the shopper typed cannot be a card's; the message says what to type instead."""


def card_digits(typed: str) -> str:
    """Return the card number's digits, without the spaces and dashes people type."""
    digits = NUMBER_SEPARATORS.sub("", typed) if len(typed) <= TYPED_MAX else ""
    low, high = CARD_DIGITS
    if not DIGITS.fullmatch(digits) or not low <= len(digits) <= high:
        raise CardInputError(NUMBER_FORMAT)
    if not luhn_valid(digits):
        raise CardInputError(NUMBER_INVALID)
    return digits


def luhn_valid(digits: str) -> bool:
    """Tell whether a string of digits passes the Luhn check every card number carries."""
    values = [int(digit) for digit in reversed(digits)]
    doubled = (2 * value for value in values[1::2])
    return (
        sum(values[0::2]) + sum(value - 9 if value > 9 else value for value in doubled)
    ) % 10 == 0


def expiry(typed: str, today: dt.date) -> tuple[int, int]:
    """Return the expiry as (month, four-digit year), or refuse it with what to fix.

    A card is valid to the end of its month, so one expiring this month is accepted. A
    two-digit year is the one from 50 years before ``today`` to 49 years after it.
    """
    text = typed.strip() if len(typed) <= TYPED_MAX else ""
    match = EXPIRY_SEPARATED.fullmatch(text) or EXPIRY_DIGITS.fullmatch(text)
    if match is None:
        raise CardInputError(EXPIRY_FORMAT)
    month, year = int(match["month"]), int(match["year"])
    if not 1 <= month <= 12:
        raise CardInputError(EXPIRY_MONTH)
    if len(match["year"]) == 2:  # the year ending in these digits, 50 years back to 49 on
        earliest = today.year - 50
        year = earliest + (year - earliest) % 100
    if (year, month) < (today.year, today.month):
        expired = f"{month:02d}/{year % 100:02d}"
        raise CardInputError(
            Message(
                "This card expired in %(expiry)s. Check the date, or use another card.",
                expiry=expired,
            )
        )
    if year > today.year + YEARS_AHEAD:
        raise CardInputError(
            Message("Check the year: cards do not expire as far ahead as %(year)s.", year=year)
        )
    return month, year


def security_code(typed: str) -> str:
    """Return the security code's digits, spaces trimmed."""
    code = "".join(typed.split()) if len(typed) <= TYPED_MAX else ""
    if not DIGITS.fullmatch(code) or len(code) not in (3, 4):
        raise CardInputError(CODE_FORMAT)
    return code


def earliest_today() -> dt.date:
    """Today's date where it is earliest on Earth (UTC-12).

    A card is valid through the last day of its month wherever its holder is: on the first
    of a month in UTC, a shopper in Hawaii is still in the month before, and their card with it.
    """
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=12)).date()
