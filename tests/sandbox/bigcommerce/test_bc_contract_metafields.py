"""Contract: every order-metafield operation, single and batch, a success and an error each."""

import pytest

from tests.support.contract_client import METAFIELD
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract


@pytest.fixture
def order_id(client):
    """An Incomplete order."""
    return place_order(client, ready_checkout(client))


@pytest.fixture
def field(client, order_id):
    """A metafield on the order, created by the checkout app."""
    return ok(client.call("POST", f"/v3/orders/{order_id}/metafields", METAFIELD))["data"]


def test_create_metafield_answers_200(client, order_id):
    data = ok(client.call("POST", f"/v3/orders/{order_id}/metafields", METAFIELD))["data"]
    assert (data["resource_type"], data["resource_id"]) == ("order", order_id)
    assert data["owner_client_id"] == "checkout-plus-app"


def test_duplicate_metafield_is_409(client, order_id, field):
    failed(client.call("POST", f"/v3/orders/{order_id}/metafields", METAFIELD), 409)


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"permission_set": "public"}, "permission_set"),
        ({"key": "k" * 65}, "key"),
        ({"value": ""}, "value"),
        ({"namespace": ""}, "namespace"),
        ({"description": "d" * 256}, "description"),
    ],
)
def test_invalid_metafield_is_422(client, order_id, change, name):
    data = failed(
        client.call("POST", f"/v3/orders/{order_id}/metafields", {**METAFIELD, **change}),
        422,
        request_valid=False,
    )
    assert name in data["errors"]


def test_malformed_metafield_json_is_400(client, order_id):
    failed(
        client.call("POST", f"/v3/orders/{order_id}/metafields", raw=b"{"), 400, request_valid=False
    )


def test_list_order_metafields_with_filters(client, order_id, field):
    other = {**METAFIELD, "key": "fee_amount", "value": "299"}
    ok(client.call("POST", f"/v3/orders/{order_id}/metafields", other))
    params = {"key:in": "fee_amount,missing", "namespace": "loop_checkout_plus"}
    data = ok(client.call("GET", f"/v3/orders/{order_id}/metafields", params=params))
    assert [f["key"] for f in data["data"]] == ["fee_amount"]
    assert data["meta"]["pagination"]["total"] == 1


def test_list_metafields_of_unknown_order_is_404(client):
    failed(client.call("GET", "/v3/orders/999/metafields"), 404)


def test_get_metafield(client, order_id, field):
    data = ok(client.call("GET", f"/v3/orders/{order_id}/metafields/{field['id']}"))["data"]
    assert data["value"] == METAFIELD["value"]


def test_get_unknown_metafield_is_404(client, order_id):
    failed(client.call("GET", f"/v3/orders/{order_id}/metafields/999"), 404)


def test_update_metafield(client, order_id, field):
    body = {**METAFIELD, "value": "lop_BBBBBBBBBBBBBBBBBBBB"}
    data = ok(client.call("PUT", f"/v3/orders/{order_id}/metafields/{field['id']}", body))["data"]
    assert data["value"] == "lop_BBBBBBBBBBBBBBBBBBBB"


def test_update_unknown_metafield_is_404(client, order_id):
    failed(client.call("PUT", f"/v3/orders/{order_id}/metafields/999", METAFIELD), 404)


def test_delete_metafield(client, order_id, field):
    assert ok(client.call("DELETE", f"/v3/orders/{order_id}/metafields/{field['id']}"), 204) is None
    failed(client.call("GET", f"/v3/orders/{order_id}/metafields/{field['id']}"), 404)


def test_delete_unknown_metafield_is_404(client, order_id):
    failed(client.call("DELETE", f"/v3/orders/{order_id}/metafields/999"), 404)


def test_batch_list(client, order_id, field):
    data = ok(
        client.call("GET", "/v3/orders/metafields", params={"namespace:in": "x,loop_checkout_plus"})
    )
    assert [f["id"] for f in data["data"]] == [field["id"]]


def test_batch_list_needs_a_token(bigcommerce, client):
    client.token = None
    failed(client.call("GET", "/v3/orders/metafields"), 401, request_valid=False)


def test_batch_create(client, order_id):
    body = [
        {**METAFIELD, "key": key, "value": value, "resource_id": order_id}
        for key, value in (("session_id", "lop_AAAAAAAAAAAAAAAAAAAA"), ("fee_currency", "USD"))
    ]
    data = ok(client.call("POST", "/v3/orders/metafields", body))
    assert data["meta"] == {"total": 2, "success": 2, "failed": 0}
    assert data["errors"] == []


def test_batch_create_partial_failure_is_422_with_data_and_errors(client, order_id):
    body = [
        {**METAFIELD, "resource_id": order_id},
        {**METAFIELD, "key": "fee_amount", "value": "299", "resource_id": 999},
    ]
    data = failed(client.call("POST", "/v3/orders/metafields", body), 422)
    assert [f["key"] for f in data["data"]] == ["session_id"]
    assert data["meta"] == {"total": 2, "success": 1, "failed": 1}
    assert data["errors"][0]["status"] == 404


def test_batch_update(client, field):
    body = [{**METAFIELD, "id": field["id"], "value": "lop_CCCCCCCCCCCCCCCCCCCC"}]
    data = ok(client.call("PUT", "/v3/orders/metafields", body))
    assert data["data"][0]["value"] == "lop_CCCCCCCCCCCCCCCCCCCC"


def test_batch_update_without_id_is_422(client, field):
    data = failed(
        client.call("PUT", "/v3/orders/metafields", [METAFIELD]), 422, request_valid=False
    )
    assert data["data"] == []
    assert "[0].id" in data["errors"][0]["errors"]


def test_batch_delete(client, field):
    data = ok(client.call("DELETE", "/v3/orders/metafields", [field["id"]]))
    assert data["data"] == [field["id"]]
    assert data["meta"]["success"] == 1


def test_batch_delete_unknown_is_422(client, field):
    data = failed(client.call("DELETE", "/v3/orders/metafields", [field["id"], 999]), 422)
    assert data["data"] == [field["id"]]
    assert data["meta"]["failed"] == 1
