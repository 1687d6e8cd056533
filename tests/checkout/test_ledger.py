"""The order ledger: one placement at a time per checkout, and what it recorded.

Every test runs on SQLite and on Redis (skipped without REDIS_URL; see ``tests/test_stores.py``
and ``tests/support/stores.py``).
"""

from __future__ import annotations

import threading

import pytest

from app.checkout.ledger import Placement
from app.checkout.ledger import PlacementBusy
from tests.support.stores import race
from tests.support.waiting import wait_until

CHECKOUT = "0f8fad5b-d9cb-469f-a165-70867728950e"
EMPTY = Placement(None, None, False)


def refusals(ledger) -> list[str]:
    """Count each time ``ledger`` finds the lease taken: the owners it made wait, in order."""
    refused, acquire = [], ledger._acquire

    def counting(checkout_id: str, owner: str) -> bool:
        taken = acquire(checkout_id, owner)
        if not taken:
            refused.append(owner)
        return taken

    ledger._acquire = counting
    return refused


def test_only_one_holder_at_a_time_and_the_next_sees_its_order(backend):
    ledger = backend.ledger()
    refused = refusals(ledger)
    inside, overlaps, seen = [], [], []

    def place(order_id: int) -> None:
        with ledger.lease(CHECKOUT) as placement:
            overlaps.append(len(inside))
            inside.append(order_id)
            seen.append(placement.order_id)
            if placement.order_id is None:
                # A slow first placement: it lasts until both others have found it holding.
                wait_until(lambda: len(set(refused)) == 2, message="the others waiting")
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


def test_two_machines_racing_for_a_lease_place_one_order(backend):
    machines = [backend.ledger(), backend.ledger()]
    refused = [refusals(machine) for machine in machines]

    def place(ledger, n: int) -> tuple[int | None, int]:
        with ledger.lease(CHECKOUT, wait_seconds=5) as placement:
            if placement.order_id is None:
                # Placing takes a while: until the other machine has found the lease taken.
                wait_until(lambda: refused[1 - n], message="the other machine waiting")
                ledger.record_order(CHECKOUT, 500 + n, f"state-{n}")
            return placement.order_id, n

    results = race(machines, place)
    seen = sorted(results, key=lambda result: result[0] is not None)
    (winner_saw, _), (loser_saw, loser) = seen
    recorded = backend.ledger().get(CHECKOUT)
    assert winner_saw is None  # exactly one placed an order...
    assert loser_saw is not None
    assert loser_saw == recorded.order_id  # ...and the other waited for it, then reused it
    assert refused[loser], "the other machine never had to wait for the lease"
    assert recorded.state_key == f"state-{recorded.order_id - 500}"


def test_a_second_ledger_on_the_same_store_shares_the_lease(backend):
    first = backend.ledger()
    second = backend.ledger()  # another worker process, or machine
    with (
        first.lease(CHECKOUT),
        pytest.raises(PlacementBusy),
        second.lease(CHECKOUT, wait_seconds=0.2),
    ):
        pass
    with second.lease(CHECKOUT) as placement:
        assert placement == first.get(CHECKOUT)


def test_paid_is_remembered_and_an_abandoned_lease_expires(backend):
    ledger = backend.ledger(lease_seconds=0.2)
    with ledger.lease(CHECKOUT):
        ledger.record_order(CHECKOUT, 100, "a")
        ledger.mark_paid(CHECKOUT)
    assert ledger.get(CHECKOUT).paid
    ledger._acquire(CHECKOUT, "a-crashed-worker")  # never released
    with ledger.lease(CHECKOUT, wait_seconds=2) as placement:  # taken once it has expired
        assert placement.order_id == 100


def test_a_lease_lasts_lease_seconds(backend):
    ledger = backend.ledger()  # the default: two minutes
    assert ledger._acquire(CHECKOUT, "a-crashed-worker")
    assert not backend.ledger()._acquire(CHECKOUT, "another-worker")
    backend.pass_time(110)
    with pytest.raises(PlacementBusy):
        ledger.lease(CHECKOUT, wait_seconds=0.1).__enter__()
    backend.pass_time(20)
    with ledger.lease(CHECKOUT, wait_seconds=0.1) as placement:
        assert placement == EMPTY


def test_a_late_holder_does_not_free_the_next_holders_lease(backend):
    slow, next_worker = backend.ledger(lease_seconds=0.2), backend.ledger()
    with slow.lease(CHECKOUT):
        backend.pass_time(0.3)  # outlives its lease...
        assert next_worker._acquire(CHECKOUT, "next")  # ...which another worker takes
    # The slow holder's release left the next holder's lease alone.
    with pytest.raises(PlacementBusy), next_worker.lease(CHECKOUT, wait_seconds=0.1):
        pass


def test_a_lease_is_released_when_the_placement_raises(backend):
    ledger = backend.ledger()
    with pytest.raises(RuntimeError), ledger.lease(CHECKOUT):
        raise RuntimeError("BigCommerce is down")
    with backend.ledger().lease(CHECKOUT, wait_seconds=0.1) as placement:
        assert placement == EMPTY


def test_a_new_order_for_a_changed_cart_is_unpaid_until_marked(backend):
    ledger = backend.ledger()
    assert ledger.get(CHECKOUT) == EMPTY
    with ledger.lease(CHECKOUT) as placement:
        assert placement == EMPTY
        ledger.record_order(CHECKOUT, 100, "cart-1")
    ledger.mark_paid(CHECKOUT)
    assert backend.ledger().get(CHECKOUT) == Placement(100, "cart-1", True)
    with ledger.lease(CHECKOUT) as placement:
        assert placement == Placement(100, "cart-1", True)
        ledger.record_order(CHECKOUT, 101, "cart-2")
    assert ledger.get(CHECKOUT) == Placement(101, "cart-2", False)
    assert ledger.get("another-checkout") == EMPTY


def test_only_a_leased_checkout_records_anything(backend):
    ledger = backend.ledger()
    ledger.record_order(CHECKOUT, 100, "cart-1")  # no lease was ever taken: ignored
    ledger.mark_paid(CHECKOUT)
    assert ledger.get(CHECKOUT) == EMPTY
