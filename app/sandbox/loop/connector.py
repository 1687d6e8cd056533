"""An imitation of Loop's BigCommerce connector.

``sync(order_id)`` reads the order and its ``loop_checkout_plus`` metafields from BigCommerce
over HTTP, with the connector's own token, and upserts the order into the sandbox Orders store.
The Checkout+ block is all or nothing: it is attached only when ``session_id``,
``accepted_offer_mode``, ``fee_amount`` and ``fee_currency`` are all present and well-formed;
otherwise the order syncs without coverage and the record says which key was missing or malformed.

Webhook deliveries are answered at once and synced by one background worker, in arrival order,
so BigCommerce never waits on the connector's own calls back into BigCommerce.
"""

from __future__ import annotations

import itertools
import json
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any

import requests

from app.sandbox.loop.analyze_request import is_session_id
from app.sandbox.loop.orders import InvalidOrder
from app.sandbox.loop.orders import OrderStore
from app.sandbox.loop.orders import checkout_plus_outcome
from app.sandbox.loop.orders import validate_order
from app.sandbox.loop.rules import MODES
from app.sandbox.loop.sessions import rfc3339
from app.sandbox.loop.settings import CONNECTOR_WEBHOOK_PATH
from app.sandbox.loop.settings import LoopSandboxSettings
from app.sandbox.minor_units import is_currency
from app.sandbox.minor_units import to_minor

NAMESPACE = "loop_checkout_plus"
REQUIRED_KEYS = ("session_id", "accepted_offer_mode", "fee_amount", "fee_currency")
DEFAULT_FEE_NAME = "Order protection"
DIGITS = re.compile(r"^[0-9]+$")
METAFIELD_PAGE_LIMIT = 250
MAX_METAFIELD_PAGES = 20


class SyncFailed(Exception):
    """The connector could not read the order from BigCommerce."""


@dataclass(frozen=True)
class CheckoutPlusBlock:
    """The four (five) Checkout+ values read from an order's metafields."""

    session_id: str
    accepted_offer_mode: list[str]
    fee_amount: int
    fee_currency: str
    fee_name: str


@dataclass(frozen=True)
class Problem:
    """Why one required metafield kept the Checkout+ block off the order."""

    key: str
    problem: str  # "missing" or "malformed"
    detail: str

    def as_dict(self) -> dict[str, str]:
        """Return a JSON-friendly dict."""
        return {"key": self.key, "problem": self.problem, "detail": self.detail}


@dataclass
class ConnectorRecord:
    """One sync attempt and what came of it."""

    seq: int
    order_id: int
    trigger: str
    at: datetime
    status: str = "failed"  # "synced" or "failed"
    checkout_plus: str | None = None  # "attached", "dropped" or "absent" once synced
    problems: list[Problem] = field(default_factory=list)
    loop_order_id: int | None = None
    protected: bool = False
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly dict."""
        return {
            "seq": self.seq,
            "order_id": self.order_id,
            "trigger": self.trigger,
            "at": rfc3339(self.at),
            "status": self.status,
            "checkout_plus": self.checkout_plus,
            "problems": [problem.as_dict() for problem in self.problems],
            "loop_order_id": self.loop_order_id,
            "protected": self.protected,
            "error": self.error,
        }


def read_checkout_plus_block(
    metafields: list[dict[str, Any]],
) -> tuple[CheckoutPlusBlock | None, list[Problem]]:
    """Read the block from metafields: all four required keys well-formed, or no block."""
    values: dict[str, Any] = {}
    for metafield in metafields:
        if metafield.get("namespace") == NAMESPACE:
            values.setdefault(metafield.get("key"), metafield.get("value"))
    problems: list[Problem] = []
    for key in REQUIRED_KEYS:
        if key not in values:
            problems.append(Problem(key, "missing", f"no {NAMESPACE}.{key} metafield"))
    session_id = values.get("session_id")
    if "session_id" in values and not is_session_id(session_id):
        problems.append(Problem("session_id", "malformed", "must match ^lop_[A-Za-z0-9]{20}$"))
    modes = _modes(values.get("accepted_offer_mode"))
    if "accepted_offer_mode" in values and modes is None:
        problems.append(
            Problem(
                "accepted_offer_mode",
                "malformed",
                f"must be a JSON array of {' / '.join(MODES)}",
            )
        )
    fee_amount = values.get("fee_amount")
    if "fee_amount" in values and not (
        isinstance(fee_amount, str) and DIGITS.fullmatch(fee_amount) and int(fee_amount) > 0
    ):
        problems.append(
            Problem("fee_amount", "malformed", "must be a positive integer in minor units")
        )
    fee_currency = values.get("fee_currency")
    if "fee_currency" in values and not is_currency(fee_currency):
        problems.append(Problem("fee_currency", "malformed", "must be a known ISO 4217 code"))
    if problems:
        return None, problems
    fee_name = values.get("fee_name")
    if not isinstance(fee_name, str) or not fee_name.strip():
        fee_name = DEFAULT_FEE_NAME
    return (
        CheckoutPlusBlock(
            session_id=session_id,
            accepted_offer_mode=modes or [],
            fee_amount=int(fee_amount),
            fee_currency=fee_currency,
            fee_name=fee_name,
        ),
        [],
    )


def _modes(value: Any) -> list[str] | None:
    # Kept verbatim: order and repeats are the shopper's accepted offer, not ours to tidy.
    if not isinstance(value, str):
        return None
    try:
        modes = json.loads(value)
    except ValueError:
        return None
    if not isinstance(modes, list) or not modes or any(mode not in MODES for mode in modes):
        return None
    return modes


def order_id_from_webhook(payload: Any) -> int | None:
    """Return the BigCommerce order id a webhook delivery is about, or None if it is not."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        return None
    scope = payload.get("scope")
    data = payload["data"]
    if not isinstance(scope, str):
        return None
    # The thin payloads name the order differently per scope (bigcommerce-api.md §11).
    if scope.startswith("store/order/metafield/"):
        raw = data.get("resource_id")
    elif scope.startswith("store/order/transaction/"):
        raw = data.get("order_id")
    elif scope.startswith("store/order/") and data.get("type") == "order":
        raw = data.get("id")
    elif scope == "store/cart/converted":
        raw = data.get("orderId")
    else:
        return None
    text = str(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    return int(text) if DIGITS.fullmatch(text) else None


class Connector:
    """Syncs BigCommerce orders into the sandbox Orders store, by hand or from webhooks."""

    def __init__(
        self,
        settings: LoopSandboxSettings,
        orders: OrderStore,
        session_known: Callable[[str, str], bool],
    ) -> None:
        self.settings = settings
        self._orders = orders
        self._session_known = session_known
        self._records: list[ConnectorRecord] = []
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[int, int, str]] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._generation = 0
        self._worker: threading.Thread | None = None

    @property
    def webhook_path(self) -> str:
        """Where BigCommerce should deliver order webhooks for the connector."""
        return CONNECTOR_WEBHOOK_PATH

    @property
    def webhook_headers(self) -> dict[str, str]:
        """The headers a webhook subscription must send (the shared secret)."""
        return {self.settings.webhook_secret_header: self.settings.webhook_secret}

    def records(self, order_id: int | None = None) -> list[ConnectorRecord]:
        """Return sync records, oldest first, optionally for one order."""
        with self._lock:
            found = list(self._records)
        return [r for r in found if order_id is None or r.order_id == order_id]

    def clear(self) -> None:
        """Forget records; queued deliveries from before the reset are skipped."""
        with self._lock:
            self._records.clear()
            self._generation += 1

    def enqueue(self, order_id: int, trigger: str) -> None:
        """Queue a sync for the background worker."""
        with self._idle:
            self._pending += 1
        with self._lock:
            generation = self._generation
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._work, name="loop-connector", daemon=True
                )
                self._worker.start()
        self._queue.put((generation, order_id, trigger))

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every queued sync has run; say whether that happened in time."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def sync(self, order_id: int, trigger: str = "manual") -> ConnectorRecord:
        """Read one order from BigCommerce and upsert it into the Orders store."""
        record = ConnectorRecord(
            seq=next(self._seq), order_id=order_id, trigger=trigger, at=datetime.now(UTC)
        )
        try:
            order = self._get(f"/v2/orders/{order_id}")
            metafields = self._metafields(order_id)
            block, problems = read_checkout_plus_block(metafields)
            payload = self._payload(order, block)
            validate_order(payload)
        except (SyncFailed, InvalidOrder, ValueError, KeyError, TypeError) as error:
            record.error = str(error)
            return self._keep(record)
        merchant = self.settings.connector_merchant
        outcome = checkout_plus_outcome(
            payload, lambda session_id: self._session_known(merchant, session_id)
        )
        loop_order, _ = self._orders.upsert(merchant, payload, outcome, source="connector")
        record.status = "synced"
        record.loop_order_id = loop_order.id
        record.protected = outcome.protected
        record.problems = problems
        present = any(m.get("namespace") == NAMESPACE for m in metafields)
        record.checkout_plus = "attached" if block else "dropped" if present else "absent"
        return self._keep(record)

    def _keep(self, record: ConnectorRecord) -> ConnectorRecord:
        with self._lock:
            self._records.append(record)
        return record

    def _work(self) -> None:
        while True:
            generation, order_id, trigger = self._queue.get()
            try:
                with self._lock:
                    current = generation == self._generation
                if current:
                    self.sync(order_id, trigger)
            except Exception as error:  # the worker must outlive any one bad delivery
                self._keep(
                    ConnectorRecord(
                        seq=next(self._seq),
                        order_id=order_id,
                        trigger=trigger,
                        at=datetime.now(UTC),
                        error=f"{type(error).__name__}: {error}",
                    )
                )
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        base = self.settings.bigcommerce_url
        if not base:
            raise SyncFailed("the connector has no BigCommerce URL; set it first")
        url = f"{base.rstrip('/')}/stores/{self.settings.bigcommerce_store_hash}{path}"
        try:
            response = requests.get(
                url,
                params=params,
                headers={
                    "X-Auth-Token": self.settings.bigcommerce_token,
                    "Accept": "application/json",
                },
                timeout=self.settings.bigcommerce_timeout_seconds,
            )
        except requests.RequestException as error:
            raise SyncFailed(f"GET {path} failed: {type(error).__name__}") from error
        if response.status_code != 200:
            raise SyncFailed(f"GET {path} answered {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise SyncFailed(f"GET {path} answered a body that is not JSON") from error

    def _metafields(self, order_id: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(1, MAX_METAFIELD_PAGES + 1):
            body = self._get(
                f"/v3/orders/{order_id}/metafields",
                {"namespace": NAMESPACE, "page": page, "limit": METAFIELD_PAGE_LIMIT},
            )
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise SyncFailed("the metafields response has no data array")
            found.extend(item for item in data if isinstance(item, dict))
            pagination = (body.get("meta") or {}).get("pagination") or {}
            if page >= int(pagination.get("total_pages") or 1):
                break
        return found

    def _payload(self, order: dict[str, Any], block: CheckoutPlusBlock | None) -> dict[str, Any]:
        currency = order.get("currency_code") or order["default_currency_code"]
        payload: dict[str, Any] = {
            "name": f"#{order['id']}",
            "external_id": str(order["id"]),
            "sales_channel": "BigCommerce",
            "total_price": {
                "amount": to_minor(order["total_inc_tax"], currency),
                "currency_code": currency,
            },
            "total_taxes": {
                "amount": to_minor(order.get("total_tax") or "0", currency),
                "currency_code": currency,
            },
            "line_items": [],
            "fees": [],
            "metadata": [],
        }
        if block is not None:
            payload["fees"] = [
                {
                    "name": block.fee_name,
                    "amount": {"amount": block.fee_amount, "currency_code": block.fee_currency},
                    "accepted_offer_mode": block.accepted_offer_mode,
                }
            ]
            payload["metadata"] = [{"key": "session_id", "value": block.session_id}]
        return payload
