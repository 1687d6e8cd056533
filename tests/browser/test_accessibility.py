"""WCAG 2.2 AA in real Chromium: axe-core on every page and every state of the offer and steps.

axe-core comes from the npm lock in tests/node (``npm ci --prefix tests/node``; tests/run does
it). The pages keep their strict CSP (``script-src 'self'``), so axe is served to the page from
its own origin by a Playwright route and added with a script tag, like any script of the site.
No rule is disabled: every rule axe tags WCAG 2.0/2.1 A and AA and WCAG 2.2 AA runs, and any
violation fails the test with the template to fix.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page

from app.sync.jobs import FAILED
from tests.browser.states import STATES
from tests.test_admin import ADMIN
from tests.test_admin import PAGE as ADMIN_PAGE
from tests.test_sync_direct import place_order
from tests.test_sync_queue import BATCH

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests/node/node_modules/axe-core/axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # never served by the app: the route below answers it
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Which template renders an element: the nearest of these roots around it (checked from the
# element outwards, most specific first at each level).
TEMPLATE_ROOTS = [
    ("#order-totals", "components/order_totals.html"),
    ("#order-summary", "components/order_summary.html"),
    ("#checkout-plus-offer", "components/checkout_plus_offer.html"),
    ("#checkout-contact", "components/checkout_contact.html"),
    ("#checkout-shipping", "components/checkout_shipping.html"),
    ("#checkout-billing", "components/checkout_billing.html"),
    ("#checkout-coupon", "components/checkout_coupon.html"),
    ("#checkout-comment", "components/checkout_comment.html"),
    ("#checkout-payment", "components/checkout_payment.html"),
    ("#checkout", "checkout/page.html"),
    ("#admin-session", "admin/session_lookup.html"),
    ("#admin-analyses", "admin/analyses.html"),
    ("#admin-attach-rate", "admin/attach_rate.html"),
    ("#admin-jobs", "admin/sync_jobs.html"),
    ("#admin-order", "admin/order_lookup.html"),
    ("#checkout-plus-admin", "admin/page.html"),
    ("#order-confirmation", "checkout/confirmation.html"),
    ("main > .storefront", "storefront/catalog.html"),
    ("main > .cart", "storefront/cart.html"),
    ("main > .notice--error", "errors/error.html"),
    ("main > .notice", "checkout/no_cart.html"),
    ("html", "base.html"),
]
# Sections whose fields come from the shared macros.
MACRO_SECTIONS = {
    "components/checkout_contact.html",
    "components/checkout_shipping.html",
    "components/checkout_billing.html",
    "components/checkout_coupon.html",
    "components/checkout_comment.html",
}

# Runs in the page: axe over the whole document, then each failing node's template.
RUN_AXE = """async ([tags, roots]) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const templateOf = (selector) => {
    let element = typeof selector === 'string' ? document.querySelector(selector) : null;
    const field = element && element.closest('.field') !== null;
    for (; element; element = element.parentElement) {
      for (const [root, template] of roots) {
        if (element.matches(root)) return {template, field};
      }
    }
    return {template: null, field: false};
  };
  return {
    passes: results.passes.length,
    violations: results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({
        target: node.target,
        html: node.html,
        summary: node.failureSummary,
        ...templateOf(node.target[node.target.length - 1]),
      })),
    })),
  };
}"""


def run_axe(page: Page) -> dict:
    """Add axe-core to the page from its own origin and run the WCAG rules over it."""
    page.add_script_tag(url=AXE_PATH)
    return page.evaluate(RUN_AXE, [WCAG_TAGS, TEMPLATE_ROOTS])


def describe(url: str, state: str, violations: list[dict]) -> str:
    """Say what is wrong, where, and in which template, for the designer who fixes it."""
    count = sum(len(violation["nodes"]) for violation in violations)
    lines = [f"{len(violations)} axe violation(s), {count} element(s), on {url} (state: {state})"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            template = node["template"] or "unknown template"
            if node["field"] and template in MACRO_SECTIONS:
                template += " (field markup in macros/checkout_fields.html)"
            if violation["id"] == "color-contrast":
                template += "; colours in static/css/theme.css"
            lines.append(f"    {json.dumps(node['target'])} in templates/{template}")
            lines.append(f"      {node['html'][:200]}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail.strip()}")
    return "\n".join(lines)


@pytest.fixture
def axe_page(page: Page, base_url: str) -> Page:
    """The page, able to load axe-core from the site's own origin (the CSP stays on)."""
    assert AXE.is_file(), f"{AXE} is missing: run npm ci --prefix tests/node"
    page.route(
        f"{base_url}{AXE_PATH}",
        lambda route: route.fulfill(path=AXE, content_type="text/javascript"),
    )
    return page


@pytest.mark.parametrize("state", list(STATES))
def test_no_wcag_violations(axe_page: Page, store, sandbox, state):
    STATES[state](axe_page, store, sandbox)
    results = run_axe(axe_page)
    assert results["passes"] > 0, "axe checked nothing: is the page empty?"
    if results["violations"]:
        pytest.fail(describe(axe_page.url, state, results["violations"]), pytrace=False)


def admin_with_every_panel_filled(app, raw, sandbox) -> dict[str, str]:
    """Give the admin page something in every panel; return the lookups that show it all."""
    place_order(app.test_client(), raw, opt_in=False)
    sandbox.set_faults(f"bigcommerce {BATCH} status=403")  # refused for good: a failed job
    failed = place_order(app.test_client(), raw, opt_in=True)
    jobs, deadline = app.extensions["sync_queue"].jobs, time.monotonic() + 10
    # The worker beside the live server runs the job; wait for it to fail before going on.
    while (job := jobs.for_order(failed)) is None or job.state != FAILED:
        assert time.monotonic() < deadline, "the sync job did not fail"
        time.sleep(0.05)
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
