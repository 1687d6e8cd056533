"""The connector's rules without BigCommerce: the all-or-nothing block and webhook parsing."""

from __future__ import annotations

from typing import Any

import pytest

from app.sandbox.loop.connector import order_id_from_webhook
from app.sandbox.loop.connector import read_checkout_plus_block
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_PATH
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_SECRET
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_SECRET_HEADER
from tests.support.metafields import COMPLETE

MALFORMED = [
    ("session_id", "lop_123"),
    ("session_id", "LOP_a1b2c3d4e5f6g7h8i9j0"),
    ("session_id", " lop_a1b2c3d4e5f6g7h8i9j0"),
    ("accepted_offer_mode", "returnCoverage"),
    ("accepted_offer_mode", '"returnCoverage"'),
    ("accepted_offer_mode", "[]"),
    ("accepted_offer_mode", '["returns"]'),
    ("accepted_offer_mode", '{"0": "returnCoverage"}'),
    ("accepted_offer_mode", "returnCoverage,shippingProtection"),
    ("fee_amount", "7.98"),
    ("fee_amount", "0"),
    ("fee_amount", "-798"),
    ("fee_amount", "798 "),
    ("fee_amount", "seven"),
    ("fee_currency", "usd"),
    ("fee_currency", "US"),
    ("fee_currency", "XYZ"),
]


def metafields(values: dict[str, str], namespace: str = "loop_checkout_plus") -> list[dict]:
    """Metafields as BigCommerce lists them."""
    return [
        {"id": index, "namespace": namespace, "key": key, "value": value}
        for index, (key, value) in enumerate(values.items(), start=1)
    ]


def test_all_four_well_formed_make_a_block():
    block, problems = read_checkout_plus_block(metafields(COMPLETE))

    assert problems == []
    assert block is not None
    assert block.session_id == COMPLETE["session_id"]
    assert block.accepted_offer_mode == ["returnCoverage", "shippingProtection"]
    assert block.fee_amount == 798
    assert block.fee_currency == "USD"
    assert block.fee_name == "Order protection"


def test_modes_are_kept_verbatim_and_fee_name_is_read():
    values = {
        **COMPLETE,
        "accepted_offer_mode": '["shippingProtection", "returnCoverage"]',
        "fee_name": "Checkout+",
    }

    block, _ = read_checkout_plus_block(metafields(values))

    assert block.accepted_offer_mode == ["shippingProtection", "returnCoverage"]
    assert block.fee_name == "Checkout+"


@pytest.mark.parametrize("key", sorted(COMPLETE))
def test_one_missing_key_drops_the_block(key):
    values = {name: value for name, value in COMPLETE.items() if name != key}

    block, problems = read_checkout_plus_block(metafields(values))

    assert block is None
    assert [(p.key, p.problem) for p in problems] == [(key, "missing")]


@pytest.mark.parametrize(("key", "value"), MALFORMED)
def test_one_malformed_value_drops_the_block(key, value):
    block, problems = read_checkout_plus_block(metafields({**COMPLETE, key: value}))

    assert block is None
    assert [(p.key, p.problem) for p in problems] == [(key, "malformed")]


def test_other_namespaces_do_not_count():
    block, problems = read_checkout_plus_block(metafields(COMPLETE, namespace="loop"))

    assert block is None
    assert {p.key for p in problems} == set(COMPLETE)


@pytest.mark.parametrize(
    ("payload", "order_id"),
    [
        ({"scope": "store/order/created", "data": {"type": "order", "id": 250}}, 250),
        ({"scope": "store/order/statusUpdated", "data": {"type": "order", "id": 7}}, 7),
        (
            {
                "scope": "store/order/metafield/created",
                "data": {"metafield_id": 3, "resource_id": "251"},
            },
            251,
        ),
        ({"scope": "store/order/transaction/created", "data": {"order_id": "9"}}, 9),
        ({"scope": "store/cart/converted", "data": {"type": "cart", "id": "c", "orderId": 5}}, 5),
        ({"scope": "store/cart/updated", "data": {"type": "cart", "id": "c"}}, None),
        ({"scope": "store/order/created", "data": {"type": "order", "id": "x1"}}, None),
        ({"scope": "store/order/created", "data": {"type": "order", "id": True}}, None),
        ({"scope": "store/order/created"}, None),
        ([], None),
    ],
)
def test_order_id_from_webhook(payload: Any, order_id):
    assert order_id_from_webhook(payload) == order_id


@pytest.mark.parametrize("secret", [None, "wrong", CONNECTOR_WEBHOOK_SECRET + "x"])
def test_webhook_without_the_secret_is_401_and_syncs_nothing(loop_api, loop_state, secret):
    headers = {CONNECTOR_WEBHOOK_SECRET_HEADER: secret} if secret else {}

    response = loop_api.http.post(
        loop_api.url + CONNECTOR_WEBHOOK_PATH,
        json={"scope": "store/order/created", "data": {"type": "order", "id": 1}},
        headers=headers,
        timeout=10,
    )

    assert response.status_code == 401
    assert loop_state.connector.wait_idle()
    assert loop_state.connector.records() == []


@pytest.mark.parametrize(
    "payload",
    [
        {"scope": "store/product/updated", "data": {"type": "product", "id": 1}},
        {
            "scope": "store/order/created",
            "data": {"type": "order", "id": 1},
            "producer": "stores/x",
        },
    ],
)
def test_webhooks_about_no_order_of_this_store_are_ignored(loop_api, loop_state, payload):
    response = loop_api.http.post(
        loop_api.url + CONNECTOR_WEBHOOK_PATH,
        json=payload,
        headers={CONNECTOR_WEBHOOK_SECRET_HEADER: CONNECTOR_WEBHOOK_SECRET},
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert loop_state.connector.records() == []


def test_sync_without_a_bigcommerce_is_a_recorded_failure(loop_api, loop_state):
    assert loop_state.settings.bigcommerce_url is None

    response = loop_api.control("POST", "/connector/sync", json={"order_id": 100})

    assert response.status_code == 502
    assert response.json()["status"] == "failed"
    assert "BigCommerce URL" in response.json()["error"]
    assert [r["order_id"] for r in loop_api.control("GET", "/connector").json()["data"]] == [100]
    assert loop_state.orders.all() == []


@pytest.mark.parametrize("body", [{}, {"order_id": "100"}, {"order_id": 0}, {"order_id": True}])
def test_sync_needs_a_positive_order_id(loop_api, body):
    assert loop_api.control("POST", "/connector/sync", json=body).status_code == 400


def test_connector_exposes_its_webhook_subscription(loop_state):
    connector = loop_state.connector

    assert connector.webhook_path == CONNECTOR_WEBHOOK_PATH == "/connector/bigcommerce/webhooks"
    assert connector.webhook_headers == {CONNECTOR_WEBHOOK_SECRET_HEADER: CONNECTOR_WEBHOOK_SECRET}
