"""BigCommerce's management API over one pooled requests session."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import requests

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceNotFound
from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.models import Cart
from app.clients.bigcommerce.models import Checkout
from app.clients.bigcommerce.models import LineItem
from app.clients.bigcommerce.models import Product
from app.clients.http import build_session
from app.clients.http import decode_json
from app.clients.http import encode_json

log = logging.getLogger(__name__)

# Everything the checkout page shows, in one read (bigcommerce-api.md §1).
CHECKOUT_INCLUDES = ",".join(
    (
        "cart.line_items.physical_items.options",
        "cart.line_items.digital_items.options",
        "consignments.available_shipping_options",
    )
)


class BigCommerceClient:
    """Call a store's v3/v2 management API with its access token."""

    def __init__(
        self,
        api_url: str,
        store_hash: str,
        access_token: str,
        timeout: tuple[float, float] = (3.05, 10.0),
        session: requests.Session | None = None,
    ) -> None:
        self._base = f"{api_url.rstrip('/')}/stores/{store_hash}"
        self._token = access_token
        self._timeout = timeout
        self._session = session or build_session()

    def list_products(self, limit: int = 50) -> list[Product]:
        """Return the store's visible catalog products."""
        data = self._call(
            "GET", "/v3/catalog/products", params={"is_visible": "true", "limit": limit}
        )
        if not isinstance(data, list):
            raise BigCommerceInvalidResponse("catalog response data is not a list")
        return [Product.parse(item) for item in data]

    def create_cart(self, items: Iterable[tuple[int, int]], currency: str | None = None) -> Cart:
        """Create a guest cart with ``(product_id, quantity)`` items."""
        body: dict[str, Any] = {"channel_id": 1, "line_items": _line_items(items)}
        if currency:
            body["currency"] = {"code": currency}
        return Cart.parse(self._call("POST", "/v3/carts", json=body))

    def add_cart_items(self, cart_id: str, items: Iterable[tuple[int, int]]) -> Cart:
        """Add ``(product_id, quantity)`` items to a cart."""
        body = {"line_items": _line_items(items)}
        return Cart.parse(self._call("POST", f"/v3/carts/{cart_id}/items", json=body))

    def update_cart_item(self, cart_id: str, item: LineItem, quantity: int) -> Cart:
        """Set a line's quantity (BigCommerce wants the line's product and variant again)."""
        line_item: dict[str, Any] = {"product_id": item.product_id, "quantity": quantity}
        if item.variant_id is not None:
            line_item["variant_id"] = item.variant_id
        path = f"/v3/carts/{cart_id}/items/{item.id}"
        return Cart.parse(self._call("PUT", path, json={"line_item": line_item}))

    def delete_cart_item(self, cart_id: str, item_id: str) -> Cart | None:
        """Remove a line; returns None when it was the last one and the cart is gone."""
        data = self._call("DELETE", f"/v3/carts/{cart_id}/items/{item_id}")
        return None if data is None else Cart.parse(data)

    def get_checkout(self, checkout_id: str) -> Checkout:
        """Read a checkout (its id is the cart id) with everything the page shows."""
        data = self._call(
            "GET", f"/v3/checkouts/{checkout_id}", params={"include": CHECKOUT_INCLUDES}
        )
        return Checkout.parse(data)

    def _call(self, method: str, path: str, params=None, json=None) -> Any:
        """Send one request and return the response's ``data``, or raise a typed error."""
        headers = {"X-Auth-Token": self._token, "Accept": "application/json"}
        body = None
        if json is not None:
            headers["Content-Type"] = "application/json"
            body = encode_json(json)
        try:
            response = self._session.request(
                method,
                self._base + path,
                params=params,
                data=body,
                headers=headers,
                timeout=self._timeout,
            )
        except requests.Timeout as error:
            log.warning("BigCommerce %s %s timed out", method, path)
            raise BigCommerceUnavailable(f"BigCommerce timed out on {method} {path}") from error
        except requests.RequestException as error:
            log.warning("BigCommerce %s %s failed: %s", method, path, type(error).__name__)
            raise BigCommerceUnavailable(f"BigCommerce unreachable on {method} {path}") from error
        return self._read(method, path, response)

    def _read(self, method: str, path: str, response: requests.Response) -> Any:
        status = response.status_code
        if status == 204:
            return None
        if status == 429 or status >= 500:
            reset_ms = response.headers.get("X-Rate-Limit-Time-Reset-Ms", "")
            retry_after = int(reset_ms) / 1000 if reset_ms.isdigit() else None
            log.warning("BigCommerce %s %s answered %s", method, path, status)
            raise BigCommerceUnavailable(
                f"BigCommerce answered {status} on {method} {path}", status, retry_after
            )
        try:
            payload = decode_json(response.content)
        except ValueError as error:
            log.warning("BigCommerce %s %s sent invalid JSON (%s)", method, path, status)
            raise BigCommerceInvalidResponse(
                f"invalid JSON from {method} {path}", status
            ) from error
        if status == 404:
            raise BigCommerceNotFound(_message(payload) or "not found", status)
        if status >= 400:
            log.info("BigCommerce %s %s refused (%s): %s", method, path, status, _message(payload))
            raise BigCommerceRejected(_message(payload) or "refused", status, _errors(payload))
        if not isinstance(payload, dict) or "data" not in payload:
            raise BigCommerceInvalidResponse(f"{method} {path} answered without data", status)
        return payload["data"]


def _line_items(items: Iterable[tuple[int, int]]) -> list[dict[str, int]]:
    return [{"product_id": product_id, "quantity": quantity} for product_id, quantity in items]


def _message(payload: Any) -> str:
    """Pull a human message out of a v3 (object) or v2 (list) error body."""
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        return str(payload[0].get("message") or "")
    if not isinstance(payload, dict):
        return ""
    nested = payload.get("errors")
    # Some 404s nest the error: {"errors": [{"status", "title", "type", "detail"}]}.
    if isinstance(nested, list) and nested and isinstance(nested[0], dict):
        payload = nested[0]
    return str(payload.get("detail") or payload.get("title") or "")


def _errors(payload: Any) -> dict[str, str]:
    """Return the field -> problem map of a v3 error body, if it has one."""
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if isinstance(errors, dict):
        return {str(key): str(value) for key, value in errors.items()}
    return {}
