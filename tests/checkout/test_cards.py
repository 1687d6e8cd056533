"""The card paid with, as the confirmation may name it: brand and last four digits only."""

from __future__ import annotations

import pytest

from app.checkout.cards import PaidWith
from app.checkout.cards import card_brand
from app.clients.bigcommerce import Card


def card(number: str) -> Card:
    """A card as the payment form gives it."""
    return Card("Ada Lovelace", number, 12, 2029, "123")


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4111111111111111", "Visa"),
        ("4000 0000 0000 0002", "Visa"),
        ("5555555555554444", "Mastercard"),
        ("5105105105105100", "Mastercard"),
        ("2221000000000009", "Mastercard"),
        ("2720990000000007", "Mastercard"),
        ("378282246310005", "American Express"),
        ("341111111111111", "American Express"),
        ("6011111111111117", "Discover"),
        ("6445644564456445", "Discover"),
        ("6500000000000002", "Discover"),
        ("3530111333300000", "JCB"),
        ("3589000000000000", "JCB"),
        ("30569309025904", "Diners Club"),
        ("36227206271667", "Diners Club"),
        ("3852000002323700", "Diners Club"),
        ("6200000000000005", "UnionPay"),
        ("2720-9900-0000-0007", "Mastercard"),
        ("2721000000000000", "Card"),  # past Mastercard's 2-series
        ("5000000000000000", "Card"),
        ("3527000000000000", "Card"),  # just before JCB
        ("1234567890123456", "Card"),
        ("", "Card"),
    ],
)
def test_the_brand_comes_from_the_cards_first_digits(number, brand):
    assert card_brand(number) == brand


def test_only_the_brand_and_the_last_four_digits_are_kept():
    kept = PaidWith.of(card("4111 1111-1111 1111"))
    assert kept == PaidWith("Visa", "1111")
    assert str(kept) == "Visa ending in 1111"
    assert kept.as_dict() == {"brand": "Visa", "last_four": "1111"}
    assert "411111" not in repr(kept) + str(kept.as_dict())


def test_what_the_session_kept_is_read_back():
    kept = PaidWith.of(card("378282246310005"))
    assert PaidWith.from_dict(kept.as_dict()) == PaidWith("American Express", "0005")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "Visa 1111",
        {"brand": "Visa"},
        {"brand": "Visa", "last_four": "41111111"},  # more than four digits is never shown
        {"brand": "Visa", "last_four": "111"},
        {"brand": "Visa", "last_four": "1111\n"},
        {"brand": "Visa", "last_four": 1111},
        {"brand": "<script>", "last_four": "1111"},
    ],
)
def test_anything_else_in_the_session_reads_as_unknown(data):
    assert PaidWith.from_dict(data) is None
