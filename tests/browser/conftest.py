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
from playwright.sync_api import Page
from werkzeug.serving import make_server

from app import create_app
from app.sync.queue import start_in_process
from tests.support.app_config import SHORT_PAGE_WAIT
from tests.support.app_config import sandbox_config
from tests.support.axe import AXE
from tests.support.axe import AXE_PATH
from tests.support.chromium import CHROMIUM
from tests.support.chromium import CHROMIUM_ARGS


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


class LiveApp:
    """The WSGI app the live server serves: each test's own app, swapped in before it runs."""

    def __init__(self) -> None:
        self.app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live_app() -> LiveApp:
    """The live server's slot for the current test's app."""
    return LiveApp()


@pytest.fixture(scope="session")
def live_server(live_app: LiveApp):
    """Serve the current test's app (see ``fresh_live_app``) on a free loopback port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def fresh_live_app(live_app: LiveApp, sandbox_services, tmp_path):
    """Give each test an app of its own, with its own instance folder and sync worker.

    The ``sandbox`` fixture resets the upstream state before each test, and the sandbox store
    numbers orders from 100 again; an app kept for the whole run would still hold the last
    test's order ledger and sync jobs (keyed by order id), and skip or misreport the new ones.
    """
    config = sandbox_config(
        sandbox_services, INSTANCE_PATH=str(tmp_path / "live"), **SHORT_PAGE_WAIT
    )
    app = create_app(config)
    # The sync worker runs beside the server on the same queue, as `python -m app` runs it.
    worker = start_in_process(app.extensions["sync_queue"])
    live_app.app = app
    yield app
    worker.stop(graceful=True)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Let ``page.goto("/")`` resolve against the live server."""
    return live_server


@pytest.fixture
def axe_page(page: Page, base_url: str) -> Page:
    """The page, able to load axe-core from the site's own origin (the CSP stays on)."""
    assert AXE.is_file(), f"{AXE} is missing: run npm ci --prefix tests/node"
    page.route(
        f"{base_url}{AXE_PATH}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript"),
    )
    return page


@pytest.fixture
def watched_page(page: Page):
    """The page, with script errors and server errors recorded (none may happen)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: r.status >= 500 and problems.append(f"{r.url}: {r.status}"))
    yield page
    assert problems == []
