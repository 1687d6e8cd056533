"""Measure 3: requests per second of the page and the offer, beside a bare Flask "hello"."""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import get_context

import requests

from tests.bench.common import COOKIE
from tests.bench.common import HTMX
from tests.bench.common import bound_session
from tests.bench.common import timed
from tests.bench.report import Row
from tests.bench.servers import WEB_CONCURRENCY
from tests.bench.servers import WEB_THREADS
from tests.bench.servers import Sandboxes
from tests.bench.servers import cpu_seconds

# 16 concurrent clients (workers x threads), spread over 4 processes so the client's own GIL
# does not cap the rate of the fastest server.
CLIENT_PROCESSES = 4
CONCURRENT_CLIENTS = WEB_CONCURRENCY * WEB_THREADS


def _load(url: str, cookie: str | None, headers: dict, seconds: float, threads: int) -> int:
    """Send requests from ``threads`` sessions for ``seconds``; return how many succeeded."""

    def client() -> int:
        """One client's loop: GET until time is up; count the 200s."""
        session = requests.Session()
        if cookie:
            session.cookies.set(COOKIE, cookie, domain="127.0.0.1", path="/")
        done, deadline = 0, time.monotonic() + seconds
        while time.monotonic() < deadline:
            if session.get(url, headers=headers, allow_redirects=False).status_code == 200:
                done += 1
        return done

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(lambda _: client(), range(threads)))


def _requests_per_second(
    url: str, cookie: str | None, headers: dict, seconds: float, master: int
) -> tuple[float, float]:
    """Return requests/s and the server's CPU ms per request (master and workers)."""
    threads = CONCURRENT_CLIENTS // CLIENT_PROCESSES
    _load(url, cookie, headers, min(seconds, 0.5) / 2, 2)  # warm-up
    cpu_before = cpu_seconds(master)
    with ProcessPoolExecutor(CLIENT_PROCESSES, mp_context=get_context("fork")) as pool:
        futures = [
            pool.submit(_load, url, cookie, headers, seconds, threads)
            for _ in range(CLIENT_PROCESSES)
        ]
        done = sum(f.result() for f in futures)
    cpu_ms = (cpu_seconds(master) - cpu_before) * 1000 / max(done, 1)
    return done / seconds, cpu_ms


def throughput(sandbox: Sandboxes, servers: dict, seconds: float, details: dict) -> list[Row]:
    """Requests/s of /checkout and /checkout/offer (no upstream latency) against bare Flask."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    (origin, app_pid), (hello, hello_pid) = servers["app"], servers["hello"]
    session, _ = bound_session(sandbox, origin)
    timed(session, f"{origin}/checkout")  # the analysis is now in the cookie
    cookie = session.cookies[COOKIE]
    hello_rps, hello_cpu = _requests_per_second(f"{hello}/", None, {}, seconds, hello_pid)
    page_rps, page_cpu = _requests_per_second(f"{origin}/checkout", cookie, {}, seconds, app_pid)
    offer_rps, offer_cpu = _requests_per_second(
        f"{origin}/checkout/offer", cookie, HTMX, seconds, app_pid
    )
    details["throughput"] = {"hello": hello_rps, "page": page_rps, "offer": offer_rps}
    details["server_cpu_ms_per_request"] = {
        "hello": hello_cpu,
        "page": page_cpu,
        "offer": offer_cpu,
    }
    note = (
        f"{WEB_CONCURRENCY} gthread workers x {WEB_THREADS} threads, {CONCURRENT_CLIENTS} "
        f"concurrent clients, {seconds:g} s each, on {os.cpu_count()} CPUs shared by the "
        "clients, gunicorn and the sandboxes (one gunicorn worker each, connections kept "
        "alive); offer re-uses the cached analysis"
    )
    return [
        Row("hello_rps", "bare Flask hello throughput", hello_rps, "req/s", note=note),
        Row("page_rps", "checkout page throughput", page_rps, "req/s"),
        Row("offer_rps", "offer refresh throughput", offer_rps, "req/s"),
        Row("page_ratio", "throughput ratio page/hello", page_rps / hello_rps, "x"),
        Row(
            "offer_ratio",
            "throughput ratio offer/hello",
            offer_rps / hello_rps,
            "x",
            ">= 0.5",
            offer_rps / hello_rps >= 0.5,
        ),
        Row(
            "hello_cpu",
            "server CPU per request, hello",
            hello_cpu,
            "ms",
            note="gunicorn master + workers, user + system, during the throughput runs",
        ),
        Row("page_cpu", "server CPU per request, page", page_cpu, "ms"),
        Row("offer_cpu", "server CPU per request, offer", offer_cpu, "ms"),
    ]
