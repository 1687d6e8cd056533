"""Fixtures for the sandbox Loop tests: one server for the run, reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.sandbox.loop import LoopState
from app.sandbox.loop import create_service
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.support.loop_requests import LoopApi


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
