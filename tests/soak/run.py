"""One soak run: the servers, the faults, the shoppers and the worker's kills, then the audit."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from app.clients.bigcommerce import BigCommerceClient
from app.sandbox import credentials
from app.stores import build_stores
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.webhooks.registration import register_order_webhooks
from tests.bench.servers import Sandboxes
from tests.bench.servers import app_environment
from tests.bench.servers import child_environment
from tests.bench.servers import gunicorn
from tests.bench.servers import sandboxes
from tests.soak import faults
from tests.soak.audit import audit
from tests.soak.audit import read_store
from tests.soak.audit import successful_payments
from tests.soak.report import Report
from tests.soak.shopper import Habits
from tests.soak.shopper import Outcome
from tests.soak.shopper import Shopper
from tests.soak.worker import SyncWorker
from tests.soak.worker import bring_to_rest

CHECKOUTS_PER_KILL = 100
REST_SECONDS = 120.0  # the longest the worker may take to finish every job once faults stop
PROGRESS_EVERY = 50
# The benchmark lifts the app's per-session rate limits; the soak keeps production's.
BENCHMARK_ONLY = ("CHECKOUT_RATE_LIMIT_CART_CHANGES", "CHECKOUT_RATE_LIMIT_PLACE_ORDER")
WEBHOOK_SECRET = "soak-webhook-secret-" + "0" * 32


@dataclass(frozen=True)
class SoakSettings:
    """How big a run is and how it draws its randomness."""

    checkouts: int = 500
    seed: int = 8
    concurrency: int = 8
    kills: int | None = None  # None: one per CHECKOUTS_PER_KILL checkouts, at least one
    fault_rate: float = 1.0  # how much likelier each fault is than the plan's share

    @property
    def worker_kills(self) -> int:
        """How many times the sync worker is killed during the run."""
        if self.kills is not None:
            return self.kills
        return max(1, self.checkouts // CHECKOUTS_PER_KILL)


def soak(settings: SoakSettings, progress: bool = False) -> Report:
    """Run the soak and return what it measured."""
    started = time.monotonic()
    with sandboxes() as sandbox, tempfile.TemporaryDirectory(prefix="soak-") as folder:
        instance = Path(folder)
        env = _app_environment(sandbox, folder)
        with gunicorn("app:create_app()", env) as (origin, _):
            _subscribe(sandbox, origin)
            worker = SyncWorker(child_environment(env), instance / "worker.log")
            stores = build_stores(None, instance)
            queue = stores.huey
            try:
                worker.start()
                faults.inject(sandbox, settings.fault_rate)
                outcomes = _shop(settings, origin, sandbox, worker, progress)
                faults.clear(sandbox)
                deliveries = _webhooks_delivered(sandbox)

                def idle() -> bool:
                    return queue.pending_count() == 0 and not stores.jobs.in_state(PENDING)

                rest_seconds = bring_to_rest(worker, idle, REST_SECONDS)
            finally:
                worker.stop()
            orders = read_store(sandbox)
            decisions = {
                order.id: decision.accepted
                for order in orders
                if (decision := stores.decisions.for_order(order.id)) is not None
            }
            findings = audit(outcomes, orders, successful_payments(sandbox), decisions)
            return Report(
                outcomes=outcomes,
                findings=findings,
                faults=faults.injected(sandbox),
                worker_kills=worker.kills,
                worker_tracebacks=worker.tracebacks(),
                webhooks_delivered=deliveries,
                failed_jobs=len(stores.jobs.in_state(FAILED)),
                rest_seconds=rest_seconds,
                elapsed_seconds=time.monotonic() - started,
                seed=settings.seed,
                concurrency=settings.concurrency,
            )


def _app_environment(sandbox: Sandboxes, instance: str) -> dict[str, str]:
    """The app's settings: the benchmark's, with production's rate limits and the soak's
    short analyze budget, and order webhooks on (each order update resyncs its block)."""
    env = {
        key: value
        for key, value in app_environment(sandbox, instance).items()
        if key not in BENCHMARK_ONLY
    }
    env["LOOP_ANALYZE_TIMEOUT"] = faults.LOOP_ANALYZE_TIMEOUT
    env["BIGCOMMERCE_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    return env


def _subscribe(sandbox: Sandboxes, origin: str) -> None:
    """Register the app for the store's order webhooks, as a merchant does once."""
    client = BigCommerceClient(
        sandbox.bigcommerce,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
    )
    register_order_webhooks(client, origin, WEBHOOK_SECRET)


def _webhooks_delivered(sandbox: Sandboxes) -> int:
    """Wait until the store has sent every order webhook; return how many the app took."""
    answer = sandbox.http.get(
        f"{sandbox.bigcommerce}/__sandbox/webhook-deliveries", params={"wait": 30}, timeout=60
    )
    answer.raise_for_status()
    body = answer.json()
    if not body["idle"]:
        raise RuntimeError("the store was still sending webhooks after 30 s")
    return sum(1 for delivery in body["data"] if delivery["status"] == 200)


def _shop(
    settings: SoakSettings,
    origin: str,
    sandbox: Sandboxes,
    worker: SyncWorker,
    progress: bool,
) -> list[Outcome]:
    """Run every shopper, killing and restarting the worker as checkouts finish."""
    rng = random.Random(settings.seed)
    kill_after = _kill_points(settings, rng)
    shoppers = []
    for index in range(settings.checkouts):
        own = random.Random(f"{settings.seed}:{index}")
        shoppers.append(Shopper(origin, sandbox.bigcommerce, Habits.draw(own), own, index))
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(settings.concurrency) as pool:
        for future in as_completed([pool.submit(shopper.run) for shopper in shoppers]):
            outcomes.append(future.result())
            while kill_after and len(outcomes) >= kill_after[0]:
                kill_after.pop(0)
                worker.kill()
                # Not a synchronisation: an outage of chance length, while jobs queue up with no
                # worker to run them.
                time.sleep(rng.uniform(0.0, 0.5))
                worker.start()
            if progress and len(outcomes) % PROGRESS_EVERY == 0:
                print(f"{len(outcomes)} checkouts done", file=sys.stderr, flush=True)
    return sorted(outcomes, key=lambda outcome: outcome.index)


def _kill_points(settings: SoakSettings, rng: random.Random) -> list[int]:
    """Pick, at random, after how many finished checkouts each kill happens (10% to 90%)."""
    low = max(1, settings.checkouts // 10)
    high = max(low + 1, settings.checkouts * 9 // 10)
    kills = min(settings.worker_kills, high - low)
    return sorted(rng.sample(range(low, high), kills))
