"""The total the page showed, signed into the place-order form, and what changed since.

The page signs its summary's figures (minor units of the checkout's currency) into the form.
At placement the same figures are worked out from BigCommerce's checkout, and the order is
charged only when its total is exactly the one the shopper saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from itsdangerous import BadData
from itsdangerous import URLSafeSerializer

from app.checkout.summary import OrderSummary
from app.money import is_currency
from app.money import to_minor

# The summary's figures, in the order the totals show them; "total" is what is charged.
FIGURES = ("subtotal", "discount", "shipping", "handling", "fees", "checkout_plus", "tax", "total")
SALT = "checkout-shown-total"


@dataclass(frozen=True)
class ShownTotal:
    """The summary's figures in minor units, as one page showed them."""

    currency: str
    figures: Mapping[str, int]

    @property
    def total(self) -> int:
        """Return the grand total, in minor units."""
        return self.figures["total"]

    def changed_figures(self, now: ShownTotal) -> tuple[str, ...]:
        """Return the figures (total aside) that differ in ``now``, in the totals' order."""
        return tuple(
            name for name in FIGURES[:-1] if self.figures.get(name, 0) != now.figures.get(name, 0)
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-friendly data."""
        return {"currency": self.currency, "figures": dict(self.figures)}

    @classmethod
    def from_dict(cls, data: Any) -> ShownTotal | None:
        """Read the figures back; anything malformed reads as nothing shown."""
        if not isinstance(data, dict) or not is_currency(data.get("currency")):
            return None
        figures = data.get("figures")
        if not isinstance(figures, dict) or set(figures) - set(FIGURES) or "total" not in figures:
            return None
        if not all(type(value) is int for value in figures.values()):
            return None
        return cls(data["currency"], MappingProxyType(dict(figures)))


def shown_of(summary: OrderSummary) -> ShownTotal | None:
    """Return the figures a summary shows; None while its total says "Updating…"."""
    return None if summary.checkout_plus_pending else figures_of(summary)


def figures_of(summary: OrderSummary) -> ShownTotal:
    """Return a summary's figures, in minor units of its currency."""
    currency = summary.currency
    amounts: dict[str, Decimal] = {
        "subtotal": summary.subtotal,
        "discount": summary.discount,
        "shipping": summary.shipping or Decimal(0),
        "handling": summary.handling,
        "fees": sum((fee.amount for fee in summary.fees), Decimal(0)),
        "checkout_plus": summary.checkout_plus_fee or Decimal(0),
        "tax": summary.tax,
        "total": summary.total,
    }
    figures = {name: to_minor(amount, currency) for name, amount in amounts.items()}
    return ShownTotal(currency, MappingProxyType(figures))


class TotalSigner:
    """Sign the shown figures into a form field, and read them back only if untouched."""

    def __init__(self, secret: str | bytes) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def sign(self, shown: ShownTotal) -> str:
        """Return the figures as a signed token."""
        return self._serializer.dumps(shown.as_dict())

    def read(self, token: str | None) -> ShownTotal | None:
        """Return the figures in a token, or None when it is missing, forged or malformed."""
        if not token:
            return None
        try:
            return ShownTotal.from_dict(self._serializer.loads(token))
        except BadData:
            return None
