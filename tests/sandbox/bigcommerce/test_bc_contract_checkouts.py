"""Contract: every Checkouts API operation the app uses, a success and an error each."""

from decimal import Decimal

import pytest

from tests.support.addresses import CA_ADDRESS
from tests.support.contract_client import FEE
from tests.support.contract_client import create_cart
from tests.support.contract_client import failed
from tests.support.contract_client import ok
from tests.support.contract_client import ready_checkout

pytestmark = pytest.mark.usefixtures("bigcommerce_specs")  # a test of BigCommerce's contract

OPTIONS = {"include": "consignments.available_shipping_options"}


@pytest.fixture
def cart(client):
    """A USD cart with sneakers (physical) and a map pack (digital)."""
    return create_cart(client, ((101, 1), (104, 1)))


def physical_id(cart):
    """The id of the cart's first physical line."""
    return cart["line_items"]["physical_items"][0]["id"]


def test_get_checkout(client, cart):
    data = ok(client.call("GET", f"/v3/checkouts/{cart['id']}"))["data"]
    assert data["id"] == data["cart"]["id"] == cart["id"]
    assert data["grand_total"] == Decimal("101.00")
    assert data["order_id"] is None


def test_get_unknown_checkout_is_404(client):
    data = failed(client.call("GET", "/v3/checkouts/00000000-0000-4000-8000-000000000000"), 404)
    assert data["errors"][0]["status"] == 404


def test_update_customer_message(client, cart):
    body = {"customer_message": "Leave at the door", "version": 1}
    data = ok(client.call("PUT", f"/v3/checkouts/{cart['id']}", body))["data"]
    assert (data["customer_message"], data["version"]) == ("Leave at the door", 2)


def test_customer_message_over_2000_characters_is_422(client, cart):
    # The 2000-character limit is in the description only; 422 is not listed for this call.
    body = {"customer_message": "x" * 2001}
    data = failed(client.call("PUT", f"/v3/checkouts/{cart['id']}", body), 422)
    assert "customer_message" in data["errors"]


def test_add_billing_address_sets_the_cart_email(client, cart):
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", CA_ADDRESS))
    assert data["data"]["cart"]["email"] == "jane@example.com"
    assert data["data"]["billing_address"]["id"]


def test_billing_address_without_email_is_422(client, cart):
    body = {key: value for key, value in CA_ADDRESS.items() if key != "email"}
    data = failed(
        client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", body),
        422,
        request_valid=False,
    )
    assert "email" in data["errors"]


def test_update_billing_address(client, cart):
    first = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", CA_ADDRESS))
    address_id = first["data"]["billing_address"]["id"]
    body = {**CA_ADDRESS, "email": "new@example.com"}
    data = ok(client.call("PUT", f"/v3/checkouts/{cart['id']}/billing-address/{address_id}", body))
    assert data["data"]["cart"]["email"] == "new@example.com"


def test_update_unknown_billing_address_is_404(client, cart):
    failed(client.call("PUT", f"/v3/checkouts/{cart['id']}/billing-address/77", CA_ADDRESS), 404)


def test_add_consignment_with_options(client, cart):
    body = [{"address": CA_ADDRESS, "line_items": [{"item_id": physical_id(cart), "quantity": 1}]}]
    data = ok(
        client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body, params=OPTIONS)
    )["data"]
    consignment = data["consignments"][0]
    assert consignment["line_item_ids"] == [physical_id(cart)]
    assert [o["id"] for o in consignment["available_shipping_options"]] == [
        "sandbox-standard",
        "sandbox-express",
    ]
    assert "selected_shipping_option" not in consignment


def test_consignment_without_state_in_the_us_is_422(client, cart):
    address = {k: v for k, v in CA_ADDRESS.items() if not k.startswith("state")}
    body = [{"address": address, "line_items": [{"item_id": physical_id(cart), "quantity": 1}]}]
    data = failed(
        client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body),
        422,
        request_valid=False,
    )
    assert "[0].address.state_or_province" in data["errors"]


def test_select_shipping_option(client, cart):
    checkout_id = ready_checkout(client, ((101, 1),), option="sandbox-express")
    data = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]
    option = data["consignments"][0]["selected_shipping_option"]
    assert (option["id"], option["cost"]) == ("sandbox-express", Decimal("14.99"))
    assert "available_shipping_options" not in data["consignments"][0]


def test_shipping_option_with_an_address_change_is_422(client, cart):
    body = [{"address": CA_ADDRESS, "line_items": [{"item_id": physical_id(cart), "quantity": 1}]}]
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body))["data"]
    consignment_id = data["consignments"][0]["id"]
    change = {"address": CA_ADDRESS, "shipping_option_id": "sandbox-standard"}
    errors = failed(
        client.call("PUT", f"/v3/checkouts/{cart['id']}/consignments/{consignment_id}", change), 422
    )["errors"]
    assert "shipping_option_id" in errors


def test_pickup_consignment(client, cart):
    body = [
        {
            "pickup_option": {"pickup_method_id": 1},
            "line_items": [{"item_id": physical_id(cart), "quantity": 1}],
        }
    ]
    data = ok(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body))["data"]
    consignment = data["consignments"][0]
    assert consignment["selected_pickup_option"] == {"pickup_method_id": 1}
    assert "address" not in consignment
    option = {"shipping_option_id": "sandbox-standard"}
    errors = failed(
        client.call("PUT", f"/v3/checkouts/{cart['id']}/consignments/{consignment['id']}", option),
        422,
    )["errors"]
    assert "shipping_option_id" in errors


def test_delete_consignment(client):
    checkout_id = ready_checkout(client)
    consignment_id = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]["consignments"][
        0
    ]["id"]
    data = ok(client.call("DELETE", f"/v3/checkouts/{checkout_id}/consignments/{consignment_id}"))
    assert data["data"]["consignments"] == []


def test_delete_unknown_consignment_is_404(client, cart):
    failed(client.call("DELETE", f"/v3/checkouts/{cart['id']}/consignments/nope"), 404)


def test_apply_and_remove_coupon(client, cart):
    data = ok(
        client.call(
            "POST", f"/v3/checkouts/{cart['id']}/coupons", {"coupon_code": "SAVE10", "version": 1}
        )
    )["data"]
    assert data["coupons"][0]["code"] == "SAVE10"
    assert data["coupons"][0]["discounted_amount"] == Decimal("10.10")
    data = ok(client.call("DELETE", f"/v3/checkouts/{cart['id']}/coupons/SAVE10"))["data"]
    assert data["coupons"] == []
    assert data["grand_total"] == Decimal("101.00")


@pytest.mark.parametrize("code", ["NOPE", "EXPIRED2024"])
def test_unknown_or_expired_coupon_is_400(client, cart, code):
    data = failed(
        client.call("POST", f"/v3/checkouts/{cart['id']}/coupons", {"coupon_code": code}), 400
    )
    assert code in data["detail"]


def test_coupon_with_stale_version_is_409(client, cart):
    failed(
        client.call(
            "POST", f"/v3/checkouts/{cart['id']}/coupons", {"coupon_code": "SAVE10", "version": 3}
        ),
        409,
    )


def test_remove_coupon_not_applied_is_404(client, cart):
    failed(client.call("DELETE", f"/v3/checkouts/{cart['id']}/coupons/SAVE10"), 404)


def test_fees_add_update_delete(client, cart):
    url = f"/v3/checkouts/{cart['id']}/fees"
    fee = ok(client.call("POST", url, {"fees": [FEE]}))["data"]["fees"][0]
    assert fee["cost_ex_tax"] == Decimal("2.99")
    assert "cost" not in fee
    updated = {**FEE, "id": fee["id"], "cost": Decimal("3.49"), "tax_class_id": 1}
    fee = ok(client.call("PUT", url, {"fees": [updated]}))["data"]["fees"][0]
    assert (fee["cost_ex_tax"], fee["tax_class_id"]) == (Decimal("3.49"), 1)
    data = ok(client.call("DELETE", url, {"ids": [fee["id"]]}))["data"]
    assert data["fees"] == []


@pytest.mark.parametrize(
    ("fee", "field"),
    [
        ({**FEE, "name": "N" * 51}, "fees[0].name"),
        ({**FEE, "cost": "2.99"}, "fees[0].cost"),
        ({**FEE, "type": "surcharge"}, "fees[0].type"),
        ({k: v for k, v in FEE.items() if k != "source"}, "fees[0].source"),
    ],
)
def test_invalid_fee_is_422(client, cart, fee, field):
    # Not documented for the fees operations; the request itself breaks the spec.
    data = failed(
        client.call("POST", f"/v3/checkouts/{cart['id']}/fees", {"fees": [fee]}),
        422,
        request_valid=False,
    )
    assert field in data["errors"]


def test_update_unknown_fee_is_422(client, cart):
    body = {"fees": [{**FEE, "id": "00000000-0000-4000-8000-000000000000"}]}
    data = failed(client.call("PUT", f"/v3/checkouts/{cart['id']}/fees", body), 422)
    assert "fees[0].id" in data["errors"]


def test_delete_fees_needs_ids(client, cart):
    data = failed(
        client.call("DELETE", f"/v3/checkouts/{cart['id']}/fees", {"ids": []}),
        422,
        request_valid=False,
    )
    assert "ids" in data["errors"]


def test_create_order(client):
    checkout_id = ready_checkout(client)
    data = ok(client.call("POST", f"/v3/checkouts/{checkout_id}/orders"))["data"]
    assert data["id"] == 100


def test_create_order_without_shipping_option_is_422(client, cart):
    ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", CA_ADDRESS))
    body = [{"address": CA_ADDRESS, "line_items": [{"item_id": physical_id(cart), "quantity": 1}]}]
    ok(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body))
    data = failed(client.call("POST", f"/v3/checkouts/{cart['id']}/orders"), 422)
    assert "consignments[0].selected_shipping_option" in data["errors"]


def test_switch_a_consignment_to_pickup_and_back(client):
    checkout_id = ready_checkout(client)
    url = f"/v3/checkouts/{checkout_id}/consignments"
    consignment_id = ok(client.call("GET", f"/v3/checkouts/{checkout_id}"))["data"]["consignments"][
        0
    ]["id"]
    data = ok(
        client.call("PUT", f"{url}/{consignment_id}", {"pickup_option": {"pickup_method_id": 1}})
    )
    consignment = data["data"]["consignments"][0]
    assert consignment["selected_pickup_option"] == {"pickup_method_id": 1}
    assert "selected_shipping_option" not in consignment
    assert data["data"]["shipping_cost_total_ex_tax"] == 0
    data = ok(client.call("PUT", f"{url}/{consignment_id}", {"address": CA_ADDRESS}))
    assert "selected_pickup_option" not in data["data"]["consignments"][0]


def test_unknown_pickup_method_is_422(client, cart):
    body = [
        {
            "pickup_option": {"pickup_method_id": 9},
            "line_items": [{"item_id": physical_id(cart), "quantity": 1}],
        }
    ]
    data = failed(client.call("POST", f"/v3/checkouts/{cart['id']}/consignments", body), 422)
    assert "[0].pickup_option.pickup_method_id" in data["errors"]
