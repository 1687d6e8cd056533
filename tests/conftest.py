"""Fixtures shared by the app's tests: the sandboxes over real HTTP, the app, the store APIs."""

from __future__ import annotations

import pytest
from flask import got_request_exception

from app import create_app
from app.clients.http import build_session
from app.sandbox import Sandbox
from tests.support.app_config import sandbox_config
from tests.support.contract_client import BigCommerceClient
from tests.support.store_api import StoreApi


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


@pytest.fixture
def store(sandbox: Sandbox) -> StoreApi:
    """The sandbox store's API, for setting up carts the way a storefront would."""
    return StoreApi(sandbox)


@pytest.fixture
def raw(sandbox: Sandbox):
    """The sandbox store's raw API (the contract tests' client), for setting up checkouts."""
    client = BigCommerceClient(sandbox.bigcommerce.url)
    client.sandbox = sandbox
    return client
