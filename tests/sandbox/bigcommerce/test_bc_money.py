"""Money helpers: exact Decimal rounding per ISO 4217 exponent, and exact allocation."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.money import quantum
from app.money import round_major
from app.money import to_minor
from app.sandbox.bigcommerce.money import allocate
from app.sandbox.bigcommerce.money import v2_amount


def test_exponents_come_from_iso_4217():
    assert [quantum(c) for c in ("JPY", "USD", "KWD")] == [
        Decimal("1"),
        Decimal("0.01"),
        Decimal("0.001"),
    ]
    assert round_major(Decimal("7.89875"), "USD") == Decimal("7.90")
    assert round_major(Decimal("0.0005"), "KWD") == Decimal("0.001")  # half-up
    assert to_minor(Decimal("24.325"), "KWD") == 24325
    assert to_minor(Decimal("30580"), "JPY") == 30580
    assert v2_amount(Decimal("69.84")) == "69.8400"


@given(
    currency=st.sampled_from(["JPY", "USD", "KWD"]),
    minor_total=st.integers(min_value=0, max_value=10**7),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8),
)
def test_allocation_sums_exactly_in_whole_minor_units(currency, minor_total, weights):
    step = quantum(currency)
    total = Decimal(minor_total) * step
    shares = allocate(total, [Decimal(w) for w in weights], currency)
    if sum(weights) == 0 or total == 0:
        assert all(share == 0 for share in shares)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        assert share % step == 0
        assert abs(share - total * weight / sum(weights)) < step
