"""The direct path: a BigCommerce order pushed to Loop's Orders API with its Checkout+ block.

Orders are real: a sandbox checkout is priced by the sandbox Loop, carries Loop's fee, and is
turned into a BigCommerce order; the push then travels over HTTP to the sandbox Orders API, whose
request log and control API say what arrived. Loop's connector is unsubscribed first, as on a
store that uses the direct path, so no other writer touches the Loop order.
"""

from __future__ import annotations

import logging
import socket
import time
from decimal import Decimal
from typing import Any

import pytest
import requests
import simplejson

from app.checkout_plus.analyze_request import build_analyze_request
from app.checkout_plus.fee import FEE_SOURCE
from app.checkout_plus.loop_order import loop_order
from app.checkout_plus.order_push import OrderPusher
from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import FeeRequest
from app.clients.bigcommerce import Order
from app.clients.loop import LoopClient
from app.clients.loop import LoopOrderReceipt
from app.clients.loop import LoopOrdersClient
from app.clients.loop import LoopOrdersRejected
from app.clients.loop import LoopOrdersUnavailable
from app.money import to_major
from app.money import to_minor
from app.sandbox import credentials
from tests.support.addresses import JP_ADDRESS
from tests.support.addresses import KW_ADDRESS
from tests.support.canned import CannedServer
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout
from tests.support.offer import set_rules

ORDERS_KEY = credentials.LOOP_ORDERS_API_KEY
WRONG_KEY = "wrong-loop-orders-key-6c1f"
FEE_NAME = "Checkout+ protection"
# Loop's order, not ours: the array is sent as accepted, never sorted.
SHIPPING_FIRST = ["shippingProtection", "returnCoverage"]
UPSERT = ("PUT", "/api/v1/orders")
LOGGER = "app.clients.loop.orders"
SESSION = "lop_A1b2C3d4E5f6G7h8I9j0"


@pytest.fixture
def direct(sandbox):
    """The store with Loop's connector unsubscribed: only the direct push writes to Loop."""
    sandbox.disconnect_connector()
    return sandbox


@pytest.fixture
def bigcommerce(sandbox, http) -> BigCommerceClient:
    """The app's BigCommerce client on the sandbox store."""
    return BigCommerceClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
        session=http,
    )


@pytest.fixture
def loop_orders(sandbox, http) -> LoopOrdersClient:
    """The Orders API client on the sandbox Loop, with the Orders-scoped key."""
    return LoopOrdersClient(f"{sandbox.loop.url}/api/v1", ORDERS_KEY, timeout=5.0, session=http)


@pytest.fixture
def pusher(bigcommerce, loop_orders) -> OrderPusher:
    """The direct-path pusher on both sandboxes."""
    return OrderPusher(bigcommerce, loop_orders, FEE_NAME)


@pytest.fixture
def canned():
    """A loopback server answering whatever the test sets."""
    server = CannedServer()
    yield server
    server.stop()


@pytest.fixture
def logs(caplog):
    """Capture the Orders client's log records at every level."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    return caplog


def accepted_order(
    sandbox, raw, bigcommerce, http, currency="USD", items=((101, 1),), address=None, coupon=None
) -> tuple[int, ProtectionBlock]:
    """Place an order whose checkout took Loop's quoted fee; return it and the accepted block."""
    checkout_id = ready_checkout(raw, items, currency, address)
    if coupon:
        response = raw.call("POST", f"/v3/checkouts/{checkout_id}/coupons", {"coupon_code": coupon})
        assert response.status_code == 200, response.text
    request = build_analyze_request(
        bigcommerce.get_checkout(checkout_id),
        session_id=None,
        default_region="US",
        locale=None,
        mount_target="custom",
        cart_experience="api",
    )
    offer = LoopClient(sandbox.loop.url, credentials.LOOP_CART_API_KEY, 5.0, session=http).analyze(
        request
    )
    assert offer.eligible, offer
    fee = FeeRequest(
        name="loop_checkout_plus",
        display_name=FEE_NAME,
        cost=to_major(offer.amount, currency),
        source=FEE_SOURCE,
    )
    bigcommerce.add_fees(checkout_id, [fee])
    block = ProtectionBlock.of(offer.session_id, list(offer.mode), offer.amount, offer.currency)
    return place_order(raw, checkout_id), block


def plain_order(raw) -> int:
    """Place a real order with no protection fee."""
    return place_order(raw, ready_checkout(raw))


def v2_order(raw, order_id: int) -> dict:
    """The order as BigCommerce's v2 API shows it, products and fees expanded."""
    params = {"include": "consignments.line_items,fees", "consignment_structure": "object"}
    response = raw.call("GET", f"/v2/orders/{order_id}", params=params)
    assert response.status_code == 200, response.text
    return simplejson.loads(response.content, use_decimal=True)


def loop_orders_for(sandbox, order_id: int) -> list[dict]:
    """Every order the sandbox Loop holds under this external_id, with its Checkout+ outcome."""
    response = requests.get(
        f"{sandbox.loop.url}/__sandbox/orders", params={"external_id": str(order_id)}, timeout=10
    )
    assert response.status_code == 200, response.text
    return simplejson.loads(response.content, use_decimal=True)["data"]


def upserts(sandbox) -> list:
    """The upsert requests the sandbox Loop received, faulted ones included."""
    return sandbox.loop.log.entries(*UPSERT)


def minor(value: str | Decimal, currency: str) -> dict[str, Any]:
    """A money object for a BigCommerce amount, the way Loop takes it."""
    return {"amount": to_minor(Decimal(value), currency), "currency_code": currency}


def integers_only(value: Any) -> bool:
    """Tell whether every number in a JSON document is an integer (no Decimal, no float)."""
    if isinstance(value, dict):
        return all(integers_only(item) for item in value.values())
    if isinstance(value, list):
        return all(integers_only(item) for item in value)
    return not isinstance(value, Decimal | float)


# The mapping, checked on real orders


@pytest.mark.parametrize(
    ("currency", "items", "address", "coupon", "fee", "unit_prices"),
    [
        # Two lines and a coupon; $89.00 + 2 × $24.50 is priced in the second USD tier.
        ("USD", ((101, 1), (102, 2)), None, "SAVE10", None, [8900, 2450]),
        # Whole yen (exponent 0): ¥3,600 is in the first JPY tier, 300 + 150 yen.
        ("JPY", ((102, 1),), JP_ADDRESS, None, 450, [3600]),
        # Fils (exponent 3): 7.525 dinar is in the first KWD tier, 610 + 305 fils.
        ("KWD", ((102, 1),), KW_ADDRESS, None, 915, [7525]),
    ],
)
def test_an_accepted_offer_reaches_loop_as_a_protected_order(
    direct, raw, bigcommerce, http, pusher, currency, items, address, coupon, fee, unit_prices
):
    set_rules(direct, modes=SHIPPING_FIRST)
    order_id, block = accepted_order(
        direct, raw, bigcommerce, http, currency, items, address, coupon
    )
    assert block.mode == tuple(SHIPPING_FIRST)
    assert fee is None or block.amount == fee

    pusher.write(order_id, block)

    [request] = upserts(direct)
    sent = request.json
    assert request.status == 200
    assert request.headers["X-Loop-Global-Identifier-Type"] == "string"
    assert sent["fees"] == [
        {
            "name": FEE_NAME,
            "amount": {"amount": block.amount, "currency_code": currency},
            "accepted_offer_mode": SHIPPING_FIRST,
        }
    ]
    assert sent["metadata"] == [{"key": "session_id", "value": block.session_id}]
    assert integers_only(sent)
    # Every amount agrees with BigCommerce's own record of the order, in minor units.
    bc = v2_order(raw, order_id)
    [bc_fee] = bc["fees"]
    assert to_minor(bc_fee["cost_ex_tax"], currency) == block.amount
    assert sent["name"] == f"#{order_id}"
    assert sent["external_id"] == str(order_id)
    assert sent["status"] == "active"
    assert sent["taxes_included"] is False
    assert sent["total_price"] == minor(bc["total_inc_tax"], currency)
    assert sent["total_taxes"] == minor(bc["total_tax"], currency)
    discounts = Decimal(bc["discount_amount"]) + Decimal(bc["coupon_discount"])
    assert sent["total_discounts"] == minor(discounts, currency)
    assert (sent["total_discounts"]["amount"] > 0) is (coupon is not None)
    products = [p for group in bc["consignments"]["shipping"] for p in group["line_items"]]
    assert sent["line_items"] == [
        {
            "external_id": str(product["id"]),
            "quantity": product["quantity"],
            "unit_price": minor(product["price_ex_tax"], currency),
            "taxable": Decimal(product["total_tax"]) > 0,
        }
        for product in sorted(products, key=lambda p: p["id"])
    ]
    assert [line["unit_price"]["amount"] for line in sent["line_items"]] == unit_prices
    assert sent["created_at"].endswith("Z")
    # Loop stored it as a protected order, tied to the session that priced it.
    [stored] = loop_orders_for(direct, order_id)
    assert (stored["source"], stored["writes"]) == ("api", 1)
    outcome = stored["checkout_plus"]
    assert (outcome["protected"], outcome["reason"]) == (True, "protected")
    assert outcome["accepted_offer_mode"] == SHIPPING_FIRST
    assert (outcome["session_id"], outcome["session_known"]) == (block.session_id, True)
    assert outcome["fee"] == {"name": FEE_NAME, "amount": block.amount, "currency_code": currency}


def test_pushing_again_updates_the_one_loop_order_and_keeps_the_block(
    direct, raw, bigcommerce, http, pusher
):
    order_id, block = accepted_order(direct, raw, bigcommerce, http)
    pusher.write(order_id, block)
    # The shopper's order is cancelled later: the update carries the block again.
    cancelled = raw.call("PUT", f"/v2/orders/{order_id}", {"status_id": 5})
    assert cancelled.status_code == 200, cancelled.text

    pusher.write(order_id, block)

    first, second = upserts(direct)
    assert (first.json["status"], second.json["status"]) == ("active", "cancelled")
    assert first.response_json["order"]["id"] == second.response_json["order"]["id"]
    [stored] = loop_orders_for(direct, order_id)
    assert stored["writes"] == 2
    assert stored["status"] == "cancelled"
    assert stored["fees"] == first.json["fees"] != []
    assert stored["metadata"] == [{"key": "session_id", "value": block.session_id}]
    assert stored["checkout_plus"]["protected"] is True


def test_a_declined_offer_sends_the_order_without_fee_or_session(direct, raw, pusher):
    order_id = plain_order(raw)

    pusher.write(order_id, None)

    [request] = upserts(direct)
    assert (request.json["fees"], request.json["metadata"]) == ([], [])
    [stored] = loop_orders_for(direct, order_id)
    assert stored["checkout_plus"]["protected"] is False
    assert stored["checkout_plus"]["reason"] == "no_accepting_fee"


def test_the_fee_name_comes_from_the_block_when_it_has_one(direct, raw, pusher):
    order_id = plain_order(raw)
    block = ProtectionBlock.of(SESSION, SHIPPING_FIRST, 298, "USD", fee_name="Returns cover")

    pusher.write(order_id, block)

    [request] = upserts(direct)
    assert request.json["fees"][0]["name"] == "Returns cover"
    [stored] = loop_orders_for(direct, order_id)
    # A well-formed session id Loop does not know still activates coverage in the sandbox.
    assert stored["checkout_plus"]["protected"] is True
    assert stored["checkout_plus"]["session_known"] is False


@pytest.mark.parametrize(
    ("status_id", "status"),
    [(0, "active"), (4, "cancelled"), (5, "cancelled"), (6, "cancelled"), (10, "active")],
)
def test_status_tax_mode_and_date_follow_the_bigcommerce_order(raw, status_id, status):
    data = v2_order(raw, plain_order(raw))
    data.update(
        status_id=status_id,
        is_tax_inclusive_pricing=True,
        date_created="Tue, 20 Nov 2012 09:30:05 +0200",
    )

    payload = loop_order(Order.parse(data), None, FEE_NAME)

    assert payload["status"] == status
    assert payload["taxes_included"] is True
    [product] = data["consignments"]["shipping"][0]["line_items"]
    assert payload["line_items"][0]["unit_price"] == minor(product["price_inc_tax"], "USD")
    assert payload["created_at"] == "2012-11-20T07:30:05Z"


@pytest.mark.parametrize("date", [None, "", "yesterday", 1353400000])
def test_an_order_without_a_readable_date_is_sent_without_created_at(raw, date):
    data = v2_order(raw, plain_order(raw))
    data["date_created"] = date

    payload = loop_order(Order.parse(data), None, FEE_NAME)

    assert "created_at" not in payload
    assert payload["taxes_included"] is False


# The client's errors, from the sandbox Orders API and its faults


def valid_payload(**changes: Any) -> dict[str, Any]:
    """A minimal order Loop accepts, with some fields changed."""
    body: dict[str, Any] = {
        "name": "#9001",
        "external_id": "9001",
        "total_price": {"amount": 1000, "currency_code": "USD"},
        "line_items": [
            {
                "external_id": "1",
                "quantity": 1,
                "unit_price": {"amount": 1000, "currency_code": "USD"},
            }
        ],
        "fees": [],
        "metadata": [],
    }
    body.update(changes)
    return body


def test_the_receipt_carries_loops_id_as_a_string(sandbox, loop_orders):
    receipt = loop_orders.upsert(valid_payload())

    [stored] = loop_orders_for(sandbox, 9001)
    assert receipt == LoopOrderReceipt(id=str(stored["id"]), external_id="9001")


@pytest.mark.parametrize("key", [WRONG_KEY, credentials.LOOP_CART_API_KEY])
def test_a_key_without_the_orders_scope_is_rejected_and_never_shown(sandbox, http, logs, key):
    client = LoopOrdersClient(f"{sandbox.loop.url}/api/v1", key, timeout=5.0, session=http)

    with pytest.raises(LoopOrdersRejected) as caught:
        client.upsert(valid_payload())

    [request] = upserts(sandbox)
    assert (caught.value.status, request.status) == (401, 401)
    assert caught.value.request_id == request.response_headers["X-Request-Id"]
    assert "Unauthorized" in str(caught.value)
    assert key not in str(caught.value)
    assert key not in repr(caught.value.args)
    [record] = [r for r in logs.records if r.name == LOGGER]
    assert record.levelno == logging.ERROR
    assert caught.value.request_id in record.getMessage()
    assert key not in logs.text
    assert loop_orders_for(sandbox, 9001) == []


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"line_items": [{"quantity": 0}]}, 400, "line_items.0.quantity"),
        ({"total_price": {"amount": "10.00", "currency_code": "USD"}}, 400, "total_price.amount"),
        # An acceptance without a fee amount: Loop's own "fees.0 field is unsupported".
        ({"fees": [{"name": "x", "accepted_offer_mode": ["returnCoverage"]}]}, 422, "fees.0"),
    ],
)
def test_an_invalid_order_is_rejected_with_the_field(sandbox, loop_orders, changes, status, field):
    with pytest.raises(LoopOrdersRejected) as caught:
        loop_orders.upsert(valid_payload(**changes))

    assert (caught.value.status, caught.value.field) == (status, field)
    assert field in str(caught.value)
    assert [entry.status for entry in upserts(sandbox)] == [status]


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_unavailable(sandbox, loop_orders, logs, status):
    sandbox.loop.faults.add(*UPSERT, "status", status)

    with pytest.raises(LoopOrdersUnavailable) as caught:
        loop_orders.upsert(valid_payload())

    [request] = upserts(sandbox)
    assert request.fault == f"PUT /api/v1/orders status={status}"
    assert (caught.value.status, caught.value.retry_after) == (status, None)
    assert caught.value.request_id == request.response_headers["X-Request-Id"]
    [record] = [r for r in logs.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
    assert "9001" in record.getMessage()


def test_a_429_fault_is_unavailable_with_retry_after(sandbox, loop_orders):
    sandbox.loop.faults.add(*UPSERT, "status", 429, times=1)

    with pytest.raises(LoopOrdersUnavailable) as caught:
        loop_orders.upsert(valid_payload())

    assert (caught.value.status, caught.value.retry_after) == (429, 1.0)
    assert loop_orders.upsert(valid_payload()).external_id == "9001"  # the fault was spent


def test_the_rate_limit_gives_the_seconds_left(sandbox, loop_orders, monkeypatch):
    state = sandbox.loop.service.app.extensions["loop_state"]
    monkeypatch.setattr(state.rate_limiter, "limit", 1)
    loop_orders.upsert(valid_payload())

    with pytest.raises(LoopOrdersUnavailable) as caught:
        loop_orders.upsert(valid_payload())

    assert caught.value.status == 429
    assert 59.0 <= caught.value.retry_after <= 60.0


def test_a_loop_that_does_not_answer_times_out(sandbox, http):
    # A "timeout" fault holds the request until the sandbox is reset, and never stores it.
    sandbox.loop.faults.add(*UPSERT, "timeout")
    client = LoopOrdersClient(f"{sandbox.loop.url}/api/v1", ORDERS_KEY, timeout=0.3, session=http)

    started = time.monotonic()
    with pytest.raises(LoopOrdersUnavailable) as caught:
        client.upsert(valid_payload())
    elapsed = time.monotonic() - started

    assert (caught.value.status, caught.value.retry_after) == (None, None)
    assert "timed out" in str(caught.value)
    assert elapsed >= 0.25  # it waited for its time-out (the fault holds until the reset)
    assert len(upserts(sandbox)) == 1


def test_an_unreachable_loop_is_unavailable(http):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = LoopOrdersClient(f"http://127.0.0.1:{port}/api/v1", ORDERS_KEY, 1.0, session=http)

    with pytest.raises(LoopOrdersUnavailable) as caught:
        client.upsert(valid_payload())

    assert caught.value.status is None
    assert "unreachable" in str(caught.value)


def test_a_2xx_body_that_is_not_json_is_unavailable(sandbox, loop_orders):
    sandbox.loop.faults.add(*UPSERT, "malformed")

    with pytest.raises(LoopOrdersUnavailable) as caught:
        loop_orders.upsert(valid_payload())

    assert caught.value.status == 200
    assert caught.value.request_id == upserts(sandbox)[0].response_headers["X-Request-Id"]


# Answers the sandbox never gives


@pytest.fixture
def canned_orders(canned, http) -> LoopOrdersClient:
    """A client of the canned server."""
    return LoopOrdersClient(f"{canned.url}/api/v1", ORDERS_KEY, timeout=5.0, session=http)


def test_the_key_goes_in_x_authorization_on_a_put_to_orders(canned, canned_orders):
    canned.answer_json({"order": {"id": "70001", "external_id": "9001"}})

    canned_orders.upsert(valid_payload())

    [request] = canned.requests
    assert (request["method"], request["path"]) == UPSERT
    assert request["headers"]["X-Authorization"] == ORDERS_KEY
    assert request["headers"]["Content-Type"] == "application/json"
    assert simplejson.loads(request["body"]) == valid_payload()


@pytest.mark.parametrize(
    ("body", "receipt"),
    [
        ({"order": {"id": 70001, "external_id": "9001"}}, LoopOrderReceipt("70001", "9001")),
        ({"order": {"id": "70001", "extra": True}}, LoopOrderReceipt("70001", "9001")),
    ],
)
def test_an_integer_id_or_a_missing_external_id_is_taken(canned, canned_orders, body, receipt):
    canned.answer_json(body)

    assert canned_orders.upsert(valid_payload()) == receipt


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order": None},
        {"order": {"external_id": "9001"}},
        {"order": {"id": True, "external_id": "9001"}},
        {"order": {"id": "70001", "external_id": "9002"}},
        ["order"],
    ],
)
def test_a_2xx_loop_cannot_have_meant_is_unavailable(canned, canned_orders, body):
    canned.answer_json(body)

    with pytest.raises(LoopOrdersUnavailable) as caught:
        canned_orders.upsert(valid_payload())

    assert caught.value.status == 200


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (401, {"errors": "Unauthorized."}, LoopOrdersRejected, "Unauthorized."),
        (403, {"error": "forbidden", "message": "No Orders scope"}, LoopOrdersRejected, "scope"),
        (404, b"<html>Not Found</html>", LoopOrdersRejected, "404"),
        (408, {}, LoopOrdersUnavailable, "408"),
        (502, b"Bad gateway", LoopOrdersUnavailable, "502"),
    ],
)
def test_error_bodies_are_read_defensively(canned, canned_orders, status, body, kind, message):
    if isinstance(body, bytes):
        canned.answer(body, status=status)
    else:
        canned.answer_json(body, status=status)

    with pytest.raises(kind) as caught:
        canned_orders.upsert(valid_payload())

    assert caught.value.status == status
    assert message in str(caught.value)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 2.5), (503, None)])
def test_a_retry_after_answer_comes_back_to_the_client_once(
    canned, canned_orders, status, retry_after
):
    # build_session's policy would have urllib3 act on Retry-After for a PUT and lose the answer.
    canned.answer_json({}, status=status, headers={"Retry-After": "2.5"})

    with pytest.raises(LoopOrdersUnavailable) as caught:
        canned_orders.upsert(valid_payload())

    assert (caught.value.status, caught.value.retry_after) == (status, retry_after)
    assert len(canned.requests) == 1


def test_a_key_loop_echoes_back_is_redacted(canned, canned_orders, logs):
    canned.answer_json({"error": {"message": f"bad key {ORDERS_KEY}"}}, status=401)

    with pytest.raises(LoopOrdersRejected) as caught:
        canned_orders.upsert(valid_payload())

    assert "bad key <redacted>" in str(caught.value)
    assert ORDERS_KEY not in logs.text


def test_a_redirect_is_not_followed(canned, canned_orders):
    canned.answer(b"", status=307, headers={"Location": "http://127.0.0.1:9/api/v1/orders"})

    with pytest.raises(LoopOrdersRejected) as caught:
        canned_orders.upsert(valid_payload())

    assert caught.value.status == 307
    assert len(canned.requests) == 1


@pytest.mark.parametrize(
    ("key", "timeout"), [("", 1.0), ("two words", 1.0), ("key\n", 1.0), ("key", 0)]
)
def test_a_bad_key_or_timeout_is_refused_before_any_call(canned, key, timeout):
    with pytest.raises(ValueError, match=r"api_key|timeout"):
        LoopOrdersClient(f"{canned.url}/api/v1", key, timeout)

    assert canned.requests == []


# The pusher: errors of either service go to the caller's queue


def test_an_order_bigcommerce_does_not_have_is_not_pushed(direct, pusher):
    with pytest.raises(BigCommerceNotFound):
        pusher.write(999_999, None)

    assert upserts(direct) == []


def test_a_loop_failure_reaches_the_caller_and_a_retry_converges(direct, raw, pusher):
    order_id = plain_order(raw)
    block = ProtectionBlock.of(SESSION, SHIPPING_FIRST, 298, "USD")
    direct.loop.faults.add(*UPSERT, "status", 503, times=1)

    with pytest.raises(LoopOrdersUnavailable):
        pusher.write(order_id, block)
    assert loop_orders_for(direct, order_id) == []
    pusher.write(order_id, block)

    assert [entry.status for entry in upserts(direct)] == [503, 200]
    [stored] = loop_orders_for(direct, order_id)
    assert (stored["writes"], stored["checkout_plus"]["protected"]) == (1, True)
