"""The load run's table: one row per target."""

from __future__ import annotations

import argparse

from tests.load.run import WARM_UP_SECONDS
from tests.load.run import Outcome

HEADERS = ("target", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors")


def print_table(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    """Print the settings, one row per target, then what went wrong, if anything."""
    print(
        f"wrk: {args.seconds} s per target after a {WARM_UP_SECONDS} s warm-up, "
        f"{args.connections} connections, "
        f"{args.threads} threads; {args.latency * 1000:g} ms added to every upstream call"
    )
    rows = [HEADERS, *(_cells(outcome) for outcome in outcomes)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    for index, row in enumerate(rows):
        # Names to the left, figures to the right, so the digits line up.
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    for outcome in outcomes:
        for problem in _failures(outcome):
            print(f"FAILED {outcome.target.name}: {problem}")


def _cells(outcome: Outcome) -> tuple[str, ...]:
    """One target's row."""
    figures = outcome.wrk
    latency = [f"{figures.latency_ms[p]:.1f}" for p in ("p50", "p90", "p99")]
    name = f"{outcome.target.name} {outcome.target.path}"
    return (
        name,
        str(figures.requests),
        f"{figures.requests_per_second:.1f}",
        *latency,
        str(figures.errors()),
    )


def _failures(outcome: Outcome) -> list[str]:
    """Name each kind of error the run counted, then each problem with the answer."""
    figures = outcome.wrk
    failures = [
        f"{count} socket {kind} errors" for kind, count in figures.socket_errors.items() if count
    ]
    if figures.non_2xx_3xx:
        failures.append(f"{figures.non_2xx_3xx} responses with an error status (4xx or 5xx)")
    return failures + [f"the answer after the run: {problem}" for problem in outcome.problems]
