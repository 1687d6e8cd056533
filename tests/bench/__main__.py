"""Benchmark the checkout (issue 7): ``python -m tests.bench [--requests N] [--quick] [--json P]``.

Starts the sandboxes (loopback, fixed latencies set as sandbox faults) and the app under
gunicorn with the production settings (gthread, 2 workers x 8 threads), plus a bare Flask
"hello" app under the same settings, and prints one table (also written as JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from tests.bench import measures
from tests.bench.report import Row
from tests.bench.report import print_table
from tests.bench.servers import PROJECT_ROOT
from tests.bench.servers import app_environment
from tests.bench.servers import gunicorn
from tests.bench.servers import sandboxes

DEFAULT_JSON = PROJECT_ROOT / "test-results" / "bench.json"


def main(argv: list[str] | None = None) -> int:
    """Run every measure and print the table."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per latency measure")
    parser.add_argument("--quick", action="store_true", help="a tiny run, for the test")
    parser.add_argument("--no-npm", action="store_true", help="skip fetching checkout-sdk")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per throughput run (default 5)"
    )
    args = parser.parse_args(argv)
    requests_n = 20 if args.quick and args.requests == 1000 else args.requests
    duration = args.duration or (0.5 if args.quick else 5.0)
    rows: list[Row] = []
    details: dict = {"requests": requests_n, "throughput_seconds": duration}
    with tempfile.TemporaryDirectory(prefix="checkout-bench-") as tmp, sandboxes() as sandbox:
        env = app_environment(sandbox, str(Path(tmp) / "instance"))
        with gunicorn("app:create_app()", env) as (origin, app_server):
            rows += measures.offer_overhead(sandbox, origin, requests_n, details)
            rows += measures.page_overhead(sandbox, origin, requests_n, details)
            rows += measures.page_bytes(origin, not args.no_npm, details)
            rows += measures.journey(sandbox, origin, env, details)
            with gunicorn("tests.bench.hello:create_app()", {}, ready="/") as (hello, server):
                servers = {"app": (origin, app_server.pid), "hello": (hello, server.pid)}
                rows += measures.throughput(sandbox, servers, duration, details)
        with gunicorn("app:create_app()", env, workers=1) as (origin, master):
            rows += measures.worker_memory(sandbox, origin, master.pid, requests_n, details)
    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"rows": [row.as_dict() for row in rows], "details": details}, indent=2) + "\n"
    )
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
