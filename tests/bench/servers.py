"""The processes the benchmark measures: the sandboxes, the app and a bare Flask app, each under
the production server settings, started as subprocesses and always stopped (process groups)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-" + "0" * 32
# The production settings of ``python -m app`` in live mode (app/__main__.py).
WEB_CONCURRENCY = 2
WEB_THREADS = 8


def free_port() -> int:
    """Return a loopback port that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Wait until ``url`` answers, or raise if the process died or time ran out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


@contextmanager
def process_group(args: list[str], env: dict[str, str], ready_url: str):
    """Run ``args`` in a process group of its own; stop the whole group on exit."""
    process = subprocess.Popen(
        args,
        env=env,
        cwd=PROJECT_ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(ready_url, process)
        yield process
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class Sandboxes:
    """The two sandbox services of the benchmark, driven over HTTP."""

    bigcommerce: str
    loop: str

    def set_delays(self, bigcommerce: float, loop: float) -> None:
        """Replace every fault with fixed delays on the API routes (0: no delay)."""
        for origin in (self.bigcommerce, self.loop):
            requests.delete(f"{origin}/__sandbox/faults", timeout=5).raise_for_status()
        if bigcommerce:
            self._fault(self.bigcommerce, f"* /stores/* delay={bigcommerce}")
        if loop:
            self._fault(self.loop, f"* /v1/* delay={loop}")
            self._fault(self.loop, f"* /api/v1/* delay={loop}")

    def _fault(self, origin: str, spec: str) -> None:
        requests.post(
            f"{origin}/__sandbox/faults", json={"spec": spec}, timeout=5
        ).raise_for_status()

    def clear_logs(self) -> None:
        """Forget the requests both services logged."""
        for origin in (self.bigcommerce, self.loop):
            requests.delete(f"{origin}/__sandbox/requests", timeout=5).raise_for_status()

    def log(self, origin: str) -> list[dict]:
        """Return the requests one service logged (``GET /__sandbox/requests``)."""
        response = requests.get(f"{origin}/__sandbox/requests", timeout=30)
        response.raise_for_status()
        return response.json()["data"]


@contextmanager
def sandboxes():
    """Start both sandboxes in their own process (no rate limit, no connector)."""
    bigcommerce_port, loop_port = free_port(), free_port()
    args = [sys.executable, "-m", "tests.bench.sandboxes", str(bigcommerce_port), str(loop_port)]
    ready = f"http://127.0.0.1:{loop_port}/__sandbox/health"
    with process_group(args, dict(os.environ), ready):
        wait_until_up(f"http://127.0.0.1:{bigcommerce_port}/__sandbox/health", _Alive())
        yield Sandboxes(f"http://127.0.0.1:{bigcommerce_port}", f"http://127.0.0.1:{loop_port}")


class _Alive:
    """Stands in for a process that is known to be running."""

    args = "sandboxes"
    returncode = None

    def poll(self) -> None:
        return None


def app_environment(sandbox: Sandboxes, instance_path: str) -> dict[str, str]:
    """The variables that point the app at the benchmark's sandboxes."""
    return {
        "CHECKOUT_SANDBOX": "1",
        "SECRET_KEY": SECRET_KEY,
        "BIGCOMMERCE_API_URL": sandbox.bigcommerce,
        "BIGCOMMERCE_PAYMENTS_URL": sandbox.bigcommerce,
        "LOOP_CHECKOUT_PLUS_URL": sandbox.loop,
        "LOOP_ORDERS_API_URL": f"{sandbox.loop}/api/v1",
        "CHECKOUT_INSTANCE_PATH": instance_path,
    }


@contextmanager
def gunicorn(
    app_spec: str, env: dict[str, str], workers: int = WEB_CONCURRENCY, ready: str = "/healthz"
):
    """Serve ``app_spec`` under gunicorn with the production settings; yield (origin, process)."""
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        app_spec,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(WEB_THREADS),
    ]
    full_env = {**os.environ, **env}
    # The benchmark's own settings win over a .env file in the project (read_environment).
    origin = f"http://127.0.0.1:{port}"
    with process_group(args, full_env, origin + ready) as process:
        yield origin, process


def worker_pids(master_pid: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    path = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in path.read_text().split()]


def peak_rss_mb(pid: int) -> float:
    """Return a process's peak resident set size (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def cpu_seconds(master_pid: int) -> float:
    """Return the CPU time (user + system) a gunicorn master and its workers have used."""
    total = 0.0
    for pid in [master_pid, *worker_pids(master_pid)]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total
