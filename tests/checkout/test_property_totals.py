"""The total shown is the total charged: generated checkouts, each placed as a real sandbox order.

For every checkout (currency, tax region, quantities, coupon, pickup or shipping, opted in or
out, another app's fee) the total the page showed when Place order was pressed is, to the
minor unit, what the gateway charged, the order's ``total_inc_tax``, the confirmation's
"Total paid" and the sum of the confirmation's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.money import to_minor
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import NY_ADDRESS
from tests.support.addresses import OH_ADDRESS
from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import create_cart
from tests.support.contract_client import ready_checkout
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.ordering import OURS
from tests.support.ordering import charged
from tests.support.ordering import order_fees
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.pages import csrf_token
from tests.support.pages import parse

# Tax regions of 0 % (Kuwait), 6 % (Ohio) and 8.875 % (New York City); pickup is taxed where
# the store is.
REGIONS = {"0%": KW_ADDRESS, "6%": OH_ADDRESS, "8.875%": NY_ADDRESS}
PHYSICAL = (101, 102, 103, 105, 106)


@dataclass(frozen=True)
class Case:
    """One generated checkout."""

    currency: str
    region: str
    lines: tuple[tuple[int, int], ...]
    coupon: str | None
    pickup: bool
    opt_in: bool
    other_fee: bool


def cases() -> st.SearchStrategy[Case]:
    """Checkouts across currencies, tax regions, carts and choices."""
    lines = st.lists(
        st.tuples(st.sampled_from(PHYSICAL), st.integers(min_value=1, max_value=4)),
        min_size=1,
        max_size=3,
        unique_by=lambda line: line[0],
    ).map(tuple)
    return st.builds(
        Case,
        currency=st.sampled_from(["USD", "EUR", "JPY", "KWD"]),
        region=st.sampled_from(sorted(REGIONS)),
        lines=lines,
        coupon=st.sampled_from([None, "SAVE10", "FIVEOFF"]),
        pickup=st.booleans(),
        opt_in=st.booleans(),
        other_fee=st.booleans(),
    )


@pytest.fixture(scope="module")
def placed_orders(request):
    """Count the orders the property places, and say how many at the end."""
    count = [0]
    yield count
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ntest_property_totals: placed {count[0]} sandbox orders")


def prepare(client, raw, case: Case) -> str:
    """Make the checkout through the store's API and the shopper's own steps; return its id."""
    address = REGIONS[case.region]
    if case.pickup:
        cart_id = create_cart(raw, case.lines, case.currency)["id"]
        raw.call("POST", f"/v3/checkouts/{cart_id}/billing-address", address)
    else:
        cart_id = ready_checkout(raw, case.lines, case.currency, address)
    if case.coupon:
        raw.call("POST", f"/v3/checkouts/{cart_id}/coupons", {"coupon_code": case.coupon})
    if case.other_fee:
        gift_wrap = {"type": "custom_fee", "name": "wrap", "display_name": "Gift wrap"}
        fee = {**gift_wrap, "cost": 1, "source": "another-app"}
        raw.call("POST", f"/v3/checkouts/{cart_id}/fees", {"fees": [fee]})
    client.get(f"/checkout?cart_id={cart_id}")
    page = client.get("/checkout")
    if case.pickup:
        token = csrf_token(parse(page))
        answer = client.post(
            "/checkout/delivery-method", data={"csrf_token": token, "delivery-method": "pickup-1"}
        )
        assert answer.status_code == 303
        page = client.get("/checkout")
    if case.opt_in and offer_of(page)["data-state"] == "offered":
        choose(client, page, opt_in=True)
    return cart_id


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_the_total_shown_is_charged_recorded_and_receipted_to_the_minor_unit(
    rig, placed_orders, case
):
    sandbox, client = rig.sandbox, rig.app.test_client()  # a new shopper for each checkout
    raw = BigCommerceClient(sandbox.bigcommerce.url)
    cart_id = prepare(client, raw, case)
    page = client.get("/checkout")
    shown = int(parse(page).select_one("#order-totals [data-total=total]")["data-amount"])
    opted_in = offer_of(page).select_one("input[name=checkout_plus][checked]") is not None
    assert placed(place(client, page))
    placed_orders[0] += 1
    state = sandbox.bigcommerce.service.app.extensions["bigcommerce_state"]
    [order_id] = [order.id for order in state.orders.values() if order.cart_id == cart_id]
    order = raw.call("GET", f"/v2/orders/{order_id}").json()
    recorded = to_minor(Decimal(order["total_inc_tax"]), case.currency)
    confirmation = parse(client.get("/checkout/confirmation"))
    paid = int(confirmation.select_one("[data-order-total]")["data-amount"])
    rows = sum(int(row["data-amount"]) for row in confirmation.select("[data-receipt-row]"))
    assert (shown, charged(sandbox, order_id), recorded, paid, rows) == (shown,) * 5
    ours = [fee for fee in order_fees(raw, order_id) if fee["source"] == OURS]
    assert len(ours) == (1 if opted_in else 0)
