"""The benchmark's measures, each returning its rows of the table."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import tarfile
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

from app import create_app
from app.sandbox import credentials
from tests.bench.report import Row
from tests.bench.servers import WEB_CONCURRENCY
from tests.bench.servers import WEB_THREADS
from tests.bench.servers import Sandboxes
from tests.bench.servers import cpu_seconds
from tests.bench.servers import peak_rss_mb
from tests.bench.servers import worker_pids
from tests.support.queue import drain

LATENCY = 0.05  # seconds: every delayed upstream answers this much later
HTMX = {"HX-Request": "true"}
CART_CHANGED = "cart-changed"
GET_CHECKOUT = "GET /stores/{hash}/v3/checkouts/{id}"
COOKIE = "checkout_session"
SNEAKERS = 101
CA_ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "company": "",
    "address1": "1 Market St",
    "address2": "",
    "city": "San Francisco",
    "country_code": "US",
    "state_or_province": "CA",
    "postal_code": "94105",
    "phone": "(415) 555-0100",
}
CARD = {
    "cardholder_name": "Jane Doe",
    "card_number": "4111 1111 1111 1111",
    "expiry": "12/29",
    "security_code": "123",
}


# Setting up carts and sessions


def create_cart(sandbox: Sandboxes, items=((SNEAKERS, 1),)) -> str:
    """Create a cart through the sandbox BigCommerce API, as the storefront does."""
    body = {
        "channel_id": 1,
        "currency": {"code": "USD"},
        "line_items": [{"product_id": p, "quantity": q} for p, q in items],
    }
    response = requests.post(
        f"{sandbox.bigcommerce}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/carts",
        json=body,
        headers={
            "X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN,
            "Accept": "application/json",
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["data"]["id"]


def bound_session(sandbox: Sandboxes, origin: str) -> tuple[requests.Session, str]:
    """Return a browser-like session whose cookie binds a new cart (no analysis in it yet)."""
    session = requests.Session()
    cart_id = create_cart(sandbox)
    handoff = session.get(f"{origin}/checkout?cart_id={cart_id}", allow_redirects=False)
    assert handoff.status_code == 303, handoff.status_code
    return session, session.cookies[COOKIE]


def set_cookie(session: requests.Session, value: str) -> None:
    session.cookies.set(COOKIE, value, domain="127.0.0.1", path="/")
    # requests keeps the server's cookie under the host-only domain; drop any duplicates.
    for cookie in list(session.cookies):
        if cookie.name == COOKIE and cookie.value != value:
            session.cookies.clear(cookie.domain, cookie.path, cookie.name)


def timed(session: requests.Session, url: str, headers=None) -> float:
    start = time.perf_counter()
    response = session.get(url, headers=headers, allow_redirects=False)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def upstream_calls(sandbox: Sandboxes) -> tuple[list[dict], list[dict]]:
    return sandbox.log(sandbox.bigcommerce), sandbox.log(sandbox.loop)


def _overhead_rows(key, label, latencies, waited, target_p50, target_p99, note) -> list[Row]:
    overhead = [(value - waited) * 1000 for value in latencies]
    p50, p99 = percentile(overhead, 50), percentile(overhead, 99)
    rows = [
        Row(
            f"{key}_p50",
            f"{label} overhead p50",
            p50,
            "ms",
            f"<= {target_p50:g} ms" if target_p50 else "",
            p50 <= target_p50 if target_p50 else None,
            note=note,
        ),
        Row(
            f"{key}_p99",
            f"{label} overhead p99",
            p99,
            "ms",
            f"<= {target_p99:g} ms" if target_p99 else "",
            p99 <= target_p99 if target_p99 else None,
        ),
    ]
    return rows


# 1. Offer refresh overhead


def offer_overhead(sandbox: Sandboxes, origin: str, n: int, details: dict) -> list[Row]:
    """GET /checkout/offer (htmx) latency minus Loop's 50 ms, cached and with a fresh analyze.

    Only Loop is delayed here (BigCommerce answers at loopback speed, so its own sandbox time
    counts as overhead). "cached": the same session and cart, so the app re-uses the analysis
    it keeps in the session cookie for 45 s and does not call Loop. "fresh analyze": before
    each request the session cookie is put back to the one the handoff set (cart bound, no
    analysis in it yet), so the app must ask Loop again; the cart and BigCommerce state do not
    change, so each request does exactly the work of a real refresh after a cart change
    minus the cart change itself. The calls each request made are counted from the sandbox
    logs and the configured latency of each is subtracted.
    """
    sandbox.set_delays(bigcommerce=0, loop=LATENCY)
    url = f"{origin}/checkout/offer"
    rows: list[Row] = [_sandbox_baseline(sandbox, min(n, 200), details)]
    for mode in ("fresh", "cached"):
        session, handoff_cookie = bound_session(sandbox, origin)
        for _ in range(3):  # warm-up: connections, templates, the first analysis
            if mode == "fresh":
                set_cookie(session, handoff_cookie)
            timed(session, url, HTMX)
        sandbox.clear_logs()
        latencies = []
        for _ in range(n):
            if mode == "fresh":
                set_cookie(session, handoff_cookie)
            latencies.append(timed(session, url, HTMX))
        bigcommerce, loop = upstream_calls(sandbox)
        loop_per_request = len(loop) / n
        details[f"offer_{mode}"] = {
            "bigcommerce_calls_per_request": len(bigcommerce) / n,
            "loop_calls_per_request": loop_per_request,
            "latency_p50_ms": percentile(latencies, 50) * 1000,
            "latency_p99_ms": percentile(latencies, 99) * 1000,
        }
        label = "offer refresh (fresh analyze)" if mode == "fresh" else "offer refresh (cached)"
        note = (
            f"{len(bigcommerce) / n:g} BigCommerce + {loop_per_request:g} Loop calls per request; "
            f"{loop_per_request * LATENCY * 1000:g} ms of Loop latency subtracted"
        )
        if mode == "fresh":
            note += (
                "; each request replays the handoff's session cookie (no analysis cached), "
                "so the app must call Loop for an unchanged cart"
            )
        rows += _overhead_rows(
            f"offer_{mode}", label, latencies, loop_per_request * LATENCY, 3, 10, note
        )
    return rows


def _sandbox_baseline(sandbox: Sandboxes, n: int, details: dict) -> Row:
    """Time the sandbox's own GET checkout from here: part of every overhead figure below."""
    cart_id = create_cart(sandbox)
    session = requests.Session()
    session.headers.update(
        {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
    )
    url = (
        f"{sandbox.bigcommerce}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/checkouts/{cart_id}"
    )
    for _ in range(3):
        timed(session, url)
    latencies = [timed(session, url) * 1000 for _ in range(n)]
    p50 = percentile(latencies, 50)
    details["sandbox_get_checkout_p50_ms"] = p50
    return Row(
        "sandbox_get_checkout_p50",
        "sandbox GET checkout, no delay, p50",
        p50,
        "ms",
        note=(
            "the sandbox BigCommerce's own time per call on loopback (client to sandbox "
            "directly); it is inside every overhead below, which subtracts configured "
            "latencies only"
        ),
    )


# 2. Checkout page overhead


def page_overhead(sandbox: Sandboxes, origin: str, n: int, details: dict) -> list[Row]:
    """GET /checkout latency minus 50 ms per upstream call it made (every upstream at 50 ms).

    The session keeps its cookie, so after the first page the analysis is re-used, as on a
    reload. Calls are counted from the sandbox logs; the sum assumes they are sequential.
    """
    sandbox.set_delays(bigcommerce=LATENCY, loop=LATENCY)
    session, _ = bound_session(sandbox, origin)
    url = f"{origin}/checkout"
    for _ in range(3):
        timed(session, url)
    sandbox.clear_logs()
    latencies = [timed(session, url) for _ in range(n)]
    bigcommerce, loop = upstream_calls(sandbox)
    calls = (len(bigcommerce) + len(loop)) / n
    by_route = Counter(f"{e['method']} {_route(e['path'])}" for e in bigcommerce + loop)
    details["page"] = {
        "bigcommerce_calls_per_request": len(bigcommerce) / n,
        "loop_calls_per_request": len(loop) / n,
        "calls_by_route": {route: count / n for route, count in by_route.items()},
        "latency_p50_ms": percentile(latencies, 50) * 1000,
        "latency_p99_ms": percentile(latencies, 99) * 1000,
    }
    listed = ", ".join(f"{route} x{count / n:g}" for route, count in by_route.items())
    note = f"{calls:g} upstream calls per page ({listed}), {calls * LATENCY * 1000:g} ms subtracted"
    return _overhead_rows("page", "checkout page", latencies, calls * LATENCY, 5, 0, note)


def _route(path: str) -> str:
    """Name a path's route: ids become {id}."""
    path = re.sub(r"/stores/[^/]+/", "/stores/{hash}/", path)
    return re.sub(r"/(?=[^/]*\d)[0-9a-fA-F-]{1,36}(?=/|$)", "/{id}", path)


# 3. Throughput


def _load(url: str, cookie: str | None, headers: dict, seconds: float, threads: int) -> int:
    """Send requests from ``threads`` sessions for ``seconds``; return how many succeeded."""

    def client() -> int:
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
    # 16 concurrent clients (workers x threads), spread over 4 processes so the client's own
    # GIL does not cap the rate of the fastest server.
    processes = 4
    threads = WEB_CONCURRENCY * WEB_THREADS // processes
    _load(url, cookie, headers, min(seconds, 0.5) / 2, 2)  # warm-up
    cpu_before = cpu_seconds(master)
    with ProcessPoolExecutor(processes, mp_context=get_context("fork")) as pool:
        futures = [
            pool.submit(_load, url, cookie, headers, seconds, threads) for _ in range(processes)
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
        f"{WEB_CONCURRENCY} gthread workers x {WEB_THREADS} threads, 16 concurrent clients, "
        f"{seconds:g} s each, on {os.cpu_count()} CPUs shared by the clients, gunicorn and "
        "the sandboxes (one Python process answering every upstream call); offer re-uses "
        "the cached analysis"
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


# 4. Bytes to the browser


def page_bytes(origin: str, fetch_npm: bool, details: dict) -> list[Row]:
    """The JS and CSS the checkout page loads, raw and gzip, beside checkout-sdk's UMD build."""
    session = requests.Session()
    # The page's assets do not depend on the cart; any checkout page lists them.
    page = session.get(f"{origin}/checkout")
    soup = BeautifulSoup(page.text, "html.parser")
    urls = [tag["src"] for tag in soup.select("script[src]")]
    urls += [tag["href"] for tag in soup.select("link[href]") if "stylesheet" in tag.get("rel", [])]
    raw_total = gzip_total = 0
    assets = {}
    for url in urls:
        body = session.get(urljoin(page.url, url)).content
        raw, packed = len(body), len(gzip.compress(body, compresslevel=6))
        assets[url] = {"raw": raw, "gzip": packed}
        raw_total += raw
        gzip_total += packed
    details["assets"] = assets
    rows = [
        Row("assets_raw", "checkout JS+CSS raw", raw_total / 1024, "KB", note=", ".join(assets)),
        Row(
            "assets_gzip",
            "checkout JS+CSS gzip",
            gzip_total / 1024,
            "KB",
            "<= 25 KB",
            gzip_total <= 25 * 1024,
        ),
    ]
    sdk = _checkout_sdk() if fetch_npm else "skipped"
    if isinstance(sdk, bytes):
        sdk_raw, sdk_gzip = len(sdk), len(gzip.compress(sdk, compresslevel=6))
        ratio = gzip_total / sdk_gzip
        rows += [
            Row("sdk_raw", "checkout-sdk.umd.js raw", sdk_raw / 1024, "KB"),
            Row("sdk_gzip", "checkout-sdk.umd.js gzip", sdk_gzip / 1024, "KB"),
            Row("sdk_ratio", "ours/checkout-sdk (gzip)", ratio, "x", "<= 0.1", ratio <= 0.1),
        ]
    else:
        status = sdk if sdk == "skipped" else "unavailable"
        note = "" if sdk == "skipped" else sdk
        rows += [
            Row("sdk_raw", "checkout-sdk.umd.js raw", None, "KB", status=status, note=note),
            Row("sdk_gzip", "checkout-sdk.umd.js gzip", None, "KB", status=status),
            Row("sdk_ratio", "ours/checkout-sdk (gzip)", None, "x", "<= 0.1", status=status),
        ]
    return rows


def _checkout_sdk() -> bytes | str:
    """Fetch ``dist/checkout-sdk.umd.js`` with ``npm pack``; a reason string if that fails."""
    try:
        with tempfile.TemporaryDirectory(prefix="checkout-sdk-") as tmp:
            subprocess.run(
                ["npm", "pack", "@bigcommerce/checkout-sdk", "--pack-destination", tmp],
                cwd=tmp,
                check=True,
                capture_output=True,
                timeout=180,
            )
            [tarball] = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.extractfile("package/dist/checkout-sdk.umd.js")
                if member is None:
                    return "no dist/checkout-sdk.umd.js in the package"
                return member.read()
    except (OSError, ValueError, KeyError, subprocess.SubprocessError, tarfile.TarError) as error:
        return f"npm pack failed: {type(error).__name__}: {str(error)[:120]}"


# 5. Upstream calls per completed checkout

# The floor: the BigCommerce calls the APIs make unavoidable for this journey, for a server
# that keeps no copy of the checkout between requests (the shopper's state is the cookie):
#   handoff 0 (binding the cart id needs no call)
#   page 1 (GET checkout)
#   3 quantity changes x 2 (PUT the cart item; its answer is the cart, not the checkout with
#     tax and shipping, so GET checkout to show the totals)
#   email 1 (POST billing-address answers with the checkout)
#   address 2 (POST consignments?include=consignments.available_shipping_options answers
#     with the checkout and its options; the billing address follows the shipping address,
#     and a consignment does not set it, so PUT billing-address)
#   shipping option 1 (PUT consignment answers with the checkout)
#   opt in 0 (the fee is only put on the checkout at place; the offer state is the cookie's)
#   place and pay 6 (GET checkout for the fresh quote, POST the fee, POST the order, GET the
#     order's payment methods, POST a payment access token, POST the payment)
#   sync 1 (one batch POST /v3/orders/metafields creates every key of a new order's block)
# = 19, of which 5 GET checkout. The offer's own refreshes after each change (GET
# /checkout/offer) each need the checkout too; a server could skip them by analyzing in the
# change's own request, but then the change would wait on Loop, so they are not in the floor.
BIGCOMMERCE_FLOOR = 19
FLOOR_GET_CHECKOUT = 5
# The blueprint's recipe writes the metafields one POST per key (session_id,
# accepted_offer_mode, fee_amount, fee_currency): 3 more calls than the batch floor.
METAFIELD_KEYS = 4
RECIPE_SYNC_CALLS = METAFIELD_KEYS


def journey(sandbox: Sandboxes, origin: str, env: dict, details: dict) -> list[Row]:
    """Count the upstream calls of one scripted checkout, from handoff to the metafield sync."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    session = requests.Session()
    cart_id = create_cart(sandbox)
    sandbox.clear_logs()
    steps: list[tuple[str, int, int]] = []
    seen = [0, 0]

    step_routes: dict[str, list[str]] = {}

    def step(name: str) -> None:
        bigcommerce, loop = upstream_calls(sandbox)
        steps.append((name, len(bigcommerce) - seen[0], len(loop) - seen[1]))
        new = bigcommerce[seen[0] :] + loop[seen[1] :]
        step_routes[name] = [f"{e['method']} {_route(e['path'])}" for e in new]
        seen[:] = [len(bigcommerce), len(loop)]

    last_offer: list[requests.Response] = []

    def offer_refresh() -> None:
        response = session.get(f"{origin}/checkout/offer", headers=HTMX)
        assert response.status_code == 200, response.status_code
        last_offer[:] = [response]

    def post(path: str, data: dict, htmx: bool = True) -> requests.Response:
        response = session.post(
            f"{origin}{path}",
            data={"csrf_token": token, **data},
            headers=HTMX if htmx else {},
            allow_redirects=False,
        )
        assert response.status_code in (200, 303), (path, response.status_code, response.text)
        if htmx and CART_CHANGED in response.headers.get("HX-Trigger", ""):
            offer_refresh()  # the offer re-requests itself on cart-changed, as in the browser
        return response

    session.get(f"{origin}/checkout?cart_id={cart_id}", allow_redirects=False)
    step("handoff")
    page = BeautifulSoup(session.get(f"{origin}/checkout").text, "html.parser")
    token = page.select_one("form input[name=csrf_token]")["value"]
    line_id = page.select_one(f"#order-summary [data-product-id='{SNEAKERS}']")["data-line-id"]
    step("page")
    for quantity in (2, 3, 4):
        post(f"/checkout/lines/{line_id}", {"quantity": str(quantity)})
        step(f"quantity {quantity}")
    post("/checkout/contact", {"contact-email": "jane@example.com"})
    step("email")
    post("/checkout/shipping-address", {f"shipping-{k}": v for k, v in CA_ADDRESS.items()})
    step("address")
    post("/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"})
    step("shipping option")
    offer = BeautifulSoup(last_offer[0].text, "html.parser")
    quote = offer.select_one("input[name=quote]")["value"]
    post("/checkout/protection", {"quote": quote, "checkout_plus": "y"})
    step("opt in")
    placed = post("/checkout/place", CARD, htmx=False)
    assert placed.status_code == 303, placed.status_code
    step("place and pay")
    app = create_app(
        {**env, "INSTANCE_PATH": env["CHECKOUT_INSTANCE_PATH"]}
    )  # the worker, in this process, on the same queue
    drain(app.extensions["sync_queue"])
    step("sync")
    bigcommerce, loop = upstream_calls(sandbox)
    analyses = [e for e in loop if e["path"] == "/v1/analyze"]
    states = {_cart_state(e["json"]) for e in analyses}
    routes = Counter(f"{e['method']} {_route(e['path'])}" for e in bigcommerce + loop)
    metafield_posts = sum(
        1 for e in bigcommerce if e["method"] == "POST" and "metafields" in e["path"]
    )
    details["journey"] = {
        "steps": [
            {"step": s, "bigcommerce": b, "loop": lo, "calls": step_routes[s]} for s, b, lo in steps
        ],
        "calls_by_route": dict(routes.most_common()),
        "distinct_cart_states": len(states),
    }
    bc, lp = len(bigcommerce), len(loop)
    per_step = ", ".join(f"{s} {b}/{lo}" for s, b, lo in steps)
    return [
        Row(
            "journey_bigcommerce",
            "BigCommerce calls per checkout",
            bc,
            "",
            f"<= floor {BIGCOMMERCE_FLOOR} + 2",
            bc <= BIGCOMMERCE_FLOOR + 2,
            note=(
                f"GET checkout x{routes[GET_CHECKOUT]} (floor {FLOOR_GET_CHECKOUT}); "
                f"per step (BigCommerce/Loop): {per_step}"
            ),
        ),
        Row("journey_floor", "BigCommerce floor (derived)", BIGCOMMERCE_FLOOR, ""),
        Row(
            "journey_metafields",
            "metafield POSTs (recipe: 1 per key)",
            metafield_posts,
            "",
            f"recipe {RECIPE_SYNC_CALLS}, floor 1",
        ),
        Row(
            "journey_loop",
            "Loop calls per checkout",
            lp,
            "",
            f"= distinct cart states ({len(states)})",
            lp == len(states),
            note=f"{len(analyses)} analyze calls for {len(states)} distinct cart states",
        ),
    ]


def _cart_state(body) -> str:
    """The cart part of an analyze request, without Loop's session id."""
    if not isinstance(body, dict):
        return json.dumps(body)
    cart = {k: v for k, v in body.items() if "session" not in k.lower()}
    return json.dumps(cart, sort_keys=True, default=str)


# 6. Memory


def worker_memory(sandbox: Sandboxes, origin: str, master: int, n: int, details: dict) -> list[Row]:
    """Peak RSS of the one gunicorn worker after N requests (pages and fresh offers)."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    session, handoff_cookie = bound_session(sandbox, origin)
    for index in range(n):
        if index % 2:
            timed(session, f"{origin}/checkout")
        else:
            set_cookie(session, handoff_cookie)
            timed(session, f"{origin}/checkout/offer", HTMX)
    [worker] = worker_pids(master)
    peak = peak_rss_mb(worker)
    details["worker_rss_mb"] = peak
    return [
        Row(
            "worker_rss",
            "worker peak RSS (VmHWM)",
            peak,
            "MB",
            "<= 80 MB",
            peak <= 80,
            note=f"1 worker x {WEB_THREADS} threads after {n} requests (pages, fresh offers)",
        )
    ]
