"""Every endpoint the sandbox serves was contract-checked both ways in this run.

Named to run after the other contract modules (pytest runs a folder's files in name order):
it reads what their ok() and failed() calls recorded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.support.contract_client import CHECKED

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract


def sandbox_operations(app) -> set[tuple[str, str]]:
    """Return (method, rule) for every public route of the sandbox."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/__sandbox") and rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_endpoint_has_a_checked_success_and_a_checked_error(bigcommerce):
    app = bigcommerce.service.app
    adapter = app.url_map.bind("localhost")
    checked: dict[tuple[str, str], set[str]] = {}
    for method, url, outcome in CHECKED:
        try:
            rule, _ = adapter.match(urlsplit(url).path, method=method, return_rule=True)
        except HTTPException:
            continue  # unknown paths and methods: checked elsewhere, no operation of ours
        checked.setdefault((method, rule.rule), set()).add(outcome)
    both = {"success", "error"}
    missing = sorted(
        f"{method} {rule}: no {' or '.join(sorted(both - checked.get((method, rule), set())))}"
        for method, rule in sandbox_operations(app)
        if checked.get((method, rule)) != both
    )
    assert not missing, "contract tests missing:\n" + "\n".join(missing)
