"""The worker: ``python -m app.worker`` runs queued jobs (Checkout+ sync, checkout events for
the merchant's webhook) until stopped.

``--status`` lists jobs by state with the last error of each failed one; ``--retry-failed``
puts failed jobs back in the queue; ``--decisions N`` prints the latest N Checkout+ decisions
(the offer each order was shown and whether the shopper took it), one a line with its time in
UTC and its price, or with ``--json`` as JSON lines (Unix time, minor units) for machines.
``--decisions`` without N prints every decision, oldest first: with ``--json``, the export of
the consent evidence (the offer's words, the shopper's click) for an audit.

On start the worker queues every pending job again, so a job whose worker was killed, or
whose queue message was lost, still completes.
"""

from __future__ import annotations

import argparse
import json
import sys

from app import app_from_environment
from app.admin.filters import utc_time
from app.checkout_plus.decisions import Decision
from app.money import format_minor
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.queue import SyncQueue

ALL = -1  # --decisions without a number


def main(argv: list[str] | None = None) -> int:
    """Run the worker, or report on or retry the jobs."""
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=__doc__)
    parser.add_argument("--workers", type=int, default=2, help="worker threads")
    parser.add_argument("--status", action="store_true", help="list jobs by state and exit")
    parser.add_argument("--retry-failed", action="store_true", help="queue failed jobs again")
    parser.add_argument(
        "--decisions",
        type=int,
        nargs="?",
        const=ALL,
        metavar="N",
        help="print the latest N offer decisions (without N: all, oldest first) and exit",
    )
    parser.add_argument("--json", action="store_true", help="with --decisions: as JSON lines")
    args = parser.parse_args(argv)
    app = app_from_environment()
    if app is None:
        return 2
    queue: SyncQueue = app.extensions["sync_queue"]
    if args.status:
        for state in (PENDING, DONE, FAILED):
            jobs = queue.jobs.in_state(state)
            print(f"{state}: {len(jobs)}")
            if state == FAILED:
                for job in jobs:
                    print(f"  order {job.order_id}: {job.last_error}")
        return 0
    if args.decisions is not None:
        log = app.extensions["decisions"]
        chosen = log.oldest_first() if args.decisions == ALL else log.recent(max(args.decisions, 0))
        for decision in chosen:
            print(json.dumps(decision.as_dict()) if args.json else _readable(decision))
        return 0
    if args.retry_failed:
        print(f"{queue.retry_failed()} failed job(s) queued again")
        return 0
    print(f"{queue.requeue_pending()} pending job(s) queued", flush=True)
    consumer = queue.huey.create_consumer(workers=args.workers, periodic=False)
    consumer.run()  # stops cleanly on SIGINT and SIGTERM
    return 0


def _readable(decision: Decision) -> str:
    """One decision for people: when, which order, the answer, the price, the cover, the session."""
    if not decision.shown:
        return (
            f"{utc_time(decision.decided_at)}  order {decision.order_id}  no offer "
            f"(Loop's {decision.cohort} cohort)  {decision.session_id}"
        )
    answer = "accepted" if decision.accepted else "declined"
    price = format_minor(decision.amount, decision.currency)
    cover = ", ".join(decision.mode)
    return (
        f"{utc_time(decision.decided_at)}  order {decision.order_id}  {answer}  {price}  "
        f"{cover}  {decision.session_id}"
    )


if __name__ == "__main__":
    sys.exit(main())
