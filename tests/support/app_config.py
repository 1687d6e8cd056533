"""The app's configuration in tests: pointed at the running sandboxes, or fully live."""

from __future__ import annotations

import os

from app.config import DEFAULT_ANALYZE_TIMEOUT
from app.config import DEFAULT_PAGE_WAIT_MS
from app.sandbox import Sandbox

TEST_SECRET_KEY = "test-secret-key-" + "0" * 32
# Every test app has the admin page, so the route-wide security tests reach it too.
TEST_ADMIN_PASSWORD = "test-admin-password-" + "1" * 16
# Every test app serves /metrics with its own token too, so the security scan covers it.
TEST_METRICS_TOKEN = "test-metrics-token-" + "2" * 32
# A designer's own copy of templates/ and static/ (tests/test_designer_copy.py runs the HTML
# and browser tests against one this way).
DESIGNER_FOLDERS = ("CHECKOUT_TEMPLATES_DIR", "CHECKOUT_STATIC_DIR")
# A test reading the first page with no browser cannot wait for the offer to fill itself in,
# and on a busy machine the sandbox Loop may take longer than the page's short wait: so such
# tests wait Loop's whole budget, as the page did before it had a short wait. The tests of the
# short wait set it (tests/checkout_plus/test_offer_wait.py), and the browser tests, which
# wait for the offer as a shopper does, keep the product's default (SHORT_PAGE_WAIT).
WHOLE_BUDGET_WAIT = {"CHECKOUT_PLUS_PAGE_WAIT_MS": str(int(DEFAULT_ANALYZE_TIMEOUT * 1000))}
SHORT_PAGE_WAIT = {"CHECKOUT_PLUS_PAGE_WAIT_MS": str(DEFAULT_PAGE_WAIT_MS)}


def sandbox_config(sandbox: Sandbox, **overrides) -> dict:
    """Return the variables that point the app at a running sandbox."""
    designer = {name: os.environ[name] for name in DESIGNER_FOLDERS if os.environ.get(name)}
    return {
        "CHECKOUT_SANDBOX": "1",
        "SECRET_KEY": TEST_SECRET_KEY,
        "CHECKOUT_ADMIN_PASSWORD": TEST_ADMIN_PASSWORD,
        "CHECKOUT_METRICS_TOKEN": TEST_METRICS_TOKEN,
        **designer,
        "BIGCOMMERCE_API_URL": sandbox.bigcommerce.url,
        "BIGCOMMERCE_PAYMENTS_URL": sandbox.bigcommerce.url,
        "LOOP_CHECKOUT_PLUS_URL": sandbox.loop.url,
        "LOOP_ORDERS_API_URL": f"{sandbox.loop.url}/api/v1",
        "TESTING": True,
        **WHOLE_BUDGET_WAIT,
        **overrides,
    }


GOOD_SECRET = "s" * 40
# A complete live configuration (no sandbox), with made-up credentials.
LIVE = {
    "SECRET_KEY": GOOD_SECRET,
    "BIGCOMMERCE_STORE_HASH": "abc123",
    "BIGCOMMERCE_ACCESS_TOKEN": "live-bc-token-value",
    "LOOP_CHECKOUT_PLUS_URL": "https://checkout-plus.loop.example",
    "LOOP_CART_API_KEY": "live-loop-cart-key",
}
