"""A small HTTP client for the sandbox BigCommerce, plus contract-checking helpers.

``ok`` and ``failed`` check each exchange against BigCommerce's OpenAPI files when they are
there (``tests.support.specs``); without them they check the status only, so tests that merely
set data up still run. The contract tests themselves require the specs.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import requests
import simplejson

from app.sandbox import credentials
from app.sandbox.service import dumps
from tests.support.addresses import CA_ADDRESS
from tests.support.openapi import is_documented
from tests.support.openapi import request_problems
from tests.support.openapi import validate_requests_response
from tests.support.openapi import validate_response
from tests.support.specs import spec_dir

STORE = credentials.BIGCOMMERCE_STORE_HASH
TOKEN = credentials.BIGCOMMERCE_ACCESS_TOKEN
LOOP_TOKEN = credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
PAYMENTS_ACCEPT = "application/vnd.bc.v1+json"
# Every (method, URL, "success" | "error") that ok() and failed() checked in this run, so a
# test can prove each sandbox endpoint was contract-checked both ways.
CHECKED: set[tuple[str, str, str]] = set()


METAFIELD = {
    "permission_set": "read_and_sf_access",
    "namespace": "loop_checkout_plus",
    "key": "session_id",
    "value": "lop_AAAAAAAAAAAAAAAAAAAA",
    "description": "Loop session",
}

FEE = {
    "type": "custom_fee",
    "name": "CPLUS",
    "display_name": "Checkout+ protection",
    "cost": Decimal("2.99"),
    "source": "checkout-plus",
}


class BigCommerceClient:
    """Calls the sandbox over HTTP like an app would, with an X-Auth-Token."""

    def __init__(self, origin: str, token: str | None = TOKEN) -> None:
        """Prepare a session that calls ``origin`` with ``token`` (None: no token)."""
        self.origin = origin
        self.token = token
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> requests.Response:
        """Send ``method`` to ``/stores/{hash}{path}``; ``body`` is JSON-encoded (Decimal-exact)."""
        sent = dict(JSON_HEADERS)
        if self.token is not None:
            sent["X-Auth-Token"] = self.token
        sent.update(headers or {})
        data = raw if raw is not None else (None if body is None else dumps(body).encode())
        return self.session.request(
            method,
            f"{self.origin}/stores/{STORE}{path}",
            data=data,
            params=params,
            headers=sent,
            timeout=10,
        )

    def pay(self, token: str, body: Any, accept: str = PAYMENTS_ACCEPT) -> requests.Response:
        """Call payments.bigcommerce.com's process-payment endpoint with a PAT."""
        headers = {
            "Accept": accept,
            "Content-Type": "application/json",
            "Authorization": f"PAT {token}",
        }
        return self.session.post(
            f"{self.origin}/stores/{STORE}/payments",
            data=dumps(body).encode(),
            headers=headers,
            timeout=10,
        )


def parse(response: requests.Response) -> Any:
    """The response body as JSON, numbers with a fraction as Decimal."""
    return simplejson.loads(response.content, use_decimal=True) if response.content else None


def ok(response: requests.Response, status: int = 200) -> Any:
    """Assert the status and (with the specs) that the exchange follows them; return the body."""
    assert response.status_code == status, (response.status_code, response.text[:2000])
    if spec_dir() is not None:
        validate_requests_response(response)
        CHECKED.add((response.request.method, response.request.url, "success"))
    return parse(response)


def failed(response: requests.Response, status: int, *, request_valid: bool | None = True) -> Any:
    """Assert an error status and its body: against the spec when the operation documents the
    status, else by BigCommerce's error shape for the API family. ``request_valid`` says whether
    the request itself follows the spec (None: don't check). Without the specs: the status only."""
    assert response.status_code == status, (response.status_code, response.text[:2000])
    if spec_dir() is None:
        return parse(response)
    prepared = response.request
    headers, body = dict(prepared.headers), prepared.body or b""
    if request_valid is not None:
        problems = request_problems(prepared.method, prepared.url, None, headers, body)
        assert (problems is None) == request_valid, problems or "the request follows the spec"
    data = parse(response)
    if is_documented(prepared.method, prepared.url, status):
        validate_response(
            prepared.method,
            prepared.url,
            None,
            headers,
            body,
            status,
            dict(response.headers),
            response.content,
        )
    else:
        assert_error_shape(prepared.url, data, status)
    CHECKED.add((prepared.method, prepared.url, "error"))
    return data


def assert_error_shape(url: str, data: Any, status: int) -> None:
    """Check BigCommerce's error body for the URL's family: v2 array, payments or v3 object."""
    if "/v2/" in url:
        assert isinstance(data, list), data
        assert data, data
        assert data[0]["status"] == status, data
        assert isinstance(data[0]["message"], str), data
        return
    assert isinstance(data, dict), data
    assert data["status"] == status, data
    assert isinstance(data["title"], str), data
    assert data["title"], data
    assert isinstance(data["type"], str), data
    assert "errors" in data, data


def create_cart(
    client: BigCommerceClient, lines: Iterable[tuple[int, int]] = ((101, 1),), currency: str = "USD"
) -> dict[str, Any]:
    """Create a cart with ``(product_id, quantity)`` lines; return the cart data."""
    body = {
        "channel_id": 1,
        "currency": {"code": currency},
        "line_items": [{"product_id": p, "quantity": q} for p, q in lines],
    }
    return ok(client.call("POST", "/v3/carts", body), 201)["data"]


def ready_checkout(
    client: BigCommerceClient,
    lines: Iterable[tuple[int, int]] = ((101, 1),),
    currency: str = "USD",
    address: dict[str, Any] | None = None,
    option: str = "sandbox-standard",
) -> str:
    """A checkout with billing address, one consignment and a shipping option; return its id."""
    cart = create_cart(client, lines, currency)
    address = address or CA_ADDRESS
    ok(client.call("POST", f"/v3/checkouts/{cart['id']}/billing-address", address))
    physical = [item["id"] for item in cart["line_items"]["physical_items"]]
    if physical:
        lines_body = [{"item_id": item_id, "quantity": 1} for item_id in physical]
        data = ok(
            client.call(
                "POST",
                f"/v3/checkouts/{cart['id']}/consignments",
                [{"address": address, "line_items": lines_body}],
            )
        )["data"]
        consignment_id = data["consignments"][0]["id"]
        ok(
            client.call(
                "PUT",
                f"/v3/checkouts/{cart['id']}/consignments/{consignment_id}",
                {"shipping_option_id": option},
            )
        )
    return cart["id"]


def place_order(client: BigCommerceClient, checkout_id: str) -> int:
    """Create an order from a ready checkout; return its id."""
    return ok(client.call("POST", f"/v3/checkouts/{checkout_id}/orders"))["data"]["id"]


def payment_token(client: BigCommerceClient, order_id: int) -> str:
    """Create a payment access token for an order."""
    body = {"order": {"id": order_id}}
    return ok(client.call("POST", "/v3/payments/access_tokens", body), 201)["data"]["id"]


def card(number: str = "4111111111111111", year: int = 2099, month: int = 12) -> dict[str, Any]:
    """A process-payment body paying by card with the sandbox gateway."""
    return {
        "payment": {
            "payment_method_id": "sandbox.card",
            "instrument": {
                "type": "card",
                "number": number,
                "cardholder_name": "Jane Doe",
                "expiry_month": month,
                "expiry_year": year,
                "verification_value": "123",
            },
        }
    }
