"""The fault soak in small (``python -m tests.soak``), and the sandbox faults it relies on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from app.sandbox.service import Faults
from app.sandbox.service import parse_fault
from tests.soak.audit import StoreOrder
from tests.soak.audit import audit
from tests.soak.report import WIDTH
from tests.soak.report import Report
from tests.soak.shopper import Habits
from tests.soak.shopper import Outcome
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout

PROJECT = Path(__file__).resolve().parent.parent
SMALL_SOAK = ["--checkouts", "24", "--seed", "8", "--fault-rate", "2", "--json"]
KINDS = {"loop": {"5xx", "429", "timeout", "malformed"}, "bigcommerce": {"5xx", "429"}}


def test_a_small_fault_soak_keeps_every_invariant():
    run = subprocess.run(
        [sys.executable, "-m", "tests.soak", *SMALL_SOAK],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout, run.stderr[-3000:]
    figures = json.loads(run.stdout)
    problems = "\n".join(figures["problems"] + figures["unplaced"] + figures["server_errors"])
    assert figures["checkouts_attempted"] == 24
    assert figures["blocked_by_loop_failure"] == 0, problems
    placed, unplaced = figures["orders_placed"], figures["unplaced_bigcommerce_still_failing"]
    assert placed + unplaced == 24, problems
    assert placed >= 1, problems  # each placed order's charge is compared with its page's total
    assert figures["opted_in_orders"] >= 1
    assert figures["opted_in_orders_complete_block"] == figures["opted_in_orders"], problems
    assert figures["partial_blocks"] == 0, problems
    assert figures["orders_with_two_fees"] == 0, problems
    assert figures["duplicate_orders"] == figures["duplicate_payments"] == 0, problems
    assert figures["fee_without_opt_in"] == 0, problems
    assert figures["charged_not_shown"] == 0, problems
    assert figures["invariants"]["charged_not_shown"] is True
    assert figures["orders_not_matching_shoppers"] == 0, problems
    assert figures["decisions_not_matching_orders"] == 0, problems
    assert figures["http_500"] == 0, problems
    assert figures["worker_tracebacks"] == 0, "\n".join(figures["tracebacks"])
    injected = Counter()
    for name, count in figures["faults_injected"].items():
        service, *_, kind = name.split()
        injected[(service, kind)] += count
    for service, kinds in KINDS.items():
        for kind in kinds:
            assert injected[(service, kind)] > 0, f"no {service} {kind} fault was injected"
    assert figures["double_submits"] >= 1
    assert figures["worker_kills"] >= 1
    assert figures["passed"] is True
    assert run.returncode == 0


@pytest.mark.parametrize(
    ("captured", "currency", "held"),
    [
        (5000, "USD", True),  # charged the very total the shopper placed from
        (5001, "USD", False),  # one cent more
        (4999, "USD", False),  # or less: any difference is a total the shopper was not shown
        (5000, "CAD", False),  # the same figure in another currency
        (None, "USD", False),  # paid, and nothing recorded as charged
    ],
)
def test_an_order_charged_other_than_the_total_its_shopper_saw_fails_the_soak(
    captured, currency, held
):
    habits = Habits(
        wants_protection=False,
        socks=False,
        new_quantity=None,
        change_before_opting=False,
        double_submit=False,
    )
    outcomes = [
        Outcome(0, habits, "cart-a", placed=True, order_id=1, total=10667, total_currency="USD"),
        Outcome(1, habits, "cart-b", placed=True, order_id=2, total=5000, total_currency="USD"),
    ]
    orders = [
        StoreOrder(1, "cart-a", 11, "payment-a", "USD", (), {}, captured=10667),
        StoreOrder(2, "cart-b", 11, "payment-b", currency, (), {}, captured=captured),
    ]
    found = audit(outcomes, orders, ["payment-a", "payment-b"], {})
    report = Report(
        outcomes=outcomes,
        findings=found,
        faults=Counter(),
        worker_kills=0,
        worker_tracebacks=[],
        webhooks_delivered=0,
        failed_jobs=0,
        rest_seconds=0.0,
        elapsed_seconds=0.0,
        seed=8,
        concurrency=8,
    )
    lines = report.lines()
    label = "orders charged a total the shopper was not shown"
    assert report.invariants()["charged_not_shown"] is held
    assert report.passed is held  # nothing else about these orders is wrong
    assert report.figures()["charged_not_shown"] == (0 if held else 1)
    assert f"{label:<{WIDTH}}{0 if held else 1}" in lines
    if held:
        assert found.problems == []
    else:
        assert "FAILED: charged_not_shown" in lines
        assert found.problems == [
            f"order 2: charged {captured} {currency} (minor units), "
            "its shopper placed it from a total of 5000 USD"
        ]


def test_a_fault_with_a_probability_fires_on_that_share_and_lets_older_faults_try():
    draws = iter([0.5, 0.01, 0.5, 0.5])
    faults = Faults(chance=lambda: next(draws))
    faults.add("GET", "/a", "status", 503)
    faults.add("GET", "/a", "status", 429, probability=0.1)
    assert faults.take("GET", "/a").value == 503  # 0.5: the 429 does not fire, the 503 does
    assert faults.take("GET", "/a").value == 429  # 0.01: under 0.1, it fires
    assert faults.take("GET", "/b") is None
    faults.clear()
    assert faults.take("GET", "/a") is None
    assert {(hit["value"], hit["count"]) for hit in faults.injected()} == {(503, 1), (429, 1)}
    faults.forget_injected()
    assert faults.injected() == []


def test_a_random_fault_fires_on_about_its_share_of_requests():
    faults = Faults()
    faults.add("*", "/stores/*", "status", 503, probability=0.2)
    hits = sum(faults.take("POST", "/stores/x/payments") is not None for _ in range(4000))
    assert 600 < hits < 1000


@pytest.mark.parametrize(
    ("text", "times", "probability"),
    [
        ("POST /v1/analyze status=503 probability=0.05", None, 0.05),
        ("* /stores/* status=429 times=3 probability=0.5", 3, 0.5),
        ("* /stores/* malformed probability=1 times=2", 2, 1.0),
    ],
)
def test_a_fault_reads_its_probability_and_times_in_any_order(text, times, probability):
    fault = parse_fault(text)
    assert (fault.times, fault.probability) == (times, probability)
    assert parse_fault(fault.describe()) == fault


@pytest.mark.parametrize(
    "text",
    [
        "GET /a status=503 probability=0",
        "GET /a status=503 probability=1.5",
        "GET /a status=503 probability=often",
        "GET /a status=503 probability=0.1 probability=0.2",
        "GET /a timeout=-1",
    ],
)
def test_a_bad_probability_or_hold_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match=r"probability|timeout"):
        parse_fault(text)


def test_a_timeout_fault_holds_as_long_as_it_says(sandbox):
    sandbox.set_faults("loop POST /v1/analyze timeout=0.3")
    started = time.monotonic()
    answer = requests.post(f"{sandbox.loop.url}/v1/analyze", json={}, timeout=10)
    assert answer.status_code == 504
    assert time.monotonic() - started >= 0.3


def test_the_control_api_counts_faults_after_they_are_cleared(sandbox, raw):
    control = f"{sandbox.bigcommerce.url}/__sandbox"
    fault = {"method": "GET", "path": "/stores/*/v3/pickup/methods", "kind": "status", "value": 503}
    added = requests.post(f"{control}/faults", json={**fault, "probability": 1}, timeout=5)
    assert added.status_code == 201
    assert added.json()["data"]["probability"] == 1.0
    assert raw.call("GET", "/v3/pickup/methods").status_code == 503
    assert requests.delete(f"{control}/faults", timeout=5).status_code == 204
    assert raw.call("GET", "/v3/pickup/methods").status_code == 200
    [hit] = requests.get(f"{control}/faults/injected", timeout=5).json()["data"]
    assert hit == {**fault, "count": 1}
    sandbox.reset()
    assert requests.get(f"{control}/faults/injected", timeout=5).json()["data"] == []


def test_the_control_api_lists_every_order_with_its_cart(sandbox, raw):
    first = ready_checkout(raw)
    second = ready_checkout(raw)
    ids = [place_order(raw, first), place_order(raw, second), place_order(raw, second)]
    listed = requests.get(f"{sandbox.bigcommerce.url}/__sandbox/orders", timeout=5).json()["data"]
    assert listed == [
        {"id": ids[0], "cart_id": first, "status_id": 0, "captured_amount": None},
        {"id": ids[1], "cart_id": second, "status_id": 0, "captured_amount": None},
        {"id": ids[2], "cart_id": second, "status_id": 0, "captured_amount": None},
    ]
