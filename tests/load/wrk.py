"""Run ``wrk --latency`` against one URL and read its figures from what it prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

INSTALL_HINT = "wrk is not installed: apt-get install -y wrk (tests/run installs it when missing)"
# wrk prints times as 850.00us, 1.23ms, 1.02s or 2.00m.
TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
SOCKET_ERRORS = ("connect", "read", "write", "timeout")
# wrk's default, made explicit: an answer slower than this is a timeout error, not a latency.
TIMEOUT_SECONDS = 2


@dataclass
class WrkResult:
    """wrk's figures for one run; latencies in ms."""

    requests: int
    requests_per_second: float
    latency_ms: dict[str, float]  # p50, p90 and p99
    socket_errors: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0

    def errors(self) -> int:
        """Every failed request: socket errors of each kind and error statuses."""
        return sum(self.socket_errors.values()) + self.non_2xx_3xx

    def as_dict(self) -> dict:
        """Return the figures as JSON-ready data."""
        return {**asdict(self), "errors": self.errors()}


def installed() -> bool:
    """Whether a ``wrk`` is on the PATH."""
    return shutil.which("wrk") is not None


def run_wrk(
    url: str, headers: dict[str, str], seconds: int, connections: int, threads: int
) -> WrkResult:
    """Load ``url`` for ``seconds`` and return wrk's figures (raise if wrk failed)."""
    args = ["wrk", f"--threads={threads}", f"--connections={connections}"]
    args += [f"--duration={seconds}s", f"--timeout={TIMEOUT_SECONDS}s", "--latency"]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    result = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise RuntimeError(f"wrk exited with {result.returncode}: {result.stderr.strip()}")
    return parse(result.stdout)


def parse(output: str) -> WrkResult:
    """Read wrk's summary; the error lines are only printed when a count is not zero."""
    requests = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if not (requests and rate):
        raise ValueError(f"not wrk --latency output:\n{output}")
    latency = {}
    for percent in (50, 90, 99):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
        if not found:
            raise ValueError(f"no {percent}% latency in wrk's output:\n{output}")
        latency[f"p{percent}"] = float(found[1]) * TIME_UNITS_MS[found[2]]
    errors_line = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    counts = errors_line.groups() if errors_line else ("0",) * len(SOCKET_ERRORS)
    sockets = {kind: int(count) for kind, count in zip(SOCKET_ERRORS, counts, strict=True)}
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(requests[1]),
        requests_per_second=float(rate[1]),
        latency_ms=latency,
        socket_errors=sockets,
        non_2xx_3xx=int(statuses[1]) if statuses else 0,
    )
