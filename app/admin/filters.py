"""Jinja filters for the admin page: times in UTC, percentages and counts, formatted in Python."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from decimal import Decimal


def utc_time(moment: datetime | float | None) -> str:
    """Format a time (aware datetime or Unix time) as ``2026-11-23 14:05:09 UTC``."""
    if moment is None:
        return "—"
    if not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def percentage(value: Decimal | None) -> str:
    """Format a percentage such as ``Decimal("62.5")`` as ``62.5%``, or a dash for none."""
    return "—" if value is None else f"{value}%"


def thousands(value: int) -> str:
    """Format a count with thousands separators, such as ``1,000``."""
    return f"{value:,}"
