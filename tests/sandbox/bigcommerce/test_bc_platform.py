"""Behaviour: auth, store hash, rate limits, injected faults and the control endpoints."""

import pytest
import requests

from tests.support.contract_client import STORE
from tests.support.contract_client import TOKEN
from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import assert_error_shape
from tests.support.contract_client import create_cart
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import parse
from tests.support.waiting import wait_until

RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)


def set_quota(bigcommerce, quota, window_ms):
    """Change the store quota through the control endpoint."""
    response = requests.post(
        f"{bigcommerce.url}/__sandbox/rate-limit",
        json={"quota": quota, "window_ms": window_ms},
        timeout=5,
    )
    assert response.status_code == 200, response.text


def test_every_api_response_reports_the_quota(client):
    response = client.call("GET", "/v3/catalog/products")
    assert response.headers["X-Rate-Limit-Time-Window-Ms"] == "30000"
    assert response.headers["X-Rate-Limit-Requests-Quota"] == "150"
    assert response.headers["X-Rate-Limit-Requests-Left"] == "149"
    assert 0 < int(response.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 30000


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_missing_or_wrong_token_is_401(bigcommerce, token):
    anonymous = BigCommerceClient(bigcommerce.url, token)
    data = failed(anonymous.call("GET", "/v3/carts/x"), 401, request_valid=None)
    assert data["title"]


def test_v2_401_is_a_json_array(bigcommerce):
    data = failed(
        BigCommerceClient(bigcommerce.url, None).call("GET", "/v2/orders/100"),
        401,
        request_valid=False,
    )
    assert data[0]["status"] == 401


def test_wrong_store_hash_is_404(bigcommerce):
    response = requests.get(
        f"{bigcommerce.url}/stores/other/v3/catalog/products",
        headers={"X-Auth-Token": TOKEN},
        timeout=5,
    )
    assert response.status_code == 404
    assert_error_shape(response.url, parse(response), 404)


def test_unknown_route_answers_json(client):
    response = client.call("GET", "/v3/nothing-here")
    assert response.status_code == 404
    assert_error_shape(response.url, parse(response), 404)


def test_spent_quota_answers_429_then_recovers(bigcommerce, client):
    set_quota(bigcommerce, 3, 400)
    lefts = [
        client.call("GET", "/v3/pickup/methods").headers["X-Rate-Limit-Requests-Left"]
        for _ in range(3)
    ]
    assert lefts == ["2", "1", "0"]
    limited = client.call("GET", "/v3/pickup/methods")
    data = failed(limited, 429)
    assert limited.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert limited.headers["X-Rate-Limit-Requests-Quota"] == "3"
    assert limited.headers["X-Retry-After"] == "1"
    reset_ms = int(limited.headers["X-Rate-Limit-Time-Reset-Ms"])
    assert 0 < reset_ms <= 400
    assert "retry" in data["detail"]
    # The window closes on its own; the control API shows it without spending a request.
    control = f"{bigcommerce.url}/__sandbox/rate-limit"
    wait_until(lambda: requests.get(control, timeout=5).json()["left"] == 3, message="a new window")
    recovered = client.call("GET", "/v3/pickup/methods")
    assert recovered.status_code == 200
    assert recovered.headers["X-Rate-Limit-Requests-Left"] == "2"


def test_control_endpoints_are_not_rate_limited_or_logged(bigcommerce):
    set_quota(bigcommerce, 1, 60_000)
    for _ in range(3):
        assert requests.get(f"{bigcommerce.url}/__sandbox/rate-limit", timeout=5).ok
    assert bigcommerce.log.count() == 0


def test_reset_restores_the_default_quota(bigcommerce, client):
    set_quota(bigcommerce, 1, 60_000)
    bigcommerce.reset()
    assert client.call("GET", "/v3/pickup/methods").headers["X-Rate-Limit-Requests-Quota"] == "150"


def test_status_fault_answers_in_bigcommerce_format(bigcommerce, client):
    bigcommerce.faults.add("GET", "/stores/*/v3/checkouts/*", "status", 503, times=1)
    bigcommerce.faults.add("GET", "/stores/*/v2/orders/*", "status", 503, times=1)
    v3 = client.call("GET", "/v3/checkouts/abc")
    assert v3.status_code == 503
    assert_error_shape(v3.url, parse(v3), 503)
    v2 = client.call("GET", "/v2/orders/100")
    assert v2.status_code == 503
    assert_error_shape(v2.url, parse(v2), 503)
    # times=1: the next call is answered normally.
    failed(client.call("GET", "/v3/checkouts/abc"), 404)


def test_429_fault_carries_the_rate_limit_headers(bigcommerce, client):
    bigcommerce.faults.add("*", "/stores/*", "status", 429, times=1)
    response = client.call("GET", "/v3/catalog/products")
    assert response.status_code == 429
    assert all(name in response.headers for name in (*RATE_HEADERS, "X-Retry-After"))


def test_malformed_fault_answers_invalid_json(bigcommerce, client):
    cart = create_cart(client)
    bigcommerce.faults.add("GET", f"/stores/{STORE}/v3/carts/*", "malformed", times=1)
    response = client.call("GET", f"/v3/carts/{cart['id']}")
    assert response.status_code == 200
    with pytest.raises(ValueError):  # noqa: PT011 - any JSON decoding error
        response.json()
    assert ok(client.call("GET", f"/v3/carts/{cart['id']}"))["data"]["id"] == cart["id"]


def test_requests_are_logged_with_the_token_redacted(bigcommerce, client):
    create_cart(client)
    entry = bigcommerce.log.entries("POST", "/stores/*/v3/carts")[0]
    assert entry.status == 201
    assert entry.headers["X-Auth-Token"] == "<redacted>"
    assert entry.json["line_items"][0]["product_id"] == 101


def test_the_request_log_keeps_only_the_newest_requests():
    from app.sandbox.service import RequestLog

    log = RequestLog(capacity=3)
    for number in range(5):
        log.record("GET", f"/thing/{number}", {}, {}, None)
    assert [entry.path for entry in log.entries()] == ["/thing/2", "/thing/3", "/thing/4"]
    assert log.count("GET") == 3
