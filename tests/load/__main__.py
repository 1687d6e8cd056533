"""Load the checkout with wrk (issue 8): ``python -m tests.load [--seconds 30] [--json]``.

Serves both sandboxes under gunicorn with a fixed latency on every BigCommerce and Loop call,
and the app under gunicorn with the production settings (2 gthread workers x 8 threads); then
runs wrk against the checkout page and the htmx offer fragment with one shopper's session
cookie (each after an untimed 1 s warm-up). Exits 1 on any socket error, error status or
wrong answer.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys

from tests.bench.common import LATENCY
from tests.bench.servers import WEB_CONCURRENCY
from tests.bench.servers import WEB_THREADS
from tests.load.report import print_table
from tests.load.run import WARM_UP_SECONDS
from tests.load.run import load
from tests.load.wrk import INSTALL_HINT
from tests.load.wrk import installed

# 16 shoppers with a request in flight at every instant (wrk never pauses between requests):
# about 150 page loads a second here, a flash-sale burst rather than an ordinary day's traffic.
# It is also one connection per gunicorn thread, so the figures are the app's, not its queue's.
CONNECTIONS = WEB_CONCURRENCY * WEB_THREADS
# wrk's event loops: one per core of this 2-core machine, which the servers share.
THREADS = 2


def _stop_on_sigterm(signum, frame) -> None:
    """Turn SIGTERM into SystemExit, so every server is stopped on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run wrk against each target; print the table (or JSON); 1 if anything failed."""
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    parser.add_argument("--seconds", type=int, default=30, help="of wrk per target (30)")
    parser.add_argument(
        "--latency", type=float, default=LATENCY, help="added to every upstream call, s (0.05)"
    )
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="open at once (16)")
    parser.add_argument("--threads", type=int, default=THREADS, help="of wrk (2)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if not installed():
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    outcomes = load(args.seconds, args.latency, args.connections, args.threads)
    failed = any(outcome.failed() for outcome in outcomes)
    if args.json:
        report = {
            "seconds": args.seconds,
            "warm_up_seconds": WARM_UP_SECONDS,
            "upstream_latency_seconds": args.latency,
            "connections": args.connections,
            "threads": args.threads,
            "failed": failed,
            "targets": {outcome.target.name: outcome.as_dict() for outcome in outcomes},
        }
        print(json.dumps(report, indent=2))
    else:
        print_table(outcomes, args)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
