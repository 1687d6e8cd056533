"""What the confirmation may say about the card paid with: its brand and last four digits.

Only these two are ever kept (in the session, for the confirmation page); the number itself
never leaves the placement. The brand is read from the card's first digits, its issuer
identification number (IIN), by the ranges the networks publish; an unknown range is "Card".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.clients.bigcommerce import Card
from app.text import N_
from app.text import Message

UNKNOWN = N_("Card")
LAST_FOUR = re.compile(r"[0-9]{4}")

# (brand, IIN ranges: (low, high) prefixes of equal length, inclusive), checked in this order.
BRANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("American Express", (("34", "34"), ("37", "37"))),
    ("Diners Club", (("300", "305"), ("3095", "3095"), ("36", "36"), ("38", "39"))),
    ("JCB", (("3528", "3589"),)),
    ("Visa", (("4", "4"),)),
    ("Mastercard", (("51", "55"), ("2221", "2720"))),
    ("Discover", (("6011", "6011"), ("644", "649"), ("65", "65"))),
    ("UnionPay", (("62", "62"),)),
)
KNOWN = frozenset(brand for brand, _ in BRANDS) | {UNKNOWN}


def card_brand(number: str) -> str:
    """Name the card's network from its digits (separators ignored), or "Card"."""
    digits = re.sub(r"[^0-9]", "", number)
    for brand, spans in BRANDS:
        for low, high in spans:
            prefix = digits[: len(low)]
            if len(prefix) == len(low) and low <= prefix <= high:
                return brand
    return UNKNOWN


@dataclass(frozen=True)
class PaidWith:
    """The card an order was paid with, as the confirmation may show it."""

    brand: str  # "Visa", "Mastercard", ... or "Card"
    last_four: str  # the last four digits, nothing more

    @classmethod
    def of(cls, card: Card) -> PaidWith:
        """Keep the brand and last four digits of a card, and nothing else of it."""
        digits = re.sub(r"[^0-9]", "", card.number)
        return cls(card_brand(digits), digits[-4:])

    def __str__(self) -> str:
        """Say it as a receipt does: "Visa ending in 1111"."""
        return self.words()

    def words(self) -> Message:
        """Say it as a receipt does, for the t filter: "Visa ending in 1111"."""
        brand = Message(UNKNOWN) if self.brand == UNKNOWN else self.brand
        return Message("%(brand)s ending in %(last_four)s", brand=brand, last_four=self.last_four)

    def as_dict(self) -> dict[str, str]:
        """Return what the session keeps."""
        return {"brand": self.brand, "last_four": self.last_four}

    @classmethod
    def from_dict(cls, data: Any) -> PaidWith | None:
        """Read what the session kept; anything else (or more than four digits) is None."""
        if not isinstance(data, dict):
            return None
        brand, last_four = data.get("brand"), data.get("last_four")
        if (
            brand not in KNOWN
            or not isinstance(last_four, str)
            or not LAST_FOUR.fullmatch(last_four)
        ):
            return None
        return cls(brand, last_four)
