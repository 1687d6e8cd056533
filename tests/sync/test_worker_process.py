"""The sync worker as a real process: killed in the middle of a block, restarted, it finishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter

from app.sync.jobs import DONE
from app.sync.jobs import PENDING
from tests.support.app_config import sandbox_config
from tests.support.metafields import BATCH
from tests.support.metafields import accepted_values
from tests.support.ordering import opted_in_order
from tests.support.paths import PROJECT
from tests.support.waiting import wait_until


def worker(app, sandbox) -> subprocess.Popen:
    """Start ``python -m app.worker`` on the app's instance folder and the test's sandboxes."""
    settings = {
        name: value for name, value in sandbox_config(sandbox).items() if isinstance(value, str)
    }
    env = {
        **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
        **settings,
        "CHECKOUT_INSTANCE_PATH": app.instance_path,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app.worker", "--workers", "1"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def keys_on(sandbox, order_id: int) -> Counter:
    """How many metafields of each key our namespace holds on the order.

    Read from the sandbox's state, not its API: polling the API would spend the store's quota.
    """
    state = sandbox.bigcommerce.service.app.extensions["bigcommerce_state"]
    return Counter(
        field.key
        for field in list(state.metafields.values())
        if field.order_id == order_id and field.namespace == "loop_checkout_plus"
    )


def wait_for(condition, seconds: float, what: str, process: subprocess.Popen) -> None:
    """Poll until ``condition()`` holds; on time-out, fail with what the worker printed."""

    def printed() -> str:
        process.kill()
        return f"{what}; the worker printed:\n{process.stdout.read()}"

    wait_until(
        condition, timeout=seconds, message=printed, give_up=lambda: process.poll() is not None
    )


def test_a_worker_killed_mid_block_is_restarted_and_completes_it(app, client, raw, sandbox):
    jobs = app.extensions["sync_queue"].jobs
    order_id = opted_in_order(client, raw)

    def written() -> int:
        return sum(keys_on(sandbox, order_id).values())

    # One key per call, each slowed down, so there is a moment with part of the block written.
    single = f"POST /stores/*/v3/orders/{order_id}/metafields"
    sandbox.set_faults(f"bigcommerce {BATCH} status=405; bigcommerce {single} delay=0.4")

    first = worker(app, sandbox)
    try:
        wait_for(lambda: written() >= 2, 20, "two keys written", first)
        first.send_signal(signal.SIGKILL)  # a crash: no clean-up of any kind
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert 2 <= written() < 4
    assert jobs.for_order(order_id).state == PENDING

    sandbox.bigcommerce.faults.clear()
    second = worker(app, sandbox)
    try:
        wait_for(lambda: jobs.for_order(order_id).state == DONE, 20, "the job finishing", second)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0
    finally:
        if second.poll() is None:
            second.kill()
    output = second.stdout.read()
    assert "1 pending job(s) queued" in output
    assert keys_on(sandbox, order_id) == Counter(accepted_values(sandbox).keys())  # one of each
    response = raw.call("GET", f"/v3/orders/{order_id}/metafields?namespace=loop_checkout_plus")
    values = {item["key"]: item["value"] for item in response.json()["data"]}
    assert values == accepted_values(sandbox)
