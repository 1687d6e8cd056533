"""The sandbox Loop as integrations call it: analyze requests, rules documents, a client."""

from __future__ import annotations

import copy
import re
import tomllib
from typing import Any

import requests

from app.sandbox import credentials
from app.sandbox.loop.settings import DEFAULT_RULES_PATH

CART_KEY = credentials.LOOP_CART_API_KEY
ORDERS_KEY = credentials.LOOP_ORDERS_API_KEY
OTHER_CART_KEY = "test-other-merchant-cart-key"
GHOST_CART_KEY = "test-unconfigured-merchant-cart-key"
SESSION_ID = re.compile(r"^lop_[A-Za-z0-9]{20}$")
RFC3339_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")

# The BigCommerce demo catalog, in USD minor units.
CATALOG = {
    "101": ("Trail Sneakers", 8900),
    "102": ("Wool Socks", 2450),
    "103": ("Rain Jacket", 18999),
    "104": ("Digital Trail Map", 1200),
    "105": ("Final Sale Sunglasses", 3995),
    "106": ("Four-Season Tent", 129900),
}


def line(
    product_id: str, quantity: int = 1, price: int | None = None, title: str | None = None
) -> dict[str, Any]:
    """Return one cart line; price and title default to the demo catalog's."""
    catalog_title, catalog_price = CATALOG.get(product_id, (f"Product {product_id}", 1000))
    unit = catalog_price if price is None else price
    return {
        "id": f"line-{product_id}-{quantity}",
        "productId": product_id,
        "quantity": quantity,
        "unitPrice": unit,
        "totalPrice": unit * quantity,
        "originalTotalPrice": unit * quantity,
        "title": title or catalog_title,
    }


def analyze_body(*lines: dict[str, Any], currency: str = "USD", **top: Any) -> dict[str, Any]:
    """Return a well-formed analyze request for these lines, totals computed from them."""
    subtotal = sum(item["totalPrice"] for item in lines)
    body: dict[str, Any] = {
        "platform": "bigcommerce",
        "region": "US-OH",
        "cart": {
            "currencyCode": currency,
            "lines": list(lines),
            "subtotalAmount": subtotal,
            "totalDiscountAmount": 0,
            "discountedSubtotalAmount": subtotal,
            "totalTaxAmount": 0,
            "totalAmount": subtotal,
            "itemCount": sum(item["quantity"] for item in lines),
        },
    }
    body.update(top)
    return body


def default_rules() -> dict[str, Any]:
    """Return the bundled rules file as a document (a fresh copy every time)."""
    with DEFAULT_RULES_PATH.open("rb") as handle:
        return tomllib.load(handle)


def rules_with(**demo: Any) -> dict[str, Any]:
    """Return the bundled rules with some of merchant demo's settings replaced."""
    document = copy.deepcopy(default_rules())
    document["merchants"]["demo"].update(demo)
    return document


def with_keys(document: dict[str, Any]) -> dict[str, Any]:
    """Add a Cart key for a second configured merchant and one for an unconfigured merchant."""
    document = copy.deepcopy(document)
    document["api_keys"] = [
        {"key": OTHER_CART_KEY, "merchant": "other", "scopes": ["cart"]},
        {"key": GHOST_CART_KEY, "merchant": "ghost", "scopes": ["cart"]},
    ]
    document["merchants"]["other"] = copy.deepcopy(document["merchants"]["demo"])
    return document


class LoopApi:
    """Calls the sandbox Loop over HTTP the way an integration would."""

    def __init__(self, url: str) -> None:
        """Call the sandbox Loop at ``url`` over one pooled session."""
        self.url = url
        self.http = requests.Session()

    def analyze(self, body: Any, key: str | None = CART_KEY, **headers: str) -> requests.Response:
        """POST /v1/analyze with a Cart key (or the given one, or none)."""
        return self.http.post(
            f"{self.url}/v1/analyze", json=body, headers=_auth(key, headers), timeout=10
        )

    def session(
        self, session_id: str, key: str | None = CART_KEY, **headers: str
    ) -> requests.Response:
        """GET /v1/session/<id>."""
        return self.http.get(
            f"{self.url}/v1/session/{session_id}", headers=_auth(key, headers), timeout=10
        )

    def orders(
        self, method: str, body: Any, key: str | None = ORDERS_KEY, **headers: str
    ) -> requests.Response:
        """POST (create) or PUT (upsert) /api/v1/orders."""
        return self.http.request(
            method, f"{self.url}/api/v1/orders", json=body, headers=_auth(key, headers), timeout=10
        )

    def control(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call a /__sandbox/ control endpoint."""
        return self.http.request(method, f"{self.url}/__sandbox{path}", timeout=10, **kwargs)


def _auth(key: str | None, headers: dict[str, str]) -> dict[str, str]:
    """The X-Authorization header for ``key`` (if any), with extra headers named in snake case."""
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return {**({"X-Authorization": key} if key else {}), **extra}
