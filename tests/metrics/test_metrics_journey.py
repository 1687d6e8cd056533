"""``/metrics`` after real checkouts: its counters are what the journey did, as the sandboxes saw.

The metric families are this test process's (prometheus_client's default registry, which
every app a test builds shares), so each test compares a scrape before the journey with one
after it (``since``). The sync jobs are read from the test app's own job store at scrape time,
so those are absolute.
"""

from __future__ import annotations

import sqlite3

from app.clients.http import USER_AGENT
from tests.support.metrics import scrape
from tests.support.metrics import since
from tests.support.offer import choose
from tests.support.ordering import DECLINED_CARD
from tests.support.ordering import opted_in_order
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import start
from tests.support.queue import drain

PAYMENTS = "/stores/*/payments"


def ours(service, method: str | None = None, path: str | None = None) -> list:
    """The calls the app made to a sandbox service (not the test's own, nor the connector's)."""
    return [
        entry
        for entry in service.log.entries(method, path)
        if entry.headers.get("User-Agent") == USER_AGENT
    ]


def test_a_protected_order_is_counted_as_the_sandboxes_saw_it(app, client, raw, sandbox):
    before = scrape(client)
    opted_in_order(client, raw)
    drain(app.extensions["sync_queue"])
    after = scrape(client)

    analyses = len(ours(sandbox.loop, "POST", "/v1/analyze"))
    assert analyses >= 2, "the page and Place order each ask Loop"
    assert since(before, after, "checkout_plus_analyses_total") == analyses
    eligible = since(before, after, "checkout_plus_analyses_total", reason="eligible")
    assert eligible == analyses
    assert since(before, after, "checkout_plus_offers_shown_total") == analyses
    assert since(before, after, "checkout_plus_loop_analyze_seconds_count") == analyses
    assert since(before, after, "checkout_plus_offer_decisions_total", decision="accepted") == 1
    assert since(before, after, "checkout_plus_offer_decisions_total", decision="declined") == 0
    assert since(before, after, "checkout_plus_place_order_total", outcome="placed") == 1
    assert since(before, after, "checkout_plus_place_order_total") == 1

    # Read from this app's own store: the one job, done at its first attempt.
    assert after["checkout_plus_sync_store_up"] == 1
    for state, count in {"done": 1, "pending": 0, "failed": 0}.items():
        assert after["checkout_plus_sync_jobs", {"state": state}] == count
    assert after.total("checkout_plus_sync_job_attempts") == 0

    store_calls = ours(sandbox.bigcommerce)
    paid = len(ours(sandbox.bigcommerce, path=PAYMENTS))
    assert paid == 1
    upstream = "checkout_plus_upstream_requests_total"
    assert since(before, after, upstream, service="payments") == paid
    assert since(before, after, upstream, service="bigcommerce") == len(store_calls) - paid
    assert since(before, after, upstream, service="loop") == len(ours(sandbox.loop))
    assert since(before, after, upstream, service="loop_orders") == 0
    assert since(before, after, "checkout_plus_upstream_errors_total") == 0


def test_a_declined_offer_and_a_declined_card_are_counted(app, client, raw, sandbox):
    before = scrape(client)
    _, page = start(client, raw)
    choose(client, page, opt_in=False)
    page = sent_back(client, place(client, client.get("/checkout"), card_number=DECLINED_CARD))
    assert placed(place(client, page))
    after = scrape(client)

    place_order = "checkout_plus_place_order_total"
    assert since(before, after, place_order, outcome="payment_failed") == 1
    assert since(before, after, place_order, outcome="placed") == 1
    assert since(before, after, "checkout_plus_offer_decisions_total", decision="declined") == 1
    assert since(before, after, "checkout_plus_offer_decisions_total", decision="accepted") == 0
    # The declined card is BigCommerce's answer (a 422), not a failure of the service.
    declined = since(before, after, "checkout_plus_upstream_requests_total", status="422")
    assert declined == len(ours(sandbox.bigcommerce, "POST", PAYMENTS)) - 1 == 1
    assert since(before, after, "checkout_plus_upstream_errors_total") == 0


def test_a_placement_finished_later_counts_its_decision_once(app, client, raw, monkeypatch):
    queue = app.extensions["sync_queue"]
    submit, submitted = queue.submit, []

    def fails_once(*args, **kwargs):
        submitted.append(args)
        if len(submitted) == 1:
            raise sqlite3.OperationalError("database is locked")
        return submit(*args, **kwargs)

    monkeypatch.setattr(queue, "submit", fails_once)
    before = scrape(client)
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    place(client, client.get("/checkout"))  # paid, but its job could not be stored
    client.get("/checkout")  # the next look at the checkout finishes the record
    after = scrape(client)
    assert len(submitted) == 2
    assert since(before, after, "checkout_plus_place_order_total", outcome="unfinished") == 1
    assert since(before, after, "checkout_plus_offer_decisions_total", decision="accepted") == 1
    assert after["checkout_plus_sync_jobs", {"state": "pending"}] == 1
