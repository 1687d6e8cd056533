"""Typed Checkout+ results, parsed from the JSON Loop documents.

Unknown fields are ignored, since Loop may add fields at any time. A missing or ill-typed field
we rely on raises ``LoopInvalidResponse`` rather than being guessed: an offer we cannot read
exactly must not be shown. ``mode`` is kept exactly as received (order and duplicates), because
it goes back to Loop verbatim as ``fees[].accepted_offer_mode``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.clients.loop.errors import LoopInvalidResponse
from app.money import is_currency

# Loop's Checkout+ session ids; Loop answers 400 to a malformed one, so none is ever sent.
SESSION_ID = re.compile(r"lop_[A-Za-z0-9]{20}")
SESSION_ID_FORMAT = f"^{SESSION_ID.pattern}$"
# A cohort name is kept, counted and shown to the merchant: a short label, or nothing.
COHORT = re.compile(r"[A-Za-z0-9_.:-]{1,64}")

# No protection fee comes near this (10^13 in major units of a two-decimal currency); an answer
# that does is broken, and would not survive money formatting's 28 digits anyway.
MAX_FEE_MINOR_UNITS = 10**15


def is_session_id(value: object) -> bool:
    """Tell whether a value is a well-formed Checkout+ session id (``SESSION_ID_FORMAT``)."""
    # fullmatch, not "$": "$" would also accept a trailing newline.
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None


def _text(data: dict[str, Any], key: str, where: str) -> str:
    """Return a required non-empty string field."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise LoopInvalidResponse(f"{where}{key} is missing or not a non-empty string")
    return value


def _is_int(value: object) -> bool:
    """Tell whether a JSON value is an integer (a bool is not; Decimal means it had a fraction)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Offer:
    """The outcome of one analysis: whether to offer protection, which coverage, at what price."""

    session_id: str
    eligible: bool
    reason: str
    mode: tuple[str, ...]  # as received; empty when ineligible
    amount: int | None  # minor units of ``currency``; None when ineligible
    currency: str | None
    method: str | None  # "fee" for API integrations; the service layer decides what else means
    analysis_count: int | None
    session_created: bool | None  # None on GET /v1/session, which omits it
    # The A/B cohort Loop placed the session in; None unless experimentationConsent was sent.
    experiment_cohort: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Offer:
        """Read the body of ``POST /v1/analyze`` (or ``GET /v1/session/{id}``)."""
        if not isinstance(data, dict):
            raise LoopInvalidResponse("response body is not a JSON object")
        session_id = data.get("sessionId")
        if not is_session_id(session_id):
            raise LoopInvalidResponse(
                "sessionId is missing or not of the form lop_ + 20 letters or digits"
            )
        eligible = data.get("eligible")
        if not isinstance(eligible, bool):
            raise LoopInvalidResponse("eligible is missing or not true/false")
        reason = _text(data, "reason", "")
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        # Metadata is informational: an ill-typed field is dropped, not fatal.
        count = metadata.get("analysisCount")
        created = metadata.get("sessionCreated")
        cohort = metadata.get("experimentCohort")
        mode: tuple[str, ...] = ()
        amount = currency = method = None
        if eligible:
            mode = _modes(data.get("mode"))
            amount, currency, method = _charge(data.get("chargeInstructions"))
        elif data.get("chargeInstructions") is not None:
            raise LoopInvalidResponse("chargeInstructions is set on an ineligible offer")
        return cls(
            session_id=session_id,
            eligible=eligible,
            reason=reason,
            mode=mode,
            amount=amount,
            currency=currency,
            method=method,
            analysis_count=count if _is_int(count) else None,
            session_created=created if isinstance(created, bool) else None,
            experiment_cohort=cohort if _is_label(cohort) else None,
        )


def _is_label(value: object) -> bool:
    """Tell whether a value is a short label fit to keep and show (a cohort's name)."""
    return isinstance(value, str) and COHORT.fullmatch(value) is not None


def _modes(value: Any) -> tuple[str, ...]:
    """Return ``mode`` unchanged as a tuple; it must be a non-empty list of non-empty strings."""
    if not isinstance(value, list) or not value:
        raise LoopInvalidResponse("mode is missing or not a non-empty array on an eligible offer")
    if not all(isinstance(item, str) and item for item in value):
        raise LoopInvalidResponse("mode holds something other than non-empty strings")
    return tuple(value)


def _charge(value: Any) -> tuple[int, str, str]:
    """Return ``(amount, currencyCode, method)`` of an eligible offer's chargeInstructions."""
    if not isinstance(value, dict):
        raise LoopInvalidResponse("chargeInstructions is missing or not an object")
    amount = value.get("amount")
    if not _is_int(amount) or not 0 <= amount < MAX_FEE_MINOR_UNITS:
        raise LoopInvalidResponse(
            "chargeInstructions.amount is not a whole number of minor units within reason"
        )
    currency = value.get("currencyCode")
    if not is_currency(currency):
        raise LoopInvalidResponse("chargeInstructions.currencyCode is not an ISO 4217 code")
    return amount, currency, _text(value, "method", "chargeInstructions.")


def _timestamp(data: dict[str, Any], key: str) -> datetime:
    """Return an RFC 3339 timestamp field as an aware datetime."""
    value = data.get(key)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    # A time without an offset is not RFC 3339, and could not be compared with aware ones.
    if moment is None or moment.tzinfo is None:
        raise LoopInvalidResponse(f"{key} is missing or not an RFC 3339 timestamp")
    return moment


@dataclass(frozen=True)
class SessionState:
    """An offer session as ``GET /v1/session/{id}`` reports it."""

    offer: Offer
    created_at: datetime
    updated_at: datetime
    analysis_count: int | None

    @classmethod
    def parse(cls, data: Any) -> SessionState:
        """Read the body of ``GET /v1/session/{id}``."""
        offer = Offer.parse(data)
        return cls(
            offer=offer,
            created_at=_timestamp(data, "createdAt"),
            updated_at=_timestamp(data, "updatedAt"),
            analysis_count=offer.analysis_count,
        )
