"""The stores behind the metrics, on each backend: the sync jobs read at scrape time, the
decisions counted once however often they are recorded."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest

from app.checkout_plus.decisions import decision_now
from app.metrics.recorders import CountedDecisions
from app.metrics.recorders import SyncJobsCollector
from app.sync.jobs import FAILED
from tests.support.metrics import Samples
from tests.support.metrics import scrape
from tests.support.metrics import since


def read(jobs) -> Samples:
    """The job gauges as a scrape gives them."""
    registry = CollectorRegistry()
    registry.register(SyncJobsCollector(jobs))
    return Samples(generate_latest(registry).decode())


def test_jobs_by_state_and_the_attempts_of_those_not_done(backend):
    jobs = backend.jobs()
    done, failing, failed = (jobs.add(order_id, {}) for order_id in (1, 2, 3))
    jobs.attempt(done.id)
    jobs.finish(done.id, "done")
    for _ in range(2):
        jobs.attempt(failing.id, "BigCommerce answered 503")
    for _ in range(3):
        jobs.attempt(failed.id, "BigCommerce refused the key")
    jobs.finish(failed.id, FAILED, "BigCommerce refused the key")

    samples = read(jobs)
    assert samples["checkout_plus_sync_store_up"] == 1
    for state, count in {"pending": 1, "done": 1, "failed": 1}.items():
        assert samples["checkout_plus_sync_jobs", {"state": state}] == count
    assert samples["checkout_plus_sync_job_attempts", {"state": "pending"}] == 2
    assert samples["checkout_plus_sync_job_attempts", {"state": "failed"}] == 3


def test_a_decision_recorded_twice_is_counted_once(backend, client):
    decisions = CountedDecisions(backend.decisions())
    offer = {"amount": 298, "currency": "USD", "mode": ("returnCoverage",)}
    accepted = decision_now(7, True, "lop_" + "a" * 20, **offer)
    hidden = decision_now(8, False, "lop_" + "b" * 20, amount=0, currency="", mode=(), shown=False)
    before = scrape(client)
    for decision in (accepted, accepted, hidden):
        decisions.record(decision)
    after = scrape(client)
    counted = "checkout_plus_offer_decisions_total"
    assert since(before, after, counted, decision="accepted") == 1
    assert since(before, after, counted, decision="not_shown") == 1
    assert since(before, after, counted) == 2
    assert decisions.for_order(7) == backend.decisions().for_order(7)
