"""The benchmark (``python -m tests.bench``) runs end to end and reports every figure."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.config import DEFAULT_PAGE_WAIT_MS
from tests.bench.servers import sandboxes

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXPECTED_ROWS = {
    "hello_latency_p50",
    "hello_latency_p99",
    "sandbox_get_checkout_p50",
    "sandbox_analyze_p50",
    "offer_fresh_p50",
    "offer_fresh_p99",
    "offer_cached_p50",
    "offer_cached_p99",
    "page_p50",
    "page_p99",
    "offer_fresh_app_p50",
    "offer_cached_app_p50",
    "page_app_p50",
    "page_past_wait_p50",
    "page_past_wait_p99",
    "page_ttfb_slow_loop_p50",
    "page_ttfb_slow_loop_p99",
    "assets_raw",
    "assets_gzip",
    "sdk_raw",
    "sdk_gzip",
    "sdk_ratio",
    "journey_bigcommerce",
    "journey_floor",
    "journey_metafields",
    "journey_loop",
    "browser_time_to_offer_p50",
    "browser_time_to_offer_p95",
    "hello_rps",
    "page_rps",
    "offer_rps",
    "page_ratio",
    "offer_ratio",
    "hello_cpu",
    "page_cpu",
    "offer_cpu",
    "worker_rss",
}
NPM_ROWS = {"sdk_raw", "sdk_gzip", "sdk_ratio"}
BROWSER_ROWS = {"browser_time_to_offer_p50", "browser_time_to_offer_p95"}
# A difference of p50s: below zero would say the subtracted parts over-count, not a crash.
SHARE_ROWS = {"offer_fresh_app_p50", "offer_cached_app_p50", "page_app_p50"}
QUICK_REQUESTS = 20
QUICK_CLICKS = 3


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run ``--quick --no-npm`` once; return its stdout, rows by key and details."""
    report = tmp_path_factory.mktemp("bench") / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick", "--no-npm", "--json", str(report)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(report.read_text())
    return result.stdout, {row["key"]: row for row in data["rows"]}, data["details"]


def test_the_quick_benchmark_reports_every_row_with_a_number(quick_run):
    stdout, rows, _ = quick_run
    assert set(rows) == EXPECTED_ROWS
    browser_status = rows["browser_time_to_offer_p50"]["status"]
    # As in the browser tests: a missing Chromium may pass locally, never in CI.
    assert browser_status == "ok" or (
        browser_status == "unavailable" and os.environ.get("CI") != "true"
    )
    for key, row in rows.items():
        if key in NPM_ROWS:
            assert row["status"] == "skipped", row
            assert row["value"] is None, row
        elif key in BROWSER_ROWS and browser_status != "ok":
            assert row["status"] == "unavailable", row
            assert row["value"] is None, row
            assert row["note"] or key != "browser_time_to_offer_p50", row
        else:
            assert row["status"] == "ok", row
            assert isinstance(row["value"], int | float), row
            assert row["value"] >= 0 or key in BROWSER_ROWS | SHARE_ROWS, row
        if row["met"] is not None:
            assert isinstance(row["met"], bool)
    # The table is printed once, with the targets beside the figures.
    assert stdout.count("measure ") == 1
    assert "skipped" in stdout
    assert "<= 3 ms" in stdout
    assert ">= 0.5" in stdout


def test_each_timed_offer_and_page_is_counted_on_its_own(quick_run):
    _, rows, details = quick_run
    for key in ("offer_fresh", "offer_cached", "page"):
        measured = details[key]
        assert measured["upstream_errors"] == 0, measured
        assert measured["offered"] == QUICK_REQUESTS, measured
        for calls in ("bigcommerce_calls_per_request", "loop_calls_per_request"):
            assert isinstance(measured[calls], int | float), measured
    # After a change the cart state is new to Loop (the quantities only grow, never back to a
    # state the analysis shelf holds), so every timed refresh asks Loop exactly once.
    assert details["offer_fresh"]["loop_calls_per_request"] == 1
    assert "after a change" in rows["offer_fresh_p50"]["measure"]
    assert "calls per request" in rows["offer_fresh_p50"]["note"]
    assert "calls per request" in rows["offer_cached_p50"]["note"]


def test_the_overheads_are_broken_down_by_their_own_figures(quick_run):
    _, rows, details = quick_run
    assert details["hello_latency"]["requests"] == QUICK_REQUESTS
    assert rows["hello_latency_p50"]["value"] <= rows["hello_latency_p99"]["value"]
    hello = rows["hello_latency_p50"]["value"]
    own = {
        "bigcommerce_calls_per_request": rows["sandbox_get_checkout_p50"]["value"],
        "loop_calls_per_request": rows["sandbox_analyze_p50"]["value"],
    }
    for key in ("offer_fresh", "offer_cached", "page"):
        upstream = sum(details[key][calls] * ms for calls, ms in own.items())
        share = rows[f"{key}_app_p50"]
        assert share["value"] == pytest.approx(rows[f"{key}_p50"]["value"] - hello - upstream)
        assert (share["target"], share["met"]) == ("", None), share
        assert "hello p50 - " in share["note"], share


def test_the_journey_floor_is_the_sum_of_its_steps(quick_run):
    _, rows, details = quick_run
    floor_by_step = details["journey"]["floor_by_step"]
    assert rows["journey_floor"]["value"] == sum(floor_by_step.values()) == 19


def test_the_journey_places_a_protected_order_and_syncs_it(quick_run):
    _, rows, details = quick_run
    # The order is placed (paid with the total shown) and its block is written in one batch.
    assert rows["journey_metafields"]["value"] == 1, rows["journey_metafields"]
    steps = {step["step"]: step for step in details["journey"]["steps"]}
    assert "POST /stores/{hash}/v3/checkouts/{id}/orders" in steps["place and pay"]["calls"]


def test_the_browser_measure_times_each_click(quick_run):
    _, rows, details = quick_run
    if rows["browser_time_to_offer_p50"]["status"] != "ok":
        pytest.skip(rows["browser_time_to_offer_p50"]["note"])
    timed = details["browser_time_to_offer"]
    assert timed["samples"] == QUICK_CLICKS
    # Each click is on a cart of its own, a state never priced: one Loop call, not 0 or 2.
    assert timed["loop_calls_per_click"] == 1
    # The raw time holds the Loop latency subtracted from the row.
    assert timed["raw_p50_ms"] > rows["browser_time_to_offer_p50"]["value"]


def test_a_slow_loop_holds_the_page_only_its_short_wait(quick_run):
    _, rows, details = quick_run
    past = details["page_past_wait"]
    # Loop answers past the whole budget: every page shows the offer loading, none an offer,
    # and Loop was asked once per page (the background analysis, never a second one).
    assert past["pages"] >= 3
    assert (past["loading"], past["offered"]) == (past["pages"], 0), past
    assert past["loop_analyze_calls"] == past["pages"], past
    assert past["page_wait_seconds"] * 1000 == DEFAULT_PAGE_WAIT_MS
    # The page answers after its wait (a lower bound: no wall-clock upper bound in a test; a
    # page that had waited out Loop's budget would show the offer hidden, not loading).
    assert past["page_wait_seconds"] * 1000 < past["latency_p50_ms"]
    assert "beyond its wait" in rows["page_past_wait_p50"]["measure"]
    ttfb = details["page_ttfb_slow_loop"]
    assert ttfb["healthy"] == {"offered": ttfb["pages"], "loading": 0}, ttfb
    assert ttfb["loop_3s"] == {"offered": 0, "loading": ttfb["pages"]}, ttfb
    for p in (50, 99):
        row = rows[f"page_ttfb_slow_loop_p{p}"]
        assert row["value"] == pytest.approx(ttfb[f"loop_3s_p{p}_ms"] - ttfb[f"healthy_p{p}_ms"]), (
            row
        )
        assert row["target"] == "<= 350 ms", row
    # Whether the target is met is the benchmark's figure to print (python -m tests.bench),
    # not a wall-clock bound for a test to assert.


def test_the_sandboxes_keep_connections_alive():
    with sandboxes() as sandbox:
        for origin in (sandbox.bigcommerce, sandbox.loop):
            address = urlsplit(origin)
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            sockets = []
            for _ in range(2):
                connection.request("GET", "/__sandbox/health")
                response = connection.getresponse()
                response.read()
                assert response.status == 200
                assert response.getheader("Connection", "").lower() != "close"
                sockets.append(connection.sock.getsockname())
            connection.close()
            assert sockets[0] == sockets[1], "the second request needed a new connection"
