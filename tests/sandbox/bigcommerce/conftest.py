"""Fixtures: one sandbox BigCommerce on a loopback port per session, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.sandbox.bigcommerce import BigCommerceSandboxSettings
from app.sandbox.bigcommerce import StoreState
from app.sandbox.bigcommerce import create_service
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.support.contract_client import LOOP_TOKEN
from tests.support.contract_client import BigCommerceClient

# Short webhook timings keep retry tests fast.
TEST_SETTINGS = BigCommerceSandboxSettings(webhook_timeout=2.0, webhook_retry_backoff=0.05)


@pytest.fixture(scope="session")
def bigcommerce() -> Iterator[RunningService]:
    """The running sandbox store."""
    service = create_service(TEST_SETTINGS)
    running = RunningService(service, LoopbackServer(service.app).start())
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _fresh_store(bigcommerce: RunningService) -> None:
    """Reset the store (state, log, faults) before each test."""
    bigcommerce.reset()


@pytest.fixture
def state(bigcommerce: RunningService) -> StoreState:
    """The store's in-process state."""
    return bigcommerce.service.app.extensions["bigcommerce_state"]


@pytest.fixture
def client(bigcommerce: RunningService) -> BigCommerceClient:
    """An API client authenticated as the checkout app."""
    return BigCommerceClient(bigcommerce.url)


@pytest.fixture
def loop_client(bigcommerce: RunningService) -> BigCommerceClient:
    """An API client authenticated as Loop's connector (another API account)."""
    return BigCommerceClient(bigcommerce.url, LOOP_TOKEN)
