"""Fixtures shared by the app's tests: the sandboxes over real HTTP, the app, parsed HTML."""

from __future__ import annotations

import os

import pytest
import requests
import simplejson
from bs4 import BeautifulSoup
from flask import got_request_exception

from app import create_app
from app.clients.http import build_session
from app.sandbox import Sandbox
from app.sandbox import credentials

TEST_SECRET_KEY = "test-secret-key-" + "0" * 32
# Every test app has the admin page, so the route-wide security tests reach it too.
TEST_ADMIN_PASSWORD = "test-admin-password-" + "1" * 16
# A designer's own copy of templates/ and static/ (tests/test_designer_copy.py runs the HTML
# and browser tests against one this way).
DESIGNER_FOLDERS = ("CHECKOUT_TEMPLATES_DIR", "CHECKOUT_STATIC_DIR")


def sandbox_config(sandbox: Sandbox, **overrides) -> dict:
    """Return the variables that point the app at a running sandbox."""
    designer = {name: os.environ[name] for name in DESIGNER_FOLDERS if os.environ.get(name)}
    return {
        "CHECKOUT_SANDBOX": "1",
        "SECRET_KEY": TEST_SECRET_KEY,
        "CHECKOUT_ADMIN_PASSWORD": TEST_ADMIN_PASSWORD,
        **designer,
        "BIGCOMMERCE_API_URL": sandbox.bigcommerce.url,
        "BIGCOMMERCE_PAYMENTS_URL": sandbox.bigcommerce.url,
        "LOOP_CHECKOUT_PLUS_URL": sandbox.loop.url,
        "LOOP_ORDERS_API_URL": f"{sandbox.loop.url}/api/v1",
        "TESTING": True,
        **overrides,
    }


@pytest.fixture(autouse=True)
def no_server_errors(request):
    """Fail any test in which one of our apps met an unhandled error (a 500), on any thread.

    A test that means to cause one says so with ``@pytest.mark.server_error_expected``.
    """
    seen: list[str] = []

    def record(sender, exception, **extra) -> None:
        seen.append(f"{sender.name}: {exception!r}")

    got_request_exception.connect(record)
    yield
    got_request_exception.disconnect(record)
    if seen and request.node.get_closest_marker("server_error_expected") is None:
        pytest.fail("the app answered 500 for: " + "; ".join(seen))


@pytest.fixture(scope="session")
def sandbox_services():
    """Both sandboxes, started once for the whole run on free loopback ports."""
    sandbox = Sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(sandbox_services: Sandbox) -> Sandbox:
    """The sandboxes in their seeded state, with empty request logs and no faults."""
    sandbox_services.reset()
    return sandbox_services


@pytest.fixture
def http():
    """The pooled session the clients share, closed after the test."""
    session = build_session()
    yield session
    session.close()


@pytest.fixture
def app(sandbox: Sandbox, tmp_path):
    """The app on the sandbox, with CSRF protection on as in production."""
    return create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "instance")))


@pytest.fixture
def client(app):
    """A test client that keeps the session cookie between requests."""
    return app.test_client()


def parse(response) -> BeautifulSoup:
    """Parse an HTML response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def open_checkout(client, cart_id: str, **kwargs):
    """Follow the storefront's handoff link and return the checkout page."""
    handoff = client.get(f"/checkout?cart_id={cart_id}")
    assert handoff.status_code == 303
    assert handoff.headers["Location"] == "/checkout"
    return client.get("/checkout", **kwargs)


def csrf_token(page: BeautifulSoup) -> str:
    """Return the CSRF token of the first form on a parsed page."""
    field = page.select_one("form input[name=csrf_token]")
    assert field is not None, "the page has no form with a CSRF token"
    return field["value"]


class StoreApi:
    """The sandbox store's API, called the way a merchant's storefront would call it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.base = f"{sandbox.bigcommerce.url}/stores/{credentials.BIGCOMMERCE_STORE_HASH}"
        self.session = requests.Session()
        self.session.headers.update(
            {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
        )

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send a request to the store API and return the raw response."""
        return self.session.request(method, self.base + path, timeout=10, **kwargs)

    def data(self, method: str, path: str, **kwargs):
        """Send a request that must succeed, and return its ``data`` with exact decimals."""
        response = self.request(method, path, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        return simplejson.loads(response.content, use_decimal=True)["data"]

    def create_cart(self, items: list[tuple[int, int]], currency: str = "USD") -> str:
        """Create a cart of ``(product_id, quantity)`` items and return its id."""
        body = {
            "channel_id": 1,
            "currency": {"code": currency},
            "line_items": [{"product_id": p, "quantity": q} for p, q in items],
        }
        return self.data("POST", "/v3/carts", json=body)["id"]

    def checkout(self, cart_id: str) -> dict:
        """Read a checkout as BigCommerce reports it."""
        return self.data("GET", f"/v3/checkouts/{cart_id}")


@pytest.fixture
def store(sandbox: Sandbox) -> StoreApi:
    """The sandbox store's API, for setting up carts the way a storefront would."""
    return StoreApi(sandbox)


@pytest.fixture
def raw(sandbox: Sandbox):
    """The sandbox store's raw API (the contract tests' client), for setting up checkouts."""
    from tests.support.contract_client import BigCommerceClient

    client = BigCommerceClient(sandbox.bigcommerce.url)
    client.sandbox = sandbox
    return client
