"""Upstream failures in ``/metrics``: by service and status, and why an analysis had no answer."""

from __future__ import annotations

import pytest
import requests

from app import create_app
from app.metrics.upstream import metered_session
from tests.support.app_config import sandbox_config
from tests.support.metrics import scrape
from tests.support.metrics import since
from tests.support.offer import analyses
from tests.support.processes import free_port

REQUESTS = "checkout_plus_upstream_requests_total"
ERRORS = "checkout_plus_upstream_errors_total"
ANALYSES = "checkout_plus_analyses_total"


@pytest.mark.parametrize(
    ("status", "kind", "outcome"),
    [("503", "server_error", "unavailable"), ("429", "rate_limited", "rate_limited")],
)
def test_a_loop_failure_is_counted_by_status_and_as_the_analysis_outcome(
    client, store, sandbox, status, kind, outcome
):
    sandbox.set_faults(f"loop POST /v1/analyze status={status} times=1")
    before = scrape(client)
    client.get(f"/checkout?cart_id={store.create_cart([(101, 1)])}")
    client.get("/checkout")
    after = scrape(client)
    assert len(analyses(sandbox)) == 1
    assert since(before, after, REQUESTS, service="loop", status=status) == 1
    assert since(before, after, ERRORS, service="loop", kind=kind) == 1
    assert since(before, after, ERRORS) == 1
    assert since(before, after, ANALYSES, outcome=outcome, reason="none") == 1
    assert since(before, after, "checkout_plus_offers_shown_total") == 0


def test_a_loop_timeout_is_timed_and_counted(sandbox, store, tmp_path):
    config = sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path), LOOP_ANALYZE_TIMEOUT="0.3")
    client = create_app(config).test_client()
    sandbox.set_faults("loop POST /v1/analyze delay=1")
    before = scrape(client)
    client.get(f"/checkout?cart_id={store.create_cart([(101, 1)])}")
    client.get("/checkout")
    after = scrape(client)
    assert since(before, after, REQUESTS, service="loop", status="timeout") == 1
    assert since(before, after, ERRORS, service="loop", kind="timeout") == 1
    assert since(before, after, ANALYSES, outcome="timeout", reason="none") == 1
    # The call lasted at least its timeout: it is in no bucket below 0.3 s.
    histogram = "checkout_plus_loop_analyze_seconds"
    assert since(before, after, f"{histogram}_count") == 1
    assert since(before, after, f"{histogram}_bucket", le="0.25") == 0
    assert since(before, after, f"{histogram}_bucket", le="+Inf") == 1


def test_a_service_that_cannot_be_reached_is_a_connection_error(client):
    session = metered_session("bigcommerce")
    before = scrape(client)
    with pytest.raises(requests.ConnectionError):
        session.get(f"http://127.0.0.1:{free_port()}/stores/x/v3/catalog/products", timeout=5)
    after = scrape(client)
    session.close()
    assert since(before, after, REQUESTS, service="bigcommerce", status="connection_error") == 1
    assert since(before, after, ERRORS, service="bigcommerce", kind="connection") == 1


def test_only_the_known_services_are_labels():
    with pytest.raises(ValueError, match="unknown upstream service"):
        metered_session("cart-1234")
