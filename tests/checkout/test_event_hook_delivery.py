"""One checkout event's delivery: what is delivered, retried with back-off, or dropped.

The hook runs on a huey kept in memory, its jobs run in the test's thread (``drain``); the
receiver is the loopback one of tests/support/hook_receiver.py.
"""

from __future__ import annotations

import json
import socket

import pytest
from huey import MemoryHuey

from app.checkout import event_hook as event_hook_module
from app.checkout.event_hook import MAX_ATTEMPTS
from app.checkout.event_hook import EventHook
from app.checkout.event_hook import HookTarget
from app.checkout.event_hook import sign
from app.clients.http import build_session
from tests.support.hook_receiver import HookReceiver
from tests.support.queue import drain

SECRET = "events-hook-secret-" + "d" * 32
EVENT = '{"event":"checkout_plus_accepted","price":2.98,"currency":"USD","modes":["a","b"]}'
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture
def receiver():
    """The merchant's events receiver."""
    server = HookReceiver().start()
    yield server
    server.stop()


def event_hook(url: str) -> tuple[EventHook, list[float]]:
    """A hook posting to ``url`` at a fixed time, with the delays of the retries it schedules."""
    hook = EventHook(
        MemoryHuey("events", immediate=False),
        HookTarget(url, SECRET, "abc123"),
        build_session(),
        clock=lambda: NOW,
        jitter=lambda: 1.0,  # the longest wait of each back-off
    )
    delays: list[float] = []
    original = hook._task.schedule

    def now(args, delay):
        delays.append(delay)
        return original(args, delay=0)

    hook._task.schedule = now
    return hook, delays


def test_the_body_is_the_event_in_its_envelope_signed_with_the_time_of_the_post(receiver):
    hook, _ = event_hook(receiver.hook_url)
    hook.send([EVENT], "cart-1")
    drain(hook)
    [post] = receiver.posts
    body = post.body.decode()
    event_id = json.loads(body)["id"]
    assert body == (
        f'{{"id":"{event_id}","event":"checkout_plus_accepted","price":2.98,"currency":"USD",'
        '"modes":["a","b"],"cart_id":"cart-1","occurred_at":"2026-01-01T00:00:00.000Z",'
        '"store":"abc123"}'
    )
    assert post.headers["X-Checkout-Plus-Timestamp"] == "1767225600"
    assert post.headers["X-Checkout-Plus-Signature"] == sign(SECRET, 1767225600, body)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_a_busy_or_failing_receiver_gets_the_event_again(receiver, status):
    hook, delays = event_hook(receiver.hook_url)
    receiver.answers = [status, status]
    hook.send([EVENT], "cart-1")
    drain(hook)
    assert [post.status for post in receiver.posts] == [status, status, 200]
    assert len({post.body for post in receiver.posts}) == 1
    assert delays == [60.0, 120.0]  # doubling from a minute


@pytest.mark.parametrize("status", [301, 400, 401, 403, 404, 410, 422])
def test_a_refusal_is_dropped_at_once(receiver, status, caplog):
    hook, delays = event_hook(receiver.hook_url)
    receiver.answers = [status]
    hook.send([EVENT], "cart-1")
    drain(hook)
    assert [post.status for post in receiver.posts] == [status]
    assert delays == []
    assert f"(HTTP {status}): dropped" in caplog.text


def test_an_unreachable_receiver_is_tried_six_times_then_given_up(caplog):
    with socket.socket() as unused:  # a port nothing listens on: the connection is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    hook, delays = event_hook(f"http://127.0.0.1:{port}/hooks")
    hook.send([EVENT], "cart-1")
    drain(hook)
    assert len(delays) == MAX_ATTEMPTS - 1
    assert delays == [60.0, 120.0, 240.0, 480.0, 960.0]
    assert f"dropped after {MAX_ATTEMPTS} tries (ConnectionError)" in caplog.text
    assert SECRET not in caplog.text
    assert "checkout_plus_accepted" not in caplog.text  # never the body


def test_a_receiver_that_does_not_answer_in_time_gets_the_event_again(monkeypatch):
    monkeypatch.setattr(event_hook_module, "TIMEOUT", (5.0, 0.05))
    # Connections wait in the listening socket's backlog, never answered.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        hook, delays = event_hook(f"http://127.0.0.1:{silent.getsockname()[1]}/hooks")
        hook.send([EVENT], "cart-1")
        drain(hook)
    assert len(delays) == MAX_ATTEMPTS - 1


def test_a_hook_without_a_target_queues_nothing_and_its_worker_drops_what_came(caplog):
    huey = MemoryHuey("events", immediate=False)
    hook = EventHook(huey, None)
    hook.send([EVENT], "cart-1")
    assert huey.pending_count() == 0
    # A web process with the webhook on, a worker without: the message is dropped, said so.
    hook.deliver("e" * 32, "{}", 1)
    assert f"Checkout event {'e' * 32} dropped: no events webhook is set here" in caplog.text
