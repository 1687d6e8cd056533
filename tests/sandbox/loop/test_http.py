"""Validation, auth, the 1 MB limit, CORS, request ids, faults and the rate limit."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from app.sandbox.loop import LoopSandboxSettings
from app.sandbox.loop import create_service
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_SECRET
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_SECRET_HEADER
from app.sandbox.service import REDACTED
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.support.loop_requests import CART_KEY
from tests.support.loop_requests import ORDERS_KEY
from tests.support.loop_requests import LoopApi
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import line

LIMIT = 1_048_576
CORS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Authorization",
    "Access-Control-Max-Age": "86400",
}


def without(body: dict[str, Any], path: str) -> dict[str, Any]:
    """Return a copy of the body with one dotted path (``cart.lines.0.id``) removed."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    del target[last]
    return body


def replaced(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a copy of the body with one dotted path set to a value."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return body


BODY = analyze_body(line("101"))


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("platform", "platform"),
        ("region", "region"),
        ("cart", "cart"),
        ("cart.lines", "cart.lines"),
        ("cart.currencyCode", "cart.currencyCode"),
        ("cart.subtotalAmount", "cart.subtotalAmount"),
        ("cart.totalDiscountAmount", "cart.totalDiscountAmount"),
        ("cart.discountedSubtotalAmount", "cart.discountedSubtotalAmount"),
        ("cart.totalTaxAmount", "cart.totalTaxAmount"),
        ("cart.totalAmount", "cart.totalAmount"),
        ("cart.itemCount", "cart.itemCount"),
        ("cart.lines.0.id", "cart.lines[0].id"),
        ("cart.lines.0.productId", "cart.lines[0].productId"),
        ("cart.lines.0.quantity", "cart.lines[0].quantity"),
        ("cart.lines.0.totalPrice", "cart.lines[0].totalPrice"),
        ("cart.lines.0.originalTotalPrice", "cart.lines[0].originalTotalPrice"),
        ("cart.lines.0.title", "cart.lines[0].title"),
    ],
)
def test_missing_required_field_is_400_naming_it(loop_api, path, named):
    response = loop_api.analyze(without(BODY, path))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert named in response.json()["message"]


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("cart.subtotalAmount", "89.00", "cart.subtotalAmount"),
        ("cart.subtotalAmount", 89.5, "cart.subtotalAmount"),
        ("cart.totalAmount", True, "cart.totalAmount"),
        ("cart.totalTaxAmount", -1, "cart.totalTaxAmount"),
        ("cart.lines.0.totalPrice", {"amount": 8900.0, "currencyCode": "USD"}, "totalPrice"),
        ("cart.lines.0.totalPrice", {"amount": 8900, "currencyCode": "EUR"}, "currencyCode"),
        ("cart.lines.0.quantity", 0, "cart.lines[0].quantity"),
        ("cart.lines.0.title", 7, "cart.lines[0].title"),
        ("cart.lines", {"id": "x"}, "cart.lines"),
        ("cart.currencyCode", "usd", "cart.currencyCode"),
        ("cart.itemCount", "1", "cart.itemCount"),
        ("region", "USA", "region"),
        ("region", {"country": "us"}, "region.country"),
        ("region", {"country": "US", "subdivision": "CA-ON"}, "region.subdivision"),
        ("platform", 3, "platform"),
        ("cartId", 42, "cartId"),
        ("deliveryGroups", [{"deliveryMethod": "DRONE"}], "deliveryGroups[0].deliveryMethod"),
        ("customer", {"isB2B": "yes"}, "customer.isB2B"),
        ("experimentationConsent", "true", "experimentationConsent"),
    ],
)
def test_ill_typed_field_is_400_naming_it(loop_api, path, value, named):
    response = loop_api.analyze(replaced(BODY, path, value))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert named in response.json()["message"]


@pytest.mark.parametrize(
    "region", ["US", "US-OH", {"country": "US"}, {"country": "US", "subdivision": "OH"}]
)
def test_region_forms_are_accepted(loop_api, region):
    assert loop_api.analyze(replaced(BODY, "region", region)).status_code == 200


def test_money_objects_and_unknown_fields_are_accepted(loop_api):
    money = {"amount": 8900, "currencyCode": "USD"}
    body = analyze_body(line("101"), shopDomain="shop.example")
    body["cart"]["lines"] = [
        {
            "id": 1,
            "productId": 101,
            "quantity": 1,
            "unitPrice": money,
            "totalPrice": money,
            "originalTotalPrice": money,
            "title": "Trail Sneakers",
            "somethingNew": {"nested": True},
        }
    ]
    body["cart"]["subtotalAmount"] = money

    response = loop_api.analyze(body)

    assert response.status_code == 200
    assert response.json()["chargeInstructions"]["amount"] == 298


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_malformed_json_is_400(loop, raw):
    response = requests.post(
        f"{loop.url}/v1/analyze",
        data=raw,
        headers={"X-Authorization": CART_KEY, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def padded_body(size: int) -> bytes:
    """A valid analyze body padded with spaces to exactly ``size`` bytes."""
    raw = requests.models.complexjson.dumps(BODY).encode()
    return raw + b" " * (size - len(raw))


def test_body_of_exactly_one_megabyte_is_accepted(loop):
    response = requests.post(
        f"{loop.url}/v1/analyze",
        data=padded_body(LIMIT),
        headers={"X-Authorization": CART_KEY, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 200


def test_body_over_one_megabyte_is_400(loop):
    response = requests.post(
        f"{loop.url}/v1/analyze",
        data=padded_body(LIMIT + 1),
        headers={"X-Authorization": CART_KEY, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "message": "Request body too large"}


def test_chunked_body_over_one_megabyte_is_400(loop):
    # No Content-Length: the limit must hold on the bytes actually received.
    data = padded_body(LIMIT + 1)
    chunks = (data[i : i + 65536] for i in range(0, len(data), 65536))

    response = requests.post(
        f"{loop.url}/v1/analyze",
        data=chunks,
        headers={"X-Authorization": CART_KEY, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 400
    assert response.json()["message"] == "Request body too large"


@pytest.mark.parametrize("key", [None, "not-a-key", ORDERS_KEY])
def test_analyze_without_a_cart_scoped_key_is_401(loop_api, key):
    response = loop_api.analyze(BODY, key=key)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.json()["message"]


@pytest.mark.parametrize("key", [None, ORDERS_KEY])
def test_get_session_without_a_cart_scoped_key_is_401(loop_api, key):
    session_id = loop_api.analyze(BODY).json()["sessionId"]

    assert loop_api.session(session_id, key=key).status_code == 401


@pytest.mark.parametrize("raw", [b"{garbage", padded_body(LIMIT + 10)])
def test_auth_is_checked_before_the_body_is_parsed(loop, raw):
    response = requests.post(
        f"{loop.url}/v1/analyze",
        data=raw,
        headers={"X-Authorization": ORDERS_KEY, "Content-Type": "application/json"},
        timeout=10,
    )

    assert response.status_code == 401


def assert_cors(response: requests.Response, origin: str) -> None:
    assert response.headers["Access-Control-Allow-Origin"] == origin
    for name, value in CORS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda api, h: api.analyze(BODY, **h), 200),
        (lambda api, h: api.analyze({"cart": {}}, **h), 400),
        (lambda api, h: api.analyze(BODY, key=None, **h), 401),
        (lambda api, h: api.session("lop_A1b2C3d4E5f6G7h8I9j0", **h), 404),
        (lambda api, h: api.orders("POST", {}, key=CART_KEY, **h), 401),
    ],
)
@pytest.mark.parametrize("origin", [None, "https://shop.example"])
def test_every_response_carries_cors_headers(loop_api, call, status, origin):
    headers = {"Origin": origin} if origin else {}

    response = call(loop_api, headers)

    assert response.status_code == status
    assert_cors(response, origin or "*")


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/session/lop_A1b2C3d4E5f6G7h8I9j0", "/x/y"])
def test_preflight_is_204_without_a_key(loop, path):
    response = requests.options(
        f"{loop.url}{path}",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-authorization",
        },
        timeout=10,
    )

    assert response.status_code == 204
    assert response.content == b""
    assert_cors(response, "https://shop.example")
    assert response.headers["X-Request-Id"]


def test_request_ids_are_unique_on_success_and_error(loop_api):
    responses = [loop_api.analyze(BODY) for _ in range(5)]
    responses += [loop_api.analyze(BODY, key=None) for _ in range(5)]
    responses += [loop_api.session("lop_short") for _ in range(5)]

    ids = [response.headers["X-Request-Id"] for response in responses]
    assert all(ids)
    assert len(set(ids)) == len(ids)


def test_unknown_path_and_wrong_method_answer_in_loops_format(loop_api):
    missing = loop_api.http.get(f"{loop_api.url}/v2/nothing", timeout=10)
    wrong = loop_api.http.get(f"{loop_api.url}/v1/analyze", timeout=10)

    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"
    assert_cors(wrong, "*")


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "internal_error"), (503, "service_unavailable"), (429, "rate_limited")],
)
def test_faults_answer_in_loops_format_with_cors(loop, loop_api, status, code):
    added = loop_api.control(
        "POST", "/faults", json={"spec": f"POST /v1/analyze status={status} times=1"}
    )

    faulted = loop_api.analyze(BODY, Origin="https://shop.example")
    after = loop_api.analyze(BODY)

    assert added.status_code == 201
    assert faulted.status_code == status
    assert faulted.json()["error"] == code
    assert faulted.json()["message"]
    assert_cors(faulted, "https://shop.example")
    assert faulted.headers["X-Request-Id"]
    assert ("Retry-After" in faulted.headers) is (status == 429)
    assert after.status_code == 200
    assert loop.log.entries("POST", "/v1/analyze")[0].fault is not None


def test_malformed_fault_is_not_json(loop, loop_api):
    loop.faults.add("POST", "/v1/analyze", "malformed", times=1)

    response = loop_api.analyze(BODY)

    assert response.status_code == 200
    with pytest.raises(ValueError, match="Expecting"):
        response.json()


@pytest.fixture
def limited() -> RunningService:
    """A separate sandbox Loop allowing 3 requests per key per minute."""
    service = create_service(LoopSandboxSettings(rate_limit=3))
    running = RunningService(service, LoopbackServer(service.app).start())
    yield running
    running.stop()


def test_rate_limit_is_per_key_with_retry_after(limited):
    api = LoopApi(limited.url)
    allowed = [api.analyze(BODY).status_code for _ in range(3)]

    refused = api.analyze(BODY, Origin="https://shop.example")
    orders_key = api.orders("POST", {}, key=ORDERS_KEY)
    limited.reset()
    after_reset = api.analyze(BODY)

    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_cors(refused, "https://shop.example")
    assert orders_key.status_code == 400  # its own budget: refused for the body, not the limit
    assert after_reset.status_code == 200


def test_secret_headers_are_not_logged(loop, loop_api):
    loop_api.analyze(BODY)
    loop_api.http.post(
        f"{loop.url}/connector/bigcommerce/webhooks",
        json={"scope": "store/app/uninstalled", "data": {}},
        headers={CONNECTOR_WEBHOOK_SECRET_HEADER: CONNECTOR_WEBHOOK_SECRET},
        timeout=10,
    )

    analyze, webhook = loop.log.entries()
    assert analyze.headers["X-Authorization"] == REDACTED
    assert webhook.headers[CONNECTOR_WEBHOOK_SECRET_HEADER] == REDACTED
    assert webhook.status == 200


def test_orders_api_rate_limit_answers_429_with_retry_after(limited):
    api = LoopApi(limited.url)
    allowed = [api.orders("POST", {}).status_code for _ in range(3)]

    refused = api.orders("PUT", {})

    assert allowed == [400, 400, 400]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "429"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.analyze(BODY).status_code == 200  # the Cart key has its own budget
