"""Why the last Place order did not place the order: kept for the page the browser goes back to.

A refusal answers with a redirect to the checkout (Post/Redirect/Get), so reload and Back
never post again; the checkout page shows this once, at the top of the payment section.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from app.checkout.shown_total import ShownTotal

# What the shopper is told when placing stops short of an order, by kind.
QUOTE_CHANGED = "quote_changed"
PROTECTION_GONE = "protection_gone"
NO_ROOM = "no_room"
BUSY = "busy"
TOTAL_CHANGED = "total_changed"
NOT_READY = "not_ready"
ORDER_REFUSED = "order_refused"
NOTICES = frozenset(
    {QUOTE_CHANGED, PROTECTION_GONE, NO_ROOM, BUSY, TOTAL_CHANGED, NOT_READY, ORDER_REFUSED}
)
# Only these card fields are ever shown back: never the number or the security code.
KEPT_FIELDS = frozenset({"cardholder_name", "expiry"})


@dataclass(frozen=True)
class PlaceOutcome:
    """What stopped the order: a notice, a payment problem or the card fields' errors."""

    notice: str | None = None  # one of NOTICES
    problem: str | None = None  # the payment's own words for the shopper (e.g. a decline)
    errors: dict[str, str] = field(default_factory=dict)  # card field -> message
    values: dict[str, str] = field(default_factory=dict)  # kept card fields, as typed
    missing: tuple[str, ...] = ()  # NOT_READY: the steps still to do
    shown: ShownTotal | None = None  # TOTAL_CHANGED: the figures the page showed
    now: ShownTotal | None = None  # TOTAL_CHANGED: the figures the order would charge
    note: str | None = None  # the order note as sent, shown again if it could not be saved

    @property
    def kind(self) -> str:
        """Name what stopped the order (for the metrics): its notice, the payment or the form."""
        return self.notice or ("payment_failed" if self.problem else "invalid_form")

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as JSON-friendly data for the session."""
        return {
            "notice": self.notice,
            "problem": self.problem,
            "errors": self.errors,
            "values": {k: v for k, v in self.values.items() if k in KEPT_FIELDS},
            "missing": list(self.missing),
            "shown": self.shown.as_dict() if self.shown else None,
            "now": self.now.as_dict() if self.now else None,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Any) -> PlaceOutcome | None:
        """Read an outcome back from the session; anything malformed reads as none."""
        if not isinstance(data, dict):
            return None
        notice, problem = data.get("notice"), data.get("problem")
        errors, values = data.get("errors"), data.get("values")
        missing, note = data.get("missing"), data.get("note")
        if notice is not None and notice not in NOTICES:
            return None
        if not all(value is None or isinstance(value, str) for value in (problem, note)):
            return None
        if not (_strings(errors) and _strings(values) and isinstance(missing, list)):
            return None
        return cls(
            notice=notice,
            problem=problem,
            errors=dict(errors),
            values={k: v for k, v in values.items() if k in KEPT_FIELDS},
            missing=tuple(step for step in missing if isinstance(step, str)),
            shown=ShownTotal.from_dict(data.get("shown")),
            now=ShownTotal.from_dict(data.get("now")),
            note=note,
        )


def _strings(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )
