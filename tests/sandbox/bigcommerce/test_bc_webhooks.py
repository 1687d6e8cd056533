"""Behaviour: webhook deliveries, signed with Standard Webhooks, to a receiver on loopback."""

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from flask import request
from werkzeug.datastructures import Headers

from app.sandbox import credentials
from app.sandbox.service import LoopbackServer
from tests.support.contract_client import METAFIELD
from tests.support.contract_client import card
from tests.support.contract_client import ok
from tests.support.contract_client import payment_token
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout


class Receiver:
    """A tiny webhook endpoint that records calls and can fail the first N of them."""

    def __init__(self) -> None:
        """Start the receiver on a free loopback port."""
        self.calls: list[tuple[Headers, bytes]] = []
        self.failures = 0
        app = Flask("webhook-receiver")

        @app.post("/hook")
        def hook():
            """Record the call; fail while failures are left."""
            self.calls.append((Headers(request.headers), request.get_data()))
            if len(self.calls) <= self.failures:
                return "try later", 500
            return "", 204

        self.server = LoopbackServer(app).start()
        self.url = f"{self.server.url}/hook"

    def payloads(self) -> list[dict]:
        """The JSON bodies received, in order."""
        return [json.loads(body) for _, body in self.calls]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A running webhook receiver."""
    receiver = Receiver()
    yield receiver
    receiver.server.stop()


def subscribe(api, receiver, scope, **extra):
    """Create a hook for ``scope`` that delivers to the receiver."""
    body = {"scope": scope, "destination": receiver.url, "is_active": True, **extra}
    return ok(api.call("POST", "/v3/hooks", body))["data"]


def signature_is_valid(headers: Headers, body: bytes) -> bool:
    """Verify a Standard Webhooks signature keyed with the client secret's bytes."""
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    key = credentials.BIGCOMMERCE_CLIENT_SECRET.encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(headers["webhook-signature"], f"v1,{expected}")


def test_order_created_is_delivered_signed_with_custom_headers(client, state, receiver):
    subscribe(client, receiver, "store/order/created", headers={"X-Shared-Secret": "abc123"})
    order_id = place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    ((headers, body),) = receiver.calls
    assert signature_is_valid(headers, body)
    assert headers["X-Shared-Secret"] == "abc123"
    payload = json.loads(body)
    assert payload["scope"] == "store/order/created"
    assert payload["data"] == {"type": "order", "id": order_id}
    assert (payload["store_id"], payload["producer"]) == ("1000001", "stores/sandbox")
    assert isinstance(payload["created_at"], int)
    assert len(payload["hash"]) == 40


def test_tampered_body_fails_verification(client, state, receiver):
    subscribe(client, receiver, "store/order/created")
    place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    ((headers, body),) = receiver.calls
    assert not signature_is_valid(headers, body.replace(b'"order"', b'"cart"'))


def test_payment_announces_status_update_and_cart_conversion(client, state, receiver):
    subscribe(client, receiver, "store/order/*")
    subscribe(client, receiver, "store/cart/converted")
    checkout_id = ready_checkout(client)
    order_id = place_order(client, checkout_id)
    ok(client.pay(payment_token(client, order_id), card()), 201)
    assert state.webhooks.wait_idle(5)
    by_scope = {p["scope"]: p["data"] for p in receiver.payloads()}
    assert set(by_scope) == {
        "store/order/created",
        "store/order/statusUpdated",
        "store/order/updated",
        "store/cart/converted",
    }
    assert by_scope["store/order/statusUpdated"]["status"] == {
        "previous_status_id": 0,
        "new_status_id": 11,
    }
    assert by_scope["store/cart/converted"] == {
        "type": "cart",
        "id": checkout_id,
        "orderId": order_id,
    }


def test_metafield_events_match_a_wildcard_scope(client, state, receiver):
    subscribe(client, receiver, "store/order/metafield/*")
    order_id = place_order(client, ready_checkout(client))
    url = f"/v3/orders/{order_id}/metafields"
    field = ok(client.call("POST", url, METAFIELD))["data"]
    ok(client.call("PUT", f"{url}/{field['id']}", {**METAFIELD, "value": "v2"}))
    ok(client.call("DELETE", f"{url}/{field['id']}"), 204)
    assert state.webhooks.wait_idle(5)
    payloads = receiver.payloads()
    assert [p["scope"].rsplit("/", 1)[1] for p in payloads] == ["created", "updated", "deleted"]
    assert payloads[0]["data"] == {
        "metafield_id": field["id"],
        "resource_id": str(order_id),
        "namespace": "loop_checkout_plus",
    }


def test_failed_deliveries_are_retried_and_recorded(client, state, receiver):
    receiver.failures = 2
    subscribe(client, receiver, "store/order/created")
    place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    attempts = state.webhooks.deliveries()
    assert [(d.attempt, d.status) for d in attempts] == [(1, 500), (2, 500), (3, 204)]
    assert len({d.message_id for d in attempts}) == 1  # one message, three attempts
    assert len({headers["webhook-id"] for headers, _ in receiver.calls}) == 1


def test_unreachable_destination_is_recorded_as_an_error(client, state, receiver):
    dead = receiver.server.url  # stop the receiver: its port now refuses connections
    receiver.server.stop()
    ok(
        client.call(
            "POST", "/v3/hooks", {"scope": "store/order/created", "destination": f"{dead}/hook"}
        )
    )
    place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    attempts = state.webhooks.deliveries()
    assert len(attempts) == 3
    assert all(d.status is None and d.error for d in attempts)
    receiver.server = LoopbackServer(Flask("stopped")).start()  # for the fixture's teardown


def test_inactive_hooks_and_other_scopes_get_nothing(client, state, receiver):
    subscribe(client, receiver, "store/order/created", is_active=False)
    subscribe(client, receiver, "store/cart/converted")
    place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    assert receiver.calls == []
    assert state.webhooks.deliveries() == []


def test_deliveries_are_listed_by_the_control_endpoint(bigcommerce, client, receiver):
    subscribe(client, receiver, "store/order/created")
    place_order(client, ready_checkout(client))
    listing = requests.get(
        f"{bigcommerce.url}/__sandbox/webhook-deliveries", params={"wait": 5}, timeout=10
    ).json()
    assert listing["idle"] is True
    (delivery,) = listing["data"]
    assert (delivery["scope"], delivery["status"], delivery["ok"]) == (
        "store/order/created",
        204,
        True,
    )


def test_reset_forgets_hooks_and_deliveries(bigcommerce, client, state, receiver):
    subscribe(client, receiver, "store/order/created")
    place_order(client, ready_checkout(client))
    assert state.webhooks.wait_idle(5)
    bigcommerce.reset()
    assert state.webhooks.deliveries() == []
    assert state.hooks == {}
