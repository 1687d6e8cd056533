"""Fixtures for the sandbox Loop tests: one server for the run, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from app.sandbox.loop import LoopState
from app.sandbox.loop import create_service
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.sandbox_loop.helpers import CART_KEY
from tests.sandbox_loop.helpers import ORDERS_KEY


class LoopApi:
    """Calls the sandbox Loop over HTTP the way an integration would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()

    def analyze(self, body: Any, key: str | None = CART_KEY, **headers: str) -> requests.Response:
        """POST /v1/analyze with a Cart key (or the given one, or none)."""
        return self.http.post(
            f"{self.url}/v1/analyze", json=body, headers=_auth(key, headers), timeout=10
        )

    def session(
        self, session_id: str, key: str | None = CART_KEY, **headers: str
    ) -> requests.Response:
        """GET /v1/session/<id>."""
        return self.http.get(
            f"{self.url}/v1/session/{session_id}", headers=_auth(key, headers), timeout=10
        )

    def orders(
        self, method: str, body: Any, key: str | None = ORDERS_KEY, **headers: str
    ) -> requests.Response:
        """POST (create) or PUT (upsert) /api/v1/orders."""
        return self.http.request(
            method, f"{self.url}/api/v1/orders", json=body, headers=_auth(key, headers), timeout=10
        )

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call a /__sandbox/ control endpoint."""
        return self.http.request(method, f"{self.url}/__sandbox{path}", timeout=10, **kwargs)


def _auth(key: str | None, headers: dict[str, str]) -> dict[str, str]:
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return {**({"X-Authorization": key} if key else {}), **extra}


@pytest.fixture(scope="session")
def loop_running() -> Iterator[RunningService]:
    """One sandbox Loop on a free loopback port for the whole run."""
    service = create_service()
    running = RunningService(service, LoopbackServer(service.app).start())
    yield running
    running.stop()


@pytest.fixture
def loop(loop_running: RunningService) -> RunningService:
    """The sandbox Loop in its seeded state: bundled rules, no sessions, log or faults."""
    loop_running.reset()
    return loop_running


@pytest.fixture
def loop_state(loop: RunningService) -> LoopState:
    """The sandbox Loop's in-memory state."""
    return loop.service.app.extensions["loop_state"]


@pytest.fixture
def loop_api(loop: RunningService) -> LoopApi:
    """An HTTP client for the sandbox Loop."""
    return LoopApi(loop.url)
