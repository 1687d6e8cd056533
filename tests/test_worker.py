"""``python -m app.worker``'s reports: the offer decisions, for people and for machines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.checkout_plus.decisions import Decision
from app.checkout_plus.decisions import DecisionLog
from tests.support.paths import PROJECT

ACCEPTED = Decision(101, 1796428800.0, True, "lop_AbCdEfGhIjKlMnOpQrSt", 298, "USD", ("a", "b"))
DECLINED = Decision(102, 1796428930.5, False, "lop_AbCdEfGhIjKlMnOpQrSt", 925, "KWD", ("b",))


def decisions(instance: Path, *flags: str) -> list[str]:
    """Run ``python -m app.worker --decisions 5`` on an instance folder; return its lines."""
    result = subprocess.run(
        [sys.executable, "-m", "app.worker", "--decisions", "5", *flags],
        cwd=instance,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(PROJECT),
            "CHECKOUT_SANDBOX": "1",
            "CHECKOUT_INSTANCE_PATH": str(instance),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_decisions_are_printed_with_utc_times_and_prices_newest_first(tmp_path):
    log = DecisionLog(tmp_path / "decisions.sqlite3")
    log.record(ACCEPTED)
    log.record(DECLINED)
    assert decisions(tmp_path) == [
        "2026-12-05 00:02:10 UTC  order 102  declined  KWD0.925  b  lop_AbCdEfGhIjKlMnOpQrSt",
        "2026-12-05 00:00:00 UTC  order 101  accepted  $2.98  a, b  lop_AbCdEfGhIjKlMnOpQrSt",
    ]


def test_decisions_as_json_lines_keep_unix_time_and_minor_units_for_machines(tmp_path):
    log = DecisionLog(tmp_path / "decisions.sqlite3")
    log.record(ACCEPTED)
    (line,) = decisions(tmp_path, "--json")
    assert json.loads(line) == {
        "order_id": 101,
        "decided_at": 1796428800.0,
        "accepted": True,
        "session_id": "lop_AbCdEfGhIjKlMnOpQrSt",
        "amount": 298,
        "currency": "USD",
        "mode": ["a", "b"],
        "shown": True,
        "cohort": None,
        "mount_target": "",
        "cart_experience": "",
        "evidence": None,
    }
