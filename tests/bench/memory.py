"""Measure 6: the peak resident memory of one gunicorn worker after N requests."""

from __future__ import annotations

from tests.bench.common import HTMX
from tests.bench.common import MOST_OFFERED_SNEAKERS
from tests.bench.common import NewCartStates
from tests.bench.common import timed
from tests.bench.report import Row
from tests.bench.servers import WEB_THREADS
from tests.bench.servers import Sandboxes
from tests.bench.servers import peak_rss_mb
from tests.bench.servers import worker_pids

TARGET_MB = 80
# The sandboxes log every call with its answer; forget them now and then so that their
# memory, and the machine's, stays flat over a long run.
CLEAR_LOGS_EVERY = 1000


def worker_memory(sandbox: Sandboxes, origin: str, master: int, n: int, details: dict) -> list[Row]:
    """Peak RSS of the one gunicorn worker after N requests (pages, changes, fresh offers)."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    states = NewCartStates(sandbox, origin)
    for index in range(n):
        if index % CLEAR_LOGS_EVERY == 0:
            sandbox.clear_logs()
        if index % 3 == 0:
            timed(states.session, f"{origin}/checkout")
        elif index % 3 == 1:
            states.change()
        else:
            # The change left a cart state never analyzed: this offer asks Loop again.
            timed(states.session, f"{origin}/checkout/offer", HTMX)
    [worker] = worker_pids(master)
    peak = peak_rss_mb(worker)
    details["worker_rss_mb"] = peak
    details["worker_rss_carts"] = states.carts
    return [
        Row(
            "worker_rss",
            "worker peak RSS (VmHWM)",
            peak,
            "MB",
            f"<= {TARGET_MB} MB",
            peak <= TARGET_MB,
            note=(
                f"1 worker x {WEB_THREADS} threads after {n} requests: pages, quantity changes "
                f"and the offer after each, which asks Loop (every change a cart state never "
                f"analyzed: 2 to {MOST_OFFERED_SNEAKERS} pairs, then a new cart; carts used: "
                f"{states.carts}, each bound and opened beside the count)"
            ),
        )
    ]
