"""Benchmark the checkout (issue 7): ``python -m tests.bench [--requests N] [--quick] [--json P]``.

Starts the sandboxes (each under gunicorn, connections kept alive, fixed latencies set as
sandbox faults) and the app under gunicorn with the production settings (gthread, 2 workers x
8 threads), plus a bare Flask "hello" app under the same settings (the floor of every request,
timed beside the overheads), and prints one table (also written as JSON).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from pathlib import Path

from tests.bench.breakdown import hello_latency
from tests.bench.breakdown import sandbox_own_times
from tests.bench.breakdown import server_share
from tests.bench.browser import time_to_offer
from tests.bench.journey import journey
from tests.bench.latency import offer_overhead
from tests.bench.latency import page_overhead
from tests.bench.latency import page_past_wait
from tests.bench.latency import page_ttfb_slow_loop
from tests.bench.memory import worker_memory
from tests.bench.page_bytes import page_bytes
from tests.bench.report import Row
from tests.bench.report import print_table
from tests.bench.servers import PROJECT_ROOT
from tests.bench.servers import app_environment
from tests.bench.servers import gunicorn
from tests.bench.servers import sandboxes
from tests.bench.throughput import throughput

DEFAULT_JSON = PROJECT_ROOT / "test-results" / "bench.json"
DEFAULT_REQUESTS = 1000
DEFAULT_MEMORY_REQUESTS = 10_000
DEFAULT_BROWSER_SAMPLES = 20
QUICK = {"requests": 20, "memory_requests": 40, "browser_samples": 3, "duration": 0.5}


def _stop_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM into SystemExit, so every server is stopped on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run every measure and print the table."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--requests", type=int, help="requests per latency measure (1000)")
    parser.add_argument("--memory-requests", type=int, help="requests before the RSS (10000)")
    parser.add_argument("--browser-samples", type=int, help="clicks timed in Chromium (20)")
    parser.add_argument("--quick", action="store_true", help="a tiny run, for the test")
    parser.add_argument("--no-npm", action="store_true", help="skip fetching checkout-sdk")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measure")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per throughput run (default 5)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    requests_n = args.requests or (QUICK["requests"] if args.quick else DEFAULT_REQUESTS)
    memory_n = args.memory_requests or (
        QUICK["memory_requests"] if args.quick else DEFAULT_MEMORY_REQUESTS
    )
    clicks = args.browser_samples or (
        QUICK["browser_samples"] if args.quick else DEFAULT_BROWSER_SAMPLES
    )
    duration = args.duration or (QUICK["duration"] if args.quick else 5.0)
    rows: list[Row] = []
    details: dict = {
        "requests": requests_n,
        "memory_requests": memory_n,
        "browser_samples": clicks,
        "throughput_seconds": duration,
    }
    with tempfile.TemporaryDirectory(prefix="checkout-bench-") as tmp, sandboxes() as sandbox:
        env = app_environment(sandbox, str(Path(tmp) / "instance"))
        with (
            gunicorn("app:create_app()", env) as (origin, app_server),
            gunicorn("tests.bench.hello:create_app()", {}, ready="/") as (hello, hello_server),
        ):
            rows += hello_latency(hello, requests_n, details)
            rows += sandbox_own_times(sandbox, origin, requests_n, details)
            rows += offer_overhead(sandbox, origin, requests_n, details)
            rows += page_overhead(sandbox, origin, requests_n, details)
            rows += server_share(rows, details)
            rows += page_bytes(origin, not args.no_npm, details)
            rows += journey(sandbox, origin, env, details)
            rows += time_to_offer(sandbox, origin, clicks, not args.no_browser, details)
            servers = {"app": (origin, app_server.pid), "hello": (hello, hello_server.pid)}
            rows += throughput(sandbox, servers, duration, details)
            rows += page_past_wait(sandbox, origin, requests_n, details)
            rows += page_ttfb_slow_loop(sandbox, origin, requests_n, details)
        with gunicorn("app:create_app()", env, workers=1) as (origin, master):
            rows += worker_memory(sandbox, origin, master.pid, memory_n, details)
    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"rows": [row.as_dict() for row in rows], "details": details}, indent=2) + "\n"
    )
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
