"""What the offer and page overheads are made of: the hello floor, the sandboxes' own time, ours.

Every figure is timed from the bench process with a ``requests.Session`` (connection kept
alive), sequentially, as the overhead measures are; no upstream delay is configured.
"""

from __future__ import annotations

import json
import time

import requests

from app.sandbox import credentials
from tests.bench.common import HTMX
from tests.bench.common import bound_session
from tests.bench.common import change_quantity
from tests.bench.common import create_cart
from tests.bench.common import open_checkout
from tests.bench.common import timed
from tests.bench.latency import WARM_UP
from tests.bench.latency import percentile
from tests.bench.report import Row
from tests.bench.servers import WEB_CONCURRENCY
from tests.bench.servers import WEB_THREADS
from tests.bench.servers import Sandboxes

SANDBOX_REQUESTS = 200  # at most, per sandbox call timed on its own
ANALYZE = "/v1/analyze"
GET_CHECKOUT = "GET /stores/{hash}/v3/checkouts/{id}"
POST_ANALYZE = f"POST {ANALYZE}"
SHARES = (
    ("offer_fresh", "offer refresh after a change"),
    ("offer_cached", "offer refresh (cached)"),
    ("page", "checkout page"),
)


def hello_latency(hello: str, n: int, details: dict) -> list[Row]:
    """Time n sequential GETs of the bare Flask hello app, as the offer measure times its own."""
    session = requests.Session()
    for _ in range(WARM_UP):
        timed(session, f"{hello}/")
    latencies = [timed(session, f"{hello}/") * 1000 for _ in range(n)]
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    details["hello_latency"] = {"requests": n, "p50_ms": p50, "p99_ms": p99}
    note = (
        f"the floor any request through this gunicorn and this client pays: GET / of "
        f"tests/bench/hello.py under the app's settings ({WEB_CONCURRENCY} gthread workers x "
        f"{WEB_THREADS} threads), {n} sequential requests from one requests session, after "
        f"{WARM_UP} untimed"
    )
    return [
        Row("hello_latency_p50", "bare Flask hello latency p50", p50, "ms", note=note),
        Row("hello_latency_p99", "bare Flask hello latency p99", p99, "ms"),
    ]


def sandbox_own_times(sandbox: Sandboxes, origin: str, n: int, details: dict) -> list[Row]:
    """Time each sandbox call the overheads make, straight from here with no delay."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    n = min(n, SANDBOX_REQUESTS)
    get_checkout = _get_checkout_p50(sandbox, n)
    analyze = _analyze_p50(sandbox, origin, n)
    details["sandbox_get_checkout_p50_ms"] = get_checkout
    details["sandbox_analyze_p50_ms"] = analyze
    details["sandbox_requests"] = n
    return [
        Row(
            "sandbox_get_checkout_p50",
            "sandbox GET checkout, no delay, p50",
            get_checkout,
            "ms",
            note=(
                "the sandbox BigCommerce's own time per call on loopback (a requests session "
                "straight to the sandbox, connection kept alive, as the app's pool does); it is "
                "inside every overhead below, which subtracts configured latencies only"
            ),
        ),
        Row(
            "sandbox_analyze_p50",
            "sandbox POST analyze, no delay, p50",
            analyze,
            "ms",
            note=(
                "the sandbox Loop's own time per call, timed the same way: the body of the "
                "analyze call the app made for an offer after a quantity change (from Loop's "
                "request log), sent again with the app's Cart key; every answer 200"
            ),
        ),
    ]


def _get_checkout_p50(sandbox: Sandboxes, n: int) -> float:
    """Time n GETs of a cart's checkout straight to the sandbox BigCommerce; return the p50."""
    cart_id = create_cart(sandbox)
    session = requests.Session()
    session.headers.update(
        {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
    )
    url = (
        f"{sandbox.bigcommerce}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/checkouts/{cart_id}"
    )
    for _ in range(WARM_UP):
        timed(session, url)
    return percentile([timed(session, url) * 1000 for _ in range(n)], 50)


def _analyze_p50(sandbox: Sandboxes, origin: str, n: int) -> float:
    """Replay the app's analyze body n times straight to the sandbox Loop; return the p50."""
    body = json.dumps(_analyze_body(sandbox, origin)).encode()
    session = requests.Session()
    session.headers.update(
        {
            "X-Authorization": credentials.LOOP_CART_API_KEY,
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
    )
    url = f"{sandbox.loop}{ANALYZE}"

    def timed_post() -> float:
        """POST the body once (expecting 200); return how long it took, in seconds."""
        start = time.perf_counter()
        response = session.post(url, data=body, allow_redirects=False)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return elapsed

    for _ in range(WARM_UP):
        timed_post()
    latencies = [timed_post() * 1000 for _ in range(n)]
    sandbox.clear_logs()
    return percentile(latencies, 50)


def _analyze_body(sandbox: Sandboxes, origin: str) -> dict:
    """The JSON body of the analyze call the app made for the offer after a quantity change."""
    session, _ = bound_session(sandbox, origin)
    token, line_id = open_checkout(session, origin)
    change_quantity(session, origin, token, line_id, 2)
    sandbox.clear_logs()
    timed(session, f"{origin}/checkout/offer", HTMX)
    calls = [
        entry
        for entry in sandbox.log(sandbox.loop)
        if entry["method"] == "POST" and entry["path"] == ANALYZE
    ]
    assert len(calls) == 1, calls
    (call,) = calls
    assert call["status"] == 200, call
    assert isinstance(call["json"], dict), call
    return call["json"]


def server_share(rows: list[Row], details: dict) -> list[Row]:
    """Each overhead p50 minus the hello p50 and the sandboxes' own p50 per call it made."""
    overheads = {row.key: row.value for row in rows}
    hello = details["hello_latency"]["p50_ms"]
    get_checkout = details["sandbox_get_checkout_p50_ms"]
    analyze = details["sandbox_analyze_p50_ms"]
    shares: list[Row] = []
    for key, label in SHARES:
        measured, overhead = details[key], overheads[f"{key}_p50"]
        bigcommerce = measured["bigcommerce_calls_per_request"]
        loop = measured["loop_calls_per_request"]
        share = overhead - hello - bigcommerce * get_checkout - loop * analyze
        details.setdefault("server_share", {})[key] = {
            "overhead_p50_ms": overhead,
            "share_p50_ms": share,
        }
        note = (
            f"{overhead:.2f} overhead p50 - {hello:.2f} hello p50 - {bigcommerce:g} x "
            f"{get_checkout:.2f} sandbox GET checkout - {loop:g} x {analyze:.2f} sandbox POST "
            f"analyze = {share:.2f} ms" + _other_routes(measured["calls_by_route"])
        )
        if not shares:
            note += (
                "; what is left once the floor every request pays here and the sandboxes' own "
                "time are taken out: the app's own work (a difference of p50s, not a p50 of "
                "differences)"
            )
        shares.append(
            Row(f"{key}_app_p50", f"{label}, our server's share p50", share, "ms", note=note)
        )
    return shares


def _other_routes(calls_by_route: dict) -> str:
    """Name the calls whose own time was not timed here, counted at their sandbox's figure."""
    others = [name for name in calls_by_route if name not in (GET_CHECKOUT, POST_ANALYZE)]
    if not others:
        return ""
    return (
        f"; {', '.join(others)} counted at the timed call of the same sandbox (not timed on "
        "their own)"
    )
