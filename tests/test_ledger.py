"""The order ledger: one placement at a time per checkout, and what it recorded."""

from __future__ import annotations

import threading
import time

import pytest

from app.checkout.ledger import OrderLedger
from app.checkout.ledger import PlacementBusy

CHECKOUT = "0f8fad5b-d9cb-469f-a165-70867728950e"


def test_only_one_holder_at_a_time_and_the_next_sees_its_order(tmp_path):
    ledger = OrderLedger(tmp_path / "orders.sqlite3")
    inside, overlaps, seen = [], [], []

    def place(order_id: int) -> None:
        with ledger.lease(CHECKOUT) as placement:
            overlaps.append(len(inside))
            inside.append(order_id)
            seen.append(placement.order_id)
            if placement.order_id is None:
                time.sleep(0.1)  # a slow first placement: the others must wait for it
                ledger.record_order(CHECKOUT, order_id, "state")
            inside.remove(order_id)

    threads = [threading.Thread(target=place, args=(n,)) for n in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [0, 0, 0]
    assert seen.count(None) == 1
    assert ledger.get(CHECKOUT).order_id in (1, 2, 3)


def test_a_second_ledger_on_the_same_file_shares_the_lease(tmp_path):
    first = OrderLedger(tmp_path / "orders.sqlite3")
    second = OrderLedger(tmp_path / "orders.sqlite3")  # another worker process
    with (
        first.lease(CHECKOUT),
        pytest.raises(PlacementBusy),
        second.lease(CHECKOUT, wait_seconds=0.2),
    ):
        pass
    with second.lease(CHECKOUT) as placement:
        assert placement == first.get(CHECKOUT)


def test_paid_is_remembered_and_an_abandoned_lease_expires(tmp_path):
    ledger = OrderLedger(tmp_path / "orders.sqlite3", lease_seconds=0.2)
    with ledger.lease(CHECKOUT):
        ledger.record_order(CHECKOUT, 100, "a")
        ledger.mark_paid(CHECKOUT)
    assert ledger.get(CHECKOUT).paid
    ledger._acquire(CHECKOUT, "a-crashed-worker")  # never released
    started = time.monotonic()
    with ledger.lease(CHECKOUT, wait_seconds=2) as placement:
        assert placement.order_id == 100
    assert time.monotonic() - started < 1.0
