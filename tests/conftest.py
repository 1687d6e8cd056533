"""Fixtures shared by the app's tests: the sandboxes over real HTTP, the app, the store APIs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
from flask import got_request_exception
from hypothesis import HealthCheck
from hypothesis import settings

from app import create_app
from app.clients.http import build_session
from app.sandbox import Sandbox
from tests.support.app_config import sandbox_config
from tests.support.contract_client import BigCommerceClient
from tests.support.pages import csrf_token
from tests.support.pages import parse
from tests.support.rig import Rig
from tests.support.specs import MISSING
from tests.support.specs import require_specs
from tests.support.specs import spec_dir
from tests.support.store_api import StoreApi
from tests.support.stores import BACKENDS
from tests.support.stores import Backend
from tests.support.stores import open_backend

# Hypothesis: "ci" runs the same examples every time and keeps no database, so a red run is
# red again on a rerun and prints the blob that reproduces it; "dev" draws new examples each
# run and replays past failures from the local database (.hypothesis/). HYPOTHESIS_PROFILE
# picks one by name. Neither has a deadline (a time limit per example, which a loaded two-core
# machine can miss; the tests that call the sandboxes set none either), and "ci" skips the
# too-slow check of data generation as Hypothesis' own CI settings do. Both start from
# Hypothesis' defaults, whatever CI variable is set. A test's own @settings (max_examples,
# health checks) still apply: this runs before any test module is imported.
_DEFAULT = settings.get_profile("default")
settings.register_profile(
    "ci",
    parent=_DEFAULT,
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", parent=_DEFAULT, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


def pytest_report_header(config) -> str:
    """Say which BigCommerce specs the contract tests read, or that they will not run."""
    folder = spec_dir()
    return f"BigCommerce specs: {folder}" if folder else f"BigCommerce specs: none. {MISSING}"


@pytest.fixture
def bigcommerce_specs():
    """BigCommerce's OpenAPI folder: a contract test skips without it (fails under CI=true)."""
    return require_specs()


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


@pytest.fixture
def direct_app(sandbox, tmp_path):
    """The app on the sandbox, reporting orders to Loop's Orders API itself."""
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_PLUS_SYNC="direct"
    )
    sandbox.disconnect_connector()  # one sync path at a time
    return create_app(config)


@pytest.fixture
def rig(sandbox, tmp_path, monkeypatch):
    """An app on a fresh sandbox whose rate limits cannot end a long run of examples."""
    control = f"{sandbox.bigcommerce.url}/__sandbox/rate-limit"
    quota = requests.get(control, timeout=5).json()
    assert requests.post(control, json={"quota": 10**6}, timeout=5).status_code == 200
    monkeypatch.setattr(
        sandbox.loop.service.app.extensions["loop_state"].rate_limiter, "limit", 10**6
    )
    # The app's own per-session limits are tested elsewhere; here one session posts hundreds.
    config = sandbox_config(
        sandbox,
        INSTANCE_PATH=str(tmp_path / "instance"),
        CHECKOUT_RATE_LIMIT_CART_CHANGES="100000/minute",
        CHECKOUT_RATE_LIMIT_PLACE_ORDER="100000/minute",
    )
    app = create_app(config)
    client = app.test_client()
    # The session's CSRF token stays valid while examples bind one cart after another.
    token = csrf_token(parse(client.get("/")))
    yield Rig(sandbox, app, client, StoreApi(sandbox), token)
    restore = {"quota": quota["quota"], "window_ms": quota["window_ms"]}
    requests.post(control, json=restore, timeout=5).raise_for_status()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, monkeypatch) -> Iterator[Backend]:
    """Each backend in turn: SQLite files in a temporary folder, or a Redis key prefix."""
    with open_backend(request.param, tmp_path, monkeypatch) as opened:
        yield opened
