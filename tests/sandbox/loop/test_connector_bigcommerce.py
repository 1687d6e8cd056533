"""The connector against the real sandbox BigCommerce: orders placed and metafields written
through BigCommerce's public API, then synced by hand or by webhook delivery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import simplejson

from app.money import to_minor
from app.sandbox import credentials
from app.sandbox.loop import LoopState
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.support.addresses import OH_ADDRESS
from tests.support.metafields import COMPLETE
from tests.support.waiting import wait_until

bigcommerce = pytest.importorskip("app.sandbox.bigcommerce")
if not hasattr(bigcommerce, "create_service"):
    pytest.skip("app.sandbox.bigcommerce has no create_service yet", allow_module_level=True)


class Store:
    """The sandbox store's management API, as the checkout app calls it."""

    def __init__(self, url: str) -> None:
        self.base = f"{url}/stores/{credentials.BIGCOMMERCE_STORE_HASH}"
        self.http = requests.Session()
        self.http.headers.update(
            {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request that must succeed; return the decoded body (Decimal-exact)."""
        response = self.http.request(method, self.base + path, timeout=10, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return simplejson.loads(response.content, use_decimal=True) if response.content else None

    def place_order(self) -> int:
        """Buy one pair of sneakers (product 101) through the checkout API; return the order id."""
        cart = self.call(
            "POST", "/v3/carts", json={"line_items": [{"product_id": 101, "quantity": 1}]}
        )
        cart_id = cart["data"]["id"]
        item_id = cart["data"]["line_items"]["physical_items"][0]["id"]
        self.call("POST", f"/v3/checkouts/{cart_id}/billing-address", json=OH_ADDRESS)
        self.call(
            "POST",
            f"/v3/checkouts/{cart_id}/consignments",
            json=[{"address": OH_ADDRESS, "line_items": [{"item_id": item_id, "quantity": 1}]}],
        )
        checkout = self.call(
            "GET",
            f"/v3/checkouts/{cart_id}",
            params={"include": "consignments.available_shipping_options"},
        )["data"]
        consignment = checkout["consignments"][0]
        option = consignment["available_shipping_options"][0]["id"]
        self.call(
            "PUT",
            f"/v3/checkouts/{cart_id}/consignments/{consignment['id']}",
            json={"shipping_option_id": option},
        )
        return self.call("POST", f"/v3/checkouts/{cart_id}/orders")["data"]["id"]

    def write_metafields(self, order_id: int, values: dict[str, str]) -> None:
        """Write Checkout+ metafields onto an order, one POST per key."""
        for key, value in values.items():
            self.call(
                "POST",
                f"/v3/orders/{order_id}/metafields",
                json={
                    "namespace": "loop_checkout_plus",
                    "key": key,
                    "value": value,
                    "permission_set": "read_and_sf_access",
                },
            )

    def order_total(self, order_id: int) -> tuple[str, Any]:
        """The v2 order's currency and tax-inclusive total (a major-unit string)."""
        order = self.call("GET", f"/v2/orders/{order_id}")
        return order["currency_code"], order["total_inc_tax"]


@pytest.fixture(scope="module")
def bigcommerce_running() -> Iterator[RunningService]:
    """The sandbox BigCommerce on a free loopback port, for this module."""
    service = bigcommerce.create_service()
    running = RunningService(service, LoopbackServer(service.app).start())
    yield running
    running.stop()


@pytest.fixture
def store(bigcommerce_running: RunningService) -> Store:
    """The store API in its seeded state."""
    bigcommerce_running.reset()
    return Store(bigcommerce_running.url)


@pytest.fixture
def connected(loop_state: LoopState, bigcommerce_running: RunningService) -> Iterator[LoopState]:
    """The sandbox Loop with its connector pointed at the sandbox BigCommerce."""
    loop_state.connect_bigcommerce(bigcommerce_running.url, credentials.BIGCOMMERCE_STORE_HASH)
    yield loop_state
    loop_state.connector.wait_idle()
    loop_state.settings.bigcommerce_url = None


def sync(loop_api, order_id: int) -> dict[str, Any]:
    """Trigger a sync through the control API and return its record."""
    response = loop_api.control("POST", "/connector/sync", json={"order_id": order_id})
    assert response.status_code == 200, response.text
    return response.json()


def synced_order(loop_api, order_id: int) -> dict[str, Any]:
    """The one Loop order holding this BigCommerce order."""
    orders = loop_api.control("GET", "/orders", params={"external_id": str(order_id)}).json()
    [order] = orders["data"]
    return order


def test_all_four_metafields_make_a_protected_order(store, connected, loop_api):
    order_id = store.place_order()
    store.write_metafields(order_id, COMPLETE)

    record = sync(loop_api, order_id)

    assert record["status"] == "synced"
    assert record["checkout_plus"] == "attached"
    assert record["protected"] is True
    assert record["problems"] == []
    order = synced_order(loop_api, order_id)
    assert order["id"] == record["loop_order_id"]
    assert order["name"] == f"#{order_id}"
    assert order["fees"] == [
        {
            "name": "Order protection",
            "amount": {"amount": 798, "currency_code": "USD"},
            "accepted_offer_mode": ["returnCoverage", "shippingProtection"],
        }
    ]
    assert order["metadata"] == [{"key": "session_id", "value": COMPLETE["session_id"]}]
    assert order["checkout_plus"]["protected"] is True
    currency, total = store.order_total(order_id)
    assert order["total_price"] == {
        "amount": to_minor(total, currency),
        "currency_code": currency,
    }


def test_the_connector_reads_with_its_own_token(store, connected, loop_api, bigcommerce_running):
    order_id = store.place_order()
    store.write_metafields(order_id, COMPLETE)
    bigcommerce_running.log.clear()

    sync(loop_api, order_id)

    reads = bigcommerce_running.log.entries("GET")
    assert [entry.path.split("/v")[1][:1] for entry in reads] == ["2", "3"]
    assert all(entry.headers.get("X-Auth-Token") == "<redacted>" for entry in reads)
    assert reads[1].query["namespace"] == ["loop_checkout_plus"]


MISSING = [(key, "missing", None) for key in sorted(COMPLETE)]
BROKEN = [
    ("session_id", "malformed", "lop_123"),
    ("accepted_offer_mode", "malformed", '"returnCoverage"'),
    ("fee_amount", "malformed", "7.98"),
    ("fee_currency", "malformed", "usd"),
]


@pytest.mark.parametrize(("key", "problem", "value"), MISSING + BROKEN)
def test_one_missing_or_malformed_metafield_syncs_without_coverage(
    store, connected, loop_api, key, problem, value
):
    order_id = store.place_order()
    values = {name: v for name, v in COMPLETE.items() if name != key}
    if value is not None:
        values[key] = value
    store.write_metafields(order_id, values)

    record = sync(loop_api, order_id)

    assert record["status"] == "synced"
    assert record["checkout_plus"] == "dropped"
    assert record["protected"] is False
    assert [(p["key"], p["problem"]) for p in record["problems"]] == [(key, problem)]
    order = synced_order(loop_api, order_id)
    assert order["fees"] == []
    assert order["metadata"] == []
    assert order["checkout_plus"]["protected"] is False


def test_an_order_without_metafields_syncs_as_declined(store, connected, loop_api):
    order_id = store.place_order()

    record = sync(loop_api, order_id)

    assert record["checkout_plus"] == "absent"
    assert {(p["key"], p["problem"]) for p in record["problems"]} == {
        (key, "missing") for key in COMPLETE
    }
    assert synced_order(loop_api, order_id)["checkout_plus"]["protected"] is False


def test_a_later_sync_replaces_the_block_instead_of_appending(store, connected, loop_api):
    order_id = store.place_order()
    store.write_metafields(order_id, COMPLETE)
    sync(loop_api, order_id)

    second = sync(loop_api, order_id)

    order = synced_order(loop_api, order_id)
    assert second["loop_order_id"] == order["id"]
    assert len(order["fees"]) == 1
    assert len(order["metadata"]) == 1
    assert order["writes"] == 2


def test_an_unknown_order_is_a_recorded_failure(store, connected, loop_api):
    response = loop_api.control("POST", "/connector/sync", json={"order_id": 999999})

    assert response.status_code == 502
    assert "404" in response.json()["error"]
    assert loop_api.control("GET", "/orders").json()["data"] == []


def test_a_webhook_delivery_triggers_a_sync(store, connected, loop_api):
    order_id = store.place_order()
    store.write_metafields(order_id, COMPLETE)

    response = loop_api.http.post(
        loop_api.url + connected.connector.webhook_path,
        json={
            "scope": "store/order/metafield/created",
            "store_id": "1000001",
            "data": {"metafield_id": 4, "resource_id": str(order_id)},
            "producer": f"stores/{credentials.BIGCOMMERCE_STORE_HASH}",
        },
        headers=connected.connector.webhook_headers,
        timeout=10,
    )

    assert response.status_code == 200
    assert response.json() == {"status": "queued", "order_id": order_id}
    assert connected.connector.wait_idle()
    [record] = connected.connector.records(order_id)
    assert record.trigger == "webhook:store/order/metafield/created"
    assert record.protected is True


def test_bigcommerce_webhooks_reach_the_connector(store, connected, loop, loop_api):
    # Subscribe the way Loop's connector is subscribed: with its own token and secret header.
    hook = requests.post(
        f"{store.base}/v3/hooks",
        json={
            "scope": "store/order/*",
            "destination": loop.url + connected.connector.webhook_path,
            "is_active": True,
            "headers": connected.connector.webhook_headers,
        },
        headers={
            "X-Auth-Token": credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN,
            "Accept": "application/json",
        },
        timeout=10,
    )
    assert hook.status_code < 300, hook.text
    order_id = store.place_order()
    store.write_metafields(order_id, COMPLETE)

    def protected_by_webhook() -> bool:
        connected.connector.wait_idle()
        triggers = [r.trigger for r in connected.connector.records(order_id)]
        orders = connected.orders.all(external_id=str(order_id))
        return (
            any(t.startswith("webhook:") for t in triggers)
            and bool(orders)
            and (orders[-1].checkout_plus.protected)
        )

    wait_until(protected_by_webhook, message="the order protected by a webhook delivery")
    webhook_calls = loop.log.entries("POST", connected.connector.webhook_path)
    assert webhook_calls
    assert all(entry.status == 200 for entry in webhook_calls)
