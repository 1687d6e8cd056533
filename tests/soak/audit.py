"""The end of the soak: every order in the sandbox store, checked against what its shopper did.

The store's state is read through its API (orders with their fees, order metafields), with
the sandbox's own list of orders (with what its gateway charged for each) and its request log
of payments, once the faults are cleared.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

import requests

from app.checkout_plus.fee import FEE_SOURCE
from app.checkout_plus.metafields import NAMESPACE
from app.checkout_plus.offer import Quote
from app.money import to_minor
from app.sandbox import credentials
from tests.bench.servers import Sandboxes
from tests.soak.shopper import Outcome

BLOCK_KEYS = ("session_id", "accepted_offer_mode", "fee_amount", "fee_currency")
INCOMPLETE = 0  # BigCommerce's status of an order not paid yet


@dataclass(frozen=True)
class StoreOrder:
    """One order as the sandbox store holds it."""

    id: int
    cart_id: str
    status_id: int
    payment_provider_id: str
    currency: str
    our_fees: tuple[int, ...]  # minor units of each Checkout+ fee on the order
    block: dict[str, list[str]]  # our metafields, by key (a key twice is a fault)
    captured: int | None = None  # minor units the sandbox gateway charged (None: not paid)

    @property
    def paid(self) -> bool:
        """Tell whether the order went past Incomplete."""
        return self.status_id != INCOMPLETE


@dataclass
class Findings:
    """What the audit found; the invariants are the counts that must be 0."""

    paid_orders: int = 0
    incomplete_orders: int = 0  # left unpaid when a shopper's decision changed after a failure
    opted_in_orders: int = 0
    complete_blocks: int = 0
    partial_blocks: int = 0
    two_fees: int = 0
    duplicate_orders: int = 0
    duplicate_payments: int = 0
    fee_without_opt_in: int = 0
    charged_not_shown: int = 0  # paid orders charged other than the total their shopper saw
    unmatched_orders: int = 0  # paid orders no shopper says they placed, or the other way
    decision_mismatches: int = 0  # the decision log says accepted, the order says otherwise
    payments: int = 0
    problems: list[str] = field(default_factory=list)  # one line per order that failed a check


def read_store(sandboxes: Sandboxes) -> list[StoreOrder]:
    """Read every order, its fees and its Checkout+ metafields from the sandbox store."""
    http = sandboxes.http
    api = f"{sandboxes.bigcommerce}/stores/{credentials.BIGCOMMERCE_STORE_HASH}"
    headers = {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
    listing = _json(http.get(f"{sandboxes.bigcommerce}/__sandbox/orders", timeout=30))
    orders = []
    for listed in listing["data"]:
        order_id = listed["id"]
        order = _json(
            http.get(f"{api}/v2/orders/{order_id}?include=fees", headers=headers, timeout=10)
        )
        metafields = _json(
            http.get(
                f"{api}/v3/orders/{order_id}/metafields",
                params={"namespace": NAMESPACE, "limit": 250},
                headers=headers,
                timeout=10,
            )
        )
        currency = order["currency_code"]
        block: dict[str, list[str]] = {}
        for item in metafields["data"]:
            block.setdefault(item["key"], []).append(item["value"])
        orders.append(
            StoreOrder(
                id=order_id,
                cart_id=order["cart_id"],
                status_id=order["status_id"],
                payment_provider_id=order["payment_provider_id"],
                currency=currency,
                our_fees=tuple(
                    to_minor(Decimal(fee["cost_ex_tax"]), currency)
                    for fee in order["fees"]
                    if fee["source"] == FEE_SOURCE
                ),
                block=block,
                captured=listed["captured_amount"],
            )
        )
    return orders


def successful_payments(sandboxes: Sandboxes) -> list[str]:
    """Return the transaction id of every payment the sandbox gateway took."""
    log = _json(
        sandboxes.http.get(
            f"{sandboxes.bigcommerce}/__sandbox/requests",
            params={"method": "POST", "path": "/stores/*/payments"},
            timeout=60,
        )
    )
    return [
        json.loads(entry["response_body"])["data"]["id"]
        for entry in log["data"]
        if entry["status"] == 201
    ]


def audit(
    outcomes: list[Outcome],
    orders: list[StoreOrder],
    payments: list[str],
    decisions: dict[int, bool],
) -> Findings:
    """Check every order against its shopper, the payments against the orders, and the
    decision log (order id -> accepted) against the fees."""
    found = Findings(payments=len(payments))
    by_cart = {outcome.cart_id: outcome for outcome in outcomes if outcome.cart_id}
    paid_per_cart = Counter(order.cart_id for order in orders if order.paid)
    for order in orders:
        if len(order.our_fees) > 1:
            found.two_fees += 1
            found.problems.append(f"order {order.id}: {len(order.our_fees)} Checkout+ fees")
        if _partial(order.block):
            found.partial_blocks += 1
            found.problems.append(f"order {order.id}: partial block {order.block}")
        if not order.paid:
            found.incomplete_orders += 1
            continue
        found.paid_orders += 1
        _check_paid(order, by_cart.get(order.cart_id), found)
        accepted = decisions.get(order.id)
        if accepted is not None and accepted != bool(order.our_fees):
            found.decision_mismatches += 1
            found.problems.append(f"order {order.id}: decision log says accepted={accepted}")
    for cart_id, count in paid_per_cart.items():
        if count > 1:
            found.duplicate_orders += count - 1
            found.problems.append(f"cart {cart_id}: {count} paid orders")
    placed = {o.cart_id for o in outcomes if o.placed}
    missing = placed - set(paid_per_cart)
    found.unmatched_orders += len(missing)
    found.problems.extend(f"cart {cart_id}: placed, but no paid order" for cart_id in missing)
    _check_payments(orders, payments, found)
    return found


def _check_paid(order: StoreOrder, shopper: Outcome | None, found: Findings) -> None:
    """Check one paid order against its shopper: the total they placed it from, and the offer
    they had ticked, or not."""
    if shopper is None or not shopper.placed:
        found.unmatched_orders += 1
        found.problems.append(f"order {order.id}: paid, but its shopper did not place it")
        return
    if shopper.order_id is not None and shopper.order_id != order.id:
        found.problems.append(f"order {order.id}: its shopper was shown order {shopper.order_id}")
        found.unmatched_orders += 1
    if (order.captured, order.currency) != (shopper.total, shopper.total_currency):
        found.charged_not_shown += 1
        found.problems.append(
            f"order {order.id}: charged {order.captured} {order.currency} (minor units), "
            f"its shopper placed it from a total of {shopper.total} {shopper.total_currency}"
        )
    accepted = shopper.accepted
    if accepted is None:
        if order.our_fees or any(order.block.get(key) for key in BLOCK_KEYS):
            found.fee_without_opt_in += 1
            found.problems.append(f"order {order.id}: protection, though not opted in")
        return
    found.opted_in_orders += 1
    values = {key: order.block.get(key, []) for key in BLOCK_KEYS}
    complete = all(len(value) == 1 for value in values.values())
    block = {key: value[0] for key, value in values.items()} if complete else {}
    fee = order.our_fees[0] if len(order.our_fees) == 1 else None
    if (
        complete
        and fee is not None
        and block["fee_amount"] == str(fee) == str(accepted.amount)
        and block["fee_currency"] == order.currency == accepted.currency
        and _token(block) == accepted.token
    ):
        found.complete_blocks += 1
        return
    found.problems.append(
        f"order {order.id}: block {order.block} and fee {order.our_fees} "
        f"for the accepted {accepted.amount} {accepted.currency} ({accepted.token})"
    )


def _check_payments(orders: list[StoreOrder], payments: list[str], found: Findings) -> None:
    """Each paid order was paid once, by the payment it records; no other payment went through."""
    recorded = {order.payment_provider_id for order in orders if order.paid}
    taken = Counter(payments)
    for transaction, count in taken.items():
        extra = count - 1 if transaction in recorded else count
        if extra:
            found.duplicate_payments += extra
            found.problems.append(f"payment {transaction}: {extra} more than its order records")
    for order in orders:
        if order.paid and order.payment_provider_id not in taken:
            found.unmatched_orders += 1
            found.problems.append(f"order {order.id}: paid, but no payment for it was seen")


def _partial(block: dict[str, list[str]]) -> bool:
    """Tell whether a block has some of the keys but not exactly one of each."""
    present = [key for key in BLOCK_KEYS if block.get(key)]
    twice = any(len(block.get(key, [])) > 1 for key in BLOCK_KEYS)
    return twice or 0 < len(present) < len(BLOCK_KEYS)


def _token(block: dict[str, str]) -> str:
    """Return the token of the quote a block's values make (what the shopper's form carried)."""
    mode = tuple(json.loads(block["accepted_offer_mode"]))
    amount = int(block["fee_amount"])
    return Quote(block["session_id"], mode, amount, block["fee_currency"]).token


def _json(response: requests.Response):
    response.raise_for_status()
    return response.json()
