"""The direct path: paid orders reach Loop's Orders API with the block, and stay that way."""

from __future__ import annotations

import threading

from app.sync.jobs import DONE
from app.sync.jobs import PENDING
from app.webhooks.registration import SECRET_HEADER
from tests.support.loop_orders import last_offer
from tests.support.loop_orders import loop_orders
from tests.support.loop_orders import upserts
from tests.support.offer import set_rules
from tests.support.ordering import place_paid_order
from tests.support.queue import drain
from tests.support.waiting import wait_until


def webhook(order_id: int, delivery: str, scope: str = "store/order/updated") -> dict:
    """An order event as BigCommerce delivers it (webhooks.v3.yml, webhook_callback)."""
    return {
        "scope": scope,
        "store_id": "1001",
        "data": {"type": "order", "id": order_id},
        "hash": delivery,
        "created_at": 1_763_900_000,
        "producer": "stores/sandbox",
    }


def deliver(client, event: dict, secret: str | None):
    """Post an event to the webhook endpoint, with the secret header when given."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post("/webhooks/bigcommerce", json=event, headers=headers)


def test_an_accepted_order_reaches_loop_with_the_quoted_block(direct_app, raw, sandbox):
    # Loop's own order, not a sorted one: the push must carry it exactly.
    set_rules(sandbox, modes=["shippingProtection", "returnCoverage"])
    client = direct_app.test_client()
    order_id = place_paid_order(client, raw, opt_in=True)
    offer = last_offer(sandbox)
    assert upserts(sandbox) == []  # the worker sends it, not the shopper's request
    drain(direct_app.extensions["sync_queue"])
    [order] = loop_orders(sandbox, order_id)
    [fee] = order["fees"]
    assert fee["amount"] == {
        "amount": offer["chargeInstructions"]["amount"],
        "currency_code": offer["chargeInstructions"]["currencyCode"],
    }
    assert isinstance(fee["amount"]["amount"], int)
    assert fee["accepted_offer_mode"] == offer["mode"] == ["shippingProtection", "returnCoverage"]
    assert order["metadata"] == [{"key": "session_id", "value": offer["sessionId"]}]
    assert order["checkout_plus"]["protected"] is True
    assert order["external_id"] == str(order_id)


def test_a_declined_order_reaches_loop_without_a_block(direct_app, raw, sandbox):
    client = direct_app.test_client()
    order_id = place_paid_order(client, raw, opt_in=False)
    drain(direct_app.extensions["sync_queue"])
    [order] = loop_orders(sandbox, order_id)
    assert order["fees"] == []
    assert order["metadata"] == []
    assert order["checkout_plus"]["protected"] is False
    decision = direct_app.extensions["decisions"].for_order(order_id)
    assert decision.accepted is False


def test_an_order_update_pushes_the_block_again_once_per_delivery(direct_app, raw, sandbox):
    client = direct_app.test_client()
    queue = direct_app.extensions["sync_queue"]
    secret = direct_app.extensions["webhook_secret"]
    order_id = place_paid_order(client, raw, opt_in=True)
    drain(queue)
    assert len(upserts(sandbox)) == 1
    event = webhook(order_id, "delivery-1")

    assert deliver(client, event, secret).get_json() == {"status": "queued"}
    drain(queue)
    assert len(upserts(sandbox)) == 2
    second = upserts(sandbox)[-1].json
    assert second["fees"][0]["accepted_offer_mode"] == last_offer(sandbox)["mode"]
    assert second["metadata"] == [{"key": "session_id", "value": last_offer(sandbox)["sessionId"]}]
    [order] = loop_orders(sandbox, order_id)
    assert order["writes"] == 2
    assert order["checkout_plus"]["protected"] is True

    replay = deliver(client, event, secret)  # BigCommerce delivered the same event again
    assert replay.status_code == 200
    assert replay.get_json() == {"status": "duplicate"}
    drain(queue)
    assert len(upserts(sandbox)) == 2


def test_a_webhook_marks_the_job_pending_before_answering_so_a_crash_loses_nothing(
    direct_app, raw, sandbox
):
    client = direct_app.test_client()
    queue = direct_app.extensions["sync_queue"]
    order_id = place_paid_order(client, raw, opt_in=True)
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    answer = deliver(
        client, webhook(order_id, "delivery-crash"), direct_app.extensions["webhook_secret"]
    )
    assert answer.get_json() == {"status": "queued"}
    # Recorded in the web request itself, not by a queued message a killed worker could drop.
    assert queue.jobs.for_order(order_id).state == PENDING
    queue.huey.flush()  # every queued message lost, as if the worker died holding them
    assert queue.requeue_pending() == 1  # what a restarted worker does first
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    assert len(upserts(sandbox)) == 2


def test_a_webhook_without_the_secret_is_refused_and_queues_nothing(direct_app, raw, sandbox):
    client = direct_app.test_client()
    queue = direct_app.extensions["sync_queue"]
    order_id = place_paid_order(client, raw, opt_in=True)
    drain(queue)
    for secret in (None, "", "x" * 64, direct_app.extensions["webhook_secret"][:-1]):
        response = deliver(client, webhook(order_id, f"forged-{secret}"), secret)
        assert response.status_code == 401
        assert "Webhook-Secret" in response.get_json()["message"]
    assert queue.huey.pending_count() == 0
    assert drain(queue) == 0
    assert len(upserts(sandbox)) == 1


def test_a_webhook_for_another_store_or_no_order_is_ignored(direct_app, raw, sandbox):
    client = direct_app.test_client()
    secret = direct_app.extensions["webhook_secret"]
    other_store = {**webhook(100, "d-1"), "producer": "stores/another"}
    not_an_order = {**webhook(100, "d-2"), "data": {"type": "cart", "id": "c-1"}}
    for event in (other_store, not_an_order):
        assert deliver(client, event, secret).get_json() == {"status": "ignored"}
    refused = client.post("/webhooks/bigcommerce", data="[1, 2]", headers={SECRET_HEADER: secret})
    assert refused.status_code == 400
    assert "JSON object with scope" in refused.get_json()["message"]
    assert direct_app.extensions["sync_queue"].huey.pending_count() == 0


def test_an_update_while_the_push_runs_is_sent_after_it(direct_app, raw, sandbox):
    client = direct_app.test_client()
    queue = direct_app.extensions["sync_queue"]
    order_id = place_paid_order(client, raw, opt_in=True)
    job = queue.jobs.for_order(order_id)
    queue.huey.flush()  # this test runs the job by hand
    sandbox.set_faults("loop PUT /api/v1/orders delay=0.6 times=1")
    running = threading.Thread(target=queue.run, args=(job.id,))
    running.start()
    # The push has reached Loop, which holds it for 0.6 s: it carries the order as it was.
    wait_until(lambda: upserts(sandbox), message="the push reaching Loop")
    queue.resync(order_id)  # a webhook's resync task, run by another worker thread meanwhile
    running.join()
    assert queue.jobs.for_order(order_id).state == PENDING
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    assert len(upserts(sandbox)) == 2


def test_an_order_with_no_job_is_pushed_with_the_block_it_carries(direct_app, app, raw, sandbox):
    # Placed while the connector path was on: the block is on the order's metafields.
    connector_client = app.test_client()
    order_id = place_paid_order(connector_client, raw, opt_in=True)
    drain(app.extensions["sync_queue"])
    client = direct_app.test_client()
    event = webhook(order_id, "after-switch", scope="store/order/statusUpdated")
    assert deliver(client, event, direct_app.extensions["webhook_secret"]).status_code == 200
    drain(direct_app.extensions["sync_queue"])
    pushed = upserts(sandbox)[-1].json
    assert pushed["external_id"] == str(order_id)
    assert (
        pushed["fees"][0]["amount"]["amount"] == last_offer(sandbox)["chargeInstructions"]["amount"]
    )
