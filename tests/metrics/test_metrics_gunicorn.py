"""``python -m app`` under gunicorn with two workers: a scrape on any worker adds them all up.

The server runs live (gunicorn) against the test's sandboxes on loopback with their demo
credentials, in the private metrics folder ``python -m app`` makes (found through the files
the server has mapped). Checkout pages are requested on new connections until two workers
have each counted upstream calls in their own file; then one scrape must give the sum, equal
to the calls the sandboxes received, and still after a worker exits and is replaced.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from pathlib import Path

import requests
from prometheus_client.multiprocess import MultiProcessCollector

from app.clients.http import USER_AGENT
from app.metrics.processes import MULTIPROCESS_DIR
from app.metrics.processes import remove_private_dir
from app.metrics.processes import use_multiprocess_dir
from app.sandbox import credentials
from tests.bench.servers import child_environment
from tests.bench.servers import process_group
from tests.bench.servers import worker_pids
from tests.support.app_config import TEST_SECRET_KEY
from tests.support.metrics import BEARER
from tests.support.metrics import Samples
from tests.support.processes import free_port
from tests.support.waiting import wait_until

REQUESTS = "checkout_plus_upstream_requests_total"
STALE = "counter_999999999.db"


def live_environment(sandbox, tmp_path: Path) -> dict[str, str]:
    """The variables of a live server on the sandboxes, with two workers and the metrics token."""
    return {
        "CHECKOUT_SANDBOX": "0",
        "SECRET_KEY": TEST_SECRET_KEY,
        "BIGCOMMERCE_STORE_HASH": credentials.BIGCOMMERCE_STORE_HASH,
        "BIGCOMMERCE_ACCESS_TOKEN": credentials.BIGCOMMERCE_ACCESS_TOKEN,
        "BIGCOMMERCE_API_URL": sandbox.bigcommerce.url,
        "BIGCOMMERCE_PAYMENTS_URL": sandbox.bigcommerce.url,
        "LOOP_CHECKOUT_PLUS_URL": sandbox.loop.url,
        "LOOP_CART_API_KEY": credentials.LOOP_CART_API_KEY,
        "LOOP_ORDERS_API_URL": f"{sandbox.loop.url}/api/v1",
        "CHECKOUT_INSTANCE_PATH": str(tmp_path / "instance"),
        "CHECKOUT_METRICS_TOKEN": BEARER["Authorization"].removeprefix("Bearer "),
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "2",
    }


def metrics_folder(pid: int) -> Path | None:
    """The folder whose metric files a process has mapped (the server's private one)."""
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        path = Path(line.split()[-1])
        if path.name.startswith("counter_") and path.suffix == ".db":
            return path.parent
    return None


def counted_by_worker(folder: Path) -> dict[str, float]:
    """Each process's own count of upstream calls, read from its file (file name -> calls)."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        families = MultiProcessCollector.merge([str(path)])
        counts[path.stem] = sum(
            sample.value
            for family in families
            for sample in family.samples
            if sample.name == REQUESTS
        )
    return {name: count for name, count in counts.items() if count}


def ours(service) -> int:
    """How many calls a sandbox service received from the app."""
    return sum(entry.headers.get("User-Agent") == USER_AGENT for entry in service.log.entries())


def scrape(origin: str) -> Samples:
    """Scrape the server with the token, as Prometheus does."""
    response = requests.get(f"{origin}/metrics", headers=BEARER, timeout=10)
    assert response.status_code == 200, response.text
    return Samples(response.text)


def test_two_gunicorn_workers_add_up_in_one_scrape(sandbox, store, tmp_path):
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "app", "--port", str(port)]
    env = child_environment(live_environment(sandbox, tmp_path))
    env.pop(MULTIPROCESS_DIR, None)  # python -m app makes its own
    with process_group(command, env, f"{origin}/healthz") as master:
        folder = wait_until(lambda: metrics_folder(master.pid), message="the metrics folder")
        cart_id = store.create_cart([(101, 1)])

        def checkout_page() -> None:
            # A new connection each time, so either worker may take it. Live cookies are
            # Secure, so the session cookie is sent back by hand over this plain http.
            handoff = requests.get(
                f"{origin}/checkout?cart_id={cart_id}", allow_redirects=False, timeout=10
            )
            cookie = handoff.headers["Set-Cookie"].split(";", 1)[0]
            page = requests.get(f"{origin}/checkout", headers={"Cookie": cookie}, timeout=10)
            assert page.status_code == 200, page.status_code

        def two_workers_counted() -> bool:
            checkout_page()
            return len(counted_by_worker(folder)) >= 2

        wait_until(two_workers_counted, timeout=60, message="requests on both workers")
        samples = scrape(origin)
        per_worker = counted_by_worker(folder)
        assert samples.total(REQUESTS) == sum(per_worker.values())
        assert max(per_worker.values()) < samples.total(REQUESTS), "one worker's count alone"
        assert samples.total(REQUESTS, service="bigcommerce") == ours(sandbox.bigcommerce)
        assert samples.total(REQUESTS, service="loop") == ours(sandbox.loop)
        assert samples["checkout_plus_sync_store_up"] == 1

        # A worker that exits leaves the folder, and its counts, to the others.
        workers = set(worker_pids(master.pid))
        os.kill(workers.pop(), signal.SIGTERM)
        wait_until(lambda: len(set(worker_pids(master.pid)) - workers) == 1, message="a new worker")
        checkout_page()
        samples = scrape(origin)
        assert samples.total(REQUESTS, service="bigcommerce") == ours(sandbox.bigcommerce)
    assert not folder.exists(), "python -m app left its metrics folder behind"


def test_python_m_app_makes_a_private_folder_or_empties_the_given_one(tmp_path):
    environ: dict[str, str] = {}
    private = use_multiprocess_dir(environ)
    assert private is not None
    assert private.is_dir()
    assert environ[MULTIPROCESS_DIR] == str(private)
    # A gunicorn worker, a fork of the server, leaves it to the workers still counting in it.
    worker = multiprocessing.get_context("fork").Process(target=remove_private_dir, args=(private,))
    worker.start()
    worker.join()
    assert worker.exitcode == 0
    assert private.is_dir()
    remove_private_dir(private)
    assert not private.exists()

    given = tmp_path / "metrics"
    given.mkdir()
    (given / STALE).write_bytes(b"")
    (given / "notes.txt").write_text("not ours")
    assert use_multiprocess_dir({MULTIPROCESS_DIR: str(given)}) is None
    assert sorted(path.name for path in given.iterdir()) == ["notes.txt"]
