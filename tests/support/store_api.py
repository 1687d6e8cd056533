"""The sandbox store's API as a merchant's storefront calls it, to set up carts in tests."""

from __future__ import annotations

import requests
import simplejson

from app.sandbox import Sandbox
from app.sandbox import credentials


class StoreApi:
    """The sandbox store's API, called the way a merchant's storefront would call it."""

    def __init__(self, sandbox: Sandbox) -> None:
        """Call the sandbox store's API with the app's access token."""
        self.base = f"{sandbox.bigcommerce.url}/stores/{credentials.BIGCOMMERCE_STORE_HASH}"
        self.session = requests.Session()
        self.session.headers.update(
            {"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN, "Accept": "application/json"}
        )

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send a request to the store API and return the raw response."""
        return self.session.request(method, self.base + path, timeout=10, **kwargs)

    def data(self, method: str, path: str, **kwargs):
        """Send a request that must succeed, and return its ``data`` with exact decimals."""
        response = self.request(method, path, **kwargs)
        assert response.status_code < 300, (response.status_code, response.text)
        return simplejson.loads(response.content, use_decimal=True)["data"]

    def create_cart(self, items: list[tuple[int, int]], currency: str = "USD") -> str:
        """Create a cart of ``(product_id, quantity)`` items and return its id."""
        body = {
            "channel_id": 1,
            "currency": {"code": currency},
            "line_items": [{"product_id": p, "quantity": q} for p, q in items],
        }
        return self.data("POST", "/v3/carts", json=body)["id"]

    def checkout(self, cart_id: str) -> dict:
        """Read a checkout as BigCommerce reports it."""
        return self.data("GET", f"/v3/checkouts/{cart_id}")
