"""The sync queue: a placed order's Checkout+ block reaches BigCommerce through huey, durably."""

from __future__ import annotations

import json

import pytest
import requests

from app import create_app
from app.clients.http import USER_AGENT
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.queue import MAX_ATTEMPTS
from app.webhooks.registration import SECRET_HEADER
from tests.support.app_config import sandbox_config
from tests.support.metafields import BATCH
from tests.support.metafields import accepted_values
from tests.support.metafields import add_metafield
from tests.support.metafields import by_key
from tests.support.metafields import fill_metafields
from tests.support.ordering import metafields
from tests.support.ordering import opted_in_order
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.queue import drain


def test_placing_an_order_stores_the_job_before_the_confirmation(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    job = queue.jobs.for_order(order_id)
    assert job.state == PENDING
    assert metafields(raw, order_id) == {}  # nothing written until a worker runs the job
    assert drain(queue) == 1
    assert queue.jobs.for_order(order_id).state == DONE
    assert set(metafields(raw, order_id)) == {
        "session_id",
        "accepted_offer_mode",
        "fee_amount",
        "fee_currency",
    }
    record = sandbox.loop.service.app.extensions["loop_state"].connector.sync(order_id, "test")
    assert record.protected


def our_metafield_calls(sandbox) -> list[str]:
    """The metafield calls our client made (Loop's connector reads them too, as itself)."""
    entries = sandbox.bigcommerce.log.entries(path="/stores/*/v3/orders/*metafields*")
    return [e.method for e in entries if e.headers.get("User-Agent") == USER_AGENT]


def test_a_new_orders_block_is_one_call_and_a_resync_reads_first(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    sandbox.bigcommerce.log.clear()
    drain(queue)
    assert our_metafield_calls(sandbox) == ["POST"]
    # A webhook's resync may meet the block already there: it reads, finds it right, stops.
    sandbox.bigcommerce.log.clear()
    assert queue.resync(order_id)
    drain(queue)
    assert our_metafield_calls(sandbox) == ["GET"]
    assert len(metafields(raw, order_id)) == 4


def test_transient_failures_are_retried_until_the_block_is_written(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    sandbox.set_faults(f"bigcommerce {BATCH} status=503 times=2")
    original = queue._task.schedule
    delays = []

    def now(args, delay):
        delays.append(delay)
        return original(args, delay=0)

    queue._task.schedule = now
    drain(queue)
    job = queue.jobs.for_order(order_id)
    assert job.state == DONE
    assert job.attempts == 3
    assert len(delays) == 2
    assert delays[1] > delays[0]  # exponential back-off
    assert len(metafields(raw, order_id)) == 4


def test_a_job_that_keeps_failing_is_failed_visibly_and_can_be_retried(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    sandbox.set_faults(f"bigcommerce {BATCH} status=503")
    original = queue._task.schedule
    queue._task.schedule = lambda args, delay: original(args, delay=0)
    drain(queue, until=20)
    job = queue.jobs.for_order(order_id)
    assert job.state == FAILED
    assert "503" in job.last_error
    sandbox.bigcommerce.faults.clear()
    assert queue.retry_failed() == 1
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    assert len(metafields(raw, order_id)) == 4


def test_a_pending_job_whose_message_was_lost_is_queued_again(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    queue.huey.flush()  # the queue lost its message (a crash, a redeploy)
    assert drain(queue) == 0
    assert queue.requeue_pending() == 1
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    assert len(metafields(raw, order_id)) == 4


def test_an_opted_out_order_queues_nothing(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    _, page = start(client, raw)
    assert placed(place(client, page))
    [order] = orders(raw)
    assert queue.jobs.for_order(order["id"]) is None
    assert drain(queue) == 0


GET_METAFIELDS = "GET /stores/*/v3/orders/*/metafields"


def limiter(sandbox):
    """The sandbox store's API rate limiter."""
    return sandbox.bigcommerce.service.app.extensions["bigcommerce_state"].rate_limiter


def settle(sandbox) -> None:
    """Wait until the store has delivered its webhooks and the connector has synced them."""
    deliveries = sandbox.bigcommerce.url + "/__sandbox/webhook-deliveries?wait=10"
    assert requests.get(deliveries, timeout=15).json()["idle"]
    assert sandbox.loop.service.app.extensions["loop_state"].connector.wait_idle(timeout=10)


def connector_record(sandbox, order_id: int):
    """The connector's latest record of the order, once its webhook-driven syncs are done."""
    settle(sandbox)
    connector = sandbox.loop.service.app.extensions["loop_state"].connector
    return connector.records(order_id)[-1]


@pytest.mark.parametrize("fee_name", [None, "Loop order protection"])
def test_every_failure_at_once_still_ends_with_exactly_the_right_block(
    raw, sandbox, tmp_path, fee_name
):
    extra = {"CHECKOUT_PLUS_FEE_NAME": fee_name} if fee_name else {}
    app = create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "i"), **extra))
    queue = app.extensions["sync_queue"]
    queue.first_retry_seconds = 0.05
    order_id = opted_in_order(app.test_client(), raw)
    add_metafield(raw, order_id, "session_id", "lop_" + "W" * 20)  # a wrong value already there
    # A short rate-limit window keeps the test quick; the 429 still says when it resets.
    limiter(sandbox).configure(150, 1200)
    settle(sandbox)  # the connector reads orders too: the faults are for the worker
    sandbox.set_faults(
        f"bigcommerce {BATCH} status=503 times=2; bigcommerce {GET_METAFIELDS} status=429 times=1"
    )
    drain(queue, until=20)

    job = queue.jobs.for_order(order_id)
    assert (job.state, job.attempts) == (DONE, 4)  # 429, 503, 503, then written
    wanted = accepted_values(sandbox) | ({"fee_name": fee_name} if fee_name else {})
    assert by_key(raw, order_id) == wanted  # four keys, or five with a fee name; one of each
    limited = next(e for e in sandbox.bigcommerce.log.entries() if e.status == 429)
    reset = int(limited.response_headers["X-Rate-Limit-Time-Reset-Ms"]) / 1000
    # The connector reads the order meanwhile; the worker's next write shows when it came back.
    entries = sandbox.bigcommerce.log.entries()
    after = next(e for e in entries if e.seq > limited.seq and e.method in ("PUT", "POST"))
    assert after.time - limited.time >= reset - 0.01  # never sooner than BigCommerce asked
    assert connector_record(sandbox, order_id).protected is True


def test_a_key_refused_for_good_leaves_none_of_the_block(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    # BigCommerce keeps 250 metafields per order and account: two of our four are refused.
    fill_metafields(raw, order_id, 248)
    drain(queue)

    job = queue.jobs.for_order(order_id)
    assert job.state == FAILED
    assert "refused" in job.last_error
    assert "fee_" in job.last_error
    assert metafields(raw, order_id) == {}
    settle(sandbox)
    limiter(sandbox).configure(150, 30_000)  # a fresh window: the filler spent the store's quota
    connector = sandbox.loop.service.app.extensions["loop_state"].connector
    record = connector.sync(order_id, trigger="test")
    assert (record.status, record.protected) == ("synced", False)
    assert record.checkout_plus == "absent"


def test_a_job_given_up_after_retries_removes_what_it_wrote(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    queue.first_retry_seconds = 0.01
    order_id = opted_in_order(client, raw)
    add_metafield(raw, order_id, "fee_currency", "USD")  # a part an earlier run left
    # Without the batch endpoint keys go one by one, and BigCommerce fails every one.
    single = f"POST /stores/*/v3/orders/{order_id}/metafields"
    sandbox.set_faults(f"bigcommerce {BATCH} status=405; bigcommerce {single} status=503")
    drain(queue, until=30)
    job = queue.jobs.for_order(order_id)
    assert (job.state, job.attempts) == (FAILED, MAX_ATTEMPTS)
    assert "503" in job.last_error
    assert metafields(raw, order_id) == {}  # no order rests with part of a block


def test_each_decision_is_logged_with_the_offer_the_shopper_saw(app, client, raw, sandbox):
    decisions = app.extensions["decisions"]
    accepted_id = opted_in_order(client, raw)
    shown = accepted_values(sandbox)
    accepted = decisions.for_order(accepted_id)
    assert accepted.accepted is True
    assert accepted.session_id == shown["session_id"]
    assert str(accepted.amount) == shown["fee_amount"]
    assert accepted.currency == "USD"
    assert json.dumps(list(accepted.mode), separators=(",", ":")) == shown["accepted_offer_mode"]

    declining = app.test_client()
    _, page = start(declining, raw)
    assert placed(place(declining, page))
    declined_id = orders(raw)[-1]["id"]
    declined = decisions.for_order(declined_id)
    assert declined.accepted is False
    assert declined.amount > 0  # the price and coverage turned down
    assert declined.mode
    assert [d.order_id for d in decisions.recent()] == [declined_id, accepted_id]


def test_an_order_webhook_repairs_a_damaged_block(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    drain(queue)
    fields = raw.call("GET", f"/v3/orders/{order_id}/metafields").json()["data"]
    fee = next(field for field in fields if field["key"] == "fee_amount")
    raw.call("DELETE", f"/v3/orders/{order_id}/metafields/{fee['id']}")  # someone removed one
    event = {
        "scope": "store/order/statusUpdated",
        "store_id": "1001",
        "data": {"type": "order", "id": order_id, "status": {"previous_status_id": 11}},
        "hash": "repair-1",
        "created_at": 1_763_900_000,
        "producer": "stores/sandbox",
    }
    secret = app.extensions["webhook_secret"]
    response = client.post("/webhooks/bigcommerce", json=event, headers={SECRET_HEADER: secret})
    assert response.get_json() == {"status": "queued"}
    drain(queue)
    assert metafields(raw, order_id) == accepted_values(sandbox)
    assert connector_record(sandbox, order_id).protected is True


def run_queued(queue) -> None:
    """Run every queued message now, as the worker's threads do; a retry moves to the schedule."""
    while (task := queue.huey.dequeue()) is not None:
        queue.huey.execute(task)


def test_a_restart_while_a_retry_waits_keeps_one_retry_per_job(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = opted_in_order(client, raw)
    sandbox.set_faults(f"bigcommerce {BATCH} status=503")  # a metafields outage
    run_queued(queue)  # fails: attempt 1, its retry scheduled
    assert queue.requeue_pending() == 1  # the worker restarts while the retry waits
    run_queued(queue)  # the restart's run fails too: attempt 2, its own retry scheduled
    assert queue.jobs.for_order(order_id).attempts == 2
    [first, second] = sorted(queue.huey.scheduled(), key=lambda task: task.eta)
    posts = sandbox.bigcommerce.log.count(*BATCH.split())
    queue.huey.execute(first, first.eta)  # due: the job was tried since, so it stops
    assert queue.jobs.for_order(order_id).attempts == 2
    assert sandbox.bigcommerce.log.count(*BATCH.split()) == posts
    assert queue.huey.pending_count() == 0  # and schedules nothing
    sandbox.bigcommerce.faults.clear()
    queue.huey.execute(second, second.eta)
    job = queue.jobs.for_order(order_id)
    assert (job.state, job.attempts) == (DONE, 3)
    assert metafields(raw, order_id) == accepted_values(sandbox)
