"""The Checkout+ block of order metafields, as tests write it, read it and expect it."""

from __future__ import annotations

import json
from collections import Counter

from app.checkout_plus.metafields import NAMESPACE
from tests.support.contract_client import BigCommerceClient

# The batch endpoint the sync job writes the block with.
BATCH = "POST /stores/*/v3/orders/metafields"

# A complete, well-formed block, as Loop's connector reads it.
COMPLETE = {
    "session_id": "lop_a1b2c3d4e5f6g7h8i9j0",
    "accepted_offer_mode": '["returnCoverage","shippingProtection"]',
    "fee_amount": "798",
    "fee_currency": "USD",
}


def accepted_values(sandbox) -> dict[str, str]:
    """The four values of the quote the shopper accepted, as the connector must read them."""
    offer = sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json
    return {
        "session_id": offer["sessionId"],
        "accepted_offer_mode": json.dumps(offer["mode"], separators=(",", ":")),
        "fee_amount": str(offer["chargeInstructions"]["amount"]),
        "fee_currency": offer["chargeInstructions"]["currencyCode"],
    }


def stored(raw, order_id: int) -> list[dict]:
    """Every metafield in our namespace on the order, as the API lists it."""
    response = raw.call("GET", f"/v3/orders/{order_id}/metafields", params={"namespace": NAMESPACE})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def by_key(raw, order_id: int) -> dict[str, str]:
    """Our namespace's values by key; fails if any key is there twice."""
    fields = stored(raw, order_id)
    counts = Counter(field["key"] for field in fields)
    assert all(count == 1 for count in counts.values()), counts
    return {field["key"]: field["value"] for field in fields}


def add_metafield(
    client: BigCommerceClient,
    order_id: int,
    key: str,
    value: str,
    permission_set: str = "read_and_sf_access",
    namespace: str = NAMESPACE,
) -> int:
    """Create one metafield as ``client``'s API account; return its id."""
    body = {"permission_set": permission_set, "namespace": namespace, "key": key, "value": value}
    response = client.call("POST", f"/v3/orders/{order_id}/metafields", body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["id"]


def fill_metafields(raw, order_id: int, count: int) -> None:
    """Put ``count`` metafields of another namespace on the order, with webhooks held back."""
    hooks = raw.call("GET", "/v3/hooks").json()["data"]
    for hook in hooks:  # that many metafield webhooks would spend the store's request quota
        assert raw.call("PUT", f"/v3/hooks/{hook['id']}", {"is_active": False}).status_code == 200
    filler = [
        {
            "permission_set": "app_only",
            "namespace": "other_app",
            "key": f"k{index}",
            "value": "v",
            "resource_id": order_id,
        }
        for index in range(count)
    ]
    assert raw.call("POST", "/v3/orders/metafields", filler).status_code == 200
    for hook in hooks:
        assert raw.call("PUT", f"/v3/hooks/{hook['id']}", {"is_active": True}).status_code == 200
