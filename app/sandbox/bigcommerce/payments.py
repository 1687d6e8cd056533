"""Payments: accepted methods, payment access tokens and card payments with test cards."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from flask import request

from app.sandbox.minor_units import to_minor

from .errors import payments_error
from .orders import set_status
from .state import Order
from .state import PaymentToken
from .validation import obj
from .validation import problems
from .validation import read_json
from .validation import string
from .web import PAYMENTS
from .web import V3
from .web import api_blueprint
from .web import locked
from .web import store

bp = api_blueprint("bc_payment_tokens", V3)
gateway = api_blueprint("bc_payments", PAYMENTS)

PAYMENT_METHOD_ID = "sandbox.card"
PAYMENTS_ACCEPT = "application/vnd.bc.v1+json"
PAT_HEADER = re.compile(r"^PAT (\S+)$")


@dataclass(frozen=True)
class CardOutcome:
    """What the sandbox gateway answers for a card number."""

    status: int  # HTTP status: 201 success, 422 declined, 500 gateway trouble
    code: int | None = None  # BigCommerce Payments error code
    title: str = ""
    decline_code: str = ""


TEST_CARDS: dict[str, CardOutcome] = {
    "4111111111111111": CardOutcome(201),
    "4242424242424242": CardOutcome(201),
    "5555555555554444": CardOutcome(201),
    "4000000000000002": CardOutcome(
        422,
        30104,
        "There was a problem processing your card. Please contact your card issuer.",
        "card_declined",
    ),
    "4000000000009995": CardOutcome(
        422, 30106, "The payment was declined due to insufficient funds.", "insufficient_funds"
    ),
    "4000000000000069": CardOutcome(
        422, 30103, "Your card has expired. Please try again with a valid card.", "expired_card"
    ),
    "4000000000000127": CardOutcome(
        422,
        30102,
        "Your card details could not be verified. Please double check them and try again.",
        "incorrect_cvc",
    ),
    "4000000000000119": CardOutcome(
        500,
        10000,
        "We're experiencing difficulty processing your transaction. Please try again later.",
        "processing_error",
    ),
}
"""The sandbox gateway's test cards (use any holder name, any 3-4 digit CVV, a future expiry).

* 4111111111111111, 4242424242424242 (Visa), 5555555555554444 (Mastercard): payment succeeds;
  the order moves to 11 Awaiting Fulfillment and the cart is deleted.
* 4000000000000002: declined, 422, code 30104, decline_code ``card_declined``.
* 4000000000009995: declined for insufficient funds, 422, code 30106.
* 4000000000000069: expired card, 422, code 30103 (so is any card whose expiry has passed).
* 4000000000000127: incorrect CVC, 422, code 30102.
* 4000000000000119: processing error, 500 (the spec's ``default`` error), code 10000.
* Any other number that passes the Luhn check succeeds; one that fails it is 422, code 30102.
"""

CARD = obj(
    {
        "type": string(),
        "number": string(1),
        "cardholder_name": string(1),
        "expiry_month": {"type": "integer", "minimum": 1, "maximum": 12},
        "expiry_year": {"type": "integer", "minimum": 1000, "maximum": 9999},
        "verification_value": string(3, 4),
    },
    required=(
        "type",
        "number",
        "cardholder_name",
        "expiry_month",
        "expiry_year",
        "verification_value",
    ),
)
PAYMENT_REQUEST = obj(
    {
        "payment": obj(
            {
                "instrument": {"type": "object"},
                "payment_method_id": string(1),
                "save_instrument": {"type": "boolean"},
            },
            required=("instrument", "payment_method_id"),
        )
    },
    required=("payment",),
)
TOKEN_REQUEST = obj(
    {
        "order": obj(
            {"id": {"type": "integer", "minimum": 1}, "is_recurring": {"type": "boolean"}},
            required=("id",),
        )
    },
    required=("order",),
)


def _b64(data: bytes) -> str:
    """Unpadded base64url, as JWTs use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _order(order_id: int) -> Order:
    """Find an order; the Payments API's 404 (code 30003) otherwise."""
    order = store().orders.get(order_id)
    if order is None:
        raise payments_error(
            404, "Order could not be found.", 30003, f"Order {order_id} does not exist."
        )
    return order


def _invalid(found: dict[str, str]) -> Exception:
    """A Payments API 422 (code 10001) naming the invalid fields."""
    field, message = next(iter(found.items()))
    return payments_error(
        422,
        "Unable to process the payment because invalid data was supplied with the transaction.",
        10001,
        f"{field}: {message}",
        found,
    )


def issue_token(order: Order) -> str:
    """Create a signed, JWT-shaped payment access token for an order (amount in minor units)."""
    settings = store().settings
    issued = int(time.time())
    claims = {
        "iss": "payments.bigcommerce.com",
        "sub": settings.store_hash,
        "jti": str(uuid.uuid4()),
        "iat": issued,
        "nbf": issued,
        "exp": issued + settings.payment_token_ttl_seconds,
        "data": {
            "store_id": settings.store_id,
            "order_id": order.id,
            "amount": to_minor(order.totals["total_inc_tax"], order.currency),
            "currency": order.currency,
        },
    }
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(
        settings.client_secret.encode(), f"{header}.{body}".encode(), hashlib.sha256
    ).digest()
    token = f"{header}.{body}.{_b64(signature)}"
    store().payment_tokens[token] = PaymentToken(order.id, claims["exp"])
    return token


@bp.get("/payments/methods")
@locked
def payment_methods() -> dict[str, Any]:
    """List the payment methods accepted for an order or checkout."""
    order_id, checkout_id = request.args.get("order_id"), request.args.get("checkout_id")
    if order_id:
        if not order_id.isdigit():
            raise _invalid({"order_id": "must be an integer"})
        _order(int(order_id))
    elif checkout_id:
        if checkout_id not in store().carts:
            raise payments_error(
                404, "Checkout could not be found.", None, f"Checkout {checkout_id} does not exist."
            )
    else:
        raise payments_error(400, "Either order_id or checkout_id is required.")
    method = {
        "id": PAYMENT_METHOD_ID,
        "name": "Sandbox card gateway",
        "test_mode": True,
        "type": "card",
        "stored_instruments": [],
        "supported_instruments": [
            {"instrument_type": brand, "verification_value_required": True}
            for brand in ("VISA", "MASTERCARD")
        ],
    }
    return {"data": [method], "meta": {}}


@bp.post("/payments/access_tokens")
@locked
def create_access_token() -> tuple[dict[str, Any], int]:
    """Create a single-use payment access token for an order; it expires after an hour."""
    body = read_json()
    found = problems(body, TOKEN_REQUEST)
    if found:
        raise _invalid(found)
    token = issue_token(_order(body["order"]["id"]))
    return {"data": {"id": token}, "meta": {}}, 201


def _spend_token() -> PaymentToken:
    """Check the ``Authorization: PAT <token>`` header and use the token up."""
    match = PAT_HEADER.match(request.headers.get("Authorization", ""))
    token = store().payment_tokens.get(match.group(1)) if match else None
    if token is None or token.used or token.expires_at < time.time():
        raise payments_error(
            401,
            "Unauthorized",
            None,
            "Send a valid, unused payment access token as 'Authorization: PAT <token>'.",
        )
    token.used = True
    return token


def _luhn_ok(number: str) -> bool:
    """Whether a card number passes the Luhn check."""
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def _card_outcome(card: dict[str, Any]) -> CardOutcome:
    """Decide a card payment: expired cards and test cards first, then the Luhn check."""
    number = re.sub(r"[\s-]", "", card["number"])
    today = dt.datetime.now(dt.UTC).date()
    if (card["expiry_year"], card["expiry_month"]) < (today.year, today.month):
        return TEST_CARDS["4000000000000069"]
    if number in TEST_CARDS:
        return TEST_CARDS[number]
    if number.isdigit() and 12 <= len(number) <= 19 and _luhn_ok(number):
        return CardOutcome(201)
    return TEST_CARDS["4000000000000127"]


@gateway.post("/payments")
@locked
def process_payment() -> tuple[dict[str, Any], int]:
    """Charge a card for an Incomplete order (payments.bigcommerce.com)."""
    accepted = [part.split(";")[0].strip() for part in request.headers.get("Accept", "").split(",")]
    if PAYMENTS_ACCEPT not in accepted:
        # Only 400/401/422/default are documented; a wrong Accept is a malformed request.
        raise payments_error(
            400, "Invalid Accept header", None, f"The Accept header must be '{PAYMENTS_ACCEPT}'."
        )
    token = _spend_token()
    body = read_json()
    found = problems(body, PAYMENT_REQUEST)
    if found:
        raise _invalid(found)
    payment = body["payment"]
    if payment["payment_method_id"] != PAYMENT_METHOD_ID:
        raise payments_error(
            422,
            "Merchant payment configuration could not be found.",
            30000,
            f"Use payment_method_id '{PAYMENT_METHOD_ID}'.",
        )
    order = store().orders[token.order_id]
    if order.status_id != 0:
        raise payments_error(
            422,
            "Order is invalid.",
            30101,
            f"Order {order.id} is not in the Incomplete status (status_id 0).",
        )
    instrument = payment["instrument"]
    if instrument.get("type") != "card":
        raise _invalid({"payment.instrument.type": "the sandbox gateway accepts cards only"})
    found = {f"payment.instrument.{k}": v for k, v in problems(instrument, CARD).items()}
    if found:
        raise _invalid(found)
    outcome = _card_outcome(instrument)
    if outcome.status != 201:
        errors = {"decline_code": outcome.decline_code}
        raise payments_error(outcome.status, outcome.title, outcome.code, outcome.title, errors)
    return {"data": _capture(order), "meta": {}}, 201


def _capture(order: Order) -> dict[str, Any]:
    """Mark the order paid, delete its cart and announce both, as BigCommerce does."""
    state = store()
    transaction_id = str(uuid.uuid4())
    order.payment_status = "captured"
    order.payment_method = "Credit Card"
    order.payment_provider_id = transaction_id
    # What the card was charged: the order's total as it stands when paid.
    order.captured_amount = to_minor(order.totals["total_inc_tax"], order.currency)
    set_status(state, order, 11)
    if state.carts.pop(order.cart_id, None) is not None:
        state.emit(
            "store/cart/converted", {"type": "cart", "id": order.cart_id, "orderId": order.id}
        )
    return {"id": transaction_id, "transaction_type": "purchase", "status": "success"}
