"""Sandbox-only money helpers: v2 amount strings and exact allocation in minor units."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import ROUND_HALF_UP
from decimal import Decimal

from app.sandbox.minor_units import quantum

ZERO = Decimal(0)
# v2 order amounts are strings with four decimals, e.g. "69.8400".
V2_QUANTUM = Decimal("0.0001")


def v2_amount(amount: Decimal) -> str:
    """Format an amount the way the v2 Orders API does: a string with four decimals."""
    return f"{Decimal(amount).quantize(V2_QUANTUM, rounding=ROUND_HALF_UP):f}"


def allocate(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Split ``total`` across ``weights`` proportionally, in whole minor units, summing exactly."""
    step = quantum(currency)
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum <= 0 or total <= 0:
        return [ZERO for _ in weights]
    exact = [total * weight / weight_sum for weight in weights]
    shares = [value.quantize(step, rounding=ROUND_DOWN) for value in exact]
    # Hand out the remaining minor units to the largest fractional remainders (stable order).
    leftover = int((total - sum(shares, ZERO)) / step)
    order = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in order[:leftover]:
        shares[index] += step
    return shares
