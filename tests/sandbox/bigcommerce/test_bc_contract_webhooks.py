"""Contract: the Webhooks API (``/v3/hooks``), a success and an error per operation."""

import pytest

from tests.support.contract_client import failed
from tests.support.contract_client import ok

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract

HOOK = {
    "scope": "store/order/*",
    "destination": "https://hooks.example.com/bigcommerce",
    "is_active": True,
    "headers": {"X-Secret": "s3cret"},
}


@pytest.fixture
def hook(client):
    """A hook of the checkout app's API account."""
    return ok(client.call("POST", "/v3/hooks", HOOK))["data"]


def test_create_hook(client):
    data = ok(client.call("POST", "/v3/hooks", HOOK))["data"]
    assert (data["scope"], data["client_id"], data["store_hash"]) == (
        "store/order/*",
        "checkout-plus-app",
        "sandbox",
    )
    assert data["headers"] == {"X-Secret": "s3cret"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"destination": "http://hooks.example.com/x"}, "destination"),
        ({"destination": "https://hooks.example.com:8443/x"}, "destination"),
        ({"scope": "store/order/exploded"}, "scope"),
    ],
)
def test_invalid_hook_is_422(client, change, field):
    data = failed(client.call("POST", "/v3/hooks", {**HOOK, **change}), 422)
    assert field in data["errors"]


def test_loopback_destination_is_accepted_in_the_sandbox(client):
    body = {**HOOK, "destination": "http://127.0.0.1:9/hook"}
    assert ok(client.call("POST", "/v3/hooks", body))["data"]["destination"].endswith(":9/hook")


def test_list_hooks_only_shows_the_callers(client, loop_client, hook):
    ok(loop_client.call("POST", "/v3/hooks", {**HOOK, "scope": "store/cart/converted"}))
    data = ok(client.call("GET", "/v3/hooks"))["data"]
    assert [h["id"] for h in data] == [hook["id"]]


def test_list_hooks_without_token_is_401(client):
    client.token = None
    failed(client.call("GET", "/v3/hooks"), 401, request_valid=False)


def test_get_hook(client, hook):
    assert ok(client.call("GET", f"/v3/hooks/{hook['id']}"))["data"]["id"] == hook["id"]


def test_get_another_accounts_hook_is_404(loop_client, hook):
    failed(loop_client.call("GET", f"/v3/hooks/{hook['id']}"), 404)


def test_update_hook(client, hook):
    data = ok(client.call("PUT", f"/v3/hooks/{hook['id']}", {"is_active": False}))["data"]
    assert data["is_active"] is False


def test_update_hook_with_empty_body_is_422(client, hook):
    failed(client.call("PUT", f"/v3/hooks/{hook['id']}", {}), 422)


def test_delete_hook(client, hook):
    assert ok(client.call("DELETE", f"/v3/hooks/{hook['id']}"))["data"]["id"] == hook["id"]
    assert ok(client.call("GET", "/v3/hooks"))["data"] == []


def test_delete_unknown_hook_is_404(client):
    failed(client.call("DELETE", "/v3/hooks/999"), 404)
