"""The benchmark (``python -m tests.bench``) runs end to end and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXPECTED_ROWS = {
    "sandbox_get_checkout_p50",
    "offer_fresh_p50",
    "offer_fresh_p99",
    "offer_cached_p50",
    "offer_cached_p99",
    "page_p50",
    "page_p99",
    "assets_raw",
    "assets_gzip",
    "sdk_raw",
    "sdk_gzip",
    "sdk_ratio",
    "journey_bigcommerce",
    "journey_floor",
    "journey_metafields",
    "journey_loop",
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


def test_the_quick_benchmark_reports_every_row_with_a_number(tmp_path):
    report = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench", "--quick", "--no-npm", "--json", str(report)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = {row["key"]: row for row in json.loads(report.read_text())["rows"]}
    assert set(rows) == EXPECTED_ROWS
    for key, row in rows.items():
        if key in NPM_ROWS:
            assert row["status"] == "skipped", row
            assert row["value"] is None, row
            assert "skipped" in result.stdout
        else:
            assert row["status"] == "ok", row
            assert isinstance(row["value"], int | float), row
            assert row["value"] >= 0, row
        if row["met"] is not None:
            assert isinstance(row["met"], bool)
    # The table is printed once, with the targets beside the figures.
    assert result.stdout.count("measure ") == 1
    assert "<= 3 ms" in result.stdout
    assert ">= 0.5" in result.stdout
