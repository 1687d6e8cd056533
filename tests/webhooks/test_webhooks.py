"""Order webhooks end to end: registered through BigCommerce's API, delivered over HTTP."""

from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from app import create_app
from app.sandbox import credentials
from app.webhooks.__main__ import main as webhooks_command
from app.webhooks.registration import ORDER_SCOPES
from app.webhooks.registration import SECRET_HEADER
from app.webhooks.registration import register_order_webhooks
from tests.support.app_config import TEST_SECRET_KEY
from tests.support.loop_orders import loop_orders
from tests.support.loop_orders import upserts
from tests.support.openapi import validate_traffic
from tests.support.ordering import place_paid_order
from tests.support.queue import drain


@pytest.fixture
def served(direct_app):
    """The direct-path app served on a loopback port, where the sandbox store can deliver."""
    server = make_server("127.0.0.1", 0, direct_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def our_hooks(raw, destination: str) -> list[dict]:
    """The app account's subscriptions that deliver to ``destination``."""
    hooks = raw.call("GET", "/v3/hooks").json()["data"]
    return [hook for hook in hooks if hook["destination"] == destination]


def deliveries(sandbox, destination: str) -> list[dict]:
    """The store's delivery attempts to ``destination``, once it has none in flight."""
    url = f"{sandbox.bigcommerce.url}/__sandbox/webhook-deliveries?wait=10"
    answer = requests.get(url, timeout=15)
    body = answer.json()
    assert body["idle"]
    return [d for d in body["data"] if d["destination"] == destination]


def test_registering_twice_keeps_one_subscription_per_scope(direct_app, served, raw, sandbox):
    bigcommerce = direct_app.extensions["bigcommerce"]
    secret = direct_app.extensions["webhook_secret"]
    first = register_order_webhooks(bigcommerce, served, secret)
    assert [(hook.scope, hook.action) for hook in first] == [
        (scope, "created") for scope in ORDER_SCOPES
    ]
    again = register_order_webhooks(bigcommerce, served + "/", secret)
    assert [hook.action for hook in again] == ["updated"] * 3
    hooks = our_hooks(raw, served + "/webhooks/bigcommerce")
    assert sorted(hook["scope"] for hook in hooks) == sorted(ORDER_SCOPES)
    assert all(hook["is_active"] for hook in hooks)
    assert all(hook["headers"] == {SECRET_HEADER: secret} for hook in hooks)
    exchanges = sandbox.bigcommerce.log.entries(path="/stores/*/v3/hooks*")
    assert exchanges
    assert validate_traffic(exchanges) == []  # every call and answer as webhooks.v3.yml says


def test_the_stores_own_deliveries_push_the_order_again(direct_app, served, raw, sandbox):
    register_order_webhooks(
        direct_app.extensions["bigcommerce"], served, direct_app.extensions["webhook_secret"]
    )
    client = direct_app.test_client()
    order_id = place_paid_order(client, raw, opt_in=True)  # payment fires status and update events
    destination = served + "/webhooks/bigcommerce"
    delivered = deliveries(sandbox, destination)
    scopes = {d["scope"] for d in delivered}
    assert {"store/order/statusUpdated", "store/order/updated"} <= scopes
    assert all(d["status"] == 200 for d in delivered)
    drain(direct_app.extensions["sync_queue"])
    # Events that came before the first report are folded into it: it reads the order as
    # it is by then.
    assert len(upserts(sandbox)) == 1
    # The merchant ships the order afterwards: the store's delivery pushes it again. (A
    # status change, since BigCommerce's hash of a bare update can repeat within a second.)
    raw.call("PUT", f"/v2/orders/{order_id}", {"status_id": 2})
    later = deliveries(sandbox, destination)
    assert len(later) > len(delivered)
    assert all(d["status"] == 200 for d in later)
    drain(direct_app.extensions["sync_queue"])
    pushes = upserts(sandbox)
    assert len(pushes) == 2  # the first report, then the order as changed
    assert all(push.json["fees"][0]["accepted_offer_mode"] for push in pushes)
    [order] = loop_orders(sandbox, order_id)
    assert order["checkout_plus"]["protected"] is True


def test_the_register_command_refuses_a_plain_http_destination(capsys):
    assert webhooks_command(["register", "http://checkout.example.com"]) == 2
    assert "must be https://" in capsys.readouterr().err


def test_without_a_secret_a_live_server_has_webhooks_off(sandbox, tmp_path):
    live = create_app(
        {
            "CHECKOUT_SANDBOX": "0",
            "SECRET_KEY": TEST_SECRET_KEY,
            "BIGCOMMERCE_STORE_HASH": credentials.BIGCOMMERCE_STORE_HASH,
            "BIGCOMMERCE_ACCESS_TOKEN": credentials.BIGCOMMERCE_ACCESS_TOKEN,
            "BIGCOMMERCE_API_URL": sandbox.bigcommerce.url,
            "LOOP_CHECKOUT_PLUS_URL": sandbox.loop.url,
            "LOOP_CART_API_KEY": credentials.LOOP_CART_API_KEY,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    response = live.test_client().post("/webhooks/bigcommerce", json={"scope": "x"})
    assert response.status_code == 404
    assert "BIGCOMMERCE_WEBHOOK_SECRET" in response.get_json()["message"]
