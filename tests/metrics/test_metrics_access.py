"""Who may read ``/metrics``: the token's bearer or the admin; anyone else is refused, clearly."""

from __future__ import annotations

import sqlite3

import pytest

from app import create_app
from app.checkout_plus.reasons import LOOP_REASONS
from app.metrics.families import count_analysis
from app.sandbox.loop.evaluate import REASONS
from app.sync.queue import SyncQueue
from tests.support.admin import ADMIN
from tests.support.admin import basic
from tests.support.app_config import TEST_ADMIN_PASSWORD
from tests.support.app_config import TEST_METRICS_TOKEN
from tests.support.app_config import sandbox_config
from tests.support.metrics import BEARER
from tests.support.metrics import scrape
from tests.support.metrics import since

REFUSALS = [
    pytest.param({}, id="no-credential"),
    pytest.param({"Authorization": "Bearer " + "x" * len(TEST_METRICS_TOKEN)}, id="wrong-token"),
    pytest.param({"Authorization": f"Bearer {TEST_METRICS_TOKEN[:-1]}"}, id="token-cut-short"),
    pytest.param({"Authorization": f"Token {TEST_METRICS_TOKEN}"}, id="other-scheme"),
    pytest.param({"Authorization": "Bearer"}, id="bearer-without-token"),
    pytest.param({"Authorization": "Bearer a b c"}, id="malformed"),
    pytest.param(basic(password="not-the-password-at-all"), id="wrong-admin-password"),
    pytest.param(basic(user="root", password=TEST_ADMIN_PASSWORD), id="wrong-admin-user"),
    pytest.param(basic(password=TEST_METRICS_TOKEN), id="token-as-basic-password"),
]


def app_with(sandbox, tmp_path, **settings):
    """An app on the sandbox with the metrics and admin credentials given (None: unset)."""
    config = sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "instance"))
    for name, value in settings.items():
        config.pop(name)
        if value is not None:
            config[name] = value
    return create_app(config)


@pytest.mark.parametrize("headers", REFUSALS)
def test_a_scrape_without_the_credential_is_refused(client, headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "checkout_plus_" not in text
    assert "CHECKOUT_METRICS_TOKEN" in text
    assert response.headers.getlist("WWW-Authenticate") == [
        'Bearer realm="Checkout+ metrics"',
        'Basic realm="Checkout+ admin", charset="UTF-8"',
    ]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_token_or_the_admin_reads_the_metrics(client):
    for headers in (BEARER, ADMIN):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.content_type == "text/plain; version=0.0.4; charset=utf-8"
        assert "# TYPE checkout_plus_analyses_total counter" in response.get_data(as_text=True)


def test_openmetrics_is_served_to_a_scraper_that_asks_for_it(client):
    accept = "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
    response = client.get("/metrics", headers={**BEARER, "Accept": accept})
    assert response.status_code == 200
    assert response.content_type.startswith("application/openmetrics-text")
    assert response.get_data(as_text=True).endswith("# EOF\n")


def test_with_the_token_alone_the_admin_credential_opens_nothing(sandbox, tmp_path):
    client = app_with(sandbox, tmp_path, CHECKOUT_ADMIN_PASSWORD=None).test_client()
    refused = client.get("/metrics", headers=ADMIN)
    assert refused.status_code == 401
    assert refused.headers.getlist("WWW-Authenticate") == ['Bearer realm="Checkout+ metrics"']
    assert client.get("/metrics", headers=BEARER).status_code == 200


def test_with_the_admin_password_alone_the_admin_reads_them(sandbox, tmp_path):
    client = app_with(sandbox, tmp_path, CHECKOUT_METRICS_TOKEN=None).test_client()
    assert client.get("/metrics", headers=BEARER).status_code == 401
    assert client.get("/metrics", headers=ADMIN).status_code == 200


def test_without_a_credential_set_metrics_are_off_and_say_how_to_turn_them_on(sandbox, tmp_path):
    app = app_with(sandbox, tmp_path, CHECKOUT_METRICS_TOKEN=None, CHECKOUT_ADMIN_PASSWORD=None)
    response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 404
    assert "set CHECKOUT_METRICS_TOKEN" in response.get_data(as_text=True)
    assert "WWW-Authenticate" not in response.headers


def test_a_job_store_that_cannot_be_read_leaves_the_rest_of_the_scrape(app, client, monkeypatch):
    queue: SyncQueue = app.extensions["sync_queue"]

    def broken() -> dict[str, int]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(queue.jobs, "count_by_state", broken)
    samples = scrape(client)
    assert samples["checkout_plus_sync_store_up"] == 0
    assert samples.total("checkout_plus_sync_jobs") == 0
    assert "checkout_plus_offers_shown_total" in {name for name, _ in samples}


@pytest.mark.parametrize(
    ("reason", "outcome", "label"),
    [
        ("eligible", "answered", "eligible"),
        ("cart_too_valuable", "answered", "cart_too_valuable"),
        ("ab_test_affects_attachment_rate_control_group", "answered", None),
        ("currency_mismatch", "answered", "currency_mismatch"),
        ("a_reason_loop_adds_next_year", "answered", "other"),
        ("timeout", "timeout", "none"),
        ("rate_limited", "rate_limited", "none"),
        ("empty_cart", "not_asked", "empty_cart"),
    ],
)
def test_analyses_are_labelled_from_a_bounded_set(client, reason, outcome, label):
    before = scrape(client)
    count_analysis(reason)
    after = scrape(client)
    labels = {"outcome": outcome, "reason": label or reason}
    assert since(before, after, "checkout_plus_analyses_total", **labels) == 1
    assert since(before, after, "checkout_plus_analyses_total") == 1
    assert since(before, after, "checkout_plus_offers_shown_total") == (reason == "eligible")


def test_every_reason_the_sandbox_loop_gives_is_a_label_of_its_own():
    assert set(REASONS) == set(LOOP_REASONS)
