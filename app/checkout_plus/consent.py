"""Consent evidence: what a shopper saw of the offer and what they did about it, and when.

A merchant answering "I never agreed to that fee" needs more than a price: the offer's words
as the page rendered them, the template they came from, and the shopper's own click. The
checkbox is never ticked by default, so a tick on record is the shopper's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.checkout_plus.offer import Quote
from app.money import is_currency


def digest(text: str) -> str:
    """Return the SHA-256 of a text, in hex: a stable name for words or a template's source."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class OfferWords:
    """The offer's words as rendered for one quote, and the template version that wrote them."""

    text: str  # the visible words, spaces folded
    template_version: str  # the first 12 hex digits of the offer template's SHA-256
    language: str

    @property
    def sha256(self) -> str:
        """Return the words' digest, to compare two renderings without keeping both."""
        return digest(self.text)


@dataclass(frozen=True)
class ShopperChoice:
    """The shopper's last click on the offer's box: ticked or not, when, at what price."""

    ticked: bool
    at: float  # Unix time
    amount: int  # minor units of currency
    currency: str
    mode: tuple[str, ...]
    words_sha256: str  # the words on show when they clicked

    @classmethod
    def of(cls, ticked: bool, at: float, quote: Quote, words: OfferWords) -> ShopperChoice:
        """Return the choice made on a quote whose offer showed these words."""
        return cls(ticked, at, quote.amount, quote.currency, quote.mode, words.sha256)

    def as_dict(self) -> dict[str, Any]:
        """Return the choice as JSON-friendly data (for the session and the export)."""
        return {
            "ticked": self.ticked,
            "at": self.at,
            "amount": self.amount,
            "currency": self.currency,
            "mode": list(self.mode),
            "words_sha256": self.words_sha256,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ShopperChoice | None:
        """Read a choice back; anything malformed reads as no choice."""
        if not isinstance(data, dict):
            return None
        ticked, at, amount = data.get("ticked"), data.get("at"), data.get("amount")
        mode, words = data.get("mode"), data.get("words_sha256")
        if not isinstance(ticked, bool) or isinstance(at, bool):
            return None
        if not isinstance(at, (int, float)) or isinstance(amount, bool):
            return None
        if not isinstance(amount, int) or not is_currency(data.get("currency")):
            return None
        if not (isinstance(mode, list) and all(isinstance(m, str) for m in mode)):
            return None
        if not isinstance(words, str):
            return None
        return cls(ticked, float(at), amount, data["currency"], tuple(mode), words)


@dataclass(frozen=True)
class ConsentEvidence:
    """The offer as the page showed it when the order was placed, and the shopper's last click."""

    words: OfferWords
    choice: ShopperChoice | None  # None: the shopper never touched the box

    @property
    def ticked_by_shopper(self) -> bool:
        """Tell whether the box was ticked by the shopper's own click."""
        return self.choice is not None and self.choice.ticked

    def as_dict(self) -> dict[str, Any]:
        """Return the evidence as JSON-friendly data."""
        return {
            "words": self.words.text,
            "words_sha256": self.words.sha256,
            "template_version": self.words.template_version,
            "language": self.words.language,
            "ticked_by_shopper": self.ticked_by_shopper,
            "choice": self.choice.as_dict() if self.choice else None,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ConsentEvidence | None:
        """Read evidence written by ``as_dict``."""
        if not isinstance(data, dict):
            return None
        words = OfferWords(data["words"], data["template_version"], data["language"])
        return cls(words, ShopperChoice.from_dict(data.get("choice")))
