"""WCAG 2.2 AA in real Chromium: axe-core on every page and every state of the offer and steps.

axe-core comes from the npm lock in tests/node (``npm ci --prefix tests/node``; tests/run does
it). The pages keep their strict CSP (``script-src 'self'``), so axe is served to the page from
its own origin by a Playwright route and added with a script tag, like any script of the site.
No rule is disabled: every rule axe tags WCAG 2.0/2.1 A and AA and WCAG 2.2 AA runs, and any
violation fails the test with the template to fix.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from app.sync.jobs import FAILED
from tests.support.admin import ADMIN
from tests.support.admin import PAGE as ADMIN_PAGE
from tests.support.axe import describe
from tests.support.axe import run_axe
from tests.support.browser_states import STATES
from tests.support.metafields import BATCH
from tests.support.ordering import place_paid_order
from tests.support.waiting import wait_until


@pytest.mark.parametrize("state", list(STATES))
def test_no_wcag_violations(axe_page: Page, store, sandbox, state):
    STATES[state](axe_page, store, sandbox)
    results = run_axe(axe_page)
    assert results["passes"] > 0, "axe checked nothing: is the page empty?"
    if results["violations"]:
        pytest.fail(describe(axe_page.url, state, results["violations"]), pytrace=False)


def admin_with_every_panel_filled(app, raw, sandbox) -> dict[str, str]:
    """Give the admin page something in every panel; return the lookups that show it all."""
    place_paid_order(app.test_client(), raw, opt_in=False)
    sandbox.set_faults(f"bigcommerce {BATCH} status=403")  # refused for good: a failed job
    failed = place_paid_order(app.test_client(), raw, opt_in=True)
    jobs = app.extensions["sync_queue"].jobs
    # The worker beside the live server runs the job; wait for it to fail before going on.
    wait_until(
        lambda: (job := jobs.for_order(failed)) is not None and job.state == FAILED,
        message="the sync job failing",
    )
    sandbox.bigcommerce.faults.clear()
    session_id = app.extensions["decisions"].for_order(failed).session_id
    return {"session_id": session_id, "search": session_id, "order_id": str(failed)}


@pytest.mark.parametrize("lookups", ["answered", "refused"])
def test_the_admin_page_has_no_wcag_violations(
    axe_page: Page, fresh_live_app, raw, sandbox, lookups
):
    query = admin_with_every_panel_filled(fresh_live_app, raw, sandbox)
    if lookups == "refused":
        query = {"session_id": "lop_short", "search": "not a cart", "order_id": "abc"}
    axe_page.set_extra_http_headers(ADMIN)
    axe_page.goto(ADMIN_PAGE + "?" + urlencode(query))
    assert axe_page.locator("#admin-jobs-failed form[data-retry]").count() >= 1
    results = run_axe(axe_page)
    assert results["passes"] > 0, "axe checked nothing: is the page empty?"
    if results["violations"]:
        pytest.fail(
            describe(axe_page.url, f"admin {lookups}", results["violations"]), pytrace=False
        )
