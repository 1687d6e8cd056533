"""The load run (``python -m tests.load``) serves both targets under wrk without an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.load.check import problems_with_fragment
from tests.load.check import problems_with_page
from tests.load.wrk import INSTALL_HINT
from tests.load.wrk import installed
from tests.load.wrk import parse

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECONDS = 2
# wrk 4.1's summary of a run that went wrong, with every optional line (\x20: wrk pads a
# time in seconds).
FAILED_RUN = """\
Running 2s test @ http://127.0.0.1:8000/checkout
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   221.94ms  231.60ms   1.03s    86.88%
    Req/Sec    46.39     22.11   108.00     65.79%
  Latency Distribution
     50%  850.00us
     75%  195.80ms
     90%  640.16ms
     99%    1.03s\x20
  189 requests in 2.07s, 2.34MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:     91.37
Transfer/sec:      1.13MB
"""
OFFERED = '<div id="checkout-plus-offer" data-state="offered"><form></form></div>'
HIDDEN = '<div id="checkout-plus-offer" data-state="hidden"></div>'
OUT_OF_BAND = '<p id="checkout-plus-status" hx-swap-oob="innerHTML">Added</p>'


@pytest.fixture(scope="module")
def short_run():
    """Run ``--seconds 2 --json`` once; return its exit code and report."""
    # CI installs wrk through tests/run: a missing wrk is a broken machine, not a skip.
    assert installed(), INSTALL_HINT
    result = subprocess.run(
        [sys.executable, "-m", "tests.load", "--seconds", str(SECONDS), "--json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_both_targets_are_served_without_an_error(short_run):
    returncode, report = short_run
    assert set(report["targets"]) == {"page", "offer"}
    for name, target in report["targets"].items():
        assert target["errors"] == 0, (name, target)
        assert target["non_2xx_3xx"] == 0, (name, target)
        assert set(target["socket_errors"].values()) == {0}, (name, target)
        assert target["problems"] == [], (name, target)
    assert (returncode, report["failed"]) == (0, False)


def test_each_target_reports_its_rate_and_latency(short_run):
    _, report = short_run
    assert (report["seconds"], report["upstream_latency_seconds"]) == (SECONDS, 0.05)
    for name, target in report["targets"].items():
        assert target["requests"] > 0, (name, target)
        assert target["requests_per_second"] > 0, (name, target)
        latency = target["latency_ms"]
        assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"], (name, latency)
    # The page waits on its BigCommerce call: the sandboxes' latency was in place.
    assert report["targets"]["page"]["latency_ms"]["p50"] >= 50


def test_wrk_errors_are_read_from_its_summary():
    figures = parse(FAILED_RUN)
    assert figures.requests == 189
    assert figures.requests_per_second == 91.37
    assert figures.latency_ms == pytest.approx({"p50": 0.85, "p90": 640.16, "p99": 1030.0})
    assert figures.socket_errors == {"connect": 1, "read": 2, "write": 3, "timeout": 4}
    assert (figures.non_2xx_3xx, figures.errors()) == (5, 15)


def test_a_clean_summary_has_no_errors():
    clean = FAILED_RUN.replace("  Socket errors: connect 1, read 2, write 3, timeout 4\n", "")
    figures = parse(clean.replace("  Non-2xx or 3xx responses: 5\n", ""))
    assert figures.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert (figures.non_2xx_3xx, figures.errors()) == (0, 0)


def test_the_page_must_be_a_whole_page_with_the_offer_offered():
    assert problems_with_page(200, f"<!doctype html><html><body>{OFFERED}</body></html>") == []
    assert problems_with_page(200, OFFERED) == ["not a whole page"]
    assert problems_with_page(200, "<html><body><main></main></body></html>") == [
        "no #checkout-plus-offer"
    ]
    assert 'not "offered"' in problems_with_page(200, f"<html><body>{HIDDEN}</body></html>")[0]
    assert problems_with_page(303, "") == ["status 303, not 200"]


def test_the_fragment_must_swap_in_the_offer_alone():
    assert problems_with_fragment(200, OFFERED + OUT_OF_BAND) == []
    assert problems_with_fragment(200, f"<html><body>{OFFERED}</body></html>") == [
        "a whole page, not the fragment"
    ]
    assert "not one #checkout-plus-offer" in problems_with_fragment(200, OFFERED + "<p>x</p>")[0]
    assert 'not "offered"' in problems_with_fragment(200, HIDDEN + OUT_OF_BAND)[0]
    assert problems_with_fragment(204, "") == ["status 204, not 200"]
