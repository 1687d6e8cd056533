"""What the measures share: constants, carts, browser-like sessions and timed requests."""

from __future__ import annotations

import re
import time

import requests
from bs4 import BeautifulSoup

from app.sandbox import credentials
from tests.bench.servers import Sandboxes

LATENCY = 0.05  # seconds: every delayed upstream answers this much later
HTMX = {"HX-Request": "true"}
CART_CHANGED = "cart-changed"
COOKIE = "checkout_session"
SNEAKERS = 101
# The most pairs of sneakers ($89.00) the sandbox Loop still offers protection for: 22 are
# $1,958.00, 23 would pass its $2,000.00 maximum (app/sandbox/loop/rules.toml).
MOST_OFFERED_SNEAKERS = 22


def create_cart(sandbox: Sandboxes, items=((SNEAKERS, 1),)) -> str:
    """Create a cart through the sandbox BigCommerce API, as the storefront does."""
    body = {
        "channel_id": 1,
        "currency": {"code": "USD"},
        "line_items": [{"product_id": p, "quantity": q} for p, q in items],
    }
    response = sandbox.http.post(
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
    """Put the session cookie back to ``value``, as if the last answers had not changed it."""
    session.cookies.set(COOKIE, value, domain="127.0.0.1", path="/")
    # requests keeps the server's cookie under the host-only domain; drop any duplicates.
    for cookie in list(session.cookies):
        if cookie.name == COOKIE and cookie.value != value:
            session.cookies.clear(cookie.domain, cookie.path, cookie.name)


def timed(session: requests.Session, url: str, headers=None) -> float:
    """GET ``url`` (expecting 200) and return how long it took, in seconds."""
    start = time.perf_counter()
    response = session.get(url, headers=headers, allow_redirects=False)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def upstream_calls(sandbox: Sandboxes) -> tuple[list[dict], list[dict]]:
    """Return the requests BigCommerce and Loop logged since their logs were last cleared."""
    return sandbox.log(sandbox.bigcommerce), sandbox.log(sandbox.loop)


def route(path: str) -> str:
    """Name a path's route: ids become {id}."""
    path = re.sub(r"/stores/[^/]+/", "/stores/{hash}/", path)
    return re.sub(r"/(?=[^/]*\d)[0-9a-fA-F-]{1,36}(?=/|$)", "/{id}", path)


def route_of(entry: dict) -> str:
    """Name a logged request by its method and route."""
    return f"{entry['method']} {route(entry['path'])}"


def open_checkout(session: requests.Session, origin: str) -> tuple[str, str]:
    """Load the checkout page; return its CSRF token and the sneakers line's id."""
    page = BeautifulSoup(session.get(f"{origin}/checkout").text, "html.parser")
    token = page.select_one("form input[name=csrf_token]")["value"]
    line_id = page.select_one(f"#order-summary [data-product-id='{SNEAKERS}']")["data-line-id"]
    return token, line_id


def change_quantity(
    session: requests.Session, origin: str, token: str, line_id: str, quantity: int
) -> requests.Response:
    """Set the line's quantity as the page's quantity controls do (htmx), expecting cart-changed."""
    response = session.post(
        f"{origin}/checkout/lines/{line_id}",
        data={"csrf_token": token, "quantity": str(quantity)},
        headers=HTMX,
        allow_redirects=False,
    )
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert CART_CHANGED in response.headers.get("HX-Trigger", ""), response.headers
    return response


class NewCartStates:
    """Quantity changes that each leave a cart state Loop has not priced yet.

    The app re-uses an analysis for an identical cart state (the analysis shelf), so a cart
    that went back to a quantity it had a moment ago would be priced without asking Loop.
    Here the quantity only grows, 2, 3, ... up to the most the sandbox still offers; then a
    new cart (and session) starts again from 1, untimed.
    """

    def __init__(self, sandbox: Sandboxes, origin: str) -> None:
        self._sandbox = sandbox
        self._origin = origin
        self.carts = 0
        self._start()

    def _start(self) -> None:
        self.session, _ = bound_session(self._sandbox, self._origin)
        self._token, self._line_id = open_checkout(self.session, self._origin)
        self._quantity = 1
        self.carts += 1

    def change(self) -> requests.Session:
        """Change the quantity to one this cart never had; return the session to go on with."""
        if self._quantity >= MOST_OFFERED_SNEAKERS:
            self._start()
        self._quantity += 1
        change_quantity(self.session, self._origin, self._token, self._line_id, self._quantity)
        return self.session
