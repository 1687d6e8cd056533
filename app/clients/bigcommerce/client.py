"""BigCommerce's management API over one pooled requests session."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

import requests

from app.clients.bigcommerce.checkouts import Address
from app.clients.bigcommerce.checkouts import Cart
from app.clients.bigcommerce.checkouts import Checkout
from app.clients.bigcommerce.checkouts import FeeRequest
from app.clients.bigcommerce.checkouts import LineItem
from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceNotFound
from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.hooks import Webhook
from app.clients.bigcommerce.metafield_batch import batch_rejection
from app.clients.bigcommerce.models import Metafield
from app.clients.bigcommerce.models import PaymentMethod
from app.clients.bigcommerce.models import PickupMethod
from app.clients.bigcommerce.models import Product
from app.clients.bigcommerce.orders import Order
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
# The one include the consignment writes accept (checkouts.v3.yml IncludeShippingOptions).
SHIPPING_OPTIONS_INCLUDE = "consignments.available_shipping_options"


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

    def add_consignment(
        self,
        checkout_id: str,
        line_items: Iterable[tuple[str, int]],
        address: Address | None = None,
        email: str = "",
        pickup_method_id: int | None = None,
    ) -> Checkout:
        """Ship ``(item id, quantity)`` lines to an address (with the cart's email), or pick up."""
        consignment: dict[str, Any] = {"line_items": _consignment_lines(line_items)}
        if address is not None:
            consignment["address"] = _address_body(address, email)
        if pickup_method_id is not None:
            consignment["pickup_option"] = {"pickup_method_id": pickup_method_id}
        data = self._call(
            "POST",
            f"/v3/checkouts/{checkout_id}/consignments",
            params={"include": SHIPPING_OPTIONS_INCLUDE},
            json=[consignment],
        )
        return Checkout.parse(data)

    def update_consignment(
        self,
        checkout_id: str,
        consignment_id: str,
        line_items: Iterable[tuple[str, int]] | None = None,
        address: Address | None = None,
        email: str = "",
        pickup_method_id: int | None = None,
    ) -> Checkout:
        """Change a consignment's address, lines or pickup method (never its shipping option)."""
        body: dict[str, Any] = {}
        if line_items is not None:
            body["line_items"] = _consignment_lines(line_items)
        if address is not None:
            body["address"] = _address_body(address, email)
        if pickup_method_id is not None:
            body["pickup_option"] = {"pickup_method_id": pickup_method_id}
        return self._consignment_call("PUT", checkout_id, consignment_id, body)

    def select_shipping_option(
        self, checkout_id: str, consignment_id: str, shipping_option_id: str
    ) -> Checkout:
        """Choose a consignment's shipping option.

        A request of its own: address and line changes can invalidate the options.
        """
        body = {"shipping_option_id": shipping_option_id}
        return self._consignment_call("PUT", checkout_id, consignment_id, body)

    def delete_consignment(self, checkout_id: str, consignment_id: str) -> Checkout:
        """Remove a consignment; its lines are left unassigned."""
        return self._consignment_call("DELETE", checkout_id, consignment_id, None)

    def set_billing_address(
        self, checkout_id: str, address: Address, email: str, address_id: str | None = None
    ) -> Checkout:
        """Add the billing address, or replace the one with ``address_id``; it carries the email."""
        path = f"/v3/checkouts/{checkout_id}/billing-address"
        body = _address_body(address, email)
        if address_id is None:
            return Checkout.parse(self._call("POST", path, json=body))
        path = f"{path}/{quote(address_id, safe='')}"
        return Checkout.parse(self._call("PUT", path, json=body))

    def add_coupon(self, checkout_id: str, code: str) -> Checkout:
        """Apply a coupon code to the checkout."""
        path = f"/v3/checkouts/{checkout_id}/coupons"
        return Checkout.parse(self._call("POST", path, json={"coupon_code": code}))

    def remove_coupon(self, checkout_id: str, code: str) -> Checkout:
        """Take a coupon off the checkout; the path names its code, not its id."""
        path = f"/v3/checkouts/{checkout_id}/coupons/{quote(code, safe='')}"
        return Checkout.parse(self._call("DELETE", path))

    def set_customer_message(self, checkout_id: str, message: str) -> Checkout:
        """Set the shopper's note for the order (``customer_message``)."""
        path = f"/v3/checkouts/{checkout_id}"
        return Checkout.parse(self._call("PUT", path, json={"customer_message": message}))

    def list_pickup_methods(self) -> list[PickupMethod]:
        """Return the store's pickup methods (none when the store offers no pickup)."""
        data = self._call("GET", "/v3/pickup/methods")
        if not isinstance(data, list):
            raise BigCommerceInvalidResponse("pickup methods response data is not a list")
        return [PickupMethod.parse(item) for item in data]

    def _consignment_call(
        self, method: str, checkout_id: str, consignment_id: str, body: dict[str, Any] | None
    ) -> Checkout:
        path = f"/v3/checkouts/{checkout_id}/consignments/{quote(consignment_id, safe='')}"
        params = {"include": SHIPPING_OPTIONS_INCLUDE} if method == "PUT" else None
        return Checkout.parse(self._call(method, path, params=params, json=body))

    def _call(self, method: str, path: str, params=None, json=None) -> Any:
        """Send one request and return the response's ``data``, or raise a typed error."""
        return self._read(method, path, self._send(method, path, params, json))

    def _send(
        self, method: str, path: str, params=None, json=None, headers=None
    ) -> requests.Response:
        """Send one request; only a transport failure raises (BigCommerceUnavailable)."""
        sent = {"X-Auth-Token": self._token, "Accept": "application/json", **(headers or {})}
        body = None
        if json is not None:
            sent["Content-Type"] = "application/json"
            body = encode_json(json)
        try:
            return self._session.request(
                method,
                self._base + path,
                params=params,
                data=body,
                headers=sent,
                timeout=self._timeout,
            )
        except requests.Timeout as error:
            log.warning("BigCommerce %s %s timed out", method, path)
            raise BigCommerceUnavailable(f"BigCommerce timed out on {method} {path}") from error
        except requests.RequestException as error:
            log.warning("BigCommerce %s %s failed: %s", method, path, type(error).__name__)
            raise BigCommerceUnavailable(f"BigCommerce unreachable on {method} {path}") from error

    def _read(
        self, method: str, path: str, response: requests.Response, envelope: bool = True
    ) -> Any:
        """Return the response's ``data`` (the whole body if not ``envelope``), or raise."""
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
        if not envelope:  # v2 answers are the resource itself, with no {data, meta}
            return payload
        if not isinstance(payload, dict) or "data" not in payload:
            raise BigCommerceInvalidResponse(f"{method} {path} answered without data", status)
        return payload["data"]

    def add_fees(self, checkout_id: str, fees: list[FeeRequest]) -> Checkout:
        """Add fees to a checkout (at most five in all, other apps' fees included)."""
        if not fees:
            raise ValueError("add_fees needs at least one fee")
        body = {"fees": [fee.as_json() for fee in fees]}
        return Checkout.parse(self._call("POST", f"/v3/checkouts/{checkout_id}/fees", json=body))

    def update_fees(self, checkout_id: str, fees: list[FeeRequest]) -> Checkout:
        """Update fees by id; every field is sent, as the API has no partial updates."""
        if not fees:
            raise ValueError("update_fees needs at least one fee")
        body = {"fees": [fee.as_json(with_id=True) for fee in fees]}
        return Checkout.parse(self._call("PUT", f"/v3/checkouts/{checkout_id}/fees", json=body))

    def delete_fees(self, checkout_id: str, fee_ids: list[str]) -> Checkout:
        """Delete fees by id; the ids travel in a JSON body."""
        if not fee_ids:
            raise ValueError("delete_fees needs at least one fee id")
        body = {"ids": list(fee_ids)}
        return Checkout.parse(self._call("DELETE", f"/v3/checkouts/{checkout_id}/fees", json=body))

    def create_order(self, checkout_id: str) -> int:
        """Create an Incomplete (0) order from a checkout; each call creates another order."""
        path = f"/v3/checkouts/{checkout_id}/orders"
        # No body, but the spec marks Content-Type as required on this call.
        response = self._send("POST", path, headers={"Content-Type": "application/json"})
        data = self._read("POST", path, response)
        order_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(order_id, bool) or not isinstance(order_id, int):
            raise BigCommerceInvalidResponse("create order answered without an order id")
        return order_id

    def get_order(self, order_id: int) -> Order:
        """Read a v2 order with its products and fees, in one call."""
        path = f"/v2/orders/{order_id}"
        # consignments.line_items expands every product inside its consignment, so the
        # products need no second call to /products (which pages at 50).
        params = {"include": "consignments.line_items,fees", "consignment_structure": "object"}
        payload = self._read("GET", path, self._send("GET", path, params), envelope=False)
        return Order.parse(payload)

    def get_payment_methods(self, order_id: int) -> list[PaymentMethod]:
        """List the payment methods the store accepts for an order."""
        data = self._call("GET", "/v3/payments/methods", params={"order_id": order_id})
        if not isinstance(data, list):
            raise BigCommerceInvalidResponse("payment methods data is not a list")
        return [PaymentMethod.parse(item) for item in data]

    def create_payment_access_token(self, order_id: int) -> str:
        """Create a single-use payment access token (PAT) for an Incomplete order."""
        data = self._call("POST", "/v3/payments/access_tokens", json={"order": {"id": order_id}})
        token = data.get("id") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise BigCommerceInvalidResponse("payment access token answer has no id")
        return token

    def create_order_metafields(
        self,
        order_id: int,
        namespace: str,
        values: dict[str, str],
        permission_set: str = "read_and_sf_access",
    ) -> list[Metafield]:
        """Create an order's metafields in one batch call; partial failure: MetafieldsRejected."""
        keys = list(values)
        if not keys:
            return []
        body = [
            {
                "permission_set": permission_set,
                "namespace": namespace,
                "key": key,
                "value": values[key],
                "resource_id": order_id,
            }
            for key in keys
        ]
        path = "/v3/orders/metafields"
        response = self._send("POST", path, json=body)
        if response.status_code == 422:
            rejected = batch_rejection(response, keys)
            if rejected is not None:
                raise rejected
        data = self._read("POST", path, response)
        if not isinstance(data, list):
            raise BigCommerceInvalidResponse("metafields data is not a list")
        return [Metafield.parse(item) for item in data]

    def get_order_metafields(self, order_id: int, namespace: str) -> list[Metafield]:
        """Read an order's metafields in one namespace, every page of them."""
        path = f"/v3/orders/{order_id}/metafields"
        found: list[Metafield] = []
        page = 1
        while True:
            params = {"namespace": namespace, "limit": 250, "page": page}
            payload = self._read("GET", path, self._send("GET", path, params), envelope=False)
            data = payload.get("data") if isinstance(payload, dict) else None
            if not isinstance(data, list):
                raise BigCommerceInvalidResponse("metafields data is not a list")
            found.extend(Metafield.parse(item) for item in data)
            meta = payload.get("meta")
            pagination = meta.get("pagination") if isinstance(meta, dict) else None
            pages = pagination.get("total_pages") if isinstance(pagination, dict) else None
            if not data or not isinstance(pages, int) or page >= pages:
                return found
            page += 1

    def create_order_metafield(
        self,
        order_id: int,
        namespace: str,
        key: str,
        value: str,
        permission_set: str = "read_and_sf_access",
    ) -> Metafield:
        """Create one order metafield; a key this account already has answers 409."""
        body = {
            "permission_set": permission_set,
            "namespace": namespace,
            "key": key,
            "value": value,
        }
        path = f"/v3/orders/{order_id}/metafields"
        return Metafield.parse(self._call("POST", path, json=body))

    def update_order_metafield(
        self,
        order_id: int,
        metafield_id: int,
        namespace: str,
        key: str,
        value: str,
        permission_set: str,
    ) -> Metafield:
        """Replace one order metafield; the spec requires all four fields again (MetafieldPut)."""
        body = {
            "permission_set": permission_set,
            "namespace": namespace,
            "key": key,
            "value": value,
        }
        path = f"/v3/orders/{order_id}/metafields/{metafield_id}"
        return Metafield.parse(self._call("PUT", path, json=body))

    def delete_order_metafield(self, order_id: int, metafield_id: int) -> None:
        """Delete one order metafield (204); one that is gone already raises BigCommerceNotFound."""
        self._call("DELETE", f"/v3/orders/{order_id}/metafields/{metafield_id}")

    def list_webhooks(self, scope: str, destination: str) -> list[Webhook]:
        """Return this account's subscriptions for one scope and destination."""
        params = {"scope": scope, "destination": destination, "limit": 250}
        data = self._call("GET", "/v3/hooks", params=params)
        if not isinstance(data, list):
            raise BigCommerceInvalidResponse("webhooks data is not a list")
        return [Webhook.parse(item) for item in data]

    def create_webhook(self, scope: str, destination: str, headers: dict[str, str]) -> Webhook:
        """Subscribe ``destination`` to ``scope``; BigCommerce sends ``headers`` with each event."""
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        return Webhook.parse(self._call("POST", "/v3/hooks", json=body))

    def update_webhook(self, webhook_id: int, headers: dict[str, str]) -> Webhook:
        """Make a subscription active again with these headers (a rotated secret)."""
        body = {"is_active": True, "headers": headers}
        return Webhook.parse(self._call("PUT", f"/v3/hooks/{webhook_id}", json=body))


def _line_items(items: Iterable[tuple[int, int]]) -> list[dict[str, int]]:
    return [{"product_id": product_id, "quantity": quantity} for product_id, quantity in items]


def _address_body(address: Address, email: str) -> dict[str, Any]:
    """Return BigCommerce's address body, with the cart's email (every address carries it)."""
    body: dict[str, Any] = {name: value for name, value in asdict(address).items() if value}
    body["email"] = email
    body["country_code"] = address.country_code
    # CreateConsignmentRequest lists both as required, so they are sent even when empty.
    body.setdefault("state_or_province", "")
    body.setdefault("postal_code", "")
    return body


def _consignment_lines(items: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"item_id": item_id, "quantity": quantity} for item_id, quantity in items]


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
