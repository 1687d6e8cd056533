"""The durable stores keep one contract on SQLite and on Redis: sync jobs, deliveries,
decisions and the analysis log (the analysis shelf's contract: tests/checkout_plus/test_shelf.py).

Every contract test runs on both backends. The Redis case needs a server: set REDIS_URL
(``.ci/run`` starts a private one); without it those cases are skipped, never faked.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.checkout.ledger import OrderLedger
from app.checkout_plus.analyses import KEEP
from app.checkout_plus.analyses import AnalysisLog
from app.checkout_plus.analyses import LoggedAnalysis
from app.checkout_plus.decisions import Decision
from app.checkout_plus.decisions import DecisionLog
from app.checkout_plus.shelf import AnalysisShelf
from app.stores import build_stores
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import SyncJobs
from app.webhooks.deliveries import KEEP_SECONDS
from app.webhooks.deliveries import WebhookDeliveries
from tests.support.queue import drain
from tests.support.stores import Backend
from tests.support.stores import open_backend
from tests.support.stores import race
from tests.support.waiting import wait_until


def a_moment_later() -> None:
    """Return once the wall clock has moved on: whatever is stored next has a later time."""
    now = time.time()
    wait_until(lambda: time.time() > now, message="the clock to move on")


# Sync jobs


def test_a_new_job_is_pending_and_adding_it_again_returns_the_first(backend):
    jobs = backend.jobs()
    job = jobs.add(100, {"block": {"amount": 299, "mode": ["a", "b"]}})
    assert (job.order_id, job.state, job.attempts, job.revision) == (100, PENDING, 0, 0)
    assert job.payload == {"block": {"amount": 299, "mode": ["a", "b"]}}
    assert job.last_error is None
    assert jobs.add(100, {"block": None}) == job
    assert backend.jobs().get(job.id) == job  # another machine sees it
    assert jobs.for_order(100) == job
    assert jobs.in_state(PENDING) == [job]


def test_machines_adding_the_same_order_at_once_share_one_job(backend):
    added = race([backend.jobs() for _ in range(6)], lambda jobs, n: jobs.add(7, {"by": n}))
    assert len({job.id for job in added}) == 1
    assert backend.jobs().in_state(PENDING) == [added[0]]


def test_unknown_jobs_and_orders_are_none(backend):
    jobs = backend.jobs()
    jobs.add(1, {})
    assert jobs.get("no-such-job") is None
    assert jobs.for_order(2) is None
    assert jobs.in_state(DONE) == []
    assert jobs.finish("no-such-job", DONE) is False
    assert jobs.finish("no-such-job", DONE, revision=0) is False
    assert jobs.resync(2) is None
    assert jobs.retry("no-such-job") is False  # nothing to do, and no error
    assert jobs.in_state(PENDING) == [jobs.for_order(1)]


def test_jobs_in_a_state_come_oldest_first_and_keep_their_place(backend):
    jobs = backend.jobs()
    ids = []
    for order_id in (30, 10, 20):
        ids.append(jobs.add(order_id, {}).id)
        a_moment_later()
    assert [job.id for job in jobs.in_state(PENDING)] == ids
    assert jobs.finish(ids[0], DONE) is True
    assert jobs.finish(ids[1], FAILED, "refused") is True
    assert [job.id for job in jobs.in_state(PENDING)] == [ids[2]]
    assert [job.id for job in jobs.in_state(DONE)] == [ids[0]]
    assert [(job.id, job.last_error) for job in jobs.in_state(FAILED)] == [(ids[1], "refused")]
    jobs.retry(ids[1])
    jobs.resync(30)
    assert [job.id for job in jobs.in_state(PENDING)] == ids  # by creation, not by update
    assert jobs.in_state(DONE) == jobs.in_state(FAILED) == []


def test_attempts_are_counted_with_the_last_error(backend):
    jobs = backend.jobs()
    job = jobs.add(5, {})
    assert jobs.attempt(job.id, "timeout") == 1
    assert jobs.get(job.id).last_error == "timeout"
    assert jobs.attempt(job.id, "") == 2
    assert jobs.get(job.id).last_error == ""  # an empty error is not no error
    assert backend.jobs().attempt(job.id) == 3
    assert (jobs.get(job.id).attempts, jobs.get(job.id).last_error) == (3, None)


def test_finish_sets_state_and_error_and_a_failed_job_is_retried_afresh(backend):
    jobs = backend.jobs()
    job = jobs.add(5, {})
    jobs.attempt(job.id, "503")
    jobs.attempt(job.id, "503")
    assert jobs.finish(job.id, FAILED, "gave up") is True
    failed = jobs.get(job.id)
    assert (failed.state, failed.last_error, failed.attempts) == (FAILED, "gave up", 2)
    jobs.retry(job.id)
    retried = jobs.get(job.id)
    # The last error stays visible until the next attempt replaces it.
    assert (retried.state, retried.attempts, retried.last_error) == (PENDING, 0, "gave up")
    assert retried.revision == job.revision
    assert jobs.finish(job.id, DONE) is True
    assert jobs.get(job.id).last_error is None


def test_resync_requeues_a_done_job_only(backend):
    jobs = backend.jobs()
    job = jobs.add(8, {"block": None})
    assert jobs.finish(job.id, DONE, revision=0) is True
    again = jobs.resync(8)
    assert again is not None
    assert (again.id, again.state, again.revision) == (job.id, PENDING, 1)
    assert again.payload == job.payload
    # Already pending: the run in progress will see the revision, nothing to queue.
    assert jobs.resync(8) is None
    assert jobs.get(job.id).revision == 2
    # Failed: it waits for a person's retry, untouched.
    assert jobs.finish(job.id, FAILED, "refused") is True
    assert jobs.resync(8) is None
    failed = jobs.get(job.id)
    assert (failed.state, failed.revision, failed.last_error) == (FAILED, 2, "refused")


def test_a_resync_during_a_run_makes_the_finish_with_its_revision_fail(backend):
    jobs, webhook = backend.jobs(), backend.jobs()  # the worker and the web machine
    job = jobs.add(9, {})
    running = jobs.get(job.id)  # the worker reads the job, then writes to Loop...
    assert webhook.resync(9) is None  # ...while an order webhook asks for it again
    assert jobs.finish(job.id, DONE, revision=running.revision) is False
    assert (jobs.get(job.id).state, jobs.get(job.id).revision) == (PENDING, 1)
    assert jobs.in_state(DONE) == []
    assert jobs.finish(job.id, DONE, revision=1) is True
    assert jobs.get(job.id).state == DONE
    assert jobs.finish(job.id, DONE, revision=0) is False  # a stale run never wins later


def test_racing_resyncs_of_a_done_job_queue_it_once(backend):
    jobs = backend.jobs()
    job = jobs.add(11, {})
    jobs.finish(job.id, DONE)
    again = race([backend.jobs() for _ in range(6)], lambda jobs, n: jobs.resync(11))
    assert sum(result is not None for result in again) == 1
    assert jobs.get(job.id).revision == 6


def test_jobs_are_counted_by_state_and_listed_oldest_first_up_to_a_limit(backend):
    jobs = backend.jobs()
    assert jobs.count_by_state() == {PENDING: 0, DONE: 0, FAILED: 0}
    ids = []
    for order_id in (1, 2, 3, 4):
        ids.append(jobs.add(order_id, {}).id)
        a_moment_later()
    jobs.finish(ids[0], DONE)
    jobs.finish(ids[2], FAILED, "refused")
    assert backend.jobs().count_by_state() == {PENDING: 2, DONE: 1, FAILED: 1}
    assert [job.id for job in jobs.in_state(PENDING, 1)] == [ids[1]]
    assert [job.id for job in jobs.in_state(PENDING, 5)] == [ids[1], ids[3]]
    assert jobs.in_state(PENDING, 0) == []
    assert [job.id for job in jobs.in_state(FAILED, 1)] == [ids[2]]


def test_a_job_knows_when_it_last_changed(backend):
    jobs = backend.jobs()
    before = time.time()
    job = jobs.add(6, {})
    assert before <= job.updated_at <= time.time()
    a_moment_later()
    jobs.finish(job.id, FAILED, "refused")
    failed = jobs.get(job.id)
    assert failed.updated_at > job.updated_at
    assert jobs.in_state(FAILED)[0].updated_at == failed.updated_at


def test_only_a_failed_job_is_retried(backend):
    jobs = backend.jobs()
    pending, done, failed = (jobs.add(order_id, {}) for order_id in (21, 22, 23))
    jobs.attempt(done.id)
    jobs.finish(done.id, DONE)
    jobs.attempt(failed.id, "503")
    jobs.finish(failed.id, FAILED, "503")
    assert jobs.retry(pending.id) is False
    assert jobs.retry(done.id) is False
    assert (jobs.get(done.id).state, jobs.get(done.id).attempts) == (DONE, 1)
    assert backend.jobs().retry(failed.id) is True
    assert (jobs.get(failed.id).state, jobs.get(failed.id).attempts) == (PENDING, 0)
    assert jobs.retry(failed.id) is False  # pending again: a second retry finds nothing to do


def test_racing_retries_of_a_failed_job_retry_it_once(backend):
    jobs = backend.jobs()
    job = jobs.add(24, {})
    jobs.finish(job.id, FAILED, "refused")
    retried = race([backend.jobs() for _ in range(6)], lambda jobs, n: jobs.retry(job.id))
    assert retried.count(True) == 1
    assert jobs.count_by_state() == {PENDING: 1, DONE: 0, FAILED: 0}


# Webhook deliveries


def test_a_delivery_is_new_once_until_it_is_forgotten(backend):
    deliveries = backend.deliveries()
    assert deliveries.first_time("hash-a") is True
    assert deliveries.first_time("hash-a") is False
    assert backend.deliveries().first_time("hash-a") is False  # another machine
    assert deliveries.first_time("hash-b") is True
    deliveries.forget("hash-a")
    deliveries.forget("never-seen")
    assert deliveries.first_time("hash-a") is True
    assert deliveries.first_time("hash-b") is False


def test_machines_receiving_the_same_delivery_at_once_handle_it_once(backend):
    machines = [backend.deliveries() for _ in range(8)]
    firsts = race(machines, lambda deliveries, n: deliveries.first_time("hash-raced"))
    assert firsts.count(True) == 1


def test_deliveries_are_kept_for_three_days(backend):
    deliveries = backend.deliveries()
    assert deliveries.first_time("hash-old") is True
    backend.pass_time(KEEP_SECONDS - 60)
    assert deliveries.first_time("hash-old") is False  # a late retry is still a replay
    backend.pass_time(120)
    assert deliveries.first_time("hash-old") is True


# Checkout+ decisions


def decision(
    order_id: int, decided_at: float, accepted: bool = True, amount: int = 295, currency="USD"
) -> Decision:
    modes = ("checkout_plus", "loop_protect")
    return Decision(order_id, decided_at, accepted, f"s-{order_id}", amount, currency, modes)


def test_a_decision_is_recorded_once_and_read_back_whole(backend):
    log = backend.decisions()
    first = decision(42, 1_712_345_678.123456, accepted=False, currency="EUR")
    log.record(first)
    log.record(decision(42, 1_712_345_999.5, amount=1))  # a retried placement
    assert backend.decisions().for_order(42) == first
    assert log.for_order(42).mode == ("checkout_plus", "loop_protect")
    assert log.for_order(43) is None
    assert log.recent() == [first]


def test_recent_decisions_come_newest_first_up_to_the_limit(backend):
    log = backend.decisions()
    assert log.recent() == []
    made = [decision(order_id, 1000.0 + at) for order_id, at in ((1, 3), (2, 1), (3, 2), (4, 5))]
    for each in made:
        log.record(each)
    assert [d.order_id for d in log.recent()] == [4, 1, 3, 2]
    assert [d.order_id for d in log.recent(2)] == [4, 1]
    assert log.recent(0) == []
    assert [d.order_id for d in log.recent(-1)] == [4, 1, 3, 2]  # as SQLite: no limit


def test_racing_records_keep_exactly_one_decision(backend):
    machines = [backend.decisions() for _ in range(6)]
    race(machines, lambda log, n: log.record(decision(77, 2000.0 + n, amount=n)))
    log = backend.decisions()
    [kept] = log.recent()
    assert log.for_order(77) == kept


def test_decisions_are_counted_in_the_store(backend):
    log = backend.decisions()
    counts = log.counts()
    assert (counts.shown, counts.accepted, counts.declined) == (0, 0, 0)
    log.record(decision(1, 10.0, accepted=True))
    log.record(decision(2, 11.0, accepted=False))
    log.record(decision(3, 12.0, accepted=True))
    log.record(decision(2, 13.0, accepted=True))  # a retried placement counts once, as first
    counts = backend.decisions().counts()
    assert (counts.shown, counts.accepted, counts.declined) == (3, 2, 1)


def test_racing_records_of_one_decision_count_it_once(backend):
    machines = [backend.decisions() for _ in range(6)]
    race(machines, lambda log, n: log.record(decision(78, 2000.0 + n, accepted=n % 2 == 0)))
    counts = backend.decisions().counts()
    kept = backend.decisions().for_order(78)
    assert (counts.shown, counts.accepted) == (1, int(kept.accepted))


# The analysis log


def analysis(
    at: float,
    cart_id: str = "cart-a",
    reason: str = "eligible",
    session_id: str | None = "lop_" + "A" * 20,
) -> LoggedAnalysis:
    eligible = reason == "eligible"
    return LoggedAnalysis(
        at,
        cart_id,
        session_id,
        reason,
        eligible,
        ("returnCoverage", "shippingProtection") if eligible else (),
        298 if eligible else None,
        "USD" if eligible else None,
    )


def test_an_analysis_is_read_back_whole_newest_first(backend):
    log = backend.analyses()
    assert log.recent() == []
    assert log.count_by_reason() == {}
    first = analysis(1_712_345_678.123456)
    failed = analysis(1_712_345_679.5, "cart-b", "timeout", session_id=None)
    log.record(first)
    log.record(failed)
    assert backend.analyses().recent() == [failed, first]
    assert log.recent(1) == [failed]
    assert log.recent()[1].mode == ("returnCoverage", "shippingProtection")
    assert log.keep == KEEP


def test_analyses_are_found_by_cart_or_by_loop_session(backend):
    log = backend.analyses()
    other_session = "lop_" + "B" * 20
    log.record(analysis(1.0, "cart-a", "eligible"))
    log.record(analysis(2.0, "cart-b", "cart_too_valuable", session_id=other_session))
    log.record(analysis(3.0, "cart-a", "timeout", session_id=None))
    assert [a.analyzed_at for a in log.recent(cart_id="cart-a")] == [3.0, 1.0]
    assert [a.analyzed_at for a in log.recent(1, cart_id="cart-a")] == [3.0]
    assert [a.reason for a in log.recent(session_id=other_session)] == ["cart_too_valuable"]
    assert log.recent(cart_id="cart-c") == []


def test_the_log_keeps_a_window_and_counts_reasons_over_it(backend):
    log = backend.analyses(keep=4)
    reasons = ["timeout", "eligible", "eligible", "cart_too_valuable", "eligible", "timeout"]
    for n, reason in enumerate(reasons):
        log.record(analysis(float(n), f"cart-{n}", reason))
    assert [a.analyzed_at for a in log.recent()] == [5.0, 4.0, 3.0, 2.0]
    # The first two fell out of the window, and out of the counts with it.
    assert backend.analyses(keep=4).count_by_reason() == {
        "eligible": 2,
        "cart_too_valuable": 1,
        "timeout": 1,
    }
    assert list(log.count_by_reason()) == ["eligible", "cart_too_valuable", "timeout"]
    assert log.recent(cart_id="cart-0") == []


def test_machines_logging_at_once_keep_the_window_and_its_counts_exact(backend):
    machines = [backend.analyses(keep=5) for _ in range(8)]
    race(machines, lambda log, n: log.record(analysis(float(n), f"cart-{n}", f"reason-{n % 2}")))
    log = backend.analyses(keep=5)
    kept = log.recent(10)
    assert len(kept) == 5
    counted: dict[str, int] = {}
    for entry in kept:
        counted[entry.reason] = counted.get(entry.reason, 0) + 1
    assert log.count_by_reason() == dict(sorted(counted.items(), key=lambda i: (-i[1], i[0])))


# The factory and the queue on Redis


def test_without_redis_the_stores_are_sqlite_files_in_the_instance_folder(tmp_path):
    stores = build_stores(None, tmp_path)
    assert isinstance(stores.jobs, SyncJobs)
    assert isinstance(stores.ledger, OrderLedger)
    assert isinstance(stores.deliveries, WebhookDeliveries)
    assert isinstance(stores.decisions, DecisionLog)
    assert isinstance(stores.analyses, AnalysisLog)
    assert isinstance(stores.shelf, AnalysisShelf)
    names = {
        "sync.sqlite3",
        "orders.sqlite3",
        "webhooks.sqlite3",
        "decisions.sqlite3",
        "analyses.sqlite3",
        "shelf.sqlite3",
    }
    assert names <= {path.name for path in tmp_path.iterdir()}
    with pytest.raises(AttributeError):
        stores.jobs = None  # frozen


@contextmanager
def redis_only(tmp_path, monkeypatch) -> Iterator[Backend]:
    with open_backend("redis", tmp_path, monkeypatch) as opened:
        yield opened


def test_with_redis_the_stores_share_one_client_and_stay_on_their_prefix(tmp_path, monkeypatch):
    with redis_only(tmp_path, monkeypatch) as backend:
        from app.sync.jobs_redis import RedisSyncJobs

        stores = build_stores(backend.url, tmp_path / "instance", prefix=backend.prefix)
        assert isinstance(stores.jobs, RedisSyncJobs)
        assert not (tmp_path / "instance").exists()
        job = stores.jobs.add(1, {"x": 1})
        with stores.ledger.lease("checkout") as placement:
            assert placement.order_id is None
            stores.ledger.record_order("checkout", 1, "state")
        assert stores.deliveries.first_time("hash") is True
        stores.decisions.record(decision(1, 1.5))
        stores.analyses.record(analysis(1.5))
        assert stores.shelf.claim("cart-state", 5.0) is True
        # Another machine's client reads back what they wrote.
        assert backend.jobs().get(job.id) == job
        assert backend.ledger().get("checkout").order_id == 1
        assert backend.deliveries().first_time("hash") is False
        assert backend.decisions().recent() == [decision(1, 1.5)]
        assert backend.analyses().recent() == [analysis(1.5)]
        assert backend.shelf().claim("cart-state", 5.0) is False
        keys = {key.decode() for key in backend.client().scan_iter(match=f"{backend.prefix}:*")}
        assert keys == {
            f"{backend.prefix}:{name}"
            for name in (
                f"job:{job.id}",
                "jobs:order",
                "jobs:state:pending",
                "placement:checkout",  # the lease is gone with the placement done
                "delivery:hash",
                "decisions",
                "decisions:time",
                "decisions:accepted",
                "decisions:groups",  # counts per cohort and placement
                "analyses",
                "analyses:reasons",
                "shelf:cart-state",
            )
        }


def redis_huey(backend: Backend, tmp_path: Path) -> Any:
    """Return the Redis queue of one machine; a prefix of the test's own names the queue, so
    a worker of another run never takes its task."""
    return build_stores(backend.url, tmp_path, prefix=backend.prefix).huey


def test_a_huey_task_goes_through_redis_from_one_machine_to_another(tmp_path, monkeypatch):
    with redis_only(tmp_path, monkeypatch) as backend:
        from huey import RedisHuey

        web, worker = redis_huey(backend, tmp_path), redis_huey(backend, tmp_path)
        assert isinstance(web, RedisHuey)
        ran = []

        def on_web(a: int, b: int) -> int:
            raise AssertionError("the web machine only enqueues")

        def on_worker(a: int, b: int) -> int:
            ran.append((a, b))
            return a + b

        submit = web.task(name="add")(on_web)
        worker.task(name="add")(on_worker)
        try:
            result = submit(2, 3)
            assert web.pending_count() == 1
            task = worker.dequeue()
            assert task is not None
            worker.execute(task)
            assert ran == [(2, 3)]
            assert result.get(blocking=True, timeout=5) == 5  # read by the first machine
            assert worker.pending_count() == 0
        finally:
            web.flush()


class RecordingTarget:
    """A sync target that records what it was asked to write."""

    reports_declined = True

    def __init__(self) -> None:
        self.written: list[tuple[int, Any]] = []

    def write(self, order_id: int, block: Any, first_write: bool = False) -> None:
        self.written.append((order_id, block))

    def give_up(self, order_id: int) -> None:
        raise AssertionError("nothing fails here")

    def block_on_order(self, order_id: int) -> Any:
        return None


def test_a_sync_job_submitted_on_one_machine_is_done_by_a_worker_on_another(tmp_path, monkeypatch):
    with redis_only(tmp_path, monkeypatch) as backend:
        from app.sync.queue import SyncQueue

        web_target, worker_target = RecordingTarget(), RecordingTarget()
        web = SyncQueue(redis_huey(backend, tmp_path), backend.jobs(), web_target)
        worker = SyncQueue(redis_huey(backend, tmp_path), backend.jobs(), worker_target)
        try:
            job = web.submit(500, None)  # a declined offer, reported as such
            assert drain(worker) == 1
            assert worker_target.written == [(500, None)]
            assert web_target.written == []
            done = web.jobs.get(job.id)
            assert (done.state, done.attempts) == (DONE, 1)
            # An order webhook on the web machine sends it once more, through the worker.
            assert web.resync(500) is True
            assert drain(worker) == 1
            assert web.jobs.get(job.id).state == DONE
            assert worker_target.written == [(500, None), (500, None)]
        finally:
            web.huey.flush()


def test_decisions_are_counted_per_cohort_and_placement(backend):
    log = backend.decisions()
    placed = {"mount_target": "order_summary", "cart_experience": "checkbox"}
    log.record(replace(decision(1, 10.0, accepted=True), cohort="treatment", **placed))
    log.record(replace(decision(2, 11.0, accepted=False), cohort="treatment", **placed))
    log.record(replace(decision(3, 12.0), cohort="control", shown=False, accepted=False, **placed))
    log.record(replace(decision(4, 13.0), mount_target="below_shipping", cart_experience="modal"))
    log.record(replace(decision(3, 14.0), cohort="treatment", **placed))  # a retry: first kept
    groups = backend.decisions().by_group()
    assert [(g.cohort, g.mount_target, g.cart_experience) for g in groups] == [
        ("treatment", "order_summary", "checkbox"),
        (None, "below_shipping", "modal"),
        ("control", "order_summary", "checkbox"),
    ]
    assert [(g.counts.orders, g.counts.shown, g.counts.accepted) for g in groups] == [
        (2, 2, 1),
        (1, 1, 1),
        (1, 0, 0),
    ]
    counts = backend.decisions().counts()
    assert (counts.orders, counts.shown, counts.accepted, counts.declined) == (4, 3, 2, 1)
    assert [d.order_id for d in backend.decisions().oldest_first()] == [1, 2, 3, 4]


OLD_DECISIONS_SCHEMA = """
CREATE TABLE offer_decisions (
    order_id INTEGER PRIMARY KEY, decided_at REAL NOT NULL, accepted INTEGER NOT NULL,
    session_id TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL, mode TEXT NOT NULL
);
INSERT INTO offer_decisions VALUES (7, 100.5, 1, 's-7', 298, 'USD', '["returnCoverage"]');
"""


def test_an_older_decision_log_gains_its_new_columns_once_when_many_open_it_together(tmp_path):
    path = tmp_path / "decisions.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_DECISIONS_SCHEMA)
    # Eight workers starting together: each must open it, none may add a column twice.
    opened = race(list(range(8)), lambda _, n: DecisionLog(path))
    assert all(isinstance(log, DecisionLog) for log in opened)
    kept = opened[0].for_order(7)
    assert (kept.order_id, kept.accepted, kept.amount, kept.mode) == (
        7,
        True,
        298,
        ("returnCoverage",),
    )
    assert (kept.shown, kept.cohort, kept.mount_target, kept.evidence) == (True, None, "", None)
