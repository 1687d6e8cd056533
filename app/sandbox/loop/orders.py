"""Loop's Orders API: order validation, the Checkout+ outcome of each order, and the store.

Money objects are ``{amount, currency_code}`` with ``amount`` an integer in minor units. A
``PUT`` upsert replaces the whole order, so ``fees[]`` and ``metadata[]`` are replaced, never
appended; a second ``POST`` with the same ``external_id`` creates a second order.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from app.sandbox.loop.analyze_request import is_session_id
from app.sandbox.loop.money import is_currency_code
from app.sandbox.loop.money import is_minor_amount
from app.sandbox.loop.rules import MODES
from app.sandbox.loop.sessions import rfc3339

OPTIONAL_MONEY_FIELDS = (
    "total_price_presentment",
    "total_discounts",
    "total_discounts_presentment",
    "total_taxes",
    "total_taxes_presentment",
)
FIRST_ORDER_ID = 70001


class InvalidOrder(ValueError):
    """An order payload Loop would refuse; ``status`` is 400 or 422 and ``field`` names the spot."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CheckoutPlusOutcome:
    """Whether an order activated Checkout+ coverage, and why (not)."""

    protected: bool
    reason: str  # "protected", or the first thing that kept coverage off
    accepted_offer_mode: list[Any] | None = None
    session_id: str | None = None
    session_known: bool = False
    fee_amount: int | None = None
    fee_currency: str | None = None
    fee_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return {
            "protected": self.protected,
            "reason": self.reason,
            "accepted_offer_mode": self.accepted_offer_mode,
            "session_id": self.session_id,
            "session_known": self.session_known,
            "fee": None
            if self.fee_amount is None
            else {
                "name": self.fee_name,
                "amount": self.fee_amount,
                "currency_code": self.fee_currency,
            },
        }


@dataclass
class LoopOrder:
    """One order as Loop stores it."""

    id: int
    merchant: str
    payload: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    checkout_plus: CheckoutPlusOutcome
    source: str
    writes: int = 1

    @property
    def external_id(self) -> str:
        """The platform's order id."""
        return self.payload["external_id"]

    def response(self, string_ids: bool = False) -> dict[str, Any]:
        """Return the API's ``order`` object (ids as strings on request, like Loop)."""
        return {**self.payload, "id": str(self.id) if string_ids else self.id}

    def as_dict(self) -> dict[str, Any]:
        """Return the control API's view: the order plus its Checkout+ outcome."""
        return {
            **self.response(),
            "received_at": rfc3339(self.created_at),
            "last_written_at": rfc3339(self.updated_at),
            "merchant": self.merchant,
            "source": self.source,
            "writes": self.writes,
            "checkout_plus": self.checkout_plus.as_dict(),
        }


def validate_order(body: Any) -> dict[str, Any]:
    """Check an order's minimal shape (``InvalidOrder`` names the field); return it normalized."""
    if not isinstance(body, dict):
        raise InvalidOrder(400, "body", "The request body must be a JSON object.")
    _string(body, "name")
    _string(body, "external_id")
    _money(body.get("total_price"), "total_price")
    for name in OPTIONAL_MONEY_FIELDS:
        if body.get(name) is not None:
            _money(body[name], name)
    items = body.get("line_items")
    if not isinstance(items, list):
        raise InvalidOrder(400, "line_items", "line_items must be an array.")
    for index, item in enumerate(items):
        path = f"line_items.{index}"
        if not isinstance(item, dict):
            raise InvalidOrder(400, path, f"{path} must be an object.")
        quantity = item.get("quantity")
        if not is_minor_amount(quantity) or quantity < 1:
            raise InvalidOrder(
                400, f"{path}.quantity", f"{path}.quantity must be a positive integer."
            )
        _money(item.get("unit_price"), f"{path}.unit_price")
    # Absent (or null) means empty: an upsert without the block replaces it with nothing.
    fees = [] if body.get("fees") is None else body["fees"]
    metadata = [] if body.get("metadata") is None else body["metadata"]
    _fees(fees)
    _metadata(metadata)
    return {**body, "fees": fees, "metadata": metadata}


def checkout_plus_outcome(
    payload: dict[str, Any], session_known: Callable[[str], bool]
) -> CheckoutPlusOutcome:
    """Decide whether a validated order activates coverage: an accepting fee plus a session id."""
    fee = next(
        (fee for fee in payload.get("fees", []) if fee.get("accepted_offer_mode") is not None),
        None,
    )
    if fee is None:
        return CheckoutPlusOutcome(protected=False, reason="no_accepting_fee")
    modes = fee["accepted_offer_mode"]
    session_id = next(
        (entry["value"] for entry in payload.get("metadata", []) if entry["key"] == "session_id"),
        None,
    )
    base = {
        "accepted_offer_mode": modes,
        "session_id": session_id,
        "session_known": is_session_id(session_id) and session_known(session_id),
        "fee_amount": fee["amount"]["amount"],
        "fee_currency": fee["amount"]["currency_code"],
        "fee_name": fee["name"],
    }
    if not modes:
        return CheckoutPlusOutcome(protected=False, reason="empty_accepted_offer_mode", **base)
    if any(mode not in MODES for mode in modes):
        return CheckoutPlusOutcome(protected=False, reason="unknown_offer_mode", **base)
    if session_id is None:
        return CheckoutPlusOutcome(protected=False, reason="missing_session_id", **base)
    if not is_session_id(session_id):
        return CheckoutPlusOutcome(protected=False, reason="malformed_session_id", **base)
    return CheckoutPlusOutcome(protected=True, reason="protected", **base)


def _fees(fees: Any) -> None:
    if not isinstance(fees, list):
        raise InvalidOrder(400, "fees", "fees must be an array.")
    for index, fee in enumerate(fees):
        path = f"fees.{index}"
        if not isinstance(fee, dict):
            raise InvalidOrder(400, path, f"{path} must be an object.")
        _string(fee, "name", path)
        modes = fee.get("accepted_offer_mode")
        if modes is not None and (
            not isinstance(modes, list) or not all(isinstance(mode, str) for mode in modes)
        ):
            raise InvalidOrder(
                400,
                f"{path}.accepted_offer_mode",
                f"{path}.accepted_offer_mode must be an array of strings.",
            )
        try:
            _money(fee.get("amount"), f"{path}.amount", positive=True)
        except InvalidOrder:
            # An acceptance without a fee amount is what Loop refuses with this exact message.
            if modes is not None:
                raise InvalidOrder(422, path, f"{path} field is unsupported") from None
            raise


def _metadata(entries: Any) -> None:
    if not isinstance(entries, list):
        raise InvalidOrder(400, "metadata", "metadata must be an array.")
    for index, entry in enumerate(entries):
        path = f"metadata.{index}"
        if not isinstance(entry, dict):
            raise InvalidOrder(400, path, f"{path} must be an object.")
        _string(entry, "key", path)
        if not isinstance(entry.get("value"), str):
            raise InvalidOrder(400, f"{path}.value", f"{path}.value must be a string.")


def _string(container: dict[str, Any], name: str, parent: str = "") -> str:
    path = f"{parent}.{name}" if parent else name
    value = container.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidOrder(400, path, f"{path} is required and must be a non-empty string.")
    return value


def _money(value: Any, path: str, positive: bool = False) -> None:
    if not isinstance(value, dict):
        raise InvalidOrder(400, path, f"{path} must be a money object {{amount, currency_code}}.")
    amount = value.get("amount")
    if not is_minor_amount(amount) or amount < (1 if positive else 0):
        kind = "a positive" if positive else "a non-negative"
        raise InvalidOrder(
            400, f"{path}.amount", f"{path}.amount must be {kind} integer in minor units."
        )
    if not is_currency_code(value.get("currency_code")):
        raise InvalidOrder(
            400, f"{path}.currency_code", f"{path}.currency_code must be an ISO 4217 code."
        )


class OrderStore:
    """Every merchant's orders, safe to use from the server's threads."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._orders: list[LoopOrder] = []
        self._ids = itertools.count(FIRST_ORDER_ID)

    def create(
        self, merchant: str, payload: dict[str, Any], outcome: CheckoutPlusOutcome, source: str
    ) -> LoopOrder:
        """Store a new order, even when one with the same ``external_id`` exists."""
        with self._lock:
            return self._create(merchant, payload, outcome, source)

    def upsert(
        self, merchant: str, payload: dict[str, Any], outcome: CheckoutPlusOutcome, source: str
    ) -> tuple[LoopOrder, bool]:
        """Replace the newest order with this ``external_id``, or create one; say if created."""
        with self._lock:
            existing = self._newest(merchant, payload["external_id"])
            if existing is None:
                return self._create(merchant, payload, outcome, source), True
            existing.payload = payload
            existing.checkout_plus = outcome
            existing.source = source
            existing.updated_at = self._clock()
            existing.writes += 1
            return existing, False

    def all(self, merchant: str | None = None, external_id: str | None = None) -> list[LoopOrder]:
        """Return orders, oldest first, optionally for one merchant and one ``external_id``."""
        with self._lock:
            found = list(self._orders)
        if merchant is not None:
            found = [order for order in found if order.merchant == merchant]
        if external_id is not None:
            found = [order for order in found if order.external_id == external_id]
        return found

    def clear(self) -> None:
        """Forget every order and restart the ids."""
        with self._lock:
            self._orders.clear()
            self._ids = itertools.count(FIRST_ORDER_ID)

    def _newest(self, merchant: str, external_id: str) -> LoopOrder | None:
        matches = [
            order
            for order in self._orders
            if order.merchant == merchant and order.external_id == external_id
        ]
        return matches[-1] if matches else None

    def _create(
        self, merchant: str, payload: dict[str, Any], outcome: CheckoutPlusOutcome, source: str
    ) -> LoopOrder:
        now = self._clock()
        order = LoopOrder(
            id=next(self._ids),
            merchant=merchant,
            payload=payload,
            created_at=now,
            updated_at=now,
            checkout_plus=outcome,
            source=source,
        )
        self._orders.append(order)
        return order
