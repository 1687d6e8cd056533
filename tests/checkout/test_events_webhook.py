"""Checkout events posted to the merchant's URL: each once, signed, retried by the job queue.

A loopback receiver (tests/support/hook_receiver.py) stands in for the merchant's endpoint;
the queue's jobs run in the test's thread (``drain``) or on the worker threads ``python -m
app`` starts beside the server. The policy of one delivery (what is retried, how often, how
long between tries) is in tests/checkout/test_event_hook_delivery.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from werkzeug.datastructures import Headers

from app import create_app
from app.sync.queue import start_in_process
from tests.checkout.test_checkout_events import PERSONAL
from tests.checkout.test_checkout_events import markers
from tests.support.addresses import OH_ADDRESS
from tests.support.app_config import sandbox_config
from tests.support.hook_receiver import HookReceiver
from tests.support.offer import choose
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.pages import parse
from tests.support.queue import drain
from tests.support.waiting import wait_until

SECRET = "events-hook-secret-" + "h" * 32
FIRST_PAGE = ["begin_checkout", "checkout_plus_offer_viewed", "add_shipping_info"]
# What the webhook adds around an event's own fields.
ENVELOPE = ("id", "cart_id", "occurred_at", "store")


@pytest.fixture
def receiver():
    """The merchant's events receiver, answering 200 unless told otherwise."""
    server = HookReceiver().start()
    yield server
    server.stop()


def hook_app(sandbox, tmp_path, receiver, **overrides):
    """The app posting checkout events to the receiver."""
    return create_app(
        sandbox_config(
            sandbox,
            INSTANCE_PATH=str(tmp_path / "instance"),
            CHECKOUT_EVENTS_WEBHOOK_URL=receiver.hook_url,
            CHECKOUT_EVENTS_WEBHOOK_SECRET=SECRET,
            **overrides,
        )
    )


@pytest.fixture
def app(sandbox, tmp_path, receiver):
    """The app with the webhook on and the dataLayer events off (they stand apart)."""
    return hook_app(sandbox, tmp_path, receiver)


def hook(app):
    """The app's poster of events (its huey is the sync queue's)."""
    return app.extensions["event_hook"]


def event_of(post) -> dict:
    """The event a post carried."""
    return json.loads(post.body)


def assert_signed(post) -> None:
    """The post is signed as the README tells a receiver to check, recomputed here."""
    timestamp = post.headers["X-Checkout-Plus-Timestamp"]
    signed = timestamp.encode() + b"." + post.body
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert post.headers["X-Checkout-Plus-Signature"] == f"sha256={expected}"
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["X-Checkout-Plus-Event-Id"] == event_of(post)["id"]


def test_a_journey_posts_each_event_once_in_order_signed_and_nothing_personal(
    app, client, raw, receiver, caplog
):
    caplog.set_level("DEBUG")
    since = int(time.time())
    cart_id, page = start(client, raw, address=OH_ADDRESS)
    # The dataLayer is off: no script and no marker, whatever the webhook does.
    assert not parse(page).select("script[src*='checkout-events']")
    assert parse(page).select_one("#checkout-events") is None
    choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    confirmation = client.get("/checkout/confirmation")
    assert parse(confirmation).select_one("#checkout-events") is None
    client.get("/checkout/confirmation")  # a second look is no new purchase
    drain(hook(app))
    posts = receiver.taken()
    assert len(posts) == len(receiver.posts)  # nothing refused, nothing tried twice
    events = [event_of(post) for post in posts]
    assert [event["event"] for event in events] == [
        *FIRST_PAGE,
        "checkout_plus_accepted",
        "add_payment_info",
        "purchase",
    ]
    [order] = orders(raw)
    assert events[-1]["ecommerce"]["transaction_id"] == str(order["id"])
    ids = [event["id"] for event in events]
    assert len(set(ids)) == len(ids)
    for post, event in zip(posts, events, strict=True):
        assert post.path == "/hooks/checkout"
        assert_signed(post)
        assert re.fullmatch(r"[0-9a-f]{32}", event["id"])
        assert since <= int(post.headers["X-Checkout-Plus-Timestamp"]) <= time.time()
        assert [*event][:2] == ["id", "event"]
        assert [*event][-3:] == ["cart_id", "occurred_at", "store"]
        assert (event["cart_id"], event["store"]) == (cart_id, "sandbox")
        assert event["occurred_at"].endswith("Z")
        occurred = datetime.fromisoformat(event["occurred_at"])
        assert occurred.tzinfo == UTC
        assert since <= occurred.timestamp() <= time.time()
        assert not [typed for typed in PERSONAL if typed in post.body.decode()]
    assert [event["occurred_at"] for event in events] == sorted(e["occurred_at"] for e in events)
    drain(hook(app))
    assert len(receiver.posts) == len(posts)  # each once
    assert SECRET not in caplog.text


def readme_verify():
    """The ``verify`` function the README gives receivers, as written there."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    [snippet] = [block for block in readme.split("```python")[1:] if "def verify(" in block]
    scope: dict = {}
    exec(snippet.split("```")[0], scope)  # noqa: S102 - the project's own README
    return scope["verify"]


def test_the_readme_tells_a_receiver_how_to_check_a_post(app, client, raw, receiver):
    verify = readme_verify()
    start(client, raw, address=OH_ADDRESS)
    drain(hook(app))
    post = receiver.taken()[0]
    assert verify(SECRET, post.headers, post.body)
    assert not verify(SECRET, post.headers, post.body.replace(b"USD", b"EUR"))
    assert not verify("another-secret-" + "x" * 32, post.headers, post.body)
    old = int(post.headers["X-Checkout-Plus-Timestamp"]) - 600
    replayed = Headers(post.headers)
    replayed["X-Checkout-Plus-Timestamp"] = str(old)
    replayed["X-Checkout-Plus-Signature"] = (
        "sha256="
        + hmac.new(SECRET.encode(), f"{old}.".encode() + post.body, hashlib.sha256).hexdigest()
    )
    assert not verify(SECRET, replayed, post.body)  # signed, but too long ago


def test_with_the_data_layer_on_too_the_webhook_posts_the_same_events(
    sandbox, tmp_path, raw, receiver
):
    app = hook_app(sandbox, tmp_path, receiver, CHECKOUT_ANALYTICS_EVENTS="1")
    client = app.test_client()
    _, page = start(client, raw, address=OH_ADDRESS)
    drain(hook(app))
    posted = [event_of(post) for post in receiver.taken()]
    mine = [{k: v for k, v in event.items() if k not in ENVELOPE} for event in posted]
    assert mine == markers(page)
    assert [event["event"] for event in mine] == FIRST_PAGE


def first_answered(app, client, raw, receiver, status: int):
    """Begin a checkout whose first event the receiver answers ``status``; return every post."""
    receiver.answers = [status]
    hook(app).first_retry_seconds = 0.01
    start(client, raw, address=OH_ADDRESS)
    drain(hook(app))
    first, *rest = receiver.posts
    assert first.status == status
    return first, rest


def test_an_event_the_receiver_fails_is_posted_again_with_the_same_id(app, client, raw, receiver):
    failed, rest = first_answered(app, client, raw, receiver, 500)
    assert [post.status for post in rest] == [200] * 3
    again = [post for post in rest if post.body == failed.body]
    assert len(again) == 1  # the same event, byte for byte
    assert again[0].headers["X-Checkout-Plus-Event-Id"] == event_of(failed)["id"]
    assert_signed(again[0])
    assert [event_of(post)["event"] for post in receiver.taken()] == [
        *FIRST_PAGE[1:],
        FIRST_PAGE[0],
    ]


def test_an_event_the_receiver_refuses_is_not_posted_again(app, client, raw, receiver, caplog):
    refused, rest = first_answered(app, client, raw, receiver, 400)
    assert [event_of(post)["event"] for post in rest] == FIRST_PAGE[1:]
    assert f"Checkout event {event_of(refused)['id']} refused by the webhook (HTTP 400)" in (
        caplog.text
    )
    assert SECRET not in caplog.text
    assert refused.body.decode() not in caplog.text


def test_the_worker_beside_the_server_posts_the_events(app, client, raw, receiver):
    worker = start_in_process(app.extensions["sync_queue"])
    try:
        start(client, raw, address=OH_ADDRESS)
        posts = wait_until(
            lambda: len(receiver.taken()) == len(FIRST_PAGE) and receiver.taken(),
            message="the three events of the first page posted",
        )
    finally:
        worker.stop(graceful=True)
    assert {event_of(post)["event"] for post in posts} == set(FIRST_PAGE)


def test_with_the_url_unset_nothing_is_queued(sandbox, tmp_path, raw):
    app = create_app(
        sandbox_config(
            sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_ANALYTICS_EVENTS="1"
        )
    )
    client = app.test_client()
    _, page = start(client, raw, address=OH_ADDRESS)
    choose(client, page, opt_in=True)
    assert [event["event"] for event in markers(client.get("/checkout"))] == [
        "checkout_plus_accepted"
    ]
    assert not hook(app).enabled
    assert hook(app).huey.pending_count() == 0
    assert hook(app).huey.scheduled_count() == 0


def test_a_queue_that_fails_never_stops_the_checkout(app, client, raw, receiver, caplog):
    def broken(task):
        raise sqlite3.OperationalError(f"database is locked {SECRET}")

    hook(app).huey.enqueue = broken
    _, page = start(client, raw, address=OH_ADDRESS)
    assert page.status_code == 200
    assert parse(page).select_one("[data-checkout-plus-price]") is not None
    assert "A checkout event was not queued for the webhook (OperationalError)" in caplog.text
    assert SECRET not in caplog.text  # the error's type only, never its words
    assert receiver.posts == []
