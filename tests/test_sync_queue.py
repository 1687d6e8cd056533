"""The sync queue: a placed order's Checkout+ block reaches BigCommerce through huey, durably."""

from __future__ import annotations

from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from tests.support.queue import drain
from tests.test_offer import choose
from tests.test_place_order import metafields
from tests.test_place_order import orders
from tests.test_place_order import place
from tests.test_place_order import start

BATCH = "POST /stores/*/v3/orders/metafields"


def opted_in_order(client, raw) -> int:
    """Place a paid, protected order and return its id."""
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    assert place(client, client.get("/checkout")).status_code == 303
    [order] = orders(raw)
    return order["id"]


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
    assert place(client, page).status_code == 303
    [order] = orders(raw)
    assert queue.jobs.for_order(order["id"]) is None
    assert drain(queue) == 0
