"""Behaviour: metafield uniqueness, limits and visibility between API accounts."""

import pytest

from tests.support.contract_client import METAFIELD
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout


@pytest.fixture
def order_id(client):
    """An Incomplete order."""
    return place_order(client, ready_checkout(client))


def create(api, order_id, **changes):
    """Create a metafield as the given API account; return the response."""
    return api.call("POST", f"/v3/orders/{order_id}/metafields", {**METAFIELD, **changes})


def test_uniqueness_is_per_client(client, loop_client, order_id):
    ok(create(client, order_id))
    failed(create(client, order_id, value="other"), 409)
    # The same namespace and key under another API account is a different metafield.
    data = ok(create(loop_client, order_id))["data"]
    assert data["owner_client_id"] == "loop-connector"


def test_update_to_an_existing_key_is_409(client, order_id):
    ok(create(client, order_id))
    second = ok(create(client, order_id, key="fee_amount"))["data"]
    url = f"/v3/orders/{order_id}/metafields/{second['id']}"
    failed(client.call("PUT", url, METAFIELD), 409, request_valid=True)


def test_at_most_250_metafields_per_order_per_client(client, loop_client, order_id):
    batch = [{**METAFIELD, "key": f"k{n}", "resource_id": order_id} for n in range(250)]
    assert ok(client.call("POST", "/v3/orders/metafields", batch))["meta"]["success"] == 250
    data = failed(create(client, order_id, key="k250"), 422)
    assert "250" in data["detail"]
    ok(create(loop_client, order_id, key="k250"))  # another client has its own 250


def test_app_only_metafields_are_private_to_their_owner(client, loop_client, order_id):
    private = ok(create(client, order_id, permission_set="app_only", key="private"))["data"]
    shared = ok(create(client, order_id, permission_set="read", key="shared"))["data"]
    listed = ok(loop_client.call("GET", f"/v3/orders/{order_id}/metafields"))["data"]
    assert [f["id"] for f in listed] == [shared["id"]]
    failed(loop_client.call("GET", f"/v3/orders/{order_id}/metafields/{private['id']}"), 404)
    owner_view = ok(client.call("GET", f"/v3/orders/{order_id}/metafields"))["data"]
    assert {f["id"] for f in owner_view} == {private["id"], shared["id"]}


def test_read_metafields_cannot_be_changed_by_other_clients(client, loop_client, order_id):
    field = ok(create(client, order_id, permission_set="read"))["data"]
    url = f"/v3/orders/{order_id}/metafields/{field['id']}"
    failed(loop_client.call("PUT", url, {**METAFIELD, "value": "x"}), 403)
    failed(loop_client.call("DELETE", url), 403)


def test_write_metafields_can_be_changed_by_other_clients(client, loop_client, order_id):
    field = ok(create(client, order_id, permission_set="write"))["data"]
    url = f"/v3/orders/{order_id}/metafields/{field['id']}"
    data = ok(loop_client.call("PUT", url, {**METAFIELD, "permission_set": "write", "value": "v2"}))
    assert (data["data"]["value"], data["data"]["owner_client_id"]) == ("v2", "checkout-plus-app")


def test_metafields_on_unknown_orders_are_404(client):
    failed(create(client, 999), 404)
