"""Browser tests: Playwright drives Debian's Chromium against the app on a free port.

``playwright install`` cannot work here, so the browser is the system's ``/usr/bin/chromium``.
Locally a missing Chromium skips these tests; under ``CI=true`` they fail instead, so a
broken install can never pass as green.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.worker import start_in_process
from tests.conftest import sandbox_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Mark browser tests, and skip them locally (never in CI) when Chromium is missing."""
    here = os.path.dirname(__file__)
    browser_items = [item for item in items if str(item.fspath).startswith(here)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if shutil.which(CHROMIUM) is None and os.environ.get("CI") != "true":
        skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium instead of a Playwright download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Use a desktop viewport and a fixed locale."""
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def live_server(sandbox_services, tmp_path_factory):
    """Serve the app on a free loopback port; it keeps no state, so one serves every test.

    Tests take the ``sandbox`` fixture too, which resets the upstream state before each test.
    """
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(sandbox_config(sandbox_services, INSTANCE_PATH=str(instance)))
    # The sync worker runs beside the server on the same queue, as `python -m app` runs it.
    worker = start_in_process(app.extensions["sync_queue"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    worker.stop(graceful=True)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Let ``page.goto("/")`` resolve against the live server."""
    return live_server
