"""axe-core in a Playwright page: run the WCAG 2.2 A/AA rules, name each failure's template.

axe-core comes from the npm lock in tests/node (``npm ci --prefix tests/node``). The pages keep
their strict CSP, so a test serves axe from the page's own origin (the ``axe_page`` fixture in
tests/browser/conftest.py) before calling ``run_axe``.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page

from tests.support.paths import PROJECT

AXE = PROJECT / "tests/node/node_modules/axe-core/axe.min.js"
AXE_PATH = "/__tests__/axe.min.js"  # never served by the app: the axe_page route answers it
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
    ("#checkout-place", "components/checkout_place.html"),
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
