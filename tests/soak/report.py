"""The soak's figures: the invariants (each must hold) and the context, as lines or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tests.soak.audit import Findings
from tests.soak.shopper import Outcome

WIDTH = 52  # where the figures start, so the lines read as a table
SHOWN_PROBLEMS = 30


@dataclass
class Report:
    """Everything one soak run measured."""

    outcomes: list[Outcome]
    findings: Findings
    faults: Counter[tuple[str, str, str]]  # by (service, target, kind)
    worker_kills: int
    worker_tracebacks: list[str]  # a sync task that raised: at rest its job would hide it
    webhooks_delivered: int
    failed_jobs: int
    rest_seconds: float
    elapsed_seconds: float
    seed: int
    concurrency: int

    @property
    def blocked_by_loop(self) -> int:
        """Checkouts unplaced for a reason other than BigCommerce, or ever refused over Loop."""
        return sum(
            1
            for o in self.outcomes
            if (not o.placed and not o.stopped_by_bigcommerce) or o.loop_refusals
        )

    @property
    def unplaced_by_bigcommerce(self) -> int:
        """Checkouts whose shoppers gave up because BigCommerce kept failing."""
        return sum(1 for o in self.outcomes if not o.placed and o.stopped_by_bigcommerce)

    @property
    def server_errors(self) -> list[str]:
        """Every HTTP 500 a shopper saw, as ``METHOD path``."""
        return [error for o in self.outcomes for error in o.server_errors]

    def invariants(self) -> dict[str, bool]:
        """Each invariant by name, and whether it held."""
        found = self.findings
        return {
            "blocked_by_loop": self.blocked_by_loop == 0,
            "complete_blocks": found.complete_blocks == found.opted_in_orders,
            "partial_blocks": found.partial_blocks == 0,
            "two_fees": found.two_fees == 0,
            "duplicate_orders_or_payments": found.duplicate_orders + found.duplicate_payments == 0,
            "fee_without_opt_in": found.fee_without_opt_in == 0,
            "charged_not_shown": found.charged_not_shown == 0,
            "orders_match_shoppers": found.unmatched_orders == 0,
            "decisions_match_orders": found.decision_mismatches == 0,
            "no_http_500": not self.server_errors,
            "no_worker_tracebacks": not self.worker_tracebacks,
        }

    @property
    def passed(self) -> bool:
        """Tell whether every invariant held."""
        return all(self.invariants().values())

    def figures(self) -> dict:
        """Every figure by name, for ``--json``."""
        found = self.findings
        return {
            "checkouts_attempted": len(self.outcomes),
            "orders_placed": found.paid_orders,
            "blocked_by_loop_failure": self.blocked_by_loop,
            "unplaced_bigcommerce_still_failing": self.unplaced_by_bigcommerce,
            "opted_in_orders": found.opted_in_orders,
            "opted_in_orders_complete_block": found.complete_blocks,
            "partial_blocks": found.partial_blocks,
            "orders_with_two_fees": found.two_fees,
            "duplicate_orders": found.duplicate_orders,
            "duplicate_payments": found.duplicate_payments,
            "fee_without_opt_in": found.fee_without_opt_in,
            "charged_not_shown": found.charged_not_shown,
            "orders_not_matching_shoppers": found.unmatched_orders,
            "decisions_not_matching_orders": found.decision_mismatches,
            "http_500": len(self.server_errors),
            "worker_tracebacks": len(self.worker_tracebacks),
            "faults_injected": {
                f"{service} {target} {kind}": count
                for (service, target, kind), count in sorted(self.faults.items())
            },
            "worker_kills": self.worker_kills,
            "webhooks_delivered": self.webhooks_delivered,
            "shoppers_who_ticked": sum(o.ticked for o in self.outcomes),
            "double_submits": sum(o.double_submitted for o in self.outcomes),
            "shopper_retries": sum(o.bigcommerce_retries for o in self.outcomes),
            "loop_refusals": sum(o.loop_refusals for o in self.outcomes),
            "total_changed_refusals": sum(o.total_refusals for o in self.outcomes),
            "other_refusals": sum(o.other_refusals for o in self.outcomes),
            "app_rate_limited": sum(o.app_rate_limited for o in self.outcomes),
            "incomplete_orders": found.incomplete_orders,
            "payments": found.payments,
            "failed_sync_jobs": self.failed_jobs,
            "rest_seconds": round(self.rest_seconds, 1),
            "elapsed_seconds": round(self.elapsed_seconds, 1),
            "seed": self.seed,
            "concurrency": self.concurrency,
            "invariants": self.invariants(),
            "passed": self.passed,
            "unplaced": [f"checkout {o.index}: {o.stop}" for o in self.outcomes if not o.placed],
            "server_errors": self.server_errors,
            "tracebacks": self.worker_tracebacks,
            "problems": found.problems,
        }

    def lines(self) -> list[str]:
        """The report for a person: invariants first, then the context."""
        found = self.findings
        share = found.complete_blocks / found.opted_in_orders if found.opted_in_orders else 1.0
        figures = self.figures()
        lines = [
            _line("checkouts attempted", len(self.outcomes)),
            _line("orders placed", found.paid_orders),
            _line("checkouts blocked by a Loop failure (must be 0)", self.blocked_by_loop),
            _line("checkouts unplaced, BigCommerce still failing", self.unplaced_by_bigcommerce),
            _line(
                "opted-in orders with a complete block at rest",
                f"{found.complete_blocks} of {found.opted_in_orders} ({share:.0%})",
            ),
            _line("orders with a partial block", found.partial_blocks),
            _line("orders with two Checkout+ fees", found.two_fees),
            _line(
                "duplicate orders or payments",
                f"{found.duplicate_orders + found.duplicate_payments} "
                f"({found.duplicate_orders} orders, {found.duplicate_payments} payments)",
            ),
            _line("fee on an order whose shopper did not opt in", found.fee_without_opt_in),
            _line("orders charged a total the shopper was not shown", found.charged_not_shown),
            _line("orders not matching their shopper", found.unmatched_orders),
            _line("recorded decisions not matching their order", found.decision_mismatches),
            _line("HTTP 500 answers", len(self.server_errors)),
            _line("sync worker tracebacks", len(self.worker_tracebacks)),
            "",
            _line("faults injected", sum(self.faults.values())),
            *_fault_lines(self.faults),
            _line("sync worker kills (SIGKILL, then restarted)", self.worker_kills),
            _line("shoppers who ticked the offer", figures["shoppers_who_ticked"]),
            _line("order webhooks delivered (each a resync)", self.webhooks_delivered),
            _line("double submits", figures["double_submits"]),
            _line("shopper retries after a BigCommerce failure", figures["shopper_retries"]),
            _line("place-order refusals over Loop", figures["loop_refusals"]),
            _line("place-order refusals over a changed total", figures["total_changed_refusals"]),
            _line("other place-order refusals", figures["other_refusals"]),
            _line("app rate-limit answers (429)", figures["app_rate_limited"]),
            _line("incomplete orders left unpaid", found.incomplete_orders),
            _line("sync jobs failed", self.failed_jobs),
            _line("seconds for the worker to come to rest", f"{self.rest_seconds:.1f}"),
            _line("elapsed seconds", f"{self.elapsed_seconds:.1f}"),
            _line("seed, concurrency", f"{self.seed}, {self.concurrency}"),
        ]
        failed = [name for name, held in self.invariants().items() if not held]
        if failed:
            lines += ["", f"FAILED: {', '.join(failed)}"]
            lines += [f"  {text}" for text in figures["unplaced"][:SHOWN_PROBLEMS]]
            lines += [f"  {text}" for text in found.problems[:SHOWN_PROBLEMS]]
            lines += [f"  HTTP 500 on {text}" for text in self.server_errors[:SHOWN_PROBLEMS]]
            lines += self.worker_tracebacks[:3]
        return lines


def _line(label: str, value: object) -> str:
    return f"{label:<{WIDTH}}{value}"


def _fault_lines(faults: Counter[tuple[str, str, str]]) -> list[str]:
    """One line per service and target: the count of each kind injected there."""
    targets: dict[tuple[str, str], list[str]] = {}
    for (service, target, kind), count in sorted(faults.items()):
        targets.setdefault((service, target), []).append(f"{kind} {count}")
    return [
        _line(f"  {service} {target}", ", ".join(kinds))
        for (service, target), kinds in targets.items()
    ]
