"""The protection block: the values an accepted Checkout+ offer carries to its order.

Both ways of reporting to Loop send it: the connector path as ``loop_checkout_plus`` order
metafields (``metafields.py``), the direct path in the order's ``fees[]`` and ``metadata[]``
(``loop_order.py``). A block is checked whole when it is made, so nothing malformed is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.clients.loop import SESSION_ID_FORMAT
from app.clients.loop import is_session_id
from app.money import is_currency

MAX_FEE_NAME = 255


class InvalidBlock(ValueError):
    """A value of the block is malformed; ``field`` names it. Nothing is written."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field


@dataclass(frozen=True)
class ProtectionBlock:
    """The values an accepted Checkout+ offer writes onto its order."""

    session_id: str
    mode: tuple[str, ...]  # verbatim from Loop: order and duplicates are the acceptance
    amount: int  # minor units of currency
    currency: str
    fee_name: str | None = None

    def __post_init__(self) -> None:
        if not is_session_id(self.session_id):
            raise InvalidBlock("session_id", f"must match {SESSION_ID_FORMAT}")
        if not isinstance(self.mode, tuple) or not self.mode:
            raise InvalidBlock("mode", "must be a non-empty list of strings")
        if not all(isinstance(mode, str) and mode for mode in self.mode):
            raise InvalidBlock("mode", "must hold only non-empty strings")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise InvalidBlock("amount", "must be a positive integer of minor units")
        if not is_currency(self.currency):
            raise InvalidBlock("currency", "must be an ISO 4217 currency code")
        if self.fee_name is not None and not (
            isinstance(self.fee_name, str) and 1 <= len(self.fee_name) <= MAX_FEE_NAME
        ):
            raise InvalidBlock("fee_name", f"must be 1 to {MAX_FEE_NAME} characters")

    @classmethod
    def of(
        cls,
        session_id: str,
        mode: Sequence[str],
        amount: int,
        currency: str,
        fee_name: str | None = None,
    ) -> ProtectionBlock:
        """Build a block from an accepted quote (mode as a list or tuple), or raise InvalidBlock."""
        if not isinstance(mode, list | tuple):  # a string is a sequence too, of letters
            raise InvalidBlock("mode", "must be a non-empty list of strings")
        return cls(session_id, tuple(mode), amount, currency, fee_name)
