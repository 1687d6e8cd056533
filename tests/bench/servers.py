"""The processes the benchmark measures: the sandboxes, the app and a bare Flask app, each under
gunicorn, started as subprocesses and always stopped (process groups)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from contextlib import contextmanager
from contextlib import suppress
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import requests

from tests.support.processes import free_port
from tests.support.processes import wait_until_up
from tests.support.waiting import WaitTimeout

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "bench-secret-key-" + "0" * 32
# The production settings of ``python -m app`` in live mode (app/__main__.py).
WEB_CONCURRENCY = 2
WEB_THREADS = 8
# Each sandbox keeps its state in memory, so it runs one worker; its threads answer the
# app's concurrent calls. Idle connections stay open longer than any pause between measures,
# so the app's pooled connections are re-used as they are with the real services.
SANDBOX_THREADS = 8
SANDBOX_KEEP_ALIVE_SECONDS = 75
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the benchmark dies, even by SIGKILL (Linux only)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def process_group(args: list[str], env: dict[str, str], ready_url: str):
    """Run ``args`` in a process group of its own; stop the whole group on exit."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            args,
            env=env,
            cwd=PROJECT_ROOT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            try:
                wait_until_up(ready_url, process)
            except WaitTimeout as error:
                errors.seek(0)
                tail = errors.read().decode("utf-8", "replace")[-2000:]
                raise RuntimeError(f"{error}; its stderr ends with:\n{tail}") from None
            yield process
        finally:
            _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a process group: SIGINT to its leader, then SIGKILL to all if it is still there."""
    # SIGINT is gunicorn's quick shutdown: SIGTERM's graceful one lets each gthread worker
    # sleep out its 1 s poll first, and nothing here needs to finish its requests. Only the
    # master gets it: a worker sent SIGINT as well as the master's SIGQUIT can re-enter its
    # quit handler and wait forever on the lock the first call holds (gunicorn 23-27).
    with suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # Whatever is left of the group (a stuck worker, or the master itself) goes now.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


@dataclass
class Sandboxes:
    """The two sandbox services of the benchmark, driven over HTTP."""

    bigcommerce: str
    loop: str
    # Control calls go over kept-alive connections too, so they cost the measures little.
    http: requests.Session = field(default_factory=requests.Session, repr=False)

    def set_delays(self, bigcommerce: float, loop: float) -> None:
        """Replace every fault with fixed delays on the API routes (0: no delay)."""
        for origin in (self.bigcommerce, self.loop):
            self.http.delete(f"{origin}/__sandbox/faults", timeout=5).raise_for_status()
        if bigcommerce:
            self._fault(self.bigcommerce, f"* /stores/* delay={bigcommerce}")
        if loop:
            self._fault(self.loop, f"* /v1/* delay={loop}")
            self._fault(self.loop, f"* /api/v1/* delay={loop}")

    def _fault(self, origin: str, spec: str) -> None:
        """Add one fault, in its text form, to a service."""
        self.http.post(
            f"{origin}/__sandbox/faults", json={"spec": spec}, timeout=5
        ).raise_for_status()

    def clear_logs(self) -> None:
        """Forget the requests both services logged."""
        for origin in (self.bigcommerce, self.loop):
            self.http.delete(f"{origin}/__sandbox/requests", timeout=5).raise_for_status()

    def log(self, origin: str) -> list[dict]:
        """Return the requests one service logged (``GET /__sandbox/requests``)."""
        response = self.http.get(f"{origin}/__sandbox/requests", timeout=30)
        response.raise_for_status()
        return response.json()["data"]


@contextmanager
def sandboxes():
    """Serve each sandbox under gunicorn, one process each; yield their ``Sandboxes``."""
    with ExitStack() as stack:
        origins = [
            stack.enter_context(
                gunicorn(
                    f"tests.bench.sandboxes:{factory}()",
                    {},
                    workers=1,
                    threads=SANDBOX_THREADS,
                    ready="/__sandbox/health",
                    keep_alive=SANDBOX_KEEP_ALIVE_SECONDS,
                )
            )[0]
            for factory in ("bigcommerce_app", "loop_app")
        ]
        sandbox = Sandboxes(*origins)
        stack.callback(sandbox.http.close)
        yield sandbox


# Settings a developer's or CI's shell may hold that must not reach the servers measured: a
# REDIS_URL would put their queue and records beside other runs' (order ids repeat).
NOT_INHERITED = ("REDIS_URL",)


def child_environment(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without NOT_INHERITED, with ``env`` on top."""
    inherited = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    return {**inherited, **env}


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
        # The measures replay hundreds of changes from one session; a shopper makes a few.
        "CHECKOUT_RATE_LIMIT_CART_CHANGES": "1000000/minute",
        "CHECKOUT_RATE_LIMIT_PLACE_ORDER": "1000000/minute",
        # The analytics events on: the JS+CSS row counts their script, the pages their work.
        "CHECKOUT_ANALYTICS_EVENTS": "1",
    }


@contextmanager
def gunicorn(
    app_spec: str,
    env: dict[str, str],
    workers: int = WEB_CONCURRENCY,
    ready: str = "/healthz",
    threads: int = WEB_THREADS,
    keep_alive: int | None = None,
):
    """Serve ``app_spec`` under gunicorn (gthread; by default the production settings).

    Yields (origin, the master's process). ``keep_alive`` None keeps gunicorn's default.
    """
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
        str(threads),
    ]
    if keep_alive is not None:
        args += ["--keep-alive", str(keep_alive)]
    full_env = child_environment(env)
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
