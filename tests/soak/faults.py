"""The soak's faults: which upstream calls fail, how, and how often; and what was injected.

Each fault fires at random on a share of the calls it matches (the sandboxes' ``probability``
option), for the whole run. The shares keep a shopper's few retries enough to get through a
BigCommerce failure, while every kind of failure still happens many times in 500 checkouts.
Each kind of failure also fires once for certain, on the first call to each service's first
target, so that even a small run meets every kind (at random alone, a 24-checkout run now and
then drew no Loop 5xx at all).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tests.bench.servers import Sandboxes

LOOP_ANALYZE_TIMEOUT = "0.3"  # the app's analyze budget in the soak: a timeout costs little
# A timeout fault holds the call longer than that budget, so the app gives up first, and not
# much longer, so the sandbox thread it holds is soon free again.
TIMEOUT_HOLD_SECONDS = 1.0
LOOP_FAULT_PROBABILITY = 0.04  # per analyze call, for each of the four kinds
BIGCOMMERCE_FAULT_PROBABILITY = 0.03  # per call, for each of 5xx and 429


@dataclass(frozen=True)
class Target:
    """Upstream calls one group of faults hits."""

    service: str  # "loop" or "bigcommerce"
    label: str  # how the report names them
    method: str
    path: str  # a glob, as the sandboxes match it


TARGETS = (
    Target("loop", "analyze", "POST", "/v1/analyze"),
    Target("bigcommerce", "fees", "*", "/stores/*/v3/checkouts/*/fees"),
    Target("bigcommerce", "create order", "POST", "/stores/*/v3/checkouts/*/orders"),
    Target("bigcommerce", "read order", "GET", "/stores/*/v2/orders/*"),
    Target("bigcommerce", "payment methods", "GET", "/stores/*/v3/payments/methods"),
    Target("bigcommerce", "payment token", "POST", "/stores/*/v3/payments/access_tokens"),
    Target("bigcommerce", "payment", "POST", "/stores/*/payments"),
    Target("bigcommerce", "metafields batch", "*", "/stores/*/v3/orders/metafields"),
    Target("bigcommerce", "metafields single", "*", "/stores/*/v3/orders/*/metafields*"),
)
# (kind as the report names it, the sandbox's fault kind, its value) per service.
KINDS = {
    "loop": (
        ("5xx", "status", 503),
        ("429", "status", 429),
        ("timeout", "timeout", TIMEOUT_HOLD_SECONDS),
        ("malformed", "malformed", None),
    ),
    "bigcommerce": (("5xx", "status", 503), ("429", "status", 429)),
}
PROBABILITY = {"loop": LOOP_FAULT_PROBABILITY, "bigcommerce": BIGCOMMERCE_FAULT_PROBABILITY}


def _origin(sandboxes: Sandboxes, service: str) -> str:
    return sandboxes.loop if service == "loop" else sandboxes.bigcommerce


def inject(sandboxes: Sandboxes, rate: float = 1.0) -> None:
    """Set every fault of the plan on the sandboxes, ``rate`` times as likely as planned."""
    for target in TARGETS:
        for _, kind, value in KINDS[target.service]:
            fault = {
                "method": target.method,
                "path": target.path,
                "kind": kind,
                "value": value,
                "probability": min(1.0, PROBABILITY[target.service] * rate),
            }
            _add(sandboxes, target.service, fault)
    for service, plan in KINDS.items():
        first = next(target for target in TARGETS if target.service == service)
        for _, kind, value in plan:
            # Added last, so checked first: the service's first matching calls meet each kind.
            fault = {"method": first.method, "path": first.path, "kind": kind, "value": value}
            _add(sandboxes, service, {**fault, "times": 1})


def _add(sandboxes: Sandboxes, service: str, fault: dict) -> None:
    """Set one fault on one service's sandbox."""
    origin = _origin(sandboxes, service)
    answer = sandboxes.http.post(f"{origin}/__sandbox/faults", json=fault, timeout=5)
    answer.raise_for_status()


def clear(sandboxes: Sandboxes) -> None:
    """Remove every fault (what they injected stays counted)."""
    for origin in (sandboxes.loop, sandboxes.bigcommerce):
        sandboxes.http.delete(f"{origin}/__sandbox/faults", timeout=5).raise_for_status()


def injected(sandboxes: Sandboxes) -> Counter[tuple[str, str, str]]:
    """Count the faults the sandboxes injected, by (service, target label, kind)."""
    labels = {(t.service, t.method, t.path): t.label for t in TARGETS}
    kinds = {
        (service, kind, value): name
        for service, plan in KINDS.items()
        for name, kind, value in plan
    }
    counts: Counter[tuple[str, str, str]] = Counter()
    for service in KINDS:
        origin = _origin(sandboxes, service)
        response = sandboxes.http.get(f"{origin}/__sandbox/faults/injected", timeout=10)
        response.raise_for_status()
        for hit in response.json()["data"]:
            label = labels[(service, hit["method"], hit["path"])]
            kind = kinds[(service, hit["kind"], hit["value"])]
            counts[(service, label, kind)] += hit["count"]
    return counts
